//! Needs, for coordinators: the list by status, taking a need by phone,
//! one need with its contact details (audited), the volunteers ranked for
//! it with why, and its history; the categories of help. A volunteer
//! reaches a need's page only once it is offered to them.

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tredegar_db::Scope;
use tredegar_db::aid::offers::{self, Category, Ranked, Rules};
use tredegar_db::aid::{self, Change, Contact, NeedRow};
use tredegar_domain::aid::{NeedInput, NeedSource, NeedStatus, Urgency};
use tredegar_domain::{AidCategoryId, AuditAction, FieldErrors, NeedId, Problem, UserId};

use crate::auth::{CsrfToken, Member, Organiser};
use crate::extract::{Form, Path, Query};
use crate::ui::{Layout, Notice, Page, Zone, render_form};
use crate::{AppError, AppState, paths};

#[derive(askama::Template)]
#[template(path = "aid/needs.html")]
struct IndexPage {
    csrf: String,
    slug: String,
    needs: Vec<NeedRow>,
    categories: Vec<Category>,
    showing: String,
    zone: Zone,
    errors: FieldErrors,
}

#[derive(Default, Deserialize)]
pub(super) struct IndexQuery {
    /// open (the default), done, or closed.
    show: Option<String>,
    notice: Option<String>,
}

async fn index_page(state: &AppState, scope: &Scope, csrf: CsrfToken, q: IndexQuery, errors: FieldErrors) -> Result<Response, AppError> {
    let showing = q.show.unwrap_or_else(|| "open".into());
    let statuses: &[NeedStatus] = match showing.as_str() {
        "done" => &[NeedStatus::Done],
        "closed" => &[NeedStatus::Cancelled, NeedStatus::Expired],
        _ => &NeedStatus::OPEN,
    };
    let mut tx = state.db.read().await?;
    let needs = aid::list(&mut tx, scope, statuses).await?;
    let categories = offers::categories(&mut tx, scope).await?;
    drop(tx);
    let has_problems = !errors.is_empty();
    let notice = Notice { notice: q.notice };
    let page = Page::new(Layout::for_scope("Needs", scope, csrf).notice(&notice), |layout| IndexPage {
        csrf: layout.csrf.clone(),
        slug: scope.group_slug().into(),
        needs,
        categories,
        showing,
        zone: layout.zone(),
        errors,
    });
    render_form(page, has_problems)
}

pub(super) async fn index(
    State(state): State<AppState>,
    Organiser(scope): Organiser,
    csrf: CsrfToken,
    Query(q): Query<IndexQuery>,
) -> Result<Response, AppError> {
    index_page(&state, &scope, csrf, q, FieldErrors::default()).await
}

#[derive(Deserialize)]
pub(super) struct CategoryForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    needs_check: String,
    #[serde(default)]
    auto_match: String,
}

impl CategoryForm {
    fn rules(&self) -> Rules {
        Rules { needs_check: !self.needs_check.is_empty(), auto_match: !self.auto_match.is_empty() }
    }
}

pub(super) async fn add_category(
    State(state): State<AppState>,
    Organiser(scope): Organiser,
    csrf: CsrfToken,
    Form(form): Form<CategoryForm>,
) -> Result<Response, AppError> {
    let name = match tredegar_domain::contact::required_line("name", &form.name, 60) {
        Ok(name) => name,
        Err(p) => return index_page(&state, &scope, csrf, IndexQuery::default(), p.into()).await,
    };
    let mut tx = state.db.write().await?;
    match offers::add_category(&mut tx, &scope, &name, form.rules(), state.clock.now()).await {
        Ok(_) => tx.commit().await?,
        Err(tredegar_db::DbError::Duplicate { field, message, .. }) => {
            drop(tx);
            return index_page(&state, &scope, csrf, IndexQuery::default(), Problem::new(field, message).into()).await;
        }
        Err(e) => return Err(e.into()),
    }
    Ok(Redirect::to(&format!("{}?notice=added", paths::needs(scope.group_slug()))).into_response())
}

