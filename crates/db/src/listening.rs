//! The listening report: which issues people raise in conversations, and
//! the shared problems needs for help point to, and where, over a period.
//! Counts come from tallies kept by day and by month (see migration 0028),
//! and from the raisings for part-days; the drill-down lists only
//! conversations whose person the reader may see, and needs only for
//! coordinators.

use std::collections::HashMap;

use chrono::{DateTime, Datelike, Days, Months, NaiveDate, NaiveTime, Utc};
use tredegar_domain::ThemeId;

use crate::conversations::{Conversation, with_themes};
use crate::{Page, Result, Scope, Sql, Tx};

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

/// Where a period's counts are read: whole months from the monthly tallies,
/// whole days from the daily ones, and the part-days at its edges from the
/// raisings themselves, so the answer is exact wherever the period falls
/// (a group's midnight is rarely UTC's).
#[derive(Debug, Default, PartialEq)]
struct Pieces {
    raw: Vec<(DateTime<Utc>, DateTime<Utc>)>,
    days: Vec<(String, String)>,
    months: Option<(String, String)>,
}

impl Pieces {
    fn of(from: DateTime<Utc>, to: DateTime<Utc>) -> Pieces {
        let midnight = |d: NaiveDate| d.and_time(NaiveTime::MIN).and_utc();
        let day = |d: NaiveDate| d.format("%Y-%m-%d").to_string();
        let mut p = Pieces::default();
        let first_day = if midnight(from.date_naive()) == from { from.date_naive() } else { from.date_naive() + Days::new(1) };
        let end_day = to.date_naive();
        if first_day >= end_day {
            if from < to {
                p.raw.push((from, to));
            }
            return p;
        }
        if from < midnight(first_day) {
            p.raw.push((from, midnight(first_day)));
        }
        if midnight(end_day) < to {
            p.raw.push((midnight(end_day), to));
        }
        let first_month = if first_day.day() == 1 { first_day } else { first_day.with_day(1).unwrap_or(first_day) + Months::new(1) };
        let end_month = end_day.with_day(1).unwrap_or(end_day);
        if first_month >= end_month {
            p.days.push((day(first_day), day(end_day)));
            return p;
        }
        if first_day < first_month {
            p.days.push((day(first_day), day(first_month)));
        }
        if end_month < end_day {
            p.days.push((day(end_month), day(end_day)));
        }
        let month = |d: NaiveDate| d.format("%Y-%m").to_string();
        p.months = Some((month(first_month), month(end_month)));
        p
    }
}

/// Counts from conversations and from needs for help that point to a
/// shared problem, added together.
async fn counts(tx: &mut Tx, scope: &Scope, from: DateTime<Utc>, to: DateTime<Utc>, by_area: bool) -> Result<Vec<Counted>> {
    // Count by id (and area) from each index alone, then name the few themes.
    let (area, group) = if by_area { ("r.area", " GROUP BY r.theme_id, r.area") } else { ("''", " GROUP BY r.theme_id") };
    let mut q = Sql::new("SELECT raised.theme_id, t.name, raised.area, CAST(SUM(raised.n) AS BIGINT) AS n FROM (");
    let pieces = Pieces::of(from, to);
    if pieces == Pieces::default() {
        return Ok(Vec::new());
    }
    let mut parts = 0;
    let mut part = |q: &mut Sql, count: &'static str, table: &'static str| {
        if parts > 0 {
            q.push(" UNION ALL ");
        }
        parts += 1;
        q.push("SELECT r.theme_id, ").push(area).push(" AS area, ").push(count).push(" AS n FROM ").push(table);
        q.push(" r WHERE r.group_id = ").bind(scope.group_id());
    };
    for (table, at) in [("conversation_themes", "held_at"), ("need_themes", "raised_at")] {
        for (lo, hi) in &pieces.raw {
            part(&mut q, "COUNT(*)", table);
            q.push(" AND r.").push(at).push(" >= ").bind(*lo).push(" AND r.").push(at).push(" < ").bind(*hi).push(group);
        }
    }
    for (lo, hi) in &pieces.days {
        part(&mut q, "SUM(r.raised)", "listening_days");
        q.push(" AND r.day >= ").bind(lo.as_str()).push(" AND r.day < ").bind(hi.as_str()).push(group);
    }
    if let Some((lo, hi)) = &pieces.months {
        part(&mut q, "SUM(r.raised)", "listening_months");
        q.push(" AND r.month >= ").bind(lo.as_str()).push(" AND r.month < ").bind(hi.as_str()).push(group);
    }
    q.push(") raised JOIN themes t ON t.id = raised.theme_id GROUP BY raised.theme_id, t.name, raised.area HAVING SUM(raised.n) > 0");
    q.fetch_all(tx).await
}

/// One area's count of one theme.
#[derive(Clone, Debug)]
pub struct AreaCount {
    pub area: String,
    pub theme_id: ThemeId,
    pub theme: String,
    pub count: i64,
}

/// The report of a period: its themes ranked, and each area's themes.
pub struct Report {
    /// Most raised first, each with its count in the period of the same
    /// length just before; themes raised only before show as falling to 0.
    pub ranking: Vec<ThemeCount>,
    /// The busiest areas first, and each area's themes most raised first.
    /// Raisings with no known address count under the area "".
    pub areas: Vec<AreaCount>,
}

