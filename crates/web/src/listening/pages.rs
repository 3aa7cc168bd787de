//! The listening report's pages. Organisers only: the counts cover the
//! whole group. The drill-down shows what each person cares about, so it is
//! audited like any read of people.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::Deserialize;
use tredegar_db::conversations::Conversation;
use tredegar_db::listening::{self, AreaCount, ThemeCount};
use tredegar_db::{Scope, audit};
use tredegar_domain::conversations::parse_date;
use tredegar_domain::{AuditAction, FieldErrors, ThemeId};

use crate::auth::{CsrfToken, Organiser};
use crate::extract::{Path, Query};
use crate::paths::{self, encode};
use crate::ui::{Layout, Page, Pager, Zone, csv_response, render, render_form};
use crate::{AppError, AppState};

#[derive(Default, Deserialize)]
pub(super) struct PeriodQuery {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    area: Option<String>,
    /// The drill-down's page, from 1.
    page: Option<i64>,
}

/// The period asked for, both days included: the last 90 days by default.
struct Period {
    from: NaiveDate,
    to: NaiveDate,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
}

impl Period {
    fn read(q: &PeriodQuery, zone: Zone, now: DateTime<Utc>) -> Result<Period, FieldErrors> {
        let today = zone.today(&now);
        let mut errors = FieldErrors::default();
        let from = if q.from.trim().is_empty() { Some(today - Duration::days(89)) } else { errors.check(parse_date("from", &q.from)) };
        let to = if q.to.trim().is_empty() { Some(today) } else { errors.check(parse_date("to", &q.to)) };
        if let (Some(f), Some(t)) = (from, to)
            && f > t
        {
            errors.push(tredegar_domain::Problem::new("from", "must be on or before the end of the period"));
        }
        errors.into_result()?;
        let (Some(from), Some(to)) = (from, to) else { return Err(FieldErrors::default()) };
        Ok(Period { from, to, start: zone.start_of(&from), end: zone.start_of(&(to + Duration::days(1))) })
    }

    fn days(&self) -> i64 {
        (self.to - self.from).num_days() + 1
    }

    /// The query string that keeps this period on links.
    fn query(&self) -> String {
        format!("from={}&to={}", self.from, self.to)
    }
}

#[derive(Template)]
#[template(path = "listening/report.html")]
struct ReportPage {
    slug: String,
    period: Period,
    ranking: Vec<ThemeCount>,
    areas: Vec<AreaCount>,
    chart: String,
    /// A period that could not be read: the form comes back with it named.
    errors: FieldErrors,
}

impl ReportPage {
    fn area_link(&self, a: &AreaCount) -> String {
        format!("{}?{}&area={}", paths::listening_theme(&self.slug, a.theme_id), self.period.query(), encode(&a.area))
    }
}

pub(super) async fn report(
    State(state): State<AppState>,
    Organiser(scope): Organiser,
    csrf: CsrfToken,
    Query(q): Query<PeriodQuery>,
) -> Result<Response, AppError> {
    let zone = Zone::of(&scope);
    let now = state.clock.now();
    let (period, errors) = match Period::read(&q, zone, now) {
        Ok(p) => (p, FieldErrors::default()),
        // The last 90 days, with the problem named above the form.
        Err(errors) => (Period::read(&PeriodQuery::default(), zone, now)?, errors),
    };
    let mut tx = state.db.read().await?;
    let listening::Report { ranking, areas } = listening::report(&mut tx, &scope, period.start, period.end).await?;
    let rows: Vec<(String, i64)> = ranking.iter().filter(|t| t.count > 0).take(12).map(|t| (t.name.clone(), t.count)).collect();
    let chart = crate::charts::bars("Issues raised, most first", &rows);
    let has_problems = !errors.is_empty();
    let page = Page::new(Layout::for_scope("What people raise", &scope, csrf), |_| ReportPage {
        slug: scope.group_slug().into(),
        period,
        ranking,
        areas,
        chart,
        errors,
    });
    render_form(page, has_problems)
}

