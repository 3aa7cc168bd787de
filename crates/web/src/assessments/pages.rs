//! Setting an assessment, renaming the levels, and the chart of a campaign's
//! levels over a period.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Duration, Utc};
use serde::Deserialize;
use tredegar_db::{Scope, Tx, assessments};
use tredegar_domain::assessments::LevelNames;
use tredegar_domain::contact::one_line_text;
use tredegar_domain::{CampaignId, FieldErrors, Level, PersonId, Problem};

use crate::auth::{Admin, CsrfToken, Member};
use crate::extract::{Form, Path, Query};
use crate::paths;
use crate::ui::{Layout, Notice, Page, Zone, render_form};
use crate::{AppError, AppState};

#[derive(Deserialize)]
pub(super) struct AssessmentForm {
    #[serde(default)]
    campaign: String,
    #[serde(default)]
    level: String,
    #[serde(default)]
    reason: String,
}

/// Set a person's level on a campaign, from their page.
pub(super) async fn set(
    State(state): State<AppState>,
    Member(scope): Member,
    Path((_, id)): Path<(String, PersonId)>,
    Form(form): Form<AssessmentForm>,
) -> Result<Response, AppError> {
    let mut errors = FieldErrors::default();
    let campaign = errors.check(form.campaign.trim().parse::<CampaignId>().map_err(|_| Problem::new("campaign", "choose a campaign")));
    let level = errors.check(Level::parse("level", &form.level));
    let reason = errors.check(one_line_text("reason", &form.reason, 500)).flatten().unwrap_or_default();
    errors.into_result()?;
    let (Some(campaign), Some(level)) = (campaign, level) else {
        return Err(Problem::new("form", "is incomplete").into());
    };
    let mut tx = state.db.write().await?;
    assessments::set(&mut tx, &scope, id, campaign, level, &reason, state.clock.now()).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("{}?notice=assessed", paths::person(scope.group_slug(), id))).into_response())
}

#[derive(Template)]
#[template(path = "assessments/levels.html")]
struct LevelsPage {
    csrf: String,
    slug: String,
    names: LevelNames,
    errors: FieldErrors,
}

impl LevelsPage {
    fn all(&self) -> [Level; 5] {
        Level::ALL
    }
}

async fn levels_page(state: &AppState, scope: &Scope, csrf: CsrfToken, notice: &Notice, errors: FieldErrors) -> Result<Response, AppError> {
    let mut tx = state.db.read().await?;
    let names = assessments::level_names(&mut tx, scope).await?;
    let has_problems = !errors.is_empty();
    let page = Page::new(Layout::for_scope("Assessment levels", scope, csrf).notice(notice), |layout| LevelsPage {
        csrf: layout.csrf.clone(),
        slug: scope.group_slug().into(),
        names,
        errors,
    });
    render_form(page, has_problems)
}

pub(super) async fn levels(
    State(state): State<AppState>,
    Admin(scope): Admin,
    csrf: CsrfToken,
    Query(notice): Query<Notice>,
) -> Result<Response, AppError> {
    levels_page(&state, &scope, csrf, &notice, FieldErrors::default()).await
}

#[derive(Deserialize)]
pub(super) struct LevelsForm {
    #[serde(default)]
    level_1: String,
    #[serde(default)]
    level_2: String,
    #[serde(default)]
    level_3: String,
    #[serde(default)]
    level_4: String,
    #[serde(default)]
    level_5: String,
}

pub(super) async fn rename_levels(
    State(state): State<AppState>,
    Admin(scope): Admin,
    csrf: CsrfToken,
    Form(form): Form<LevelsForm>,
) -> Result<Response, AppError> {
    let typed = [&form.level_1, &form.level_2, &form.level_3, &form.level_4, &form.level_5];
    let fields = ["level_1", "level_2", "level_3", "level_4", "level_5"];
    let mut errors = FieldErrors::default();
    let mut names = Vec::new();
    for ((level, value), field) in Level::ALL.into_iter().zip(typed).zip(fields) {
        match one_line_text(field, value, 60) {
            Ok(Some(name)) => names.push((level, name)),
            Ok(None) => errors.push(Problem::new(field, "must not be empty").shown_as(format!("Level {level}"))),
            Err(p) => errors.push(p.shown_as(format!("Level {level}"))),
        }
    }
    if !errors.is_empty() {
        return levels_page(&state, &scope, csrf, &Notice::default(), errors).await;
    }
    let mut tx = state.db.write().await?;
    for (level, name) in &names {
        assessments::rename_level(&mut tx, &scope, *level, name).await?;
    }
    tx.commit().await?;
    Ok(Redirect::to(&format!("{}?notice=saved", paths::assessment_levels(scope.group_slug()))).into_response())
}

/// A campaign's levels now, and how they moved over the chosen period.
pub struct LevelChart {
    pub names: LevelNames,
    pub now: [i64; 5],
    pub days: i64,
    pub svg: String,
}

impl LevelChart {
    pub fn levels(&self) -> [(Level, i64); 5] {
        Level::ALL.map(|l| (l, self.now.get(l.index()).copied().unwrap_or(0)))
    }
}

/// The counts at each level at eight moments over the last `days` days.
pub async fn level_chart(tx: &mut Tx, scope: &Scope, campaign: CampaignId, days: i64, now: DateTime<Utc>) -> Result<LevelChart, AppError> {
    let days = days.clamp(7, 3650);
    let names = assessments::level_names(tx, scope).await?;
    let steps = 8;
    let moments: Vec<DateTime<Utc>> = (0..steps).map(|i| now - Duration::days(days) * (steps - 1 - i) / (steps - 1)).collect();
    let counts = assessments::counts_over_time(tx, scope, campaign, &moments).await?;
    let zone = Zone::of(scope);
    let columns: Vec<(String, Vec<i64>)> = moments
        .iter()
        .zip(counts)
        .map(|(at, c)| (zone.today(at).format(if days > 180 { "%b %y" } else { "%-d %b" }).to_string(), c.to_vec()))
        .collect();
    let series: Vec<String> = Level::ALL.iter().map(|l| l.numbered_in(&names)).collect();
    let svg = crate::charts::stacked_columns(&format!("Assessments over the last {days} days"), &series, &columns);
    let now = assessments::counts(tx, scope, campaign).await?;
    Ok(LevelChart { names, now, days, svg })
}
