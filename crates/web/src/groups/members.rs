//! Members of a group: inviting them, their roles, removing them, and the
//! members CSV.

use crate::auth::{Admin, CsrfToken};
use crate::extract::{Form, Path, Query};
use crate::paths;
use crate::ui::{Layout, Notice, Page, Zone, csv_response, render};
use crate::{AppError, AppState, random_token, token_hash};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tredegar_db::Scope;
use tredegar_db::audit::{self};
use tredegar_db::invitations::{self, Invitation};
use tredegar_db::users::{self, Member};
use tredegar_domain::AuditAction;
use tredegar_domain::{Email, FieldErrors, InvitationId, Problem, Role, UserId};

#[derive(Template)]
#[template(path = "groups/members.html")]
pub(super) struct MembersPage {
    csrf: String,
    slug: String,
    me: Option<UserId>,
    members: Vec<Member>,
    invitations: Vec<Invitation>,
    zone: Zone,
    /// The link of an invitation just made: shown once, to copy.
    new_link: Option<String>,
    roles: &'static [Role],
    form: InviteForm,
    errors: FieldErrors,
}

impl MembersPage {
    fn is_me(&self, m: &Member) -> bool {
        self.me == Some(m.user_id)
    }
}

#[derive(Default, Deserialize)]
pub(super) struct InviteForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    role: String,
}

async fn members_page(
    state: &AppState,
    scope: &Scope,
    csrf: CsrfToken,
    form: InviteForm,
    errors: FieldErrors,
    new_link: Option<String>,
) -> Result<Page<MembersPage>, AppError> {
    let mut tx = state.db.read().await?;
    let members = users::members(&mut tx, scope).await?;
    let invitations = invitations::pending(&mut tx, scope, state.clock.now()).await?;
    Ok(Page::new(Layout::for_scope("Members", scope, csrf), |layout| MembersPage {
        csrf: layout.csrf.clone(),
        slug: scope.group_slug().into(),
        me: scope.user_id(),
        members,
        invitations,
        zone: layout.zone(),
        new_link,
        roles: Role::ALL,
        form,
        errors,
    }))
}

pub(super) async fn members(
    State(state): State<AppState>,
    Admin(scope): Admin,
    csrf: CsrfToken,
    Query(notice): Query<Notice>,
) -> Result<Response, AppError> {
    let form = InviteForm { role: "volunteer".into(), ..Default::default() };
    let mut page = members_page(&state, &scope, csrf, form, FieldErrors::default(), None).await?;
    page.layout = page.layout.notice(&notice);
    render(page)
}

/// Invite someone: a single-use link that expires, for the admin to pass on.
/// Nothing about any account is looked up, so nothing about one is shown.
pub(super) async fn invite(
    State(state): State<AppState>,
    Admin(scope): Admin,
    csrf: CsrfToken,
    Form(form): Form<InviteForm>,
) -> Result<Response, AppError> {
    let mut errors = FieldErrors::default();
    let email = errors.check(Email::parse("email", &form.email));
    let role = errors.check(Role::parse(&form.role));
    // The group's own members are the admin's to know; nobody else's accounts are looked up.
    let mut tx = state.db.read().await?;
    let members = users::members(&mut tx, &scope).await?;
    drop(tx);
    if email.as_ref().is_some_and(|e| members.iter().any(|m| m.email.eq_ignore_ascii_case(e.as_str()))) {
        errors.push(Problem::new("email", "is already a member of this group"));
    }
    let ready = match (email, role) {
        (Some(e), Some(r)) if errors.is_empty() => Some((e, r)),
        _ => None,
    };
    let Some((email, role)) = ready else {
        let page = members_page(&state, &scope, csrf, form, errors, None).await?;
        return render(page).map(|r| (StatusCode::BAD_REQUEST, r).into_response());
    };
    let token = random_token()?;
    let now = state.clock.now();
    let expires = now + chrono::Duration::days(state.config.invitation_days);
    let mut tx = state.db.write().await?;
    let invitation = invitations::create(&mut tx, &scope, &email, role, &token_hash(&token), now, expires).await?;
    let detail = format!("{} invited as {}", invitation.email, role.label());
    audit::record(&mut tx, &scope, AuditAction::Member, "invitation", &detail, now).await?;
    tx.commit().await?;
    let link = format!("{}{}", state.config.public_url, paths::invitation(&token));
    let form = InviteForm { role: role.as_str().into(), ..Default::default() };
    let mut page = members_page(&state, &scope, csrf, form, FieldErrors::default(), Some(link)).await?;
    page.layout = page.layout.notice(&Notice { notice: Some("invited".into()) });
    render(page)
}

