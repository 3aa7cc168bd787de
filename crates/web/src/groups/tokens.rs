//! API tokens on a page: a member makes one for a tool (Parsons, a sync
//! script), sees it once, and revokes it when the tool is done with or the
//! token has leaked. An admin sees and revokes every member's.

use crate::auth::{CsrfToken, Member};
use crate::extract::{Form, Path, Query};
use crate::paths;
use crate::ui::{Layout, Notice, Page, Zone, render};
use crate::{AppError, AppState, random_token, token_hash};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tredegar_db::Scope;
use tredegar_db::audit;
use tredegar_db::tokens::{self, ApiToken};
use tredegar_domain::contact::required_line;
use tredegar_domain::{AuditAction, FieldErrors, Problem, Role, TokenId};

/// How long a token's name may be.
const NAME_MAX: usize = 100;

/// How many tokens a member may hold in a group: one per tool is the use.
const PER_MEMBER: i64 = 20;

#[derive(Template)]
#[template(path = "groups/tokens.html")]
pub(super) struct TokensPage {
    csrf: String,
    slug: String,
    api_url: String,
    role: Role,
    tokens: Vec<ApiToken>,
    zone: Zone,
    /// The token just made: shown this once, never again.
    new_token: Option<String>,
    name: String,
    errors: FieldErrors,
}

impl TokensPage {
    /// An admin's page lists every member's tokens, with whose they are.
    fn admin(&self) -> bool {
        tokens::sees_all(self.role)
    }
}

#[derive(Default, Deserialize)]
pub(super) struct TokenForm {
    #[serde(default)]
    name: String,
}

async fn tokens_page(
    state: &AppState,
    scope: &Scope,
    csrf: CsrfToken,
    name: String,
    errors: FieldErrors,
    new_token: Option<String>,
) -> Result<Page<TokensPage>, AppError> {
    let mut tx = state.db.read().await?;
    let tokens = tokens::visible(&mut tx, scope).await?;
    Ok(Page::new(Layout::for_scope("API tokens", scope, csrf), |layout| TokensPage {
        csrf: layout.csrf.clone(),
        slug: scope.group_slug().into(),
        api_url: format!("{}/api/v2", state.config.public_url.trim_end_matches('/')),
        role: scope.role(),
        tokens,
        zone: layout.zone(),
        new_token,
        name,
        errors,
    }))
}

pub(super) async fn tokens(
    State(state): State<AppState>,
    Member(scope): Member,
    csrf: CsrfToken,
    Query(notice): Query<Notice>,
) -> Result<Response, AppError> {
    let mut page = tokens_page(&state, &scope, csrf, String::new(), FieldErrors::default(), None).await?;
    page.layout = page.layout.notice(&notice);
    render(page)
}

/// Make a token for yourself, with your role in the group. It is shown once.
pub(super) async fn create(
    State(state): State<AppState>,
    Member(scope): Member,
    csrf: CsrfToken,
    Form(form): Form<TokenForm>,
) -> Result<Response, AppError> {
    let name = match required_line("name", &form.name, NAME_MAX) {
        Ok(name) => name,
        Err(problem) => return refused(&state, &scope, csrf, form.name, problem).await,
    };
    let mut tx = state.db.write().await?;
    // Counted in the transaction that adds one (on SQLite, the only writer).
    if tokens::held(&mut tx, &scope).await? >= PER_MEMBER {
        drop(tx);
        let problem = Problem::new("name", format!("you have {PER_MEMBER} tokens already: revoke one you no longer use first"));
        return refused(&state, &scope, csrf, form.name, problem).await;
    }
    let token = random_token()?;
    let now = state.clock.now();
    let id = tokens::create(&mut tx, &scope, &name, &token_hash(&token), now).await?;
    // The name is quoted as Rust quotes it, so no name can read as another entry.
    audit::record(&mut tx, &scope, AuditAction::Token, &format!("API token {id}"), &format!("{name:?} made"), now).await?;
    tx.commit().await?;
    let mut page = tokens_page(&state, &scope, csrf, String::new(), FieldErrors::default(), Some(token)).await?;
    page.layout = page.layout.notice(&Notice { notice: Some("token-made".into()) });
    render(page)
}

/// The page again with the form's problem, as a 400.
async fn refused(state: &AppState, scope: &Scope, csrf: CsrfToken, name: String, problem: Problem) -> Result<Response, AppError> {
    let page = tokens_page(state, scope, csrf, name, FieldErrors::from(problem), None).await?;
    render(page).map(|r| (StatusCode::BAD_REQUEST, r).into_response())
}

#[derive(Template)]
#[template(path = "groups/revoke_token.html")]
pub(super) struct RevokePage {
    csrf: String,
    slug: String,
    token: ApiToken,
    /// Whose it is, when it is not the reader's own.
    holder: Option<String>,
}

/// Revoking cuts a tool off at once: say so, and ask.
pub(super) async fn confirm_revoke(
    State(state): State<AppState>,
    Member(scope): Member,
    csrf: CsrfToken,
    Path((_, id)): Path<(String, TokenId)>,
) -> Result<Response, AppError> {
    let mut tx = state.db.read().await?;
    let token = tokens::one(&mut tx, &scope, id).await?.ok_or_else(AppError::not_found)?;
    let holder = (Some(token.user_id) != scope.user_id()).then(|| token.holder.clone());
    render(Page::new(Layout::for_scope("Revoke an API token?", &scope, csrf), |layout| RevokePage {
        csrf: layout.csrf.clone(),
        slug: scope.group_slug().into(),
        token,
        holder,
    }))
}

/// Revoke a token: it stops working at once.
pub(super) async fn revoke(
    State(state): State<AppState>,
    Member(scope): Member,
    Path((_, id)): Path<(String, TokenId)>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let mut tx = state.db.write().await?;
    let gone = tokens::revoke(&mut tx, &scope, id).await?;
    let detail = format!("{:?} of {} revoked", gone.name, gone.holder);
    audit::record(&mut tx, &scope, AuditAction::Token, &format!("API token {id}"), &detail, now).await?;
    tx.commit().await?;
    state.api_tokens.forget_all();
    Ok(Redirect::to(&format!("{}?notice=token-revoked", paths::api_tokens(scope.group_slug()))).into_response())
}