/// Whether a kind of help needs a safeguarding-checked volunteer, and
/// whether it is offered by itself. Needs already with someone it no longer
/// allows go back to be offered again.
pub(super) async fn set_category(
    State(state): State<AppState>,
    Organiser(scope): Organiser,
    Path((_, id)): Path<(String, AidCategoryId)>,
    Form(form): Form<CategoryForm>,
) -> Result<Response, AppError> {
    let mut tx = state.db.write().await?;
    offers::set_rules(&mut tx, &scope, id, form.rules()).await?;
    offers::pull_back_unchecked(&mut tx, &scope, state.clock.now()).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("{}?notice=saved", paths::needs(scope.group_slug()))).into_response())
}

#[derive(askama::Template)]
#[template(path = "aid/new.html")]
struct NewPage {
    csrf: String,
    slug: String,
    categories: Vec<Category>,
    urgencies: &'static [Urgency],
    form: NeedInput,
    errors: FieldErrors,
}

async fn new_page(state: &AppState, scope: &Scope, csrf: CsrfToken, form: NeedInput, errors: FieldErrors) -> Result<Response, AppError> {
    let mut tx = state.db.read().await?;
    let categories = offers::categories(&mut tx, scope).await?;
    drop(tx);
    let has_problems = !errors.is_empty();
    let page = Page::new(Layout::for_scope("Take a need", scope, csrf), |layout| NewPage {
        csrf: layout.csrf.clone(),
        slug: scope.group_slug().into(),
        categories,
        urgencies: Urgency::ALL,
        form,
        errors,
    });
    render_form(page, has_problems)
}

pub(super) async fn new(State(state): State<AppState>, Organiser(scope): Organiser, csrf: CsrfToken) -> Result<Response, AppError> {
    let form = NeedInput { urgency: "this_week".into(), ..Default::default() };
    new_page(&state, &scope, csrf, form, FieldErrors::default()).await
}

/// A need taken by a coordinator, by phone or from paper.
pub(super) async fn create(
    State(state): State<AppState>,
    Organiser(scope): Organiser,
    csrf: CsrfToken,
    Form(form): Form<NeedInput>,
) -> Result<Response, AppError> {
    let checked = super::check_need(&state, &scope, &form).await?;
    let (need, category) = match checked {
        Ok(ok) => ok,
        Err(errors) => return new_page(&state, &scope, csrf, form, errors).await,
    };
    let mut tx = state.db.write().await?;
    let id = aid::add(&mut tx, &scope, &need, category, NeedSource::Coordinator, state.clock.now()).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("{}?notice=added", paths::need(scope.group_slug(), id))).into_response())
}

#[derive(askama::Template)]
#[template(path = "aid/need.html")]
struct NeedPage {
    csrf: String,
    slug: String,
    need: NeedRow,
    contact: Option<Contact>,
    coordinator: bool,
    /// Offered to the one looking, waiting for their answer.
    asked_me: bool,
    ranked: Vec<Ranked>,
    history: Vec<Change>,
    moves: Vec<(NeedStatus, &'static str)>,
    zone: Zone,
    errors: FieldErrors,
}

impl NeedPage {
    fn can_offer(&self) -> bool {
        self.need.status.can_become(NeedStatus::Offered)
    }

