//! The listening report: which issues people raise in conversations, and
//! the shared problems needs for help point to, and where, over a period.
//! Counts come from one index on each (group, time, theme, area); the
//! drill-down lists only conversations whose person the reader may see, and
//! needs only for coordinators.

use chrono::{DateTime, Utc};
use tredegar_domain::ThemeId;

use crate::conversations::{Conversation, with_themes};
use crate::{Result, Scope, Sql, Tx};

/// How often a theme was raised in the period, and in the one before it.
#[derive(Clone, Debug)]
pub struct ThemeCount {
    pub theme_id: ThemeId,
    pub name: String,
    pub count: i64,
    pub previous: i64,
}

impl ThemeCount {
    /// The change from the previous period, signed ("+3", "-1", "0").
    pub fn change(&self) -> String {
        match self.count - self.previous {
            d if d > 0 => format!("+{d}"),
            d => d.to_string(),
        }
    }
}

#[derive(sqlx::FromRow)]
struct Counted {
    theme_id: ThemeId,
    name: String,
    area: String,
    n: i64,
}

/// Counts from conversations and from needs for help that point to a
/// shared problem, added together.
async fn counts(tx: &mut Tx, scope: &Scope, from: DateTime<Utc>, to: DateTime<Utc>, by_area: bool) -> Result<Vec<Counted>> {
    // Count by id (and area) from each index alone, then name the few themes.
    let (inner, group) = if by_area { ("r.area", " GROUP BY r.theme_id, r.area") } else { ("'' AS area", " GROUP BY r.theme_id") };
    let mut q = Sql::new("SELECT raised.theme_id, t.name, raised.area, CAST(SUM(raised.n) AS BIGINT) AS n FROM (");
    for (i, (table, at)) in [("conversation_themes", "held_at"), ("need_themes", "raised_at")].into_iter().enumerate() {
        if i > 0 {
            q.push(" UNION ALL ");
        }
        q.push("SELECT r.theme_id, ")
            .push(inner)
            .push(", COUNT(*) AS n FROM ")
            .push(table)
            .push(" r WHERE r.group_id = ")
            .bind(scope.group_id());
        q.push(" AND r.").push(at).push(" >= ").bind(from).push(" AND r.").push(at).push(" < ").bind(to).push(group);
    }
    q.push(") raised JOIN themes t ON t.id = raised.theme_id GROUP BY raised.theme_id, t.name, raised.area");
    q.fetch_all(tx).await
}

/// The themes raised in `[from, to)`, most raised first, each with its count
/// in the period of the same length just before.
pub async fn ranking(tx: &mut Tx, scope: &Scope, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<Vec<ThemeCount>> {
    let now = counts(tx, scope, from, to, false).await?;
    let before = counts(tx, scope, from - (to - from), from, false).await?;
    let mut ranked: Vec<ThemeCount> = now
        .into_iter()
        .map(|c| {
            let previous = before.iter().find(|b| b.theme_id == c.theme_id).map_or(0, |b| b.n);
            ThemeCount { theme_id: c.theme_id, name: c.name, count: c.n, previous }
        })
        .collect();
    // Themes raised before but not now show as falling to zero.
    for b in before {
        if !ranked.iter().any(|r| r.theme_id == b.theme_id) {
            ranked.push(ThemeCount { theme_id: b.theme_id, name: b.name, count: 0, previous: b.n });
        }
    }
    ranked.sort_by(|a, b| b.count.cmp(&a.count).then(b.previous.cmp(&a.previous)).then(a.name.cmp(&b.name)));
    Ok(ranked)
}

/// One area's count of one theme.
#[derive(Clone, Debug)]
pub struct AreaCount {
    pub area: String,
    pub theme_id: ThemeId,
    pub theme: String,
    pub count: i64,
}

/// Each area's themes in `[from, to)`, the busiest areas first and each
/// area's themes most raised first. Conversations with no known address
/// count under the area "".
pub async fn by_area(tx: &mut Tx, scope: &Scope, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<Vec<AreaCount>> {
    let rows = counts(tx, scope, from, to, true).await?;
    let total = |area: &str| rows.iter().filter(|r| r.area == area).map(|r| r.n).sum::<i64>();
    let mut out: Vec<AreaCount> =
        rows.iter().map(|r| AreaCount { area: r.area.clone(), theme_id: r.theme_id, theme: r.name.clone(), count: r.n }).collect();
    out.sort_by(|a, b| {
        total(&b.area).cmp(&total(&a.area)).then(a.area.cmp(&b.area)).then(b.count.cmp(&a.count)).then(a.theme.cmp(&b.theme))
    });
    Ok(out)
}

/// What a drill-down lists: the raisings of one theme in `[from, to)`,
/// perhaps in one area.
pub struct Drill<'a> {
    pub theme: ThemeId,
    pub area: Option<&'a str>,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
}

impl Drill<'_> {
    /// Appends its conditions on a table of raisings, by its alias's columns:
    /// theme, group, when, and area.
    fn push(&self, q: &mut Sql, scope: &Scope, [theme, group, at, area]: [&'static str; 4]) {
        q.push(theme).push(" = ").bind(self.theme).push(" AND ").push(group).push(" = ").bind(scope.group_id());
        q.push(" AND ").push(at).push(" >= ").bind(self.from).push(" AND ").push(at).push(" < ").bind(self.to);
        if let Some(a) = self.area {
            q.push(" AND ").push(area).push(" = ").bind(a);
        }
    }
}

/// The conversations of a drill-down, newest first, that the scope may see.
pub async fn conversations(tx: &mut Tx, scope: &Scope, drill: &Drill<'_>) -> Result<Vec<Conversation>> {
    let mut q = Sql::new(crate::conversations::SELECT);
    q.push(" JOIN conversation_themes ct ON ct.conversation_id = c.id WHERE ");
    drill.push(&mut q, scope, ["ct.theme_id", "ct.group_id", "ct.held_at", "ct.area"]);
    q.push(" AND ");
    scope.visible_people(&mut q, "p");
    q.push(" ORDER BY ct.held_at DESC LIMIT 500");
    with_themes(tx, &q).await
}

/// The needs for help of a drill-down, newest first. Coordinators only.
pub async fn needs(tx: &mut Tx, scope: &Scope, drill: &Drill<'_>) -> Result<Vec<crate::aid::NeedRow>> {
    if !scope.role().sees_everyone() {
        return Ok(Vec::new());
    }
    let mut q = Sql::new(crate::aid::SELECT);
    q.push(" JOIN need_themes nt ON nt.need_id = n.id WHERE ");
    drill.push(&mut q, scope, ["nt.theme_id", "nt.group_id", "nt.raised_at", "nt.area"]);
    q.push(" ORDER BY nt.raised_at DESC LIMIT 500");
    q.fetch_all(tx).await
}
