//! The mutual aid report, for coordinators: needs by kind of help and by
//! area, needs asked each week, how long needs took to be taken on and to
//! be met (median and 90th percentile), and what each volunteer did. Each
//! chart is drawn on the server, with its figures as a CSV behind it.

use std::collections::BTreeMap;

use axum::extract::State;
use axum::response::Response;
use chrono::{DateTime, Duration, Utc};
use serde::Deserialize;
use tredegar_db::aid::report::{self, Activity, Reported};
use tredegar_domain::AuditAction;
use tredegar_domain::aid::{HowItWent, NeedStatus};

use crate::auth::{CsrfToken, Organiser};
use crate::extract::Query;
use crate::ui::{Layout, Page, csv_response, render};
use crate::{AppError, AppState, charts};

#[derive(Default, Deserialize)]
pub(super) struct ReportQuery {
    /// The period, in days back from now.
    days: Option<i64>,
    /// One table as CSV: kinds, areas, weeks, times, volunteers or went.
    csv: Option<String>,
}

/// The three ends a need comes to, as the charts stack them.
const SERIES: [&str; 3] = ["Still open", "Done", "Cancelled or expired"];

fn end_of(status: NeedStatus) -> usize {
    match status {
        NeedStatus::Done => 1,
        NeedStatus::Cancelled | NeedStatus::Expired => 2,
        _ => 0,
    }
}

/// Counts by some key, each split by how the needs ended.
fn by(needs: &[Reported], key: impl Fn(&Reported) -> String) -> Vec<(String, Vec<i64>)> {
    let mut counts: BTreeMap<String, Vec<i64>> = BTreeMap::new();
    for n in needs {
        let row = counts.entry(key(n)).or_insert_with(|| vec![0; SERIES.len()]);
        if let Some(c) = row.get_mut(end_of(n.status)) {
            *c += 1;
        }
    }
    counts.into_iter().collect()
}

/// The value at percentile `p` (nearest rank) of sorted values.
fn percentile(sorted: &[f64], p: usize) -> Option<f64> {
    let rank = (sorted.len() * p).div_ceil(100).max(1);
    sorted.get(rank - 1).copied()
}

/// Hours, as people say them.
fn spoken(hours: f64) -> String {
    if hours < 1.0 {
        format!("{:.0} minutes", hours * 60.0)
    } else if hours < 48.0 {
        format!("{hours:.1} hours")
    } else {
        format!("{:.1} days", hours / 24.0)
    }
}

/// How long from asking to `at`, for the needs that got there: median and 90th percentile.
fn times(needs: &[Reported], at: impl Fn(&Reported) -> Option<DateTime<Utc>>) -> (usize, Option<f64>, Option<f64>) {
    let mut hours: Vec<f64> = needs.iter().filter_map(|n| at(n).map(|t| (t - n.created_at).num_minutes() as f64 / 60.0)).collect();
    hours.sort_by(f64::total_cmp);
    (hours.len(), percentile(&hours, 50), percentile(&hours, 90))
}

