//! Needs, for coordinators: the list by status, taking a need by phone,
//! one need with its contact details (audited), the volunteers ranked for
//! it with why, and its history; the issues it points to. A volunteer
//! reaches a need's page only once it is offered to them.

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tredegar_db::Scope;
use tredegar_db::aid::follow;
use tredegar_db::aid::offers::{self, Category, Ranked};
use tredegar_db::aid::{self, Change, Contact, NeedRow};
use tredegar_db::conversations::Theme;
use tredegar_domain::aid::{NeedInput, NeedSource, NeedStatus, Repeats, Timing, Urgency};
use tredegar_domain::{FieldErrors, NeedId, Problem, ThemeId, UserId};

use crate::auth::{CsrfToken, Member, Organiser};
use crate::extract::{Form, Path, Query};
use crate::ui::{Layout, Notice, Page, Pager, Zone, render_form};
use crate::{AppError, AppState, paths};

#[derive(askama::Template)]
#[template(path = "aid/needs.html")]
struct IndexPage {
    csrf: String,
    slug: String,
    needs: Vec<NeedRow>,
    categories: Vec<Category>,
    timing: Timing,
    showing: String,
    zone: Zone,
    errors: FieldErrors,
    pager: Pager,
}

/// Needs on a page of the list.
const PER_PAGE: i64 = 100;

#[derive(Default, Deserialize)]
pub(super) struct IndexQuery {
    /// open (the default), done, closed, or involved (said yes to getting involved).
    show: Option<String>,
    notice: Option<String>,
    page: Option<i64>,
}

