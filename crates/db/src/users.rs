//! Accounts, memberships, sessions and failed logins.
//! Session ids are stored only as hashes.

use chrono::{DateTime, Utc};
use tredegar_domain::{Email, GroupId, Role, UserId};

use crate::{DbError, Result, Scope, Tx, is_unique_violation};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct User {
    pub id: UserId,
    pub email: String,
    pub name: String,
    pub password_hash: String,
}

pub async fn count(tx: &mut Tx) -> Result<i64> {
    Ok(scalar!(tx, i64, "SELECT COUNT(*) FROM users")?.unwrap_or(0))
}

pub async fn create(tx: &mut Tx, email: &Email, name: &str, password_hash: &str, now: DateTime<Utc>) -> Result<User> {
    let id = UserId::new();
    let r = execute!(
        tx,
        "INSERT INTO users (id, email, email_key, name, password_hash, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
        id,
        email.as_str(),
        email.key(),
        name,
        password_hash,
        now
    );
    match r {
        Err(e) if is_unique_violation(&e) => Err(DbError::Duplicate {
            field: "email".into(),
            message: format!("an account for {} already exists", email.as_str()),
            existing: None,
        }),
        Err(e) => Err(e.into()),
        Ok(_) => Ok(User { id, email: email.as_str().into(), name: name.into(), password_hash: password_hash.into() }),
    }
}

pub async fn by_email(tx: &mut Tx, email_key: &str) -> Result<Option<User>> {
    Ok(fetch_optional!(tx, User, "SELECT id, email, name, password_hash FROM users WHERE email_key = $1", email_key)?)
}

/// Give a user a role in a group, or change the role they have.
pub async fn set_membership(tx: &mut Tx, group: GroupId, user: UserId, role: Role, now: DateTime<Utc>) -> Result<()> {
    if role != Role::Admin {
        not_the_last_admin(tx, group, user).await?;
    }
    execute!(
        tx,
        "INSERT INTO memberships (group_id, user_id, role, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (group_id, user_id) DO UPDATE SET role = excluded.role",
        group,
        user,
        role,
        now
    )?;
    Ok(())
}

/// No change may take away a group's last admin: nobody could then run it.
/// Checked inside the changing transaction.
async fn not_the_last_admin(tx: &mut Tx, group: GroupId, user: UserId) -> Result<()> {
    // Two admins stepping each other down at once must not both succeed:
    // touching the group's row makes such changes take turns (PostgreSQL's
    // row lock; SQLite has one writer anyway).
    execute!(tx, "UPDATE groups SET share_with_parent = share_with_parent WHERE id = $1", group)?;
    let others =
        scalar!(tx, i64, "SELECT COUNT(*) FROM memberships WHERE group_id = $1 AND role = 'admin' AND user_id <> $2", group, user)?
            .unwrap_or(0);
    let is_admin =
        scalar!(tx, i64, "SELECT COUNT(*) FROM memberships WHERE group_id = $1 AND user_id = $2 AND role = 'admin'", group, user)?
            .unwrap_or(0);
    if is_admin > 0 && others == 0 {
        return Err(tredegar_domain::Problem::new("role", "a group needs at least one admin: make someone else an admin first").into());
    }
    Ok(())
}

