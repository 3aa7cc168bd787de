//! Ranking offers for a need: a documented weighted sum, the same for a
//! need's page (with the reasons) and for the matcher (just the sum).

use chrono::NaiveDate;

use chrono::Datelike;

/// What ranking knows of a need.
#[derive(Clone, Copy, Debug)]
pub struct NeedFacts {
    pub needs_check: bool,
    pub at: Option<(f64, f64)>,
    pub from_on: Option<NaiveDate>,
    pub to_on: Option<NaiveDate>,
    pub today: NaiveDate,
}

/// What ranking knows of one volunteer's offer (already of the need's category).
#[derive(Clone, Debug)]
pub struct Candidate {
    pub checked: bool,
    pub paused: bool,
    pub at: Option<(f64, f64)>,
    pub radius_km: i64,
    pub days: i64,
    pub per_week: i64,
    /// Needs they accepted in the last 7 days.
    pub taken_this_week: i64,
    /// Days since they last finished one; none if never.
    pub days_since_helped: Option<i64>,
    /// Needs they declined this one already.
    pub declined: bool,
}

/// The most each part of the score can give: they sum to 100.
pub const WEIGHTS: [(&str, f64); 4] = [("distance", 40.0), ("availability", 25.0), ("load", 20.0), ("spread", 15.0)];

/// One part of a score, and why it is what it is.
#[derive(Clone, Debug, PartialEq)]
pub struct Part {
    pub factor: &'static str,
    pub points: f64,
    pub why: String,
}

/// Why a candidate must not be offered a need.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Ruled {
    Unchecked,
    Paused,
    Declined,
    AtLimit(i64),
    Beyond(f64, i64),
}

impl Ruled {
    fn words(self) -> String {
        match self {
            Ruled::Unchecked => "not safeguarding-checked, and this kind of help needs it".into(),
            Ruled::Paused => "has paused their offer".into(),
            Ruled::Declined => "declined this need".into(),
            Ruled::AtLimit(taken) => format!("has taken {taken} this week, their limit"),
            Ruled::Beyond(km, radius) => format!("{km:.1} km away, beyond their {radius} km"),
        }
    }
}

/// A candidate's score, part by part, with what the parts were made from.
struct Scored {
    km: Option<f64>,
    free: i64,
    days: i64,
    points: [f64; 4],
}

/// The score's arithmetic, with no words: `rank` says it, `score` sums it.
fn scored(need: &NeedFacts, c: &Candidate) -> Result<Scored, Ruled> {
    if need.needs_check && !c.checked {
        return Err(Ruled::Unchecked);
    }
    if c.paused {
        return Err(Ruled::Paused);
    }
    if c.declined {
        return Err(Ruled::Declined);
    }
    if c.taken_this_week >= c.per_week {
        return Err(Ruled::AtLimit(c.taken_this_week));
    }
    let [(_, w_distance), (_, w_days), (_, w_load), (_, w_spread)] = WEIGHTS;
    let km = need.at.zip(c.at).map(|(a, b)| kilometres(a, b));
    let distance = match km {
        Some(km) if km > c.radius_km.max(1) as f64 => return Err(Ruled::Beyond(km, c.radius_km.max(1))),
        Some(km) => w_distance * (1.0 - km / c.radius_km.max(1) as f64),
        None => w_distance / 2.0,
    };
    // The need's days: its window, or the next 7; a week at most, so each weekday once.
    let first = need.from_on.unwrap_or(need.today).max(need.today);
    let last = need.to_on.unwrap_or(first + chrono::Duration::days(6)).max(first);
    let days = ((last - first).num_days() + 1).clamp(1, 7);
    let week = (1i64 << days) - 1;
    let start = first.weekday().num_days_from_monday();
    let wanted = ((week << start) | (week >> (7 - start))) & 0b111_1111;
    let free = i64::from((c.days & wanted).count_ones());
    let availability = w_days * free as f64 / days.max(1) as f64;
    let load = w_load * (1.0 - c.taken_this_week as f64 / c.per_week.max(1) as f64);
    let spread = c.days_since_helped.map_or(w_spread, |d| w_spread * (d.clamp(0, 14) as f64 / 14.0));
    Ok(Scored { km, free, days, points: [distance, availability, load, spread] })
}

