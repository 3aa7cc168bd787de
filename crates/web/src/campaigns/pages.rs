//! Campaign pages: the list, one campaign, adding and editing.

use super::goals::{self, GoalChoices, GoalForm, Standing};
use crate::assessments::{LevelChart, level_chart};
use crate::auth::{CsrfToken, Organiser};
use crate::extract::{Form, Path, Query};
use crate::paths;
use crate::ui::{Layout, Notice, Page, csv_response, csv_time, render, render_form};
use crate::{AppError, AppState};
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tredegar_db::Scope;
use tredegar_db::campaigns::{self, Campaign};
use tredegar_domain::contact::{optional_text, required_text};
use tredegar_domain::{CampaignId, CampaignStatus, FieldErrors, ThemeId};

#[derive(Template)]
#[template(path = "campaigns/index.html")]
pub(super) struct IndexPage {
    slug: String,
    campaigns: Vec<Campaign>,
}

pub(super) async fn all(state: &AppState, scope: &Scope) -> Result<Vec<Campaign>, AppError> {
    let mut tx = state.db.read().await?;
    Ok(campaigns::list(&mut tx, scope, tredegar_db::Page::everything()).await?.0)
}

pub(super) async fn index(
    State(state): State<AppState>,
    Organiser(scope): Organiser,
    csrf: CsrfToken,
    Query(notice): Query<Notice>,
) -> Result<Response, AppError> {
    let campaigns = all(&state, &scope).await?;
    render(Page::new(Layout::for_scope("Campaigns", &scope, csrf).notice(&notice), |_| IndexPage {
        slug: scope.group_slug().into(),
        campaigns,
    }))
}

pub(super) async fn export(State(state): State<AppState>, Organiser(scope): Organiser) -> Result<Response, AppError> {
    let campaigns = all(&state, &scope).await?;
    let mut tx = state.db.write().await?;
    let detail = format!("{} campaigns", campaigns.len());
    tredegar_db::audit::record(&mut tx, &scope, tredegar_domain::AuditAction::Export, "campaigns", &detail, state.clock.now()).await?;
    tx.commit().await?;
    let rows = campaigns
        .into_iter()
        .map(|c| vec![c.id.to_string(), c.title, c.status.to_string(), c.description, csv_time(c.created_at)])
        .collect();
    csv_response("campaigns.csv", &["id", "title", "status", "description", "created"], rows)
}

#[derive(Default, Deserialize)]
pub(super) struct CampaignForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    is_public: Option<String>,
    /// The listening themes it answers, by id.
    #[serde(default)]
    themes: Vec<String>,
}

#[derive(Template)]
#[template(path = "campaigns/form.html")]
pub(super) struct FormPage {
    csrf: String,
    title: String,
    action: String,
    form: CampaignForm,
    errors: FieldErrors,
    statuses: &'static [CampaignStatus],
    themes: Vec<tredegar_db::conversations::Theme>,
}

pub(super) async fn new(State(state): State<AppState>, Organiser(scope): Organiser, csrf: CsrfToken) -> Result<Response, AppError> {
    let form = CampaignForm { status: "planning".into(), ..Default::default() };
    let action = paths::campaigns(scope.group_slug());
    form_page(&state, &scope, csrf, "New campaign", action, form, FieldErrors::default()).await
}

/// The campaign form, as typed, with its errors.
async fn form_page(
    state: &AppState,
    scope: &Scope,
    csrf: CsrfToken,
    label: &str,
    action: String,
    form: CampaignForm,
    errors: FieldErrors,
) -> Result<Response, AppError> {
    let mut tx = state.db.read().await?;
    let themes = tredegar_db::conversations::themes(&mut tx, scope).await?;
    drop(tx);
    let has_problems = !errors.is_empty();
    let page = Page::new(Layout::for_scope(label, scope, csrf), |layout| FormPage {
        csrf: layout.csrf.clone(),
        title: layout.title.clone(),
        action,
        form,
        errors,
        statuses: CampaignStatus::ALL,
        themes,
    });
    render_form(page, has_problems)
}

pub(super) async fn save(
    state: &AppState,
    scope: &Scope,
    csrf: CsrfToken,
    id: CampaignId,
    new: bool,
    form: CampaignForm,
) -> Result<Response, AppError> {
    let mut errors = FieldErrors::default();
    let title = errors.check(required_text("title", &form.title, 200));
    let description = errors.check(optional_text("description", &form.description, 10_000)).flatten().unwrap_or_default();
    let status = errors.check(CampaignStatus::parse("status", &form.status));
    let themes: Vec<ThemeId> = form
        .themes
        .iter()
        .filter_map(|t| errors.check(t.parse().map_err(|_| tredegar_domain::Problem::new("themes", "is not one of the group's themes"))))
        .collect();
    let ready = match (title, status) {
        (Some(t), Some(s)) if errors.is_empty() => Some((t, s)),
        _ => None,
    };
    let Some((title, status)) = ready else {
        let (label, action) = if new {
            ("New campaign", paths::campaigns(scope.group_slug()))
        } else {
            ("Edit campaign", paths::campaign(scope.group_slug(), id))
        };
        return form_page(state, scope, csrf, label, action, form, errors).await;
    };
    let mut tx = state.db.write().await?;
    let is_public = form.is_public.is_some();
    let text = campaigns::CampaignText { title: &title, description: &description, status, is_public, themes: &themes };
    campaigns::save(&mut tx, scope, id, &text, state.clock.now(), new).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("{}?notice=saved", paths::campaign(scope.group_slug(), id))).into_response())
}

