//! Charts drawn on the server as SVG: no script, they print, and a screen
//! reader gets the title and a description. Colours come from the stylesheet
//! (`.series-N`), so they follow light and dark mode.

use askama::Template;

pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
    pub series: usize,
    pub title: String,
}

pub struct Label {
    pub x: f64,
    pub y: f64,
    pub text: String,
}

#[derive(Template)]
#[template(path = "charts/chart.svg", escape = "html")]
struct Chart<'a> {
    /// Names the title and description, unique on the page.
    id: String,
    width: f64,
    height: f64,
    title: &'a str,
    description: String,
    rects: Vec<Rect>,
    labels: Vec<Label>,
    legend: Vec<(usize, &'a str)>,
}

const WIDTH: f64 = 640.0;
const PLOT_TOP: f64 = 10.0;
const PLOT_HEIGHT: f64 = 220.0;
/// The legend's line height, for text 22 units high.
const LEGEND_ROW: f64 = 30.0;

/// Stacked columns, one per moment (`columns`: its label and a count per
/// series), each series a colour named in the legend.
pub fn stacked_columns(title: &str, series: &[String], columns: &[(String, Vec<i64>)]) -> String {
    let max = columns.iter().map(|(_, v)| v.iter().sum::<i64>()).max().unwrap_or(0).max(1) as f64;
    let n = columns.len().max(1) as f64;
    let slot = WIDTH / n;
    let w = (slot * 0.7).max(2.0);
    let mut rects = Vec::new();
    let mut labels = Vec::new();
    let mut description = Vec::new();
    // Labels whole, and apart: where columns are narrower than the widest
    // label (22-unit text is about 12 units a letter), only every so many
    // columns is labelled, from the first.
    let widest = columns.iter().map(|(l, _)| l.chars().count()).max().unwrap_or(0) as f64 * 12.0 + 16.0;
    let labelled_every = (widest / slot).ceil().max(1.0) as usize;
    for (i, (label, values)) in columns.iter().enumerate() {
        let x = i as f64 * slot + (slot - w) / 2.0;
        let mut y = PLOT_TOP + PLOT_HEIGHT;
        for (s, v) in values.iter().enumerate() {
            let h = *v as f64 / max * PLOT_HEIGHT;
            y -= h;
            let name = series.get(s).map_or("", String::as_str);
            rects.push(Rect { x, y, w, h, series: s, title: format!("{label}: {name} {v}") });
        }
        if i % labelled_every == 0 {
            labels.push(Label { x: x + w / 2.0, y: PLOT_TOP + PLOT_HEIGHT + 26.0, text: label.clone() });
        }
        let parts: Vec<String> =
            values.iter().enumerate().map(|(s, v)| format!("{} {v}", series.get(s).map_or("", String::as_str))).collect();
        description.push(format!("{label}: {}", parts.join(", ")));
    }
    let height = PLOT_TOP + PLOT_HEIGHT + 44.0 + LEGEND_ROW * series.len() as f64;
    draw(title, height, description.join("; "), rects, labels, series)
}

/// Horizontal bars, one per row, longest first as given.
pub fn bars(title: &str, rows: &[(String, i64)]) -> String {
    let max = rows.iter().map(|(_, v)| *v).max().unwrap_or(0).max(1) as f64;
    let row_height = 36.0;
    let label_width = 260.0;
    let mut rects = Vec::new();
    let mut labels = Vec::new();
    for (i, (label, v)) in rows.iter().enumerate() {
        let y = PLOT_TOP + i as f64 * row_height;
        let w = *v as f64 / max * (WIDTH - label_width - 60.0);
        rects.push(Rect { x: label_width, y, w, h: row_height * 0.75, series: 0, title: format!("{label}: {v}") });
        labels.push(Label { x: label_width - 8.0, y: y + row_height * 0.55, text: label.clone() });
        labels.push(Label { x: label_width + w + 30.0, y: y + row_height * 0.55, text: v.to_string() });
    }
    let description = rows.iter().map(|(l, v)| format!("{l} {v}")).collect::<Vec<_>>().join("; ");
    let height = PLOT_TOP + rows.len() as f64 * row_height + 10.0;
    draw(title, height, description, rects, labels, &[])
}

fn draw(title: &str, height: f64, description: String, rects: Vec<Rect>, labels: Vec<Label>, series: &[String]) -> String {
    let legend = series.iter().enumerate().map(|(i, s)| (i, s.as_str())).collect();
    let id = format!("chart-{}", tredegar_domain::groups::slugify(title));
    let chart = Chart { id, width: WIDTH, height, title, description, rects, labels, legend };
    chart.render().unwrap_or_default()
}

