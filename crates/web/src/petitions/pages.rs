//! The organiser's side: set up a petition, follow its count, share its
//! page, and download its signatures.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tredegar_db::campaigns::{self, Campaign};
use tredegar_db::petitions::{self, Petition};
use tredegar_db::{Scope, audit};
use tredegar_domain::petitions::PetitionInput;
use tredegar_domain::{AuditAction, FieldErrors, PetitionId};

use crate::auth::{CsrfToken, Organiser};
use crate::extract::{Form, Path, Query};
use crate::paths;
use crate::ui::{Layout, Notice, Page, PageQuery, Pager, Zone, csv_response, csv_time, render, render_form};
use crate::{AppError, AppState};

/// What consent asks, unless the organiser words it otherwise.
fn default_consent(scope: &Scope) -> String {
    format!("Keep me updated by email about this campaign and other work of {}", scope.group_name())
}

#[derive(Default, Deserialize)]
pub(super) struct PetitionForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    target: String,
    #[serde(default)]
    goal: String,
    #[serde(default)]
    ends_on: String,
    #[serde(default)]
    campaign: String,
    #[serde(default)]
    consent_wording: String,
    #[serde(default)]
    frame_ancestors: String,
}

#[derive(Template)]
#[template(path = "petitions/index.html")]
struct IndexPage {
    csrf: String,
    slug: String,
    petitions: Vec<(Petition, i64)>,
    campaigns: Vec<Campaign>,
    form: PetitionForm,
    errors: FieldErrors,
    /// Which page of petitions, newest first, and how many there are.
    pager: Pager,
}

/// Petitions shown a page.
const PER_PAGE: i64 = 50;

async fn index_page(
    state: &AppState,
    scope: &Scope,
    csrf: CsrfToken,
    notice: &Notice,
    form: PetitionForm,
    errors: FieldErrors,
    shown: tredegar_db::Page,
) -> Result<Response, AppError> {
    let mut tx = state.db.read().await?;
    let mut all = Vec::new();
    let (list, total) = petitions::list(&mut tx, scope, shown).await?;
    for p in list {
        let n = petitions::count(&mut tx, p.id).await?;
        all.push((p, n));
    }
    let campaigns = campaigns::list(&mut tx, scope, tredegar_db::Page::everything()).await?.0;
    let has_problems = !errors.is_empty();
    let pager = Pager::new(paths::petitions(scope.group_slug()), shown, total);
    let page = Page::new(Layout::for_scope("Petitions", scope, csrf).notice(notice), |layout| IndexPage {
        csrf: layout.csrf.clone(),
        slug: scope.group_slug().into(),
        petitions: all,
        campaigns,
        form,
        errors,
        pager,
    });
    render_form(page, has_problems)
}

pub(super) async fn index(
    State(state): State<AppState>,
    Organiser(scope): Organiser,
    csrf: CsrfToken,
    Query(q): Query<PageQuery>,
) -> Result<Response, AppError> {
    let form = PetitionForm { consent_wording: default_consent(&scope), goal: "1000".into(), ..Default::default() };
    let shown = q.page(PER_PAGE);
    index_page(&state, &scope, csrf, &q.notice(), form, FieldErrors::default(), shown).await
}

