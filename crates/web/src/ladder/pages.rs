//! The funnel page, the rung editor, and a person's rung set by hand.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Duration;
use serde::Deserialize;
use tredegar_db::ladder::{self, Leader, Step};
use tredegar_domain::contact::{one_line_text, required_line};
use tredegar_domain::ladder::{RULES, RungRule};
use tredegar_domain::{FieldErrors, PersonId, Problem, Role, RungId};

use crate::auth::{Admin, CsrfToken, Member, Organiser};
use crate::extract::{Form, Path, Query};
use crate::paths;
use crate::ui::{Layout, Page, Pager, render_form};
use crate::{AppError, AppState};

#[derive(Default, Deserialize)]
pub(super) struct FunnelQuery {
    notice: Option<String>,
    /// The period the movement covers, in days back from now.
    days: Option<i64>,
    /// Which page of leaders.
    page: Option<i64>,
}

#[derive(Default, Deserialize)]
pub(super) struct RungForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    rule: String,
    #[serde(default)]
    number: String,
    /// The rung it goes just below; empty for the top.
    #[serde(default)]
    below: String,
}

#[derive(Template)]
#[template(path = "ladder/funnel.html")]
struct FunnelPage {
    csrf: String,
    slug: String,
    admin: bool,
    days: i64,
    steps: Vec<Step>,
    chart: String,
    /// This page of leaders, and how many pages there are.
    leaders: Vec<Leader>,
    pager: Pager,
    rules: &'static [(&'static str, &'static str)],
    form: RungForm,
    errors: FieldErrors,
}

/// Leaders listed a page.
const LEADERS_PER_PAGE: i64 = 50;

async fn funnel_page(
    state: &AppState,
    scope: &tredegar_db::Scope,
    csrf: CsrfToken,
    q: FunnelQuery,
    form: RungForm,
    errors: FieldErrors,
) -> Result<Response, AppError> {
    let days = q.days.unwrap_or(90).clamp(1, 3650);
    let now = state.clock.now();
    let mut tx = state.db.read().await?;
    let steps = ladder::funnel(&mut tx, scope, now - Duration::days(days), now).await?;
    let shown = tredegar_db::Page::new(q.page.unwrap_or(1), LEADERS_PER_PAGE);
    let (leaders, total) = ladder::leaders(&mut tx, scope, shown).await?;
    drop(tx);
    // Leaders are named with their level: a political opinion.
    let read: Vec<_> = leaders.iter().map(|l| (l.person_id, scope.group_id())).collect();
    state.record_reads(scope, &read, "listed as leaders to develop").await?;
    let rows: Vec<(String, i64)> = steps.iter().map(|s| (s.rung.name.clone(), s.now)).collect();
    let chart = crate::charts::bars("People on each rung", &rows);
    let notice = crate::ui::Notice { notice: q.notice };
    let has_problems = !errors.is_empty();
    let pager = Pager::new(format!("{}?days={days}", paths::ladder(scope.group_slug())), shown, total).at("#leaders");
    let page = Page::new(Layout::for_scope("Ladder of engagement", scope, csrf).notice(&notice), |layout| FunnelPage {
        csrf: layout.csrf.clone(),
        slug: scope.group_slug().into(),
        admin: scope.role() >= Role::Admin,
        days,
        steps,
        chart,
        leaders,
        pager,
        rules: RULES,
        form,
        errors,
    });
    render_form(page, has_problems)
}

pub(super) async fn funnel(
    State(state): State<AppState>,
    Organiser(scope): Organiser,
    csrf: CsrfToken,
    Query(q): Query<FunnelQuery>,
) -> Result<Response, AppError> {
    funnel_page(&state, &scope, csrf, q, RungForm::default(), FieldErrors::default()).await
}

/// Add a rung, at the top or below another; everyone is placed again by the rules.
pub(super) async fn add_rung(
    State(state): State<AppState>,
    Admin(scope): Admin,
    csrf: CsrfToken,
    Form(form): Form<RungForm>,
) -> Result<Response, AppError> {
    let mut errors = FieldErrors::default();
    let name = errors.check(required_line("name", &form.name, 100));
    let rule = errors.check(RungRule::parse(&form.rule, &form.number));
    let below = errors.check(tredegar_domain::ids::chosen_id::<RungId>("below", &form.below, "choose a rung from the list"));
    let (Some(name), Some(rule), Some(below)) = (name, rule, below) else {
        return funnel_page(&state, &scope, csrf, FunnelQuery::default(), form, errors).await;
    };
    let now = state.clock.now();
    let mut tx = state.db.write().await?;
    match ladder::add_rung(&mut tx, &scope, &name, rule.as_ref(), below, now).await {
        Ok(_) => {}
        Err(tredegar_db::DbError::Invalid(errors)) => {
            drop(tx);
            return funnel_page(&state, &scope, csrf, FunnelQuery::default(), form, errors).await;
        }
        Err(e) => return Err(e.into()),
    }
    ladder::refresh_all(&mut tx, &scope, now).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("{}?notice=saved", paths::ladder(scope.group_slug()))).into_response())
}

pub(super) async fn delete_rung(
    State(state): State<AppState>,
    Admin(scope): Admin,
    Path((_, id)): Path<(String, RungId)>,
) -> Result<Response, AppError> {
    let mut tx = state.db.write().await?;
    ladder::delete_rung(&mut tx, &scope, id, state.clock.now()).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("{}?notice=saved", paths::ladder(scope.group_slug()))).into_response())
}

#[derive(Deserialize)]
pub(super) struct SetRungForm {
    /// A rung's id, or "rules" to let the rules decide.
    #[serde(default)]
    rung: String,
    #[serde(default)]
    reason: String,
}

/// Set a person's rung by hand (with why), or hand them back to the rules.
pub(super) async fn set_rung(
    State(state): State<AppState>,
    Member(scope): Member,
    Path((_, id)): Path<(String, PersonId)>,
    Form(form): Form<SetRungForm>,
) -> Result<Response, AppError> {
    let rung = match form.rung.trim() {
        "rules" => None,
        r => Some(r.parse::<RungId>().map_err(|_| Problem::new("rung", "choose a rung"))?),
    };
    let reason = match rung {
        Some(_) => required_line("reason", &form.reason, 500)?,
        None => one_line_text("reason", &form.reason, 500)?.unwrap_or_default(),
    };
    let mut tx = state.db.write().await?;
    ladder::set_by_hand(&mut tx, &scope, id, rung, &reason, state.clock.now()).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("{}?notice=saved", paths::person(scope.group_slug(), id))).into_response())
}