/// Withdraw an invitation: its link stops working.
pub(super) async fn revoke_invitation(
    State(state): State<AppState>,
    Admin(scope): Admin,
    Path((_, id)): Path<(String, InvitationId)>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let mut tx = state.db.write().await?;
    let gone = invitations::revoke(&mut tx, &scope, id).await?;
    audit::record(&mut tx, &scope, AuditAction::Member, "invitation", &format!("invitation to {} withdrawn", gone.email), now).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("{}?notice=revoked", paths::members(scope.group_slug()))).into_response())
}

pub(super) async fn members_export(State(state): State<AppState>, Admin(scope): Admin) -> Result<Response, AppError> {
    let mut tx = state.db.read().await?;
    let members = users::members(&mut tx, &scope).await?;
    drop(tx);
    let mut tx = state.db.write().await?;
    audit::record(&mut tx, &scope, AuditAction::Export, "members", &format!("{} members", members.len()), state.clock.now()).await?;
    tx.commit().await?;
    let rows = members.into_iter().map(|m| vec![m.user_id.to_string(), m.name, m.email, m.role.to_string()]).collect();
    csv_response("members.csv", &["id", "name", "email", "role"], rows)
}

#[derive(Deserialize)]
pub(super) struct RoleForm {
    role: String,
}

pub(super) async fn change_role(
    State(state): State<AppState>,
    Admin(scope): Admin,
    Path((_, user)): Path<(String, UserId)>,
    Form(f): Form<RoleForm>,
) -> Result<Response, AppError> {
    let role = Role::parse(&f.role)?;
    if Some(user) == scope.user_id() && role != Role::Admin {
        return Err(Problem::new("role", "you cannot take away your own admin role; ask another admin").into());
    }
    let mut tx = state.db.write().await?;
    let member = users::member(&mut tx, &scope, user).await?.ok_or_else(AppError::not_found)?;
    let now = state.clock.now();
    users::set_membership(&mut tx, scope.group_id(), user, role, now).await?;
    audit::record(
        &mut tx,
        &scope,
        AuditAction::Role,
        &format!("user {user}"),
        &format!("{}: {} → {}", member.name, member.role, role.as_str()),
        now,
    )
    .await?;
    tx.commit().await?;
    state.api_tokens.forget_all();
    Ok(Redirect::to(&format!("{}?notice=role", paths::members(scope.group_slug()))).into_response())
}

#[derive(Template)]
#[template(path = "groups/remove.html")]
pub(super) struct RemovePage {
    csrf: String,
    slug: String,
    member: Member,
}

/// A member of the scope's group other than the admin asking, or 404.
pub(super) async fn other_member(state: &AppState, scope: &Scope, user: UserId) -> Result<Member, AppError> {
    if Some(user) == scope.user_id() {
        return Err(Problem::new("user", "you cannot remove yourself; ask another admin").into());
    }
    let mut tx = state.db.read().await?;
    users::member(&mut tx, scope, user).await?.ok_or_else(AppError::not_found)
}

pub(super) async fn confirm_remove(
    State(state): State<AppState>,
    Admin(scope): Admin,
    csrf: CsrfToken,
    Path((_, user)): Path<(String, UserId)>,
) -> Result<Response, AppError> {
    let member = other_member(&state, &scope, user).await?;
    render(Page::new(Layout::for_scope("Remove a member", &scope, csrf), |layout| RemovePage {
        csrf: layout.csrf.clone(),
        slug: scope.group_slug().into(),
        member,
    }))
}

/// Revoking access: the membership, its API tokens and assignments go; the account stays.
pub(super) async fn remove_member(
    State(state): State<AppState>,
    Admin(scope): Admin,
    Path((_, user)): Path<(String, UserId)>,
) -> Result<Response, AppError> {
    let member = other_member(&state, &scope, user).await?;
    let mut tx = state.db.write().await?;
    users::remove_membership(&mut tx, &scope, user, state.clock.now()).await?;
    audit::record(
        &mut tx,
        &scope,
        AuditAction::Role,
        &format!("user {user}"),
        &format!("{} removed from the group (was {})", member.name, member.role),
        state.clock.now(),
    )
    .await?;
    tx.commit().await?;
    state.api_tokens.forget_all();
    Ok(Redirect::to(&format!("{}?notice=deleted-member", paths::members(scope.group_slug()))).into_response())
}
