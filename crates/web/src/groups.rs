//! Running a group: its members and their roles, sharing with the parent
//! group, custom fields, and the audit log. Admins only.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use tredegar_db::audit::{self, AuditEntry};
use tredegar_db::fields::{self, CustomField};
use tredegar_db::groups::{self, Group};
use tredegar_db::users::{self, Member};
use tredegar_db::{Page, Scope};
use tredegar_domain::contact::{Password, required_text};
use tredegar_domain::people::{FieldKind, parse_field_name};
use tredegar_domain::{CustomFieldId, Email, FieldErrors, Problem, Role, UserId};

use crate::auth::{Admin, CsrfToken, hash_password};
use crate::extract::{Form, Path, Query};
use crate::pages::{Layout, Notice, csv_response, csv_stream, render};
use crate::{AppError, AppState};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/g/{slug}/members", get(members).post(add_member))
        .route("/g/{slug}/members.csv", get(members_export))
        .route("/g/{slug}/members/{user}/role", post(change_role))
        .route("/g/{slug}/members/{user}/remove", get(confirm_remove).post(remove_member))
        .route("/g/{slug}/groups", post(create_child))
        .route("/g/{slug}/settings", get(settings))
        .route("/g/{slug}/settings/sharing", post(set_sharing))
        .route("/g/{slug}/fields", post(add_field))
        .route("/g/{slug}/fields/{id}/delete", post(delete_field))
        .route("/g/{slug}/audit", get(audit_log))
        .route("/g/{slug}/audit.csv", get(audit_export))
}

#[derive(Template)]
#[template(path = "admin/members.html")]
struct MembersPage {
    layout: Layout,
    slug: String,
    me: UserId,
    members: Vec<Member>,
    roles: [Role; 3],
    form: MemberForm,
    errors: FieldErrors,
}

#[derive(Default, Deserialize)]
struct MemberForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    password: String,
}

async fn members_page(
    state: &AppState,
    scope: &Scope,
    csrf: CsrfToken,
    form: MemberForm,
    errors: FieldErrors,
) -> Result<MembersPage, AppError> {
    let mut tx = state.db.read().await?;
    let members = users::members(&mut tx, scope).await?;
    Ok(MembersPage {
        layout: Layout::for_scope("Members", scope, csrf),
        slug: scope.group_slug().into(),
        me: scope.user_id(),
        members,
        roles: Role::ALL,
        form,
        errors,
    })
}

async fn members(
    State(state): State<AppState>,
    Admin(scope): Admin,
    csrf: CsrfToken,
    Query(notice): Query<Notice>,
) -> Result<Response, AppError> {
    let mut page =
        members_page(&state, &scope, csrf, MemberForm { role: "volunteer".into(), ..Default::default() }, FieldErrors::default()).await?;
    page.layout = page.layout.notice(&notice);
    render(page)
}

/// Add someone to the group: a new account, or an existing one by email.
async fn add_member(
    State(state): State<AppState>,
    Admin(scope): Admin,
    csrf: CsrfToken,
    Form(form): Form<MemberForm>,
) -> Result<Response, AppError> {
    let mut errors = FieldErrors::default();
    let email = errors.check(Email::parse("email", &form.email));
    let role = errors.check(Role::parse(&form.role));
    let mut tx = state.db.write().await?;
    let existing = match &email {
        Some(e) => users::by_email(&mut tx, &e.key()).await?,
        None => None,
    };
    let new_account = if existing.is_none() {
        let name = errors.check(required_text("name", &form.name, 120));
        let password = errors.check(Password::parse("password", &form.password));
        name.zip(password)
    } else {
        None
    };
    let (Some(email), Some(role)) = (email, role) else {
        drop(tx);
        let page = members_page(&state, &scope, csrf, form, errors).await?;
        return render(page).map(|r| (StatusCode::BAD_REQUEST, r).into_response());
    };
    if !errors.is_empty() {
        drop(tx);
        let page = members_page(&state, &scope, csrf, form, errors).await?;
        return render(page).map(|r| (StatusCode::BAD_REQUEST, r).into_response());
    }
    let now = state.clock.now();
    let user = match (existing, new_account) {
        (Some(u), _) => u,
        (None, Some((name, password))) => {
            let hash = hash_password(password).await?;
            users::create(&mut tx, &email, &name, &hash, now).await?
        }
        (None, None) => return Err(AppError::Internal("member form checked without an account".into())),
    };
    users::set_membership(&mut tx, scope.group_id(), user.id, role, now).await?;
    audit::record(&mut tx, &scope, "role", &format!("user {}", user.id), &format!("{} added as {}", user.name, role.label()), now).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/g/{}/members?notice=added", scope.group_slug())).into_response())
}

