//! The people pages. Every handler takes a scope extractor, so the role is in
//! its signature, and every read goes through the scoped db functions.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tredegar_db::fields::{self, CustomField};
use tredegar_db::imports::uploads;
use tredegar_db::people::{self, ExportRow, Order, Person, PersonSummary, Search};
use tredegar_db::{Scope, audit, lists, tags, users};
use tredegar_domain::AuditAction;
use tredegar_domain::import::UploadStatus;
use tredegar_domain::people::HistoryKind;
use tredegar_domain::{FieldErrors, ListId, PersonId, TagId, UserId};

use super::form::{self, PersonForm};
use crate::auth::{CsrfToken, Member, Organiser};
use crate::extract::{Form, Path, Query};
use crate::paths;
use crate::tags::TagForm;
use crate::ui::{Layout, Notice, Page, Pager, csv_stream, csv_time, render};
use crate::{AppError, AppState};

const PER_PAGE: i64 = 50;

#[derive(Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    pub(super) q: String,
    page: Option<i64>,
    /// Everyone with this tag, instead of a search.
    tag: Option<TagId>,
    /// Everyone on this list or segment, instead of a search.
    list: Option<ListId>,
    notice: Option<String>,
}

impl ListQuery {
    /// What the list shows: everyone with the tag, or on the list, or what
    /// the words match.
    pub(crate) async fn search(&self, state: &AppState, scope: &Scope) -> Result<Search, AppError> {
        Ok(self.heading(state, scope).await?.0)
    }

    /// The search, and the tag or list it is of, for the heading.
    async fn heading(&self, state: &AppState, scope: &Scope) -> Result<(Search, Option<Of>), AppError> {
        let mut tx = state.db.read().await?;
        if let Some(tag) = self.tag {
            let found = tags::get(&mut tx, scope, tag).await?.ok_or_else(AppError::not_found)?;
            return Ok((Search::Tagged(tag), Some(Of::Tag(tag, found.name))));
        }
        if let Some(list) = self.list {
            // Lists are the organisers': a volunteer finds none.
            let found = lists::get(&mut tx, scope, list).await?.filter(|_| scope.role().sees_everyone()).ok_or_else(AppError::not_found)?;
            return Ok((lists::search(&mut tx, scope, &found, state.clock.now()).await?, Some(Of::List(list, found.name))));
        }
        Ok((Search::parse(&self.q), None))
    }
}

/// What a page of people is of, when it is not a search.
enum Of {
    Tag(TagId, String),
    List(ListId, String),
}

#[derive(Template)]
#[template(path = "people/index.html")]
struct IndexPage {
    csrf: String,
    slug: String,
    q: String,
    /// The tag or list the page is of, if it is.
    of: Option<Of>,
    /// Static lists the people found can be put on.
    static_lists: Vec<tredegar_db::lists::List>,
    people: Vec<PersonSummary>,
    total: i64,
    pager: Pager,
    organiser: bool,
    /// The group's tags, to list everyone with one (organisers only).
    all_tags: Vec<tags::Tag>,
}

/// The list's own query, for its pages and its CSV.
fn own_query(of: &Option<Of>, q: &str) -> String {
    match of {
        Some(Of::Tag(id, _)) => format!("tag={id}"),
        Some(Of::List(id, _)) => format!("list={id}"),
        None => format!("q={}", paths::encode(q)),
    }
}

impl IndexPage {
    fn query(&self) -> String {
        own_query(&self.of, &self.q)
    }

    fn tag_chosen(&self, tag: &TagId) -> bool {
        matches!(&self.of, Some(Of::Tag(id, _)) if id == tag)
    }

    /// Whether the page is of a tag (the tag menu then shows it, not "Choose a tag").
    fn of_a_tag(&self) -> bool {
        matches!(&self.of, Some(Of::Tag(..)))
    }
}

pub async fn index(
    State(state): State<AppState>,
    Member(scope): Member,
    csrf: CsrfToken,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let page = tredegar_db::Page::new(q.page.unwrap_or(1), PER_PAGE);
    let (search, of) = q.heading(&state, &scope).await?;
    let mut tx = state.db.read().await?;
    let (people, total) = people::list(&mut tx, &scope, &search, &Default::default(), Order::Name, page).await?;
    let organiser = scope.role().sees_everyone();
    let everything = tredegar_db::Page::everything();
    let all_tags = if organiser { tags::list(&mut tx, &scope, &Default::default(), everything).await?.0 } else { Vec::new() };
    let static_lists = if organiser {
        let all = lists::list(&mut tx, &scope, everything).await?.0;
        all.into_iter().filter(|l| l.kind == tredegar_domain::segments::ListKind::Static).collect()
    } else {
        Vec::new()
    };
    drop(tx);
    // A page of people shows their contact details: it is a sensitive read, as through the API.
    let read: Vec<_> = people.iter().map(|p| (p.id, p.group_id)).collect();
    state.record_reads(&scope, &read, "listed on the people page").await?;
    let notice = Notice { notice: q.notice.clone() };
    let pager = Pager::new(format!("{}?{}", paths::people(scope.group_slug()), own_query(&of, &q.q)), page, total);
    render(Page::new(Layout::for_scope("People", &scope, csrf).notice(&notice), |layout| IndexPage {
        csrf: layout.csrf.clone(),
        slug: scope.group_slug().into(),
        q: q.q,
        of,
        static_lists,
        people,
        total,
        pager,
        organiser,
        all_tags,
    }))
}