    /// Whether the person the need was put on is the one named on it.
    fn same_person(&self) -> bool {
        let named = self.contact.as_ref().map(|c| tredegar_domain::text::fold(&c.contact_name));
        named.is_none_or(|n| n == tredegar_domain::text::fold(&self.need.person_name))
    }
}

async fn need_page(
    state: &AppState,
    scope: &Scope,
    csrf: CsrfToken,
    id: NeedId,
    notice: Notice,
    errors: FieldErrors,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let zone = Zone::of(scope);
    // Read, ranking included, without holding the write lock; then audit what was shown.
    let mut tx = state.db.read().await?;
    let need = aid::get(&mut tx, scope, id).await?.ok_or_else(AppError::not_found)?;
    let contact = aid::contact(&mut tx, scope, &need).await?;
    let ranked = offers::candidates(&mut tx, scope, &need, now, zone.today(&now)).await?;
    let history = aid::history(&mut tx, scope, &need).await?;
    drop(tx);
    if contact.is_some() {
        let mut tx = state.db.write().await?;
        let what = format!("contact details of a need ({})", need.category);
        tredegar_db::audit::record(&mut tx, scope, AuditAction::View, &what, &need.id.to_string(), now).await?;
        tx.commit().await?;
    }
    let coordinator = scope.role().sees_everyone();
    let mine = need.volunteer_id.is_some() && need.volunteer_id == scope.user_id();
    let moves = moves(need.status, coordinator, mine);
    let asked_me = mine && need.status == NeedStatus::Offered;
    let has_problems = !errors.is_empty();
    let title = format!("{}: {}", need.category, need.district);
    let page = Page::new(Layout::for_scope(&title, scope, csrf).notice(&notice), |layout| NeedPage {
        csrf: layout.csrf.clone(),
        slug: scope.group_slug().into(),
        need,
        contact,
        coordinator,
        asked_me,
        ranked,
        history,
        moves,
        zone,
        errors,
    });
    render_form(page, has_problems)
}

/// The buttons a need's page offers the one looking, in their words. An
/// offer is answered with its own yes and no; a decline or a hand-back by
/// the volunteer is its own button too.
fn moves(status: NeedStatus, coordinator: bool, mine: bool) -> Vec<(NeedStatus, &'static str)> {
    use NeedStatus::*;
    let back = if status == New { "Ready to offer" } else { "Take it back, to offer again" };
    let all = [(Triaged, back), (InProgress, "I'm on it"), (Done, "Done"), (Cancelled, "Cancel it"), (Expired, "No longer needed")];
    all.into_iter()
        .filter(|(to, _)| status.can_become(*to))
        .filter(|(to, _)| match to {
            InProgress => mine,
            Done => mine || coordinator,
            _ => coordinator,
        })
        .collect()
}

pub(super) async fn show(
    State(state): State<AppState>,
    Member(scope): Member,
    csrf: CsrfToken,
    Path((_, id)): Path<(String, NeedId)>,
    Query(notice): Query<Notice>,
) -> Result<Response, AppError> {
    need_page(&state, &scope, csrf, id, notice, FieldErrors::default()).await
}

#[derive(Deserialize)]
pub(super) struct ChangeForm {
    #[serde(default)]
    to: String,
    #[serde(default)]
    volunteer: String,
    #[serde(default)]
    note: String,
}

/// Move a need on: triage, offer, accept or decline, start, finish, cancel.
pub(super) async fn change(
    State(state): State<AppState>,
    Member(scope): Member,
    csrf: CsrfToken,
    Path((_, id)): Path<(String, NeedId)>,
    Form(form): Form<ChangeForm>,
) -> Result<Response, AppError> {
    let to = NeedStatus::from_stored(form.to.trim()).ok_or_else(|| AppError::from(Problem::new("to", "is not a step a need can take")))?;
    let volunteer = match form.volunteer.trim() {
        "" => None,
        v => Some(v.parse::<UserId>().map_err(|_| AppError::from(Problem::new("volunteer", "choose someone from the list")))?),
    };
    let note = match tredegar_domain::contact::optional_text("note", &form.note, 1000) {
        Ok(note) => note.unwrap_or_default(),
        Err(p) => return need_page(&state, &scope, csrf, id, Notice::default(), p.into()).await,
    };
    let mut tx = state.db.write().await?;
    match aid::change(&mut tx, &scope, id, to, volunteer, &note, state.clock.now()).await {
        Ok(()) => {
            if let (NeedStatus::Offered, Some(to_whom)) = (to, volunteer) {
                super::sweep::tell_volunteer(&mut tx, &state, &scope, id, to_whom).await?;
            }
            tx.commit().await?
        }
        Err(tredegar_db::DbError::Invalid(errors)) => {
            drop(tx);
            return need_page(&state, &scope, csrf, id, Notice::default(), errors).await;
        }
        Err(e) => return Err(e.into()),
    }
    // A volunteer who declined or handed it back no longer sees it.
    let back = if scope.role().sees_everyone() || matches!(to, NeedStatus::Accepted | NeedStatus::InProgress) {
        format!("{}?notice=saved", paths::need(scope.group_slug(), id))
    } else {
        format!("{}?notice=saved", paths::helping(scope.group_slug()))
    };
    Ok(Redirect::to(&back).into_response())
}