/// The listening report of `[from, to)`. The period's counts by area also
/// give its ranking, so only the period before is counted a second time.
pub async fn report(tx: &mut Tx, scope: &Scope, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<Report> {
    let rows = counts(tx, scope, from, to, true).await?;
    let before = counts(tx, scope, from - (to - from), from, false).await?;
    let mut ranking: Vec<ThemeCount> = Vec::new();
    for r in &rows {
        match ranking.iter_mut().find(|t| t.theme_id == r.theme_id) {
            Some(t) => t.count += r.n,
            None => ranking.push(ThemeCount { theme_id: r.theme_id, name: r.name.clone(), count: r.n, previous: 0 }),
        }
    }
    for b in before {
        match ranking.iter_mut().find(|t| t.theme_id == b.theme_id) {
            Some(t) => t.previous = b.n,
            None => ranking.push(ThemeCount { theme_id: b.theme_id, name: b.name, count: 0, previous: b.n }),
        }
    }
    ranking.sort_by(|a, b| b.count.cmp(&a.count).then(b.previous.cmp(&a.previous)).then(a.name.cmp(&b.name)));

    let mut totals: HashMap<&str, i64> = HashMap::new();
    for r in &rows {
        *totals.entry(r.area.as_str()).or_default() += r.n;
    }
    let total = |area: &str| totals.get(area).copied().unwrap_or(0);
    let mut areas: Vec<AreaCount> =
        rows.iter().map(|r| AreaCount { area: r.area.clone(), theme_id: r.theme_id, theme: r.name.clone(), count: r.n }).collect();
    areas.sort_by(|a, b| {
        total(&b.area).cmp(&total(&a.area)).then(a.area.cmp(&b.area)).then(b.count.cmp(&a.count)).then(a.theme.cmp(&b.theme))
    });
    Ok(Report { ranking, areas })
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

/// A page of the conversations of a drill-down, newest first, that the
/// scope may see, and how many there are in all.
pub async fn conversations(tx: &mut Tx, scope: &Scope, drill: &Drill<'_>, page: Page) -> Result<(Vec<Conversation>, i64)> {
    let raised = |q: &mut Sql| {
        q.push(" JOIN conversation_themes ct ON ct.conversation_id = c.id WHERE ");
        drill.push(q, scope, ["ct.theme_id", "ct.group_id", "ct.held_at", "ct.area"]);
        q.push(" AND ");
        scope.visible_people(q, "p");
    };
    let mut q = Sql::new(crate::conversations::SELECT);
    raised(&mut q);
    q.push(" ORDER BY ct.held_at DESC, ct.conversation_id DESC").page(page);
    let shown = with_themes(tx, &q).await?;
    let mut q = Sql::new("SELECT COUNT(*) FROM conversations c JOIN people p ON p.id = c.person_id");
    raised(&mut q);
    Ok((shown, q.count(tx).await?))
}

/// A page of the needs for help of a drill-down, newest first, and how many
/// there are. Coordinators only.
pub async fn needs(tx: &mut Tx, scope: &Scope, drill: &Drill<'_>, page: Page) -> Result<(Vec<crate::aid::NeedRow>, i64)> {
    if !scope.role().sees_everyone() {
        return Ok((Vec::new(), 0));
    }
    let raised = |columns: &'static str| {
        let mut q = Sql::new(columns);
        q.push(" JOIN need_themes nt ON nt.need_id = n.id WHERE ");
        drill.push(&mut q, scope, ["nt.theme_id", "nt.group_id", "nt.raised_at", "nt.area"]);
        q
    };
    let mut q = raised(crate::aid::SELECT);
    q.push(" ORDER BY nt.raised_at DESC, nt.need_id DESC").page(page);
    let shown = q.fetch_all(tx).await?;
    Ok((shown, raised("SELECT COUNT(*) FROM needs n").count(tx).await?))
}

#[cfg(test)]
#[allow(clippy::expect_used)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().expect("a time")
    }

    fn days(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
    }

    #[test]
    fn a_period_is_cut_into_whole_months_whole_days_and_part_days() {
        // A winter London year: from UTC midnight to UTC midnight.
        let p = Pieces::of(at("2025-11-26T00:00:00Z"), at("2026-11-27T00:00:00Z"));
        assert_eq!(p.raw, vec![]);
        assert_eq!(p.days, days(&[("2025-11-26", "2025-12-01"), ("2026-11-01", "2026-11-27")]));
        assert_eq!(p.months, Some(("2025-12".into(), "2026-11".into())));

        // A summer London day starts an hour before UTC's.
        let p = Pieces::of(at("2026-03-28T23:00:00Z"), at("2026-06-01T00:00:00Z"));
        assert_eq!(p.raw, vec![(at("2026-03-28T23:00:00Z"), at("2026-03-29T00:00:00Z"))]);
        assert_eq!(p.days, days(&[("2026-03-29", "2026-04-01")]));
        assert_eq!(p.months, Some(("2026-04".into(), "2026-06".into())));

        // Inside one month: days only, and the edges from the raisings.
        let p = Pieces::of(at("2026-11-02T10:30:00Z"), at("2026-11-05T08:00:00Z"));
        assert_eq!(
            p.raw,
            vec![(at("2026-11-02T10:30:00Z"), at("2026-11-03T00:00:00Z")), (at("2026-11-05T00:00:00Z"), at("2026-11-05T08:00:00Z"))]
        );
        assert_eq!(p.days, days(&[("2026-11-03", "2026-11-05")]));
        assert_eq!(p.months, None);

        // Inside one day, and nothing at all.
        let p = Pieces::of(at("2026-11-02T10:30:00Z"), at("2026-11-02T12:00:00Z"));
        assert_eq!((p.raw.len(), p.days.len(), p.months), (1, 0, None));
        assert_eq!(Pieces::of(at("2026-11-02T10:30:00Z"), at("2026-11-02T10:30:00Z")), Pieces::default());
    }
}
