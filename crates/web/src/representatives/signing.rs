//! A representative signs a pledge the group wrote. The group's ask emails
//! a link to their official address; the link (the ask's id, signed with
//! the server's key) is the proof that whoever follows it reads that
//! address. Its page shows the pledge; signing it makes it one of their
//! pledges, sourced to that page, and answers the ask. Nothing else about
//! the group is shown there.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use tredegar_db::Scope;
use tredegar_db::representatives::asks::{self, PledgeToSign};
use tredegar_domain::AskId;

use crate::auth::{CsrfToken, signed_id, signed_token};
use crate::extract::Path;
use crate::ui::{Layout, Page, Zone, render};
use crate::{AppError, AppState, paths};

const PURPOSE: &str = "sign-pledge";

/// The email asking a representative to sign: the pledge, and their link.
pub async fn pledge_email(state: &AppState, group: &str, campaign: &str, name: &str, pledge: &str, ask: AskId) -> Result<String, AppError> {
    let link = format!("{}{}", state.config.public_url.trim_end_matches('/'), paths::pledge_sign(signed_token(state, PURPOSE, ask).await?));
    Ok(format!(
        "Dear {name},\n\n{group}, campaigning on “{campaign}”, asks you to sign this pledge:\n\n    {pledge}\n\n\
         To read and sign it, follow this link. It was sent only to your official address, which is how your signature is known to be yours:\n{link}\n\n\
         Once signed, it is shown with your name on your public record."
    ))
}

#[derive(Template)]
#[template(path = "representatives/sign.html")]
struct SignPage {
    pledge: PledgeToSign,
    token: String,
    /// Just signed, now.
    signed_now: bool,
}

async fn the_pledge(state: &AppState, token: &str) -> Result<PledgeToSign, AppError> {
    let not_right = || AppError::NotFound("this link is not right: check that you copied all of it from the email".into());
    let id = signed_id::<AskId>(state, PURPOSE, token).await?.ok_or_else(not_right)?;
    let mut tx = state.db.read().await?;
    asks::pledge_to_sign(&mut tx, id).await?.ok_or_else(not_right)
}

fn page(pledge: PledgeToSign, token: String, signed_now: bool) -> Result<Response, AppError> {
    let title = format!("A pledge for {}", pledge.representative_name);
    render(Page::new(Layout::public(&title, CsrfToken(String::new())), |_| SignPage { pledge, token, signed_now }))
        .map(IntoResponse::into_response)
}

pub(super) async fn show(State(state): State<AppState>, Path(token): Path<String>) -> Result<Response, AppError> {
    let pledge = the_pledge(&state, &token).await?;
    page(pledge, token, false)
}

pub(super) async fn sign(State(state): State<AppState>, Path(token): Path<String>) -> Result<Response, AppError> {
    let pledge = the_pledge(&state, &token).await?;
    let now = state.clock.now();
    let mut tx = state.db.write().await?;
    // Signed through the group's public-form scope: it adds, and reads nobody.
    let scope = Scope::for_public_form(&mut tx, &pledge.group_slug).await?.ok_or_else(AppError::not_found)?;
    let at = format!("{}{}", state.config.public_url.trim_end_matches('/'), paths::public_representative(pledge.representative_id));
    let signed = asks::sign(&mut tx, &scope, &pledge, &at, now, Zone::of(&scope).today(&now)).await?;
    tx.commit().await?;
    let pledge = the_pledge(&state, &token).await?;
    page(pledge, token, signed)
}
