//! Accounts, memberships, sessions, API tokens and failed logins.
//! Session ids and tokens are stored only as hashes.

use chrono::{DateTime, Utc};
use tredegar_domain::{Email, GroupId, Role, TokenId, UserId};

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

/// Take a user out of the scope's group: their role, their API tokens for it
/// and their assignments there all go.
pub async fn remove_membership(tx: &mut Tx, scope: &Scope, user: UserId) -> Result<()> {
    let group = scope.group_id();
    execute!(tx, "DELETE FROM api_tokens WHERE group_id = $1 AND user_id = $2", group, user)?;
    execute!(tx, "DELETE FROM assignments WHERE group_id = $1 AND user_id = $2", group, user)?;
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

pub async fn create_token(tx: &mut Tx, group: GroupId, user: UserId, token_hash: &str, now: DateTime<Utc>) -> Result<TokenId> {
    let id = TokenId::new();
    execute!(
        tx,
        "INSERT INTO api_tokens (id, group_id, user_id, token_hash, created_at) VALUES ($1, $2, $3, $4, $5)",
        id,
        group,
        user,
        token_hash,
        now
    )?;
    Ok(id)
}

pub async fn record_failed_login(tx: &mut Tx, email_key: &str, ip: &str, now: DateTime<Utc>) -> Result<()> {
    execute!(tx, "INSERT INTO login_attempts (id, email_key, ip, at) VALUES ($1, $2, $3, $4)", uuid::Uuid::now_v7(), email_key, ip, now)?;
    Ok(())
}

/// Failed logins for this account, or from this address, since `since`.
pub async fn failed_logins_since(tx: &mut Tx, email_key: &str, ip: &str, since: DateTime<Utc>) -> Result<(i64, i64)> {
    let by_account =
        scalar!(tx, i64, "SELECT COUNT(*) FROM login_attempts WHERE email_key = $1 AND at > $2", email_key, since)?.unwrap_or(0);
    let by_address = scalar!(tx, i64, "SELECT COUNT(*) FROM login_attempts WHERE ip = $1 AND at > $2", ip, since)?.unwrap_or(0);
    Ok((by_account, by_address))
}

pub async fn clear_failed_logins(tx: &mut Tx, email_key: &str, before: DateTime<Utc>) -> Result<()> {
    execute!(tx, "DELETE FROM login_attempts WHERE email_key = $1 OR at < $2", email_key, before)?;
    Ok(())
}
