//! Representatives' pages: the list with the form to add one, a
//! representative's page (offices, scorecard, pledges, record), editing
//! them, and linking them to the person in the group they are.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tredegar_db::demands::{self, DemandRow};
use tredegar_db::representatives::pledges::{self as db_pledges, PledgeRow};
use tredegar_db::representatives::records::{self, RecordRow};
use tredegar_db::representatives::{self, ImportRow, OfficeRow, RepresentativeRow, scorecard};
use tredegar_db::{Scope, Tx, campaigns, people};
use tredegar_domain::representatives::{OfficeKind, RecordKind, RepresentativeInput, Vote};
use tredegar_domain::{AuditAction, Email, FieldErrors, RecordId, RepresentativeId};

use super::card::{self, Card};
use crate::auth::{CsrfToken, Organiser};
use crate::extract::{Form, Path, Query};
use crate::ui::{Layout, Notice, Page, PageQuery, Pager, render, render_form};
use crate::{AppError, AppState, paths};

/// The representative form: their details, and whether their scorecard is public.
#[derive(Default, Deserialize)]
pub(super) struct RepresentativeForm {
    #[serde(flatten)]
    input: RepresentativeInput,
    #[serde(default)]
    is_public: Option<String>,
}

#[derive(Template)]
#[template(path = "representatives/index.html")]
struct IndexPage {
    csrf: String,
    slug: String,
    representatives: Vec<(RepresentativeRow, Option<OfficeRow>)>,
    imports: Vec<ImportRow>,
    form: RepresentativeForm,
    kinds: &'static [OfficeKind],
    errors: FieldErrors,
    /// Which page of representatives, by name.
    pager: Pager,
}

/// Representatives shown a page.
const PER_PAGE: i64 = 100;

async fn index_page(
    state: &AppState,
    scope: &Scope,
    csrf: CsrfToken,
    notice: Notice,
    form: RepresentativeForm,
    errors: FieldErrors,
    shown: tredegar_db::Page,
) -> Result<Response, AppError> {
    let mut tx = state.db.read().await?;
    let (rows, total) = representatives::list(&mut tx, scope, shown).await?;
    let offices = representatives::offices(&mut tx, scope, &rows.iter().map(|r| r.id).collect::<Vec<_>>()).await?;
    let imports = representatives::imports(&mut tx, scope).await?;
    drop(tx);
    // Each with their latest office (offices come latest first).
    let representatives = rows
        .into_iter()
        .map(|r| {
            let office = offices.iter().find(|o| o.representative_id == r.id).cloned();
            (r, office)
        })
        .collect();
    let has_problems = !errors.is_empty();
    let pager = Pager::new(paths::representatives(scope.group_slug()), shown, total);
    let page = Page::new(Layout::for_scope("Representatives", scope, csrf).notice(&notice), |layout| IndexPage {
        csrf: layout.csrf.clone(),
        slug: scope.group_slug().into(),
        representatives,
        imports,
        form,
        kinds: OfficeKind::ALL,
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
    let form = RepresentativeForm {
        input: RepresentativeInput { kind: OfficeKind::Councillor.as_str().into(), ..Default::default() },
        is_public: None,
    };
    let shown = q.page(PER_PAGE);
    index_page(&state, &scope, csrf, q.notice(), form, FieldErrors::default(), shown).await
}

pub(super) async fn create(
    State(state): State<AppState>,
    Organiser(scope): Organiser,
    csrf: CsrfToken,
    Form(form): Form<RepresentativeForm>,
) -> Result<Response, AppError> {
    let rep = match form.input.check() {
        Ok(rep) => rep,
        Err(errors) => return index_page(&state, &scope, csrf, Notice::default(), form, errors, tredegar_db::Page::new(1, PER_PAGE)).await,
    };
    let mut tx = state.db.write().await?;
    let id = representatives::save(&mut tx, &scope, None, &rep, form.is_public.is_some(), state.clock.now()).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("{}?notice=saved", paths::representative(scope.group_slug(), id))).into_response())
}

#[derive(Template)]
#[template(path = "representatives/edit.html")]
struct EditPage {
    csrf: String,
    slug: String,
    id: RepresentativeId,
    form: RepresentativeForm,
    kinds: &'static [OfficeKind],
    errors: FieldErrors,
}

fn edit_page(
    scope: &Scope,
    csrf: CsrfToken,
    id: RepresentativeId,
    form: RepresentativeForm,
    errors: FieldErrors,
) -> Result<Response, AppError> {
    let has_problems = !errors.is_empty();
    let page = Page::new(Layout::for_scope("Edit representative", scope, csrf), |layout| EditPage {
        csrf: layout.csrf.clone(),
        slug: scope.group_slug().into(),
        id,
        form,
        kinds: OfficeKind::ALL,
        errors,
    });
    render_form(page, has_problems)
}

