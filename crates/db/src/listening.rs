//! The listening report: which issues people raise in conversations, and
//! where, over a period. Counts come from one index on the themes raised
//! (group, time, theme, area); the drill-down lists only conversations whose
//! person the reader may see.

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

async fn counts(tx: &mut Tx, scope: &Scope, from: DateTime<Utc>, to: DateTime<Utc>, by_area: bool) -> Result<Vec<Counted>> {
    let mut q = Sql::new(if by_area {
        "SELECT ct.theme_id, t.name, ct.area, COUNT(*) AS n FROM conversation_themes ct JOIN themes t ON t.id = ct.theme_id"
    } else {
        "SELECT ct.theme_id, t.name, '' AS area, COUNT(*) AS n FROM conversation_themes ct JOIN themes t ON t.id = ct.theme_id"
    });
    q.push(" WHERE ct.group_id = ").bind(scope.group_id());
    q.push(" AND ct.held_at >= ").bind(from).push(" AND ct.held_at < ").bind(to);
    q.push(if by_area { " GROUP BY ct.theme_id, t.name, ct.area" } else { " GROUP BY ct.theme_id, t.name" });
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

/// The conversations that raised a theme in `[from, to)` (in one area, if
/// given), newest first, that the scope may see.
pub async fn conversations(
    tx: &mut Tx,
    scope: &Scope,
    theme: ThemeId,
    area: Option<&str>,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<Conversation>> {
    let mut q = Sql::new(crate::conversations::SELECT);
    q.push(" JOIN conversation_themes ct ON ct.conversation_id = c.id WHERE ct.theme_id = ").bind(theme);
    q.push(" AND ct.group_id = ").bind(scope.group_id());
    q.push(" AND ct.held_at >= ").bind(from).push(" AND ct.held_at < ").bind(to);
    if let Some(area) = area {
        q.push(" AND ct.area = ").bind(area);
    }
    q.push(" AND ");
    scope.visible_people(&mut q, "p");
    q.push(" ORDER BY ct.held_at DESC LIMIT 500");
    with_themes(tx, &q).await
}