#[derive(askama::Template)]
#[template(path = "aid/report.html")]
struct ReportPage {
    slug: String,
    days: i64,
    total: usize,
    kinds_svg: String,
    areas_svg: String,
    weeks_svg: String,
    /// What, how many got there, median and 90th percentile, in words.
    times: Vec<(&'static str, usize, String, String)>,
    volunteers: Vec<Activity>,
    volunteers_svg: String,
    went_svg: String,
}

pub(super) async fn page(
    State(state): State<AppState>,
    Organiser(scope): Organiser,
    csrf: CsrfToken,
    Query(q): Query<ReportQuery>,
) -> Result<Response, AppError> {
    let days = q.days.unwrap_or(90).clamp(7, 3650);
    let now = state.clock.now();
    let since = now - Duration::days(days);
    let mut tx = state.db.read().await?;
    let needs = report::needs_since(&mut tx, &scope, since).await?;
    let volunteers = report::activity_since(&mut tx, &scope, since).await?;
    drop(tx);
    let kinds = by(&needs, |n| n.category.clone());
    let areas: Vec<(String, i64)> = by(&needs, |n| n.district.clone()).into_iter().map(|(k, v)| (k, v.iter().sum())).collect();
    let weeks = by(&needs, |n| n.created_at.date_naive().week(chrono::Weekday::Mon).first_day().format("%Y-%m-%d").to_string());
    let to_match = times(&needs, |n| n.accepted_at);
    let to_meet = times(&needs, |n| n.done_at);
    let words =
        |(n, median, p90): (usize, Option<f64>, Option<f64>)| (n, median.map_or("–".into(), spoken), p90.map_or("–".into(), spoken));
    let (m, f) = (words(to_match), words(to_meet));
    let times = vec![("Taken on by a volunteer", m.0, m.1, m.2), ("Met", f.0, f.1, f.2)];
    let went = how_it_went(&needs);
    if let Some(which) = q.csv.as_deref() {
        let tables = Tables { kinds: &kinds, areas: &areas, weeks: &weeks, times: &times, volunteers: &volunteers, went: &went };
        return csv(&state, &scope, which, &tables).await;
    }
    let series: Vec<String> = SERIES.iter().map(|s| s.to_string()).collect();
    let kinds_svg = charts::stacked_columns("Needs by kind of help", &series, &kinds);
    let areas_svg = charts::bars("Needs by area", &areas);
    let weeks_svg = charts::stacked_columns("Needs asked each week", &series, &weeks);
    let done: Vec<(String, i64)> = volunteers.iter().map(|v| (v.name.clone(), v.done)).collect();
    let volunteers_svg = charts::bars("Needs met, by volunteer", &done);
    let went_svg = charts::bars("How it went, in the words of those helped", &went);
    render(Page::new(Layout::for_scope("Mutual aid report", &scope, csrf), |_| ReportPage {
        slug: scope.group_slug().into(),
        days,
        total: needs.len(),
        kinds_svg,
        areas_svg,
        weeks_svg,
        times,
        volunteers,
        volunteers_svg,
        went_svg,
    }))
}

/// Of the needs met, how the ones helped said it went, and how many have not said.
fn how_it_went(needs: &[Reported]) -> Vec<(String, i64)> {
    let done: Vec<&Reported> = needs.iter().filter(|n| n.status == NeedStatus::Done).collect();
    let mut rows: Vec<(String, i64)> =
        HowItWent::ALL.iter().map(|h| (h.short().to_string(), done.iter().filter(|n| n.feedback == Some(*h)).count() as i64)).collect();
    rows.push(("Not said yet".into(), done.iter().filter(|n| n.feedback.is_none()).count() as i64));
    rows
}

/// The report's tables, for its CSVs.
struct Tables<'a> {
    kinds: &'a [(String, Vec<i64>)],
    areas: &'a [(String, i64)],
    weeks: &'a [(String, Vec<i64>)],
    times: &'a [(&'a str, usize, String, String)],
    volunteers: &'a [Activity],
    went: &'a [(String, i64)],
}

/// One table of the report as CSV; downloading it is in the audit log.
async fn csv(state: &AppState, scope: &tredegar_db::Scope, which: &str, t: &Tables<'_>) -> Result<Response, AppError> {
    let counts = |rows: &[(String, i64)]| -> Vec<Vec<String>> { rows.iter().map(|(k, v)| vec![k.clone(), v.to_string()]).collect() };
    let split = |rows: &[(String, Vec<i64>)]| -> Vec<Vec<String>> {
        rows.iter().map(|(k, v)| std::iter::once(k.clone()).chain(v.iter().map(i64::to_string)).collect()).collect()
    };
    let (names, rows): (&[&str], Vec<Vec<String>>) = match which {
        "kinds" => (&["kind of help", "still open", "done", "cancelled or expired"], split(t.kinds)),
        "weeks" => (&["week starting", "still open", "done", "cancelled or expired"], split(t.weeks)),
        "areas" => (&["area", "needs"], counts(t.areas)),
        "went" => (&["how it went", "needs met"], counts(t.went)),
        "times" => (
            &["from asking to", "needs", "median", "90th percentile"],
            t.times.iter().map(|(w, n, m, p)| vec![w.to_string(), n.to_string(), m.clone(), p.clone()]).collect(),
        ),
        "volunteers" => (
            &["volunteer", "offered", "accepted", "declined or unanswered", "done"],
            t.volunteers
                .iter()
                .map(|v| vec![v.name.clone(), v.offered.to_string(), v.accepted.to_string(), v.declined.to_string(), v.done.to_string()])
                .collect(),
        ),
        _ => return Err(AppError::not_found()),
    };
    let mut tx = state.db.write().await?;
    tredegar_db::audit::record(&mut tx, scope, AuditAction::Export, "mutual aid report", which, state.clock.now()).await?;
    tx.commit().await?;
    csv_response(&format!("mutual-aid-{which}.csv"), names, rows)
}

#[cfg(test)]
mod tests {
    use super::percentile;

    #[test]
    fn percentiles_are_the_nearest_rank() {
        let v: Vec<f64> = (1..=10).map(f64::from).collect();
        assert_eq!((percentile(&v, 50), percentile(&v, 90)), (Some(5.0), Some(9.0)));
        assert_eq!(percentile(&[7.0], 90), Some(7.0));
        assert_eq!(percentile(&[], 50), None);
    }
}
