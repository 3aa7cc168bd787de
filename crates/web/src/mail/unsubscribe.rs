//! One-click unsubscribe. Every broadcast carries a link, in its footer and
//! in its `List-Unsubscribe` header, signed with the server's key: following
//! it (GET, from the email) or posting to it (RFC 8058, from a mail
//! program's button) unsubscribes the address at once, with no sign-in.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use tredegar_db::outbox::{self, Unsubscribed};
use tredegar_domain::MessageId;

use crate::auth::{CsrfToken, signed_id, signed_token};
use crate::extract::Path;
use crate::ui::{Layout, Page, render};
use crate::{AppError, AppState, paths};

/// The unsubscribe address of a message.
pub async fn link(state: &AppState, id: MessageId) -> Result<String, AppError> {
    Ok(format!("{}{}", state.config.public_url, paths::unsubscribe(signed_token(state, "unsubscribe", id).await?)))
}

#[derive(Template)]
#[template(path = "mail/unsubscribed.html")]
struct UnsubscribedPage {
    group_name: Option<String>,
}

pub(super) async fn unsubscribe(State(state): State<AppState>, Path(token): Path<String>) -> Result<Response, AppError> {
    let Some(id) = signed_id::<MessageId>(&state, "unsubscribe", &token).await? else {
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