/// A candidate's score out of 100, or none when they must not be offered it.
pub fn score(need: &NeedFacts, c: &Candidate) -> Option<f64> {
    scored(need, c).ok().map(|s| s.points.iter().sum())
}

/// Rank a candidate for a need: `Err` with the reason when they must not be
/// offered it, else the score's parts (their sum is the score, 0 to 100):
/// - distance, 40 × (1 − km ÷ their radius); 20 when either place is unknown;
/// - availability, 25 × the share of the need's days (its window, or the
///   next 7) on which they are free;
/// - load, 20 × (1 − needs taken in the last 7 days ÷ their weekly limit);
/// - spread, 15 × days since they last helped ÷ 14, at most 15 (15 if never),
///   so the work goes round.
pub fn rank(need: &NeedFacts, c: &Candidate) -> Result<Vec<Part>, String> {
    let s = scored(need, c).map_err(Ruled::words)?;
    let [distance, availability, load, spread] = s.points;
    let radius = c.radius_km.max(1);
    let near = match s.km {
        Some(km) => format!("{km:.1} km away, within their {radius} km"),
        None => "distance not known (the need's postcode or theirs is not on the map)".into(),
    };
    let helped = match c.days_since_helped {
        None => "has not helped yet".to_string(),
        Some(..=0) => "last helped today".to_string(),
        Some(1) => "last helped yesterday".to_string(),
        Some(d) => format!("last helped {d} days ago"),
    };
    Ok(vec![
        Part { factor: "distance", points: distance, why: near },
        Part { factor: "availability", points: availability, why: format!("free on {} of the {} days it is needed", s.free, s.days) },
        Part { factor: "load", points: load, why: format!("{} of their {} a week taken", c.taken_this_week, c.per_week) },
        Part { factor: "spread", points: spread, why: helped },
    ])
}

/// The distance between two points on the Earth, in kilometres (haversine).
pub fn kilometres((lat1, lon1): (f64, f64), (lat2, lon2): (f64, f64)) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let (dp, dl) = ((lat2 - lat1).to_radians(), (lon2 - lon1).to_radians());
    let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    6371.0 * 2.0 * a.sqrt().atan2((1.0 - a).sqrt())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn candidate() -> Candidate {
        Candidate {
            checked: false,
            paused: false,
            at: Some((51.7700, -3.2500)),
            radius_km: 5,
            days: 0b0011111,
            per_week: 2,
            taken_this_week: 0,
            days_since_helped: None,
            declined: false,
        }
    }

    #[test]
    fn ranking_keeps_to_the_rules_and_says_why() {
        // A Friday: the window Friday..Sunday, and they are free on weekdays only.
        let need = NeedFacts {
            needs_check: false,
            at: Some((51.7700, -3.2644)),
            from_on: None,
            to_on: Some(day("2026-11-29")),
            today: day("2026-11-27"),
        };
        let parts = rank(&need, &candidate()).unwrap();
        let total: f64 = parts.iter().map(|p| p.points).sum();
        assert!((parts[0].points - 40.0 * (1.0 - kilometres((51.77, -3.2644), (51.77, -3.25)) / 5.0)).abs() < 1e-9);
        assert_eq!(parts[1].why, "free on 1 of the 3 days it is needed");
        assert!((total - (parts[0].points + 25.0 / 3.0 + 20.0 + 15.0)).abs() < 1e-9);
        assert_eq!(score(&need, &candidate()), Some(total), "the sum the matcher uses is the page's");
        let checked = NeedFacts { needs_check: true, ..need };
        assert!(rank(&checked, &candidate()).unwrap_err().contains("safeguarding"));
        assert!(rank(&need, &Candidate { taken_this_week: 2, ..candidate() }).unwrap_err().contains("limit"));
        let far = NeedFacts { at: Some((51.8000, -3.2644)), ..need };
        assert!(rank(&far, &Candidate { radius_km: 1, ..candidate() }).unwrap_err().contains("beyond"));
        let unknown = rank(&NeedFacts { at: None, ..need }, &candidate()).unwrap();
        assert_eq!(unknown[0].points, 20.0);
        assert_eq!(WEIGHTS.iter().map(|(_, w)| w).sum::<f64>(), 100.0);
    }
}