/// The people list, with its search, as CSV, streamed so a group of any size
/// exports in little memory. The export is logged before anyone gets it.
pub async fn export(State(state): State<AppState>, Organiser(scope): Organiser, Query(q): Query<ListQuery>) -> Result<Response, AppError> {
    let search = q.search(&state, &scope).await?;
    let mut tx = state.db.read().await?;
    let total = people::list(&mut tx, &scope, &search, &Default::default(), Order::Name, tredegar_db::Page::new(1, 1)).await?.1;
    drop(tx);
    let detail = format!("{total} people{}", if search == Search::All { String::new() } else { " matching a search".into() });
    let mut tx = state.db.write().await?;
    audit::record(&mut tx, &scope, AuditAction::Export, "people", &detail, state.clock.now()).await?;
    tx.commit().await?;

    let mut tx = state.db.read().await?;
    let fields = fields::list(&mut tx, &scope).await?;
    drop(tx);
    let mut header: Vec<String> =
        ["id", "given_name", "family_name", "emails", "phones", "addresses", "languages", "tags"].map(String::from).to_vec();
    header.extend(fields.iter().map(|f| f.label.clone()));
    header.extend(["created", "modified"].map(String::from));
    let names: Vec<String> = fields.into_iter().map(|f| f.name).collect();
    csv_stream(
        &state,
        "people.csv",
        header,
        move |p: ExportRow| {
            let custom: Vec<(&str, &str)> = p.custom_values().collect();
            let mut row = vec![
                p.id.to_string(),
                p.given_name.clone().unwrap_or_default(),
                p.family_name.clone().unwrap_or_default(),
                p.emails.clone().unwrap_or_default(),
                p.phones.clone().unwrap_or_default(),
                p.addresses.clone().unwrap_or_default(),
                p.languages.replace(',', ", "),
                p.tags.clone().unwrap_or_default(),
            ];
            row.extend(names.iter().map(|n| custom.iter().find(|(k, _)| k == n).map(|(_, v)| v.to_string()).unwrap_or_default()));
            row.extend([csv_time(p.created_at), csv_time(p.modified_at)]);
            row
        },
        move |db, rows| async move {
            let mut tx = db.read().await?;
            people::send_export(&mut tx, &scope, &search, rows).await
        },
    )
}

#[derive(Template)]
#[template(path = "people/form.html")]
struct FormPage {
    csrf: String,
    title: String,
    slug: String,
    action: String,
    form: PersonForm,
    errors: FieldErrors,
    /// Who already has an email or phone that was entered.
    existing: Option<PersonId>,
    statuses: Vec<&'static str>,
    phone_types: Vec<&'static str>,
}

fn form_page(
    scope: &Scope,
    csrf: CsrfToken,
    title: &str,
    action: String,
    form: PersonForm,
    errors: FieldErrors,
    existing: Option<PersonId>,
) -> Page<FormPage> {
    Page::new(Layout::for_scope(title, scope, csrf), |layout| FormPage {
        csrf: layout.csrf.clone(),
        title: layout.title.clone(),
        slug: scope.group_slug().into(),
        action,
        form,
        errors,
        existing,
        statuses: tredegar_domain::SubscriptionStatus::ALL.iter().map(|s| s.as_str()).collect(),
        phone_types: tredegar_domain::people::PhoneType::ALL.iter().map(|t| t.as_str()).collect(),
    })
}

pub async fn new(State(state): State<AppState>, Organiser(scope): Organiser, csrf: CsrfToken) -> Result<Response, AppError> {
    let mut tx = state.db.read().await?;
    let fields = fields::list(&mut tx, &scope).await?;
    let action = paths::people(scope.group_slug());
    render(form_page(&scope, csrf, "Add a person", action, PersonForm::blank(&fields), FieldErrors::default(), None))
}