async fn the_representative(
    state: &AppState,
    scope: &Scope,
    id: RepresentativeId,
) -> Result<(RepresentativeRow, Vec<OfficeRow>), AppError> {
    let mut tx = state.db.read().await?;
    let rep = representatives::get(&mut tx, scope, id).await?.ok_or_else(AppError::not_found)?;
    let offices = representatives::offices(&mut tx, scope, &[id]).await?;
    Ok((rep, offices))
}

pub(super) async fn edit(
    State(state): State<AppState>,
    Organiser(scope): Organiser,
    csrf: CsrfToken,
    Path((_, id)): Path<(String, RepresentativeId)>,
) -> Result<Response, AppError> {
    let (r, offices) = the_representative(&state, &scope, id).await?;
    // The office typed by hand is the one without a ballot; else the latest.
    let office = offices.iter().find(|o| o.ballot_id.is_empty()).or(offices.first());
    let input = RepresentativeInput {
        name: r.name,
        party: r.party,
        email: r.email,
        phone: r.phone,
        website: r.website,
        kind: office.map_or(OfficeKind::Other, |o| o.kind).as_str().into(),
        post: office.map(|o| o.post.clone()).unwrap_or_default(),
        body: office.map(|o| o.body.clone()).unwrap_or_default(),
        term_from: office.and_then(|o| o.term_from).map(|d| d.to_string()).unwrap_or_default(),
        term_to: office.and_then(|o| o.term_to).map(|d| d.to_string()).unwrap_or_default(),
    };
    edit_page(&scope, csrf, id, RepresentativeForm { input, is_public: r.is_public.then(String::new) }, FieldErrors::default())
}

pub(super) async fn update(
    State(state): State<AppState>,
    Organiser(scope): Organiser,
    csrf: CsrfToken,
    Path((_, id)): Path<(String, RepresentativeId)>,
    Form(form): Form<RepresentativeForm>,
) -> Result<Response, AppError> {
    the_representative(&state, &scope, id).await?;
    let rep = match form.input.check() {
        Ok(rep) => rep,
        Err(errors) => return edit_page(&scope, csrf, id, form, errors),
    };
    let mut tx = state.db.write().await?;
    representatives::save(&mut tx, &scope, Some(id), &rep, form.is_public.is_some(), state.clock.now()).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("{}?notice=saved", paths::representative(scope.group_slug(), id))).into_response())
}

#[derive(Template)]
#[template(path = "representatives/show.html")]
struct ShowPage {
    csrf: String,
    slug: String,
    public_url: String,
    representative: RepresentativeRow,
    offices: Vec<OfficeRow>,
    person_name: Option<String>,
    card: Card,
    focus: String,
    focus_choices: Vec<(String, String)>,
    pledges: Vec<PledgeRow>,
    /// Every pledge of theirs, for the record form.
    pledge_choices: Vec<(tredegar_domain::PledgeId, String)>,
    records: Vec<(RecordRow, Vec<String>)>,
    campaigns: Vec<(String, String)>,
    demands: Vec<(DemandRow, String)>,
    record_kinds: &'static [RecordKind],
    votes: &'static [Vote],
    organiser: bool,
    documents: Vec<(tredegar_domain::DocumentId, String, String)>,
}

#[derive(Default, Deserialize)]
pub(super) struct ShowQuery {
    notice: Option<String>,
    #[serde(default)]
    focus: String,
}

