//! One-click unsubscribe. Every broadcast carries a link, in its footer and
//! in its `List-Unsubscribe` header, signed with the server's key: following
//! it (GET, from the email) or posting to it (RFC 8058, from a mail
//! program's button) unsubscribes the address at once, with no sign-in.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use tredegar_db::outbox::{self, Unsubscribed};
use tredegar_domain::MessageId;

use crate::auth::{CsrfToken, constant_time_eq, signature};
use crate::extract::Path;
use crate::ui::{Layout, Page, render};
use crate::{AppError, AppState, paths};

/// Signature characters kept in a link: 128 bits.
const SIGNATURE_LEN: usize = 32;

async fn token(state: &AppState, id: MessageId) -> Result<String, AppError> {
    let sig = signature(state, "unsubscribe", &id.to_string()).await?;
    Ok(format!("{id}.{}", sig.get(..SIGNATURE_LEN).unwrap_or_default()))
}

/// The unsubscribe address of a message.
pub async fn link(state: &AppState, id: MessageId) -> Result<String, AppError> {
    Ok(format!("{}{}", state.config.public_url, paths::unsubscribe(token(state, id).await?)))
}

/// The message a token names, if its signature is right.
async fn message_of(state: &AppState, token: &str) -> Result<Option<MessageId>, AppError> {
    let Some(id) = token.split_once('.').and_then(|(id, _)| id.parse::<MessageId>().ok()) else { return Ok(None) };
    let expected = self::token(state, id).await?;
    Ok(constant_time_eq(expected.as_bytes(), token.as_bytes()).then_some(id))
}

#[derive(Template)]
#[template(path = "mail/unsubscribed.html")]
struct UnsubscribedPage {
    group_name: Option<String>,
}

pub(super) async fn unsubscribe(State(state): State<AppState>, Path(token): Path<String>) -> Result<Response, AppError> {
    let Some(id) = message_of(&state, &token).await? else {
        return Err(AppError::NotFound("this unsubscribe link is not right: check that you copied all of it".into()));
    };
    let mut tx = state.db.write().await?;
    let done = outbox::unsubscribe(&mut tx, id, state.clock.now()).await?;
    tx.commit().await?;
    let group_name = match done {
        Unsubscribed::Done { group_name } => Some(group_name),
        Unsubscribed::Nobody => None,
    };
    let layout = Layout::public("Unsubscribed", CsrfToken(String::new()));
    render(Page::new(layout, |_| UnsubscribedPage { group_name })).map(IntoResponse::into_response)
}