pub(super) async fn index_page(
    state: &AppState,
    scope: &Scope,
    csrf: CsrfToken,
    q: IndexQuery,
    errors: FieldErrors,
) -> Result<Response, AppError> {
    let showing = q.show.unwrap_or_else(|| "open".into());
    let statuses: &[NeedStatus] = match showing.as_str() {
        "done" => &[NeedStatus::Done],
        "closed" => &[NeedStatus::Cancelled, NeedStatus::Expired],
        "open" | "involved" => &NeedStatus::OPEN,
        _ => return Err(Problem::new("show", "must be open, done, closed or involved").into()),
    };
    let page = tredegar_db::Page::new(q.page.unwrap_or(1), PER_PAGE);
    let mut tx = state.db.read().await?;
    let (needs, total) = if showing == "involved" {
        follow::involved(&mut tx, scope, page).await?
    } else {
        aid::list(&mut tx, scope, statuses, page).await?
    };
    let categories = offers::categories(&mut tx, scope).await?;
    let timing = offers::timing(&mut tx, scope.group_id()).await?;
    drop(tx);
    if showing == "involved" && !needs.is_empty() {
        let read: Vec<_> = needs.iter().map(|n| (n.person_id, scope.group_id())).collect();
        let mut tx = state.db.write().await?;
        let what = "people helped who would like to get involved";
        tredegar_db::audit::record_reads(&mut tx, scope, &read, what, state.clock.now()).await?;
        tx.commit().await?;
    }
    let has_problems = !errors.is_empty();
    let notice = Notice { notice: q.notice };
    let pager = Pager::new(format!("{}?show={}", paths::needs(scope.group_slug()), paths::encode(&showing)), page, total);
    let page = Page::new(Layout::for_scope("Needs", scope, csrf).notice(&notice), |layout| IndexPage {
        csrf: layout.csrf.clone(),
        slug: scope.group_slug().into(),
        needs,
        categories,
        timing,
        zone: layout.zone(),
        errors,
        pager,
        showing,
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

#[derive(askama::Template)]
#[template(path = "aid/new.html")]
struct NewPage {
    csrf: String,
    slug: String,
    categories: Vec<Category>,
    urgencies: &'static [Urgency],
    repeats: &'static [Repeats],
    group_name: String,
    form: NeedInput,
    /// The need being changed; none for a new one.
    editing: Option<NeedId>,
    errors: FieldErrors,
}

/// The form for a new need, or for changing one (`editing`).
pub(super) async fn new_page(
    state: &AppState,
    scope: &Scope,
    csrf: CsrfToken,
    form: NeedInput,
    editing: Option<NeedId>,
    errors: FieldErrors,
) -> Result<Response, AppError> {
    let mut tx = state.db.read().await?;
    let categories = offers::categories(&mut tx, scope).await?;
    drop(tx);
    let has_problems = !errors.is_empty();
    let title = if editing.is_some() { "Change the need" } else { "Take a need" };
    let page = Page::new(Layout::for_scope(title, scope, csrf), |layout| NewPage {
        csrf: layout.csrf.clone(),
        slug: scope.group_slug().into(),
        categories,
        urgencies: Urgency::ALL,
        repeats: Repeats::ALL,
        group_name: scope.group_name().into(),
        form,
        editing,
        errors,
    });
    render_form(page, has_problems)
}

pub(super) async fn new(State(state): State<AppState>, Organiser(scope): Organiser, csrf: CsrfToken) -> Result<Response, AppError> {
    let form = NeedInput { urgency: "this_week".into(), ..Default::default() };
    new_page(&state, &scope, csrf, form, None, FieldErrors::default()).await
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
        Err(errors) => return new_page(&state, &scope, csrf, form, None, errors).await,
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
    /// The group's issues, and those this need points to.
    themes: Vec<Theme>,
    pointed: Vec<ThemeId>,
    mine: bool,
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
    fn points_to(&self, theme: &ThemeId) -> bool {
        self.pointed.contains(theme)
    }

    /// The volunteer finishing it may say they will do the next one, if it
    /// repeats and the requester agreed to the same volunteer.
    fn offer_the_next(&self) -> bool {
        self.mine && self.need.same_volunteer && self.need.repeats != Repeats::Never && self.need.status.can_become(NeedStatus::Done)
    }

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
    let coordinator = scope.role().sees_everyone();
    let (themes, pointed) = if coordinator {
        (tredegar_db::conversations::themes(&mut tx, scope).await?, follow::themes_of(&mut tx, scope, need.id).await?)
    } else {
        (Vec::new(), Vec::new())
    };
    drop(tx);
    if contact.is_some() {
        // Named by the person's id, so "who read my data" finds it.
        let what = format!("contact details of a need ({}), need {}", need.category, need.id);
        state.record_reads(scope, &[(need.person_id, scope.group_id())], &what).await?;
    }
    let mine = need.volunteer_id.is_some() && need.volunteer_id == scope.user_id();
    let moves = moves(need.status, coordinator, mine);
    let asked_me = mine && need.status == NeedStatus::Offered;
    let has_problems = !errors.is_empty();
    let title = format!("{}: {}", need.category, need.district);
    let page = Page::new(Layout::for_scope(&title, scope, csrf).notice(&notice), |layout| NeedPage {
        csrf: layout.csrf.clone(),
        slug: scope.group_slug().into(),
        need,
        themes,
        pointed,
        mine,
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
    /// A volunteer's reason for saying no.
    #[serde(default)]
    reason: String,
    /// The volunteer will do the next one too, if it repeats.
    #[serde(default)]
    stays: String,
    /// A cancellation is confirmed: it cannot be undone.
    #[serde(default)]
    confirm: String,
}

#[derive(askama::Template)]
#[template(path = "aid/cancel.html")]
struct CancelPage {
    csrf: String,
    slug: String,
    id: NeedId,
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
    let note = tredegar_domain::contact::optional_text("note", &form.note, 1000).map(Option::unwrap_or_default);
    let reason = tredegar_domain::contact::one_line_text("reason", &form.reason, 300).map(Option::unwrap_or_default);
    let note = match (note, reason) {
        (Ok(note), Ok(reason)) if reason.is_empty() => note,
        (Ok(_), Ok(reason)) => format!("declined: {reason}"),
        (Err(p), _) | (_, Err(p)) => return need_page(&state, &scope, csrf, id, Notice::default(), p.into()).await,
    };
    let cancellable = if to == NeedStatus::Cancelled && form.confirm != "yes" {
        let mut tx = state.db.read().await?;
        aid::get(&mut tx, &scope, id).await?.is_some_and(|n| n.status.can_become(to) && scope.role().sees_everyone())
    } else {
        false
    };
    if cancellable {
        // A cancelled need cannot be opened again: ask first.
        let page = Page::new(Layout::for_scope("Cancel this need?", &scope, csrf), |layout| CancelPage {
            csrf: layout.csrf.clone(),
            slug: scope.group_slug().into(),
            id,
            note,
        });
        return crate::ui::render(page);
    }
    let mut tx = state.db.write().await?;
    let mut card = None;
    match aid::change(&mut tx, &scope, id, to, volunteer, &note, state.clock.now()).await {
        Ok(()) => {
            if let (NeedStatus::Offered, Some(to_whom)) = (to, volunteer) {
                super::sweep::tell_volunteer(&mut tx, &state, &scope, id, to_whom).await?;
            }
            if to == NeedStatus::Done {
                card = Some(super::follow::after_done(&mut tx, &state, &scope, id, !form.stays.is_empty()).await?);
            } else if to == NeedStatus::Expired
                && let Some(need) = aid::get(&mut tx, &scope, id).await?
            {
                // No longer needed this time; one that comes round still does.
                let now = state.clock.now();
                follow::repeat(&mut tx, &scope, &need, false, Zone::of(&scope).today(&now), now).await?;
            }
            tx.commit().await?
        }
        Err(tredegar_db::DbError::Invalid(errors)) => {
            drop(tx);
            return need_page(&state, &scope, csrf, id, Notice::default(), errors).await;
        }
        Err(e) => return Err(e.into()),
    }
    // Whoever marked it done gets the card to leave with them, or is told they will be emailed.
    if let Some(done) = card {
        return Ok(Redirect::to(&done.redirect(&scope, id)).into_response());
    }
    // A volunteer who declined or handed it back no longer sees it.
    let back = if scope.role().sees_everyone() || matches!(to, NeedStatus::Accepted | NeedStatus::InProgress) {
        format!("{}?notice=saved", paths::need(scope.group_slug(), id))
    } else {
        format!("{}?notice=saved", paths::helping(scope.group_slug()))
    };
    Ok(Redirect::to(&back).into_response())
}

#[derive(Deserialize)]
pub(super) struct ThemesForm {
    #[serde(default)]
    themes: Vec<String>,
    #[serde(default)]
    new_theme: String,
}

/// Say which shared problems a need points to, perhaps adding one to the
/// group's issues: they count in the listening report.
pub(super) async fn set_themes(
    State(state): State<AppState>,
    Organiser(scope): Organiser,
    csrf: CsrfToken,
    Path((_, id)): Path<(String, NeedId)>,
    Form(form): Form<ThemesForm>,
) -> Result<Response, AppError> {
    let chosen: Result<Vec<ThemeId>, _> = form.themes.iter().map(|t| t.parse::<ThemeId>()).collect();
    let new_theme = tredegar_domain::contact::one_line_text("new_theme", &form.new_theme, 80);
    let (mut chosen, new_theme) = match (chosen, new_theme) {
        (Ok(chosen), Ok(new_theme)) => (chosen, new_theme),
        (Err(_), _) => {
            return need_page(&state, &scope, csrf, id, Notice::default(), Problem::new("themes", "choose issues from the list").into())
                .await;
        }
        (_, Err(p)) => return need_page(&state, &scope, csrf, id, Notice::default(), p.into()).await,
    };
    let now = state.clock.now();
    let mut tx = state.db.write().await?;
    let need = aid::get(&mut tx, &scope, id).await?.ok_or_else(AppError::not_found)?;
    if let Some(name) = new_theme {
        chosen.push(tredegar_db::conversations::theme(&mut tx, &scope, &name, now).await?);
    }
    match follow::set_themes(&mut tx, &scope, &need, &chosen).await {
        Ok(()) => tx.commit().await?,
        Err(tredegar_db::DbError::Invalid(errors)) => {
            drop(tx);
            return need_page(&state, &scope, csrf, id, Notice::default(), errors).await;
        }
        Err(e) => return Err(e.into()),
    }
    Ok(Redirect::to(&format!("{}?notice=saved", paths::need(scope.group_slug(), id))).into_response())
}

/// Stop a need coming round again: this one, and those made after it, stay.
pub(super) async fn stop_repeating(
    State(state): State<AppState>,
    Organiser(scope): Organiser,
    Path((_, id)): Path<(String, NeedId)>,
) -> Result<Response, AppError> {
    let mut tx = state.db.write().await?;
    let need = aid::get(&mut tx, &scope, id).await?.ok_or_else(AppError::not_found)?;
    follow::stop_repeating(&mut tx, &scope, &need, state.clock.now()).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("{}?notice=saved", paths::need(scope.group_slug(), id))).into_response())
}

/// The person confirmed, to a coordinator, the yes to getting involved that
/// came by the public form or a card.
pub(super) async fn confirm_involve(
    State(state): State<AppState>,
    Organiser(scope): Organiser,
    Path((_, id)): Path<(String, NeedId)>,
) -> Result<Response, AppError> {
    let mut tx = state.db.write().await?;
    let need = aid::get(&mut tx, &scope, id).await?.ok_or_else(AppError::not_found)?;
    follow::confirm_involve(&mut tx, &scope, &need, state.clock.now()).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("{}?notice=saved", paths::need(scope.group_slug(), id))).into_response())
}
