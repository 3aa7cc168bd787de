//! Invitations to join a group. An admin invites an email address with a
//! role; the link carries a secret token (only its hash is stored) and works
//! once, before it expires. Accepting needs the invited address: a new person
//! registers with it, an existing account must be signed in as it. Until
//! then the group learns nothing about any account.

use chrono::{DateTime, Utc};
use tredegar_domain::{Email, GroupId, InvitationId, Role, UserId};

use crate::{DbError, Result, Scope, Tx};

/// An invitation as the group's admins see it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Invitation {
    pub id: InvitationId,
    pub email: String,
    pub role: Role,
    pub invited_by: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// An invitation that can still be accepted, as its link finds it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct OpenInvitation {
    pub id: InvitationId,
    pub group_id: GroupId,
    pub group_name: String,
    pub group_slug: String,
    pub email: String,
    pub email_key: String,
    pub role: Role,
}

pub async fn create(
    tx: &mut Tx,
    scope: &Scope,
    email: &Email,
    role: Role,
    token_hash: &str,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<Invitation> {
    // A new link for the same address replaces any still open.
    execute!(tx, "DELETE FROM invitations WHERE group_id = $1 AND email_key = $2 AND accepted_at IS NULL", scope.group_id(), email.key())?;
    let id = InvitationId::new();
    execute!(
        tx,
        "INSERT INTO invitations (id, group_id, email, email_key, role, token_hash, invited_by, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        id,
        scope.group_id(),
        email.as_str(),
        email.key(),
        role,
        token_hash,
        scope.actor_name(),
        now,
        expires_at
    )?;
    Ok(Invitation { id, email: email.as_str().into(), role, invited_by: scope.actor_name().into(), created_at: now, expires_at })
}

/// Invitations of the scope's group not yet accepted nor expired, newest first.
pub async fn pending(tx: &mut Tx, scope: &Scope, now: DateTime<Utc>) -> Result<Vec<Invitation>> {
    Ok(fetch_all!(
        tx,
        Invitation,
        "SELECT id, email, role, invited_by, created_at, expires_at FROM invitations \
         WHERE group_id = $1 AND accepted_at IS NULL AND expires_at > $2 ORDER BY created_at DESC, id DESC",
        scope.group_id(),
        now
    )?)
}

/// Withdraw an invitation: its link stops working.
pub async fn revoke(tx: &mut Tx, scope: &Scope, id: InvitationId) -> Result<Invitation> {
    let found = fetch_optional!(
        tx,
        Invitation,
        "SELECT id, email, role, invited_by, created_at, expires_at FROM invitations WHERE id = $1 AND group_id = $2 AND accepted_at IS NULL",
        id,
        scope.group_id()
    )?
    .ok_or(DbError::NotFound)?;
    execute!(tx, "DELETE FROM invitations WHERE id = $1 AND group_id = $2", id, scope.group_id())?;
    Ok(found)
}

/// The invitation this link's token opens, if it still can be accepted.
/// The token is the proof: there is no scope yet.
pub async fn open_by_token(tx: &mut Tx, token_hash: &str, now: DateTime<Utc>) -> Result<Option<OpenInvitation>> {
    Ok(fetch_optional!(
        tx,
        OpenInvitation,
        "SELECT i.id, i.group_id, g.name AS group_name, g.slug AS group_slug, i.email, i.email_key, i.role \
         FROM invitations i JOIN groups g ON g.id = i.group_id \
         WHERE i.token_hash = $1 AND i.accepted_at IS NULL AND i.expires_at > $2",
        token_hash,
        now
    )?)
}

/// Accept: the user joins with the invited role (a member already keeps
/// their role), and the link is spent. Fails if the link was spent or
/// withdrawn meanwhile.
pub async fn accept(tx: &mut Tx, invitation: &OpenInvitation, user: UserId, now: DateTime<Utc>) -> Result<()> {
    let spent = execute!(
        tx,
        "UPDATE invitations SET accepted_at = $2 WHERE id = $1 AND accepted_at IS NULL AND expires_at > $2",
        invitation.id,
        now
    )?;
    if spent == 0 {
        return Err(DbError::NotFound);
    }
    execute!(
        tx,
        "INSERT INTO memberships (group_id, user_id, role, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (group_id, user_id) DO NOTHING",
        invitation.group_id,
        user,
        invitation.role,
        now
    )?;
    Ok(())
}