impl Chart<'_> {
    fn legend_y(&self, i: &usize) -> f64 {
        PLOT_TOP + PLOT_HEIGHT + 60.0 + LEGEND_ROW * *i as f64
    }
}

/// A person placed on a network drawing.
pub struct Node {
    pub x: f64,
    pub y: f64,
    pub name: String,
    pub step: usize,
    /// Where the name is written: beside the point, away from the centre,
    /// so that names on one ring run apart rather than into each other.
    pub label_x: f64,
    pub label_y: f64,
    pub anchor: &'static str,
}

/// A link drawn between two placed people.
pub struct Edge {
    pub x1: f64,
    pub y1: f64,
    pub x2: f64,
    pub y2: f64,
    pub title: String,
}

#[derive(Template)]
#[template(path = "charts/network.svg", escape = "html")]
struct NetworkChart<'a> {
    id: String,
    title: &'a str,
    description: String,
    nodes: Vec<Node>,
    edges: Vec<Edge>,
}

/// People around someone, in rings by how many steps away they are (the
/// person at the centre, step 0), with their links as lines.
pub fn network(title: &str, people: &[(String, usize)], links: &[(usize, usize, String)]) -> String {
    let (cx, cy) = (WIDTH / 2.0, 250.0);
    let mut nodes: Vec<Node> = Vec::with_capacity(people.len());
    for (name, step) in people {
        let ring = people.iter().filter(|(_, s)| s == step).count().max(1);
        let place = people.iter().take(nodes.len()).filter(|(_, s)| s == step).count();
        // Each ring starts at the top and goes round; the second is turned half a place.
        let turn = (place as f64 + if *step == 2 { 0.5 } else { 0.0 }) / ring as f64;
        let angle = turn * std::f64::consts::TAU - std::f64::consts::FRAC_PI_2;
        // Rings taller than wide: names are written beside their points.
        let ring_number = (*step).min(2) as f64;
        let (x, y) = (cx + ring_number * 85.0 * angle.cos(), cy + ring_number * 110.0 * angle.sin());
        let (dx, dy) = if *step == 0 { (0.0, 1.0) } else { (angle.cos(), angle.sin()) };
        let anchor = if dx > 0.3 {
            "start"
        } else if dx < -0.3 {
            "end"
        } else {
            "middle"
        };
        let (label_x, label_y) = (x + dx * 14.0, y + dy * 14.0 + if dy > 0.3 { 12.0 } else { 5.0 });
        nodes.push(Node { x, y, name: short_name(name), step: *step, label_x, label_y, anchor });
    }
    let edges = links
        .iter()
        .filter_map(|(a, b, kind)| {
            let title = format!("{} – {}: {kind}", people.get(*a)?.0, people.get(*b)?.0);
            let (a, b) = (nodes.get(*a)?, nodes.get(*b)?);
            Some(Edge { x1: a.x, y1: a.y, x2: b.x, y2: b.y, title })
        })
        .collect::<Vec<_>>();
    let description = edges.iter().map(|e| e.title.clone()).collect::<Vec<_>>().join("; ");
    let id = format!("chart-{}", tredegar_domain::groups::slugify(title));
    NetworkChart { id, title, description, nodes, edges }.render().unwrap_or_default()
}

/// A name as a network writes it beside a point: the first name and the
/// last name's initial ("Siân C."), at most 12 letters; the page lists the
/// links in full under the picture.
fn short_name(name: &str) -> String {
    let words: Vec<&str> = name.split_whitespace().collect();
    let short = match (words.first(), words.last().and_then(|w| w.chars().next())) {
        (Some(first), Some(initial)) if words.len() > 1 => format!("{first} {initial}."),
        _ => name.to_string(),
    };
    if short.chars().count() > 12 { format!("{}…", short.chars().take(11).collect::<String>()) } else { short }
}

/// An actor on a power map.
pub struct MapActor {
    pub name: String,
    pub influence: i64,
    pub stance: i64,
    /// A decision-maker the campaign aims at: drawn as a square.
    pub target: bool,
}

/// An actor as drawn: the point, and the actor.
struct Drawn<'a> {
    x: f64,
    y: f64,
    actor: &'a MapActor,
    /// The name as drawn (a long one cut short), and where, clear of others at the same place.
    label: String,
    label_y: f64,
}