/// Take a user out of the scope's group: their role, their API tokens for it,
/// their assignments, walk lists, calls still to make and door lists there
/// all go, and the needs for help with them go back to be offered again.
/// Nothing of it comes back to them if they are invited again.
pub async fn remove_membership(tx: &mut Tx, scope: &Scope, user: UserId, now: DateTime<Utc>) -> Result<()> {
    let group = scope.group_id();
    crate::aid::offers::release(tx, scope, user, now).await?;
    execute!(tx, "DELETE FROM api_tokens WHERE group_id = $1 AND user_id = $2", group, user)?;
    execute!(tx, "DELETE FROM assignments WHERE group_id = $1 AND user_id = $2", group, user)?;
    execute!(tx, "DELETE FROM walk_list_walkers WHERE user_id = $1 AND group_id = $2", user, group)?;
    execute!(tx, "DELETE FROM event_helpers WHERE user_id = $1 AND group_id = $2", user, group)?;
    // Their calls go back to nobody's; a call made keeps the name of who made it.
    execute!(tx, "UPDATE call_list_people SET caller = NULL WHERE caller = $1 AND group_id = $2", user, group)?;
    not_the_last_admin(tx, group, user).await?;
    let gone = execute!(tx, "DELETE FROM memberships WHERE group_id = $1 AND user_id = $2", group, user)?;
    if gone == 0 { Err(DbError::NotFound) } else { Ok(()) }
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Member {
    pub user_id: UserId,
    pub name: String,
    pub email: String,
    pub role: Role,
}

pub async fn members(tx: &mut Tx, scope: &Scope) -> Result<Vec<Member>> {
    Ok(fetch_all!(
        tx,
        Member,
        "SELECT u.id AS user_id, u.name AS name, u.email AS email, m.role AS role FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.group_id = $1 ORDER BY u.name",
        scope.group_id()
    )?)
}

/// A member of the scope's group, by user id.
pub async fn member(tx: &mut Tx, scope: &Scope, user: UserId) -> Result<Option<Member>> {
    Ok(fetch_optional!(
        tx,
        Member,
        "SELECT u.id AS user_id, u.name AS name, u.email AS email, m.role AS role FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.group_id = $1 AND u.id = $2",
        scope.group_id(),
        user
    )?)
}

/// A new password, and every session of the user's ended: whoever else was signed in is signed out.
pub async fn set_password(tx: &mut Tx, user: UserId, password_hash: &str) -> Result<()> {
    execute!(tx, "UPDATE users SET password_hash = $2 WHERE id = $1", user, password_hash)?;
    execute!(tx, "DELETE FROM sessions WHERE user_id = $1", user)?;
    Ok(())
}

pub async fn by_id(tx: &mut Tx, user: UserId) -> Result<Option<User>> {
    Ok(fetch_optional!(tx, User, "SELECT id, email, name, password_hash FROM users WHERE id = $1", user)?)
}

pub async fn create_session(tx: &mut Tx, id_hash: &str, user: UserId, now: DateTime<Utc>, expires: DateTime<Utc>) -> Result<()> {
    execute!(tx, "INSERT INTO sessions (id_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)", id_hash, user, now, expires)?;
    Ok(())
}

pub async fn delete_expired_sessions(tx: &mut Tx, now: DateTime<Utc>) -> Result<()> {
    execute!(tx, "DELETE FROM sessions WHERE expires_at <= $1", now)?;
    Ok(())
}

pub async fn session_user(tx: &mut Tx, id_hash: &str, now: DateTime<Utc>) -> Result<Option<User>> {
    Ok(fetch_optional!(
        tx,
        User,
        "SELECT u.id, u.email, u.name, u.password_hash FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id_hash = $1 AND s.expires_at > $2",
        id_hash,
        now
    )?)
}

pub async fn delete_session(tx: &mut Tx, id_hash: &str) -> Result<()> {
    execute!(tx, "DELETE FROM sessions WHERE id_hash = $1", id_hash)?;
    Ok(())
}

/// Count one attempt against `key` in its window of `window` length, and
/// say how many there have been in the window, this one included, and when
/// the window ends. One statement: parallel attempts queue on the row.
pub async fn count_attempt(tx: &mut Tx, key: &str, now: DateTime<Utc>, window: chrono::Duration) -> Result<(i64, DateTime<Utc>)> {
    let row = fetch_optional!(
        tx,
        (i64, DateTime<Utc>),
        "INSERT INTO attempt_counters (key, window_start, attempts) VALUES ($1, $2, 1) \
         ON CONFLICT (key) DO UPDATE SET \
           attempts = CASE WHEN attempt_counters.window_start <= $3 THEN 1 ELSE attempt_counters.attempts + 1 END, \
           window_start = CASE WHEN attempt_counters.window_start <= $3 THEN $2 ELSE attempt_counters.window_start END \
         RETURNING attempts, window_start",
        key,
        now,
        now - window
    )?;
    let (attempts, start) = row.ok_or(DbError::NotFound)?;
    Ok((attempts, start + window))
}

/// Forget the attempts against `key` (a success), and counters whose window ended long ago.
pub async fn clear_attempts(tx: &mut Tx, key: &str, stale_before: DateTime<Utc>) -> Result<()> {
    execute!(tx, "DELETE FROM attempt_counters WHERE key = $1 OR window_start < $2", key, stale_before)?;
    Ok(())
}

/// The server's secret called `name`, made from `fresh` the first time it is asked for.
pub async fn server_secret(tx: &mut Tx, name: &str, fresh: &str) -> Result<String> {
    execute!(tx, "INSERT INTO server_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING", name, fresh)?;
    scalar!(tx, String, "SELECT value FROM server_secrets WHERE name = $1", name)?.ok_or(DbError::NotFound)
}

/// A password reset link for the user, good until `expires`. Only the token's hash is kept.
pub async fn create_reset(tx: &mut Tx, user: UserId, token_hash: &str, expires: DateTime<Utc>) -> Result<()> {
    execute!(tx, "INSERT INTO password_resets (token_hash, user_id, expires_at) VALUES ($1, $2, $3)", token_hash, user, expires)?;
    Ok(())
}

/// The account a reset link is for, if it is unused and unexpired.
pub async fn reset_user(tx: &mut Tx, token_hash: &str, now: DateTime<Utc>) -> Result<Option<User>> {
    Ok(fetch_optional!(
        tx,
        User,
        "SELECT u.id, u.email, u.name, u.password_hash FROM password_resets r JOIN users u ON u.id = r.user_id \
         WHERE r.token_hash = $1 AND r.used_at IS NULL AND r.expires_at > $2",
        token_hash,
        now
    )?)
}

/// Use a reset link: it works once. Every other link of the account's ends too.
pub async fn use_reset(tx: &mut Tx, token_hash: &str, now: DateTime<Utc>) -> Result<Option<UserId>> {
    let user = scalar!(
        tx,
        UserId,
        "UPDATE password_resets SET used_at = $2 WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2 RETURNING user_id",
        token_hash,
        now
    )?;
    if let Some(user) = user {
        execute!(tx, "UPDATE password_resets SET used_at = $2 WHERE user_id = $1 AND used_at IS NULL", user, now)?;
    }
    Ok(user)
}

/// Forget reset links, used or not, once they have expired, and ended sessions.
pub async fn delete_expired(tx: &mut Tx, now: DateTime<Utc>) -> Result<u64> {
    let resets = execute!(tx, "DELETE FROM password_resets WHERE expires_at <= $1", now)?;
    let sessions = execute!(tx, "DELETE FROM sessions WHERE expires_at <= $1", now)?;
    Ok(resets + sessions)
}