pub(super) async fn create(
    State(state): State<AppState>,
    Organiser(scope): Organiser,
    csrf: CsrfToken,
    Form(form): Form<CampaignForm>,
) -> Result<Response, AppError> {
    save(&state, &scope, csrf, CampaignId::new(), true, form).await
}

pub(super) async fn the_campaign(state: &AppState, scope: &Scope, id: CampaignId) -> Result<Campaign, AppError> {
    let mut tx = state.db.read().await?;
    campaigns::get(&mut tx, scope, id).await?.ok_or_else(AppError::not_found)
}

pub(super) async fn update(
    State(state): State<AppState>,
    Organiser(scope): Organiser,
    csrf: CsrfToken,
    Path((_, id)): Path<(String, CampaignId)>,
    Form(form): Form<CampaignForm>,
) -> Result<Response, AppError> {
    the_campaign(&state, &scope, id).await?;
    save(&state, &scope, csrf, id, false, form).await
}

pub(super) async fn edit(
    State(state): State<AppState>,
    Organiser(scope): Organiser,
    csrf: CsrfToken,
    Path((_, id)): Path<(String, CampaignId)>,
) -> Result<Response, AppError> {
    let c = the_campaign(&state, &scope, id).await?;
    let mut tx = state.db.read().await?;
    let themes = campaigns::themes(&mut tx, &scope, id).await?.into_iter().map(|t| t.id.to_string()).collect();
    drop(tx);
    let form = CampaignForm {
        title: c.title,
        description: c.description,
        status: c.status.to_string(),
        is_public: c.is_public.then(String::new),
        themes,
    };
    let action = paths::campaign(scope.group_slug(), id);
    form_page(&state, &scope, csrf, "Edit campaign", action, form, FieldErrors::default()).await
}

#[derive(Template)]
#[template(path = "campaigns/show.html")]
pub(super) struct ShowPage {
    csrf: String,
    slug: String,
    campaign: Campaign,
    levels: LevelChart,
    goals: Vec<Standing>,
    choices: GoalChoices,
    goal_form: GoalForm,
    errors: FieldErrors,
    zone: crate::ui::Zone,
    plan: super::demands::Plan,
    demand_statuses: &'static [tredegar_domain::campaigns::DemandStatus],
    public_url: String,
    organiser: bool,
    documents: Vec<(tredegar_domain::DocumentId, String, String)>,
}

impl ShowPage {
    /// Where a scorecard's figures find their sources: the representative's page, on this campaign.
    fn card_page(&self, c: &crate::representatives::Card) -> String {
        format!("{}?focus=campaign:{}", paths::representative(&self.slug, c.representative.id), self.campaign.id)
    }
}

#[derive(Default, Deserialize)]
pub(super) struct ShowQuery {
    pub notice: Option<String>,
    /// The period the assessment chart covers, in days back from today.
    pub days: Option<i64>,
}

pub(super) async fn show(
    State(state): State<AppState>,
    Organiser(scope): Organiser,
    csrf: CsrfToken,
    Path((_, id)): Path<(String, CampaignId)>,
    Query(q): Query<ShowQuery>,
) -> Result<Response, AppError> {
    show_page(&state, &scope, csrf, id, q, GoalForm::default(), FieldErrors::default()).await
}

/// The campaign page, with the goal form as typed and its errors.
pub(super) async fn show_page(
    state: &AppState,
    scope: &Scope,
    csrf: CsrfToken,
    id: CampaignId,
    q: ShowQuery,
    goal_form: GoalForm,
    errors: FieldErrors,
) -> Result<Response, AppError> {
    let campaign = the_campaign(state, scope, id).await?;
    let zone = crate::ui::Zone::of(scope);
    let mut tx = state.db.read().await?;
    let levels = level_chart(&mut tx, scope, id, q.days.unwrap_or(90), state.clock.now()).await?;
    let goals = goals::standings(&mut tx, scope, id, zone.today(&state.clock.now())).await?;
    let choices = goals::choices(&mut tx, scope).await?;
    let plan = super::demands::plan(&mut tx, scope, id, false).await?;
    let documents = tredegar_db::wins::documents(&mut tx, scope).await?;
    drop(tx);
    let notice = Notice { notice: q.notice };
    let has_problems = !errors.is_empty();
    let page = Page::new(Layout::for_scope(&campaign.title, scope, csrf).notice(&notice), |layout| ShowPage {
        csrf: layout.csrf.clone(),
        slug: scope.group_slug().into(),
        campaign,
        levels,
        goals,
        choices,
        goal_form,
        errors,
        zone,
        plan,
        demand_statuses: tredegar_domain::campaigns::DemandStatus::ALL,
        public_url: format!("{}{}", state.config.public_url.trim_end_matches('/'), paths::public_campaign(id)),
        organiser: true,
        documents,
    });
    render_form(page, has_problems)
}
