//! API tokens: each is one member's access to one group through the API,
//! with their role there. Only a token's hash is kept; it is shown once.

use chrono::{DateTime, Utc};
use tredegar_domain::{Role, TokenId, UserId};

use crate::{DbError, Result, Scope, Tx};

/// A token as its page lists it: never the token itself.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ApiToken {
    pub id: TokenId,
    pub name: String,
    pub user_id: UserId,
    /// Whose it is: the member's name.
    pub holder: String,
    pub created_at: DateTime<Utc>,
}

/// A new token for the scope's own member, called `name`; `token_hash` is
/// the hash of the secret. NotFound if the scope is not a member's.
pub async fn create(tx: &mut Tx, scope: &Scope, name: &str, token_hash: &str, now: DateTime<Utc>) -> Result<TokenId> {
    let user = scope.user_id().ok_or(DbError::NotFound)?;
    let id = TokenId::new();
    execute!(
        tx,
        "INSERT INTO api_tokens (id, group_id, user_id, name, token_hash, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
        id,
        scope.group_id(),
        user,
        name,
        token_hash,
        now
    )?;
    Ok(id)
}

/// What the tokens page shows of a token, with its holder's name.
const SELECT: &str = "SELECT t.id, t.name, t.user_id, u.name AS holder, t.created_at FROM api_tokens t JOIN users u ON u.id = t.user_id";

/// An admin sees and revokes every member's tokens; anyone else, their own.
pub fn sees_all(role: Role) -> bool {
    role == Role::Admin
}

/// The tokens the scope may see and revoke, newest first.
pub async fn visible(tx: &mut Tx, scope: &Scope) -> Result<Vec<ApiToken>> {
    let tokens = if sees_all(scope.role()) {
        let sql = format!("{SELECT} WHERE t.group_id = $1 ORDER BY t.created_at DESC, t.id");
        fetch_all!(tx, ApiToken, sqlx::AssertSqlSafe(sql), scope.group_id())?
    } else {
        let sql = format!("{SELECT} WHERE t.group_id = $1 AND t.user_id = $2 ORDER BY t.created_at DESC, t.id");
        fetch_all!(tx, ApiToken, sqlx::AssertSqlSafe(sql), scope.group_id(), scope.user_id())?
    };
    Ok(tokens)
}

/// How many tokens the scope's own member holds in its group.
pub async fn held(tx: &mut Tx, scope: &Scope) -> Result<i64> {
    let n = scalar!(tx, i64, "SELECT COUNT(*) FROM api_tokens WHERE group_id = $1 AND user_id = $2", scope.group_id(), scope.user_id())?;
    Ok(n.unwrap_or(0))
}

/// Revoke a token the scope may see: it stops working at once. The revoked
/// token, or NotFound if it is not one of those.
pub async fn revoke(tx: &mut Tx, scope: &Scope, id: TokenId) -> Result<ApiToken> {
    let token = one(tx, scope, id).await?.ok_or(DbError::NotFound)?;
    execute!(tx, "DELETE FROM api_tokens WHERE id = $1 AND group_id = $2", id, scope.group_id())?;
    Ok(token)
}

/// A token the scope may see: its own, or any of the group's for an admin.
pub async fn one(tx: &mut Tx, scope: &Scope, id: TokenId) -> Result<Option<ApiToken>> {
    let sql = format!("{SELECT} WHERE t.id = $1 AND t.group_id = $2");
    let token = fetch_optional!(tx, ApiToken, sqlx::AssertSqlSafe(sql), id, scope.group_id())?;
    Ok(token.filter(|t| sees_all(scope.role()) || Some(t.user_id) == scope.user_id()))
}