pub(super) async fn create(
    State(state): State<AppState>,
    Organiser(scope): Organiser,
    csrf: CsrfToken,
    Form(form): Form<PetitionForm>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let input = PetitionInput {
        title: &form.title,
        body: &form.body,
        target: &form.target,
        goal: &form.goal,
        ends_on: &form.ends_on,
        campaign: &form.campaign,
        consent_wording: &form.consent_wording,
        frame_ancestors: &form.frame_ancestors,
    };
    let text = match input.check(Zone::of(&scope).today(&now)) {
        Ok(t) => t,
        Err(errors) => {
            return index_page(&state, &scope, csrf, &Notice::default(), form, errors, tredegar_db::Page::new(1, PER_PAGE)).await;
        }
    };
    let mut tx = state.db.write().await?;
    match petitions::create(&mut tx, &scope, &text, now).await {
        Ok(id) => {
            tx.commit().await?;
            Ok(Redirect::to(&format!("{}?notice=added", paths::petition(scope.group_slug(), id))).into_response())
        }
        Err(tredegar_db::DbError::Invalid(errors)) => {
            drop(tx);
            index_page(&state, &scope, csrf, &Notice::default(), form, errors, tredegar_db::Page::new(1, PER_PAGE)).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "petitions/show.html")]
struct ShowPage {
    csrf: String,
    slug: String,
    open: bool,
    petition: Petition,
    confirmed: i64,
    waiting: i64,
    public_url: String,
    count_url: String,
}

pub(super) async fn show(
    State(state): State<AppState>,
    Organiser(scope): Organiser,
    csrf: CsrfToken,
    Path((_, id)): Path<(String, PetitionId)>,
    Query(notice): Query<Notice>,
) -> Result<Response, AppError> {
    let mut tx = state.db.read().await?;
    let petition = petitions::get(&mut tx, &scope, id).await?.ok_or_else(AppError::not_found)?;
    let (confirmed, waiting) = petitions::counts(&mut tx, &scope, id).await?;
    let base = &state.config.public_url;
    let open = petition.is_open(Zone::of(&scope).today(&state.clock.now()));
    render(Page::new(Layout::for_scope(&petition.title, &scope, csrf).notice(&notice), |layout| ShowPage {
        csrf: layout.csrf.clone(),
        slug: scope.group_slug().into(),
        open,
        public_url: format!("{base}{}", paths::public_petition(id)),
        count_url: format!("{base}{}", paths::petition_count(id)),
        petition,
        confirmed,
        waiting,
    }))
}

/// Close it now. Signatures already given still count, and links already
/// sent still confirm them.
pub(super) async fn close(
    State(state): State<AppState>,
    Organiser(scope): Organiser,
    Path((_, id)): Path<(String, PetitionId)>,
) -> Result<Response, AppError> {
    let today = Zone::of(&scope).today(&state.clock.now());
    let mut tx = state.db.write().await?;
    petitions::close(&mut tx, &scope, id, today).await?;
    tx.commit().await?;
    state.petitions.forget_petition(id);
    Ok(Redirect::to(&format!("{}?notice=closed", paths::petition(scope.group_slug(), id))).into_response())
}

/// Every signature, confirmed or not, with the consent each gave: audited.
/// Read in a read transaction, so a long download holds up no signer.
pub(super) async fn csv(
    State(state): State<AppState>,
    Organiser(scope): Organiser,
    Path((_, id)): Path<(String, PetitionId)>,
) -> Result<Response, AppError> {
    let mut tx = state.db.read().await?;
    let petition = petitions::get(&mut tx, &scope, id).await?.ok_or_else(AppError::not_found)?;
    let rows: Vec<Vec<String>> = petitions::signatures(&mut tx, &scope, id)
        .await?
        .into_iter()
        .map(|s| {
            vec![
                s.name,
                s.email,
                s.postcode,
                s.comment,
                if s.consent { "yes".into() } else { "no".into() },
                s.consent_wording,
                csv_time(s.created_at),
                s.confirmed_at.map(csv_time).unwrap_or_default(),
                s.person_id.map(|p| p.to_string()).unwrap_or_default(),
            ]
        })
        .collect();
    drop(tx);
    let mut tx = state.db.write().await?;
    audit::record(&mut tx, &scope, AuditAction::Export, &petition.title, &format!("{} signatures", rows.len()), state.clock.now()).await?;
    tx.commit().await?;
    let names = ["name", "email", "postcode", "comment", "consent", "consent_wording", "signed_at", "confirmed_at", "person_id"];
    csv_response("signatures.csv", &names, rows)
}