async fn members_export(State(state): State<AppState>, Admin(scope): Admin) -> Result<Response, AppError> {
    let mut tx = state.db.read().await?;
    let members = users::members(&mut tx, &scope).await?;
    drop(tx);
    let mut tx = state.db.write().await?;
    audit::record(&mut tx, &scope, "export", "members", &format!("{} members", members.len()), state.clock.now()).await?;
    tx.commit().await?;
    let rows = members.into_iter().map(|m| vec![m.user_id.to_string(), m.name, m.email, m.role]).collect();
    csv_response("members.csv", &["id", "name", "email", "role"], rows)
}

#[derive(Deserialize)]
struct RoleForm {
    role: String,
}

async fn change_role(
    State(state): State<AppState>,
    Admin(scope): Admin,
    Path((_, user)): Path<(String, UserId)>,
    Form(f): Form<RoleForm>,
) -> Result<Response, AppError> {
    let role = Role::parse(&f.role)?;
    if user == scope.user_id() && role != Role::Admin {
        return Err(Problem::new("role", "you cannot take away your own admin role; ask another admin").into());
    }
    let mut tx = state.db.write().await?;
    let member = users::member(&mut tx, &scope, user).await?.ok_or_else(AppError::not_found)?;
    let now = state.clock.now();
    users::set_membership(&mut tx, scope.group_id(), user, role, now).await?;
    audit::record(&mut tx, &scope, "role", &format!("user {user}"), &format!("{}: {} → {}", member.name, member.role, role.as_str()), now)
        .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/g/{}/members?notice=role", scope.group_slug())).into_response())
}

#[derive(Template)]
#[template(path = "admin/remove.html")]
struct RemovePage {
    layout: Layout,
    slug: String,
    member: Member,
}

/// A member of the scope's group other than the admin asking, or 404.
async fn other_member(state: &AppState, scope: &Scope, user: UserId) -> Result<Member, AppError> {
    if user == scope.user_id() {
        return Err(Problem::new("user", "you cannot remove yourself; ask another admin").into());
    }
    let mut tx = state.db.read().await?;
    users::member(&mut tx, scope, user).await?.ok_or_else(AppError::not_found)
}

async fn confirm_remove(
    State(state): State<AppState>,
    Admin(scope): Admin,
    csrf: CsrfToken,
    Path((_, user)): Path<(String, UserId)>,
) -> Result<Response, AppError> {
    let member = other_member(&state, &scope, user).await?;
    render(RemovePage { layout: Layout::for_scope("Remove a member", &scope, csrf), slug: scope.group_slug().into(), member })
}