#[derive(Template)]
#[template(path = "charts/power_map.svg", escape = "html")]
struct PowerMapChart<'a> {
    id: String,
    title: &'a str,
    description: String,
    actors: Vec<Drawn<'a>>,
    edges: Vec<Edge>,
    /// The grid's lines: x for each stance, y for each influence.
    columns: Vec<(i64, f64)>,
    rows: Vec<(i64, f64)>,
}

const MAP_LEFT: f64 = 70.0;
const MAP_TOP: f64 = 20.0;
const MAP_SIZE: f64 = 540.0;

/// Where a placing is drawn: stance across (−5 at the left, +5 at the
/// right), influence up (10 at the top).
pub fn map_point(stance: i64, influence: i64) -> (f64, f64) {
    (MAP_LEFT + (stance + 5) as f64 / 10.0 * MAP_SIZE, MAP_TOP + (10 - influence) as f64 / 10.0 * MAP_SIZE)
}

/// A power map: each actor on a grid of influence against stance, those
/// who share a place set side by side, with arrows for who influences whom
/// (`links` as indexes into `actors`).
pub fn power_map(title: &str, actors: &[MapActor], links: &[(usize, usize)]) -> String {
    let mut drawn: Vec<Drawn> = Vec::with_capacity(actors.len());
    for actor in actors {
        let (x, y) = map_point(actor.stance, actor.influence);
        let before = drawn.iter().filter(|d| d.actor.stance == actor.stance && d.actor.influence == actor.influence).count() as f64;
        // 0, +1, −1, +2, −2 … places of 18 units beside the point.
        let step = ((before + 1.0) / 2.0).floor() * if before as i64 % 2 == 1 { 1.0 } else { -1.0 };
        let label = if actor.name.chars().count() > 16 {
            format!("{}…", actor.name.chars().take(15).collect::<String>().trim_end())
        } else {
            actor.name.clone()
        };
        // Labels of actors at one place stack upwards, one line each.
        drawn.push(Drawn { x: x + step * 18.0, y, actor, label, label_y: y - 14.0 - before * 24.0 });
    }
    let edges = links
        .iter()
        .filter_map(|(a, b)| {
            let (a, b) = (drawn.get(*a)?, drawn.get(*b)?);
            Some(Edge { x1: a.x, y1: a.y, x2: b.x, y2: b.y, title: format!("{} influences {}", a.actor.name, b.actor.name) })
        })
        .collect::<Vec<_>>();
    let mut description: Vec<String> =
        actors.iter().map(|a| format!("{}: influence {}, stance {:+}", a.name, a.influence, a.stance)).collect();
    description.extend(edges.iter().map(|e| e.title.clone()));
    let columns = (-5..=5).map(|s| (s, map_point(s, 0).0)).collect();
    let rows = (0..=10).map(|i| (i, map_point(0, i).1)).collect();
    let id = format!("chart-{}", tredegar_domain::groups::slugify(title));
    PowerMapChart { id, title, description: description.join("; "), actors: drawn, edges, columns, rows }.render().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crowded_columns_label_only_some_and_whole() {
        let columns: Vec<(String, Vec<i64>)> = (1..=30).map(|d| (format!("{d} Sep"), vec![d])).collect();
        let svg = stacked_columns("Levels", &["Level 1".into()], &columns);
        assert!(svg.contains(">1 Sep<") && !svg.contains(">2 Sep<") && !svg.contains('…'), "{svg}");
        let few = stacked_columns("Levels", &["Level 1".into()], columns.get(..3).unwrap_or_default());
        assert!(few.contains(">1 Sep<") && few.contains(">2 Sep<") && few.contains(">3 Sep<"), "{few}");
    }

    #[test]
    fn a_network_writes_short_names_beside_their_points() {
        assert_eq!(short_name("Siân Chowdhury"), "Siân C.");
        assert_eq!(short_name("Cher"), "Cher");
        assert_eq!(short_name("Bartholomew-Fitzwilliam Jones"), "Bartholomew…");
        let people =
            [("Ann Davies".to_string(), 0), ("Bob Evans".to_string(), 1), ("Cai Hughes".to_string(), 1), ("Dee Jones".to_string(), 1)];
        let svg = network("Around Ann", &people, &[(0, 1, "Friend".into()), (1, 2, "Neighbour".into())]);
        assert!(svg.contains(">Ann D.</text>") && svg.contains("Bob Evans – Cai Hughes: Neighbour"), "{svg}");
        assert!(svg.contains("text-anchor=\"start\"") && svg.contains("text-anchor=\"end\""), "names run away from the centre: {svg}");
    }
}