pub(super) async fn show(
    State(state): State<AppState>,
    Organiser(scope): Organiser,
    csrf: CsrfToken,
    Path((_, id)): Path<(String, RepresentativeId)>,
    Query(q): Query<ShowQuery>,
) -> Result<Response, AppError> {
    let (representative, offices) = the_representative(&state, &scope, id).await?;
    let mut tx = state.db.read().await?;
    let person_name = match representative.person_id {
        Some(p) => people::get(&mut tx, &scope, p).await?.map(|p| p.display_name()),
        None => None,
    };
    let focus = card::focus(&q.focus);
    let card = scorecard::of(&mut tx, &scope, id, focus).await?;
    let focus_choices = card::focus_choices(&mut tx, &scope).await?;
    let all_pledges = db_pledges::of_representative(&mut tx, &scope, id).await?;
    let pledge_choices = all_pledges.iter().map(|p| (p.id, p.text.clone())).collect();
    // The lists show what the scorecard counts: its sources.
    let on = card::campaigns_of(&mut tx, &scope, focus).await?;
    let counted = |c: Option<tredegar_domain::CampaignId>| on.as_ref().is_none_or(|on| c.is_some_and(|c| on.contains(&c)));
    let mut rows = records::of_representative(&mut tx, &scope, id).await?;
    rows.retain(|r| counted(r.campaign_id));
    let records = with_pledges(&mut tx, &scope, rows, &all_pledges).await?;
    let pledges = all_pledges.into_iter().filter(|p| counted(p.campaign_id)).collect();
    let documents = tredegar_db::wins::documents(&mut tx, &scope).await?;
    let all = campaigns::list(&mut tx, &scope, tredegar_db::Page::everything()).await?.0;
    let mut demands = Vec::new();
    for c in &all {
        demands.extend(demands::of_campaign(&mut tx, &scope, c.id).await?.into_iter().map(|d| (d, c.title.clone())));
    }
    drop(tx);
    let campaigns = all.into_iter().map(|c| (c.id.to_string(), c.title)).collect();
    let notice = Notice { notice: q.notice };
    render(Page::new(Layout::for_scope(&representative.name, &scope, csrf).notice(&notice), |layout| ShowPage {
        csrf: layout.csrf.clone(),
        slug: scope.group_slug().into(),
        public_url: format!("{}{}", state.config.public_url.trim_end_matches('/'), paths::public_representative(id)),
        card: Card { representative: representative.clone(), card },
        representative,
        offices,
        person_name,
        focus: q.focus,
        focus_choices,
        pledges,
        pledge_choices,
        records,
        campaigns,
        demands,
        record_kinds: RecordKind::ALL,
        votes: Vote::ALL,
        organiser: true,
        documents,
    }))
}

/// Each entry with the texts of the pledges it bears on.
pub(super) async fn with_pledges(
    tx: &mut Tx,
    scope: &Scope,
    rows: Vec<RecordRow>,
    pledges: &[PledgeRow],
) -> Result<Vec<(RecordRow, Vec<String>)>, AppError> {
    let links = records::pledge_links(tx, scope, &rows.iter().map(|r| r.id).collect::<Vec<RecordId>>()).await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let on = links
                .iter()
                .filter(|(rec, _)| *rec == r.id)
                .filter_map(|(_, p)| pledges.iter().find(|x| x.id == *p))
                .map(|p| p.text.clone())
                .collect();
            (r, on)
        })
        .collect())
}

#[derive(Deserialize)]
pub(super) struct PersonForm {
    #[serde(default)]
    email: String,
}

/// Link the representative to the person in the group with this email
/// address; an empty address unlinks them.
pub(super) async fn link_person(
    State(state): State<AppState>,
    Organiser(scope): Organiser,
    Path((_, id)): Path<(String, RepresentativeId)>,
    Form(form): Form<PersonForm>,
) -> Result<Response, AppError> {
    let mut tx = state.db.write().await?;
    let person = match form.email.trim() {
        "" => None,
        typed => {
            let email = Email::parse("email", typed)?;
            let found = people::find_match(&mut tx, &scope, Some(&email), None).await?;
            Some(found.ok_or_else(|| tredegar_domain::Problem::new("email", "is not the address of anyone in the group"))?)
        }
    };
    representatives::set_person(&mut tx, &scope, id, person, state.clock.now()).await?;
    // Who a public office holder is among the group's people is kept with care.
    let how = if person.is_some() { "linked to a person in the group" } else { "unlinked from the group's people" };
    tredegar_db::audit::record(&mut tx, &scope, AuditAction::Link, "a representative", how, state.clock.now()).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("{}?notice=saved", paths::representative(scope.group_slug(), id))).into_response())
}

/// Delete a representative with their pledges, record and asks (added by
/// mistake, or no longer campaigned on).
pub(super) async fn delete(
    State(state): State<AppState>,
    Organiser(scope): Organiser,
    Path((_, id)): Path<(String, RepresentativeId)>,
) -> Result<Response, AppError> {
    let mut tx = state.db.write().await?;
    let rep = representatives::get(&mut tx, &scope, id).await?.ok_or_else(AppError::not_found)?;
    representatives::delete(&mut tx, &scope, id).await?;
    let what = format!("the representative {}", rep.name);
    tredegar_db::audit::record(&mut tx, &scope, AuditAction::Delete, &what, "with their pledges, record and asks", state.clock.now())
        .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("{}?notice=removed", paths::representatives(scope.group_slug()))).into_response())
}