/// Revoking access: the membership, its API tokens and assignments go; the account stays.
async fn remove_member(
    State(state): State<AppState>,
    Admin(scope): Admin,
    Path((_, user)): Path<(String, UserId)>,
) -> Result<Response, AppError> {
    let member = other_member(&state, &scope, user).await?;
    let mut tx = state.db.write().await?;
    users::remove_membership(&mut tx, &scope, user).await?;
    audit::record(
        &mut tx,
        &scope,
        "role",
        &format!("user {user}"),
        &format!("{} removed from the group (was {})", member.name, member.role),
        state.clock.now(),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/g/{}/members?notice=deleted-member", scope.group_slug())).into_response())
}

#[derive(Deserialize)]
struct ChildForm {
    #[serde(default)]
    name: String,
}

/// A group inside this one (an estate in a borough, a branch in a region), with the admin asking as its first admin.
async fn create_child(State(state): State<AppState>, Admin(scope): Admin, Form(f): Form<ChildForm>) -> Result<Response, AppError> {
    let (name, slug) = tredegar_domain::groups::parse_group_name("name", &f.name)?;
    let now = state.clock.now();
    let mut tx = state.db.write().await?;
    let child = groups::create(&mut tx, &name, &slug, Some(scope.group_id()), now).await?;
    users::set_membership(&mut tx, child.id, scope.user_id(), Role::Admin, now).await?;
    audit::record(&mut tx, &scope, "group", &child.name, "group created inside this one", now).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/g/{}/settings?notice=added", child.slug)).into_response())
}

#[derive(Template)]
#[template(path = "admin/settings.html")]
struct SettingsPage {
    layout: Layout,
    slug: String,
    group: Group,
    children: Vec<Group>,
    fields: Vec<CustomField>,
    form: FieldForm,
    errors: FieldErrors,
}

#[derive(Default, Deserialize)]
struct FieldForm {
    #[serde(default)]
    label: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    choices: String,
}

async fn settings_page(
    state: &AppState,
    scope: &Scope,
    csrf: CsrfToken,
    form: FieldForm,
    errors: FieldErrors,
) -> Result<SettingsPage, AppError> {
    let mut tx = state.db.read().await?;
    Ok(SettingsPage {
        layout: Layout::for_scope("Settings", scope, csrf),
        slug: scope.group_slug().into(),
        group: groups::current(&mut tx, scope).await?,
        children: groups::children(&mut tx, scope).await?,
        fields: fields::list(&mut tx, scope).await?,
        form,
        errors,
    })
}

async fn settings(
    State(state): State<AppState>,
    Admin(scope): Admin,
    csrf: CsrfToken,
    Query(notice): Query<Notice>,
) -> Result<Response, AppError> {
    let mut page =
        settings_page(&state, &scope, csrf, FieldForm { kind: "text".into(), ..Default::default() }, FieldErrors::default()).await?;
    page.layout = page.layout.notice(&notice);
    render(page)
}

#[derive(Deserialize)]
struct SharingForm {
    #[serde(default)]
    share: String,
}

/// Sharing people with the parent group is off until an admin turns it on; each change is audited.
async fn set_sharing(State(state): State<AppState>, Admin(scope): Admin, Form(f): Form<SharingForm>) -> Result<Response, AppError> {
    let share = f.share == "yes";
    let mut tx = state.db.write().await?;
    let group = groups::current(&mut tx, &scope).await?;
    if group.parent_id.is_none() {
        return Err(Problem::new("share", "this group has no parent group to share with").into());
    }
    groups::set_sharing(&mut tx, &scope, share).await?;
    let detail = if share { "people are now shared with the parent group" } else { "people are no longer shared with the parent group" };
    audit::record(&mut tx, &scope, "sharing", &group.name, detail, state.clock.now()).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/g/{}/settings?notice=sharing", scope.group_slug())).into_response())
}

async fn add_field(
    State(state): State<AppState>,
    Admin(scope): Admin,
    csrf: CsrfToken,
    Form(form): Form<FieldForm>,
) -> Result<Response, AppError> {
    let mut errors = FieldErrors::default();
    let label = errors.check(required_text("label", &form.label, 100));
    let name = label.as_deref().and_then(|l| errors.check(parse_field_name("label", l)));
    let kind = errors.check(FieldKind::parse("kind", &form.kind, &form.choices));
    let result = match (label, name, kind) {
        (Some(label), Some(name), Some(kind)) => {
            let mut tx = state.db.write().await?;
            let r = fields::create(&mut tx, &scope, &name, &label, &kind, state.clock.now()).await;
            if r.is_ok() {
                tx.commit().await?;
            }
            r.map(|_| ())
        }
        _ => Ok(()),
    };
    match result {
        Ok(()) if errors.is_empty() => return Ok(Redirect::to(&format!("/g/{}/settings?notice=added", scope.group_slug())).into_response()),
        Ok(()) => {}
        Err(tredegar_db::DbError::Duplicate { message, .. }) => errors.push(Problem::new("label", message)),
        Err(e) => return Err(e.into()),
    }
    let page = settings_page(&state, &scope, csrf, form, errors).await?;
    render(page).map(|r| (StatusCode::BAD_REQUEST, r).into_response())
}

async fn delete_field(
    State(state): State<AppState>,
    Admin(scope): Admin,
    Path((_, id)): Path<(String, CustomFieldId)>,
) -> Result<Response, AppError> {
    let mut tx = state.db.write().await?;
    fields::delete(&mut tx, &scope, id).await?;
    audit::record(&mut tx, &scope, "delete", &format!("custom field {id}"), "field and every person's value for it", state.clock.now())
        .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/g/{}/settings?notice=deleted", scope.group_slug())).into_response())
}

#[derive(Template)]
#[template(path = "admin/audit.html")]
struct AuditPage {
    layout: Layout,
    slug: String,
    entries: Vec<AuditEntry>,
    page: i64,
    pages: i64,
    total: i64,
}

impl AuditPage {
    fn page_link(&self, page: i64) -> String {
        format!("/g/{}/audit?page={page}", self.slug)
    }
}

#[derive(Deserialize)]
struct PageQuery {
    page: Option<i64>,
}

async fn audit_log(
    State(state): State<AppState>,
    Admin(scope): Admin,
    csrf: CsrfToken,
    Query(q): Query<PageQuery>,
) -> Result<Response, AppError> {
    let page = Page::new(q.page.unwrap_or(1), 100);
    let mut tx = state.db.read().await?;
    let (entries, total) = audit::list(&mut tx, &scope, page).await?;
    render(AuditPage {
        layout: Layout::for_scope("Audit log", &scope, csrf),
        slug: scope.group_slug().into(),
        entries,
        page: page.page,
        pages: page.total_pages(total),
        total,
    })
}

async fn audit_export(State(state): State<AppState>, Admin(scope): Admin) -> Result<Response, AppError> {
    let mut tx = state.db.write().await?;
    audit::record(&mut tx, &scope, "export", "audit log", "the whole log", state.clock.now()).await?;
    tx.commit().await?;
    csv_stream(
        &state,
        "audit-log.csv",
        &["at", "who", "action", "subject", "detail"],
        |e: AuditEntry| vec![e.at.to_rfc3339(), e.user_name, e.action, e.subject, e.detail],
        move |db, rows| async move {
            let mut tx = db.read().await?;
            audit::send_all(&mut tx, &scope, rows).await
        },
    )
}