pub(super) async fn export(
    State(state): State<AppState>,
    Organiser(scope): Organiser,
    Query(q): Query<PeriodQuery>,
) -> Result<Response, AppError> {
    let period = Period::read(&q, Zone::of(&scope), state.clock.now())?;
    let mut tx = state.db.read().await?;
    let listening::Report { ranking, areas } = listening::report(&mut tx, &scope, period.start, period.end).await?;
    drop(tx);
    record_export(&state, &scope, &period).await?;
    let span = format!("{} to {}", period.from, period.to);
    let mut rows: Vec<Vec<String>> = ranking
        .iter()
        .map(|t| vec![t.name.clone(), "all areas".into(), t.count.to_string(), t.previous.to_string(), span.clone()])
        .collect();
    rows.extend(areas.iter().map(|a| vec![a.theme.clone(), area_name(&a.area), a.count.to_string(), String::new(), span.clone()]));
    csv_response(
        &format!("listening-{}-to-{}.csv", period.from, period.to),
        &["issue", "area", "times raised", "previous period", "period"],
        rows,
    )
}

async fn record_export(state: &AppState, scope: &Scope, period: &Period) -> Result<(), AppError> {
    let mut tx = state.db.write().await?;
    let detail = format!("listening report {} to {}", period.from, period.to);
    audit::record(&mut tx, scope, AuditAction::Export, "listening", &detail, state.clock.now()).await?;
    tx.commit().await?;
    Ok(())
}

/// An area as people read it.
fn area_name(area: &str) -> String {
    if area.is_empty() { "no known address".into() } else { area.to_string() }
}

#[derive(Template)]
#[template(path = "listening/theme.html")]
struct ThemePage {
    slug: String,
    zone: Zone,
    theme: String,
    area: Option<String>,
    period: Period,
    /// This page's conversations, of `total`.
    conversations: Vec<Conversation>,
    total: i64,
    pager: Pager,
    /// This page's needs for help that point to it, of `needs_total`.
    needs: Vec<tredegar_db::aid::NeedRow>,
    needs_total: i64,
}

pub(super) async fn theme(
    State(state): State<AppState>,
    Organiser(scope): Organiser,
    csrf: CsrfToken,
    Path((_, theme)): Path<(String, ThemeId)>,
    Query(q): Query<PeriodQuery>,
) -> Result<Response, AppError> {
    let period = Period::read(&q, Zone::of(&scope), state.clock.now())?;
    let mut tx = state.db.read().await?;
    let name = tredegar_db::conversations::themes(&mut tx, &scope)
        .await?
        .into_iter()
        .find(|t| t.id == theme)
        .ok_or_else(AppError::not_found)?
        .name;
    let area = q.area.clone();
    let drill = listening::Drill { theme, area: area.as_deref(), from: period.start, to: period.end };
    let page = tredegar_db::Page::new(q.page.unwrap_or(1), 100);
    let (conversations, total) = listening::conversations(&mut tx, &scope, &drill, page).await?;
    // The needs are paged beside the conversations, by the same page number.
    let (needs, needs_total) = listening::needs(&mut tx, &scope, &drill, page).await?;
    drop(tx);
    let read: Vec<_> = conversations.iter().map(|c| (c.person_id, c.group_id)).collect();
    let mut tx = state.db.write().await?;
    audit::record_reads(&mut tx, &scope, &read, &format!("listening report: who raised {name}"), state.clock.now()).await?;
    tx.commit().await?;
    let title = format!("Who raised {name}");
    let area_query = area.as_deref().map(|a| format!("&area={}", encode(a))).unwrap_or_default();
    let pager = Pager::new(
        format!("{}?{}{}", paths::listening_theme(scope.group_slug(), theme), period.query(), area_query),
        page,
        total.max(needs_total),
    );
    render(Page::new(Layout::for_scope(&title, &scope, csrf), |layout| ThemePage {
        slug: scope.group_slug().into(),
        zone: layout.zone(),
        theme: name,
        area: area.map(|a| area_name(&a)),
        period,
        conversations,
        total,
        pager,
        needs,
        needs_total,
    }))
}