/// Save a person from the form; on a problem, show the form again with it.
async fn save_from_form(
    state: &AppState,
    scope: &Scope,
    csrf: CsrfToken,
    id: PersonId,
    new: bool,
    sent: Vec<(String, String)>,
) -> Result<Response, AppError> {
    let mut tx = state.db.write().await?;
    let fields = fields::list(&mut tx, scope).await?;
    let (title, action) =
        if new { ("Add a person", paths::people(scope.group_slug())) } else { ("Edit person", paths::person(scope.group_slug(), id)) };
    let again = |errors: FieldErrors, existing: Option<PersonId>, fields: &[CustomField]| {
        let page = form_page(scope, csrf.clone(), title, action.clone(), PersonForm::from_sent(&sent, fields), errors, existing);
        render(page).map(|r| (StatusCode::BAD_REQUEST, r).into_response())
    };
    let details = match form::parse(&sent, &fields) {
        Ok(d) => d,
        Err(errors) => return again(errors, None, &fields),
    };
    // Every email and phone someone else has, all at once.
    let mut taken = FieldErrors::default();
    let mut existing = None;
    for d in people::taken(&mut tx, scope, id, &details).await? {
        if let tredegar_db::DbError::Duplicate { field, message, existing: owner } = d {
            taken.push(tredegar_domain::Problem::new(field, message));
            existing = existing.or(owner);
        }
    }
    if !taken.is_empty() {
        return again(taken, existing, &fields);
    }
    let now = state.clock.now();
    match people::save(&mut tx, scope, id, &details, now, new).await {
        Ok(()) => {}
        Err(tredegar_db::DbError::Duplicate { field, message, existing }) => {
            return again(tredegar_domain::Problem::new(field, message).into(), existing, &fields);
        }
        Err(e) => return Err(e.into()),
    }
    people::add_event(
        &mut tx,
        scope,
        id,
        if new { HistoryKind::Created } else { HistoryKind::Edited },
        if new { "Added to the database" } else { "Details edited" },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(back_to_person(scope, id, if new { "added" } else { "saved" }))
}

pub async fn create(
    State(state): State<AppState>,
    Organiser(scope): Organiser,
    csrf: CsrfToken,
    Form(sent): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    save_from_form(&state, &scope, csrf, PersonId::new(), true, sent).await
}

pub async fn update(
    State(state): State<AppState>,
    Organiser(scope): Organiser,
    csrf: CsrfToken,
    Path((_, id)): Path<(String, PersonId)>,
    Form(sent): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    own_person(&state, &scope, id).await?;
    save_from_form(&state, &scope, csrf, id, false, sent).await
}

/// After a change, back to the person's page, confirming it.
pub(super) fn back_to_person(scope: &Scope, id: PersonId, notice: &str) -> Response {
    Redirect::to(&format!("{}?notice={notice}", paths::person(scope.group_slug(), id))).into_response()
}

/// A person this scope may see, or 404.
pub(super) async fn visible_person(state: &AppState, scope: &Scope, id: PersonId) -> Result<Person, AppError> {
    let mut tx = state.db.read().await?;
    people::get(&mut tx, scope, id).await?.ok_or_else(|| AppError::NotFound(format!("Couldn't find person with id = {id}")))
}

/// A person of the scope's own group (not a shared child's), or 404.
pub(super) async fn own_person(state: &AppState, scope: &Scope, id: PersonId) -> Result<Person, AppError> {
    let p = visible_person(state, scope, id).await?;
    if p.group_id == scope.group_id() { Ok(p) } else { Err(AppError::NotFound(format!("Couldn't find person with id = {id}"))) }
}

pub async fn edit(
    State(state): State<AppState>,
    Organiser(scope): Organiser,
    csrf: CsrfToken,
    Path((_, id)): Path<(String, PersonId)>,
) -> Result<Response, AppError> {
    let person = own_person(&state, &scope, id).await?;
    let mut tx = state.db.read().await?;
    let fields = fields::list(&mut tx, &scope).await?;
    let action = paths::person(scope.group_slug(), id);
    render(form_page(&scope, csrf, "Edit person", action, PersonForm::from_person(&person, &fields), FieldErrors::default(), None))
}

#[derive(Template)]
#[template(path = "people/delete.html")]
struct DeletePage {
    csrf: String,
    slug: String,
    id: PersonId,
    name: String,
}

pub async fn confirm_delete(
    State(state): State<AppState>,
    Organiser(scope): Organiser,
    csrf: CsrfToken,
    Path((_, id)): Path<(String, PersonId)>,
) -> Result<Response, AppError> {
    let person = own_person(&state, &scope, id).await?;
    render(Page::new(Layout::for_scope("Delete person", &scope, csrf), |layout| DeletePage {
        csrf: layout.csrf.clone(),
        slug: scope.group_slug().into(),
        id,
        name: person.display_name(),
    }))
}

/// Erasure is a real delete: the person and everything about them goes.
pub async fn delete(
    State(state): State<AppState>,
    Organiser(scope): Organiser,
    Path((_, id)): Path<(String, PersonId)>,
) -> Result<Response, AppError> {
    let person = own_person(&state, &scope, id).await?;
    let mut tx = state.db.write().await?;
    people::delete(&mut tx, &scope, id).await?;
    audit::record_about(&mut tx, &scope, AuditAction::Delete, id, "and everything recorded about them", state.clock.now()).await?;
    // An import queued or running now may bring them back, even if it has finished by the time its file is looked at.
    let importing = uploads::kept(&mut tx, &scope).await?.iter().any(|(_, s)| matches!(s, UploadStatus::Queued | UploadStatus::Running));
    tx.commit().await?;
    // The write-ahead log may still hold pages from before the delete: empty it.
    if let Err(e) = state.db.forget_deleted().await {
        tracing::warn!(error = %e, "a person was erased, but the write-ahead log could not be emptied now; the next checkpoint does it");
    }
    // They are erased; what is left is their copies in uploaded files.
    let notice = match crate::uploads::forget(&state, &scope, &person.details).await {
        Ok(f) if f.in_use > 0 || importing => "deleted-import-running",
        Ok(f) if f.deleted > 0 => "deleted-with-uploads",
        Ok(_) => "deleted",
        Err(e) => {
            tracing::error!(error = %e, "a person was erased, but the uploaded files could not be looked through");
            "deleted-uploads-unchecked"
        }
    };
    Ok(Redirect::to(&format!("{}?notice={notice}", paths::people(scope.group_slug()))).into_response())
}

/// Tag a person, making the tag if the group has none by that name.
pub async fn add_tag(
    State(state): State<AppState>,
    Organiser(scope): Organiser,
    Path((_, id)): Path<(String, PersonId)>,
    Form(f): Form<TagForm>,
) -> Result<Response, AppError> {
    own_person(&state, &scope, id).await?;
    let Ok(name) = tredegar_domain::contact::required_text("name", &f.name, 100) else {
        // Back to the person, the problem shown beside the tag field.
        let to = format!("{}?tag_error=name#tag-name", paths::person(scope.group_slug(), id));
        return Ok(Redirect::to(&to).into_response());
    };
    let now = state.clock.now();
    let mut tx = state.db.write().await?;
    let tag = tags::find_or_create(&mut tx, &scope, &name, now).await?;
    tags::add(&mut tx, &scope, tag.id, id, now).await?;
    people::add_event(&mut tx, &scope, id, HistoryKind::Tagged, &format!("Tagged {}", tag.name), now).await?;
    tx.commit().await?;
    Ok(back_to_person(&scope, id, "saved"))
}

pub async fn remove_tag(
    State(state): State<AppState>,
    Organiser(scope): Organiser,
    Path((_, id, tag)): Path<(String, PersonId, TagId)>,
) -> Result<Response, AppError> {
    own_person(&state, &scope, id).await?;
    let now = state.clock.now();
    let mut tx = state.db.write().await?;
    let tag = tags::get(&mut tx, &scope, tag).await?.ok_or_else(AppError::not_found)?;
    tags::remove(&mut tx, &scope, tag.id, id, now).await?;
    people::add_event(&mut tx, &scope, id, HistoryKind::Untagged, &format!("Tag {} removed", tag.name), now).await?;
    tx.commit().await?;
    Ok(back_to_person(&scope, id, "saved"))
}

#[derive(Deserialize)]
pub struct AssignForm {
    user: UserId,
}

pub async fn assign(
    State(state): State<AppState>,
    Organiser(scope): Organiser,
    Path((_, id)): Path<(String, PersonId)>,
    Form(f): Form<AssignForm>,
) -> Result<Response, AppError> {
    own_person(&state, &scope, id).await?;
    let mut tx = state.db.write().await?;
    let member = users::member(&mut tx, &scope, f.user)
        .await?
        .ok_or_else(|| tredegar_domain::Problem::new("user", "is not a member of this group"))?;
    let now = state.clock.now();
    people::assign(&mut tx, &scope, id, f.user, now).await?;
    people::add_event(&mut tx, &scope, id, HistoryKind::Assigned, &format!("Assigned to {}", member.name), now).await?;
    tx.commit().await?;
    Ok(back_to_person(&scope, id, "saved"))
}

pub async fn unassign(
    State(state): State<AppState>,
    Organiser(scope): Organiser,
    Path((_, id, user)): Path<(String, PersonId, UserId)>,
) -> Result<Response, AppError> {
    own_person(&state, &scope, id).await?;
    let mut tx = state.db.write().await?;
    people::unassign(&mut tx, &scope, id, user).await?;
    tx.commit().await?;
    Ok(back_to_person(&scope, id, "saved"))
}
