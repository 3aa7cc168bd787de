//! The public side of a petition: its page, the signing form, the emailed
//! confirmation link and the count for other sites. No session and no
//! CSRF token: a hidden honeypot field, a per-address limit and the body
//! size limit turn away floods and bots.
//!
//! The page never says whether an address has signed (that would tell
//! anyone who signed what): every signature is answered "check your email",
//! and the email says what happened. Posts redirect, so a reload never
//! signs twice; the emailed link opens a page whose button confirms, so a
//! mail scanner that follows links confirms nothing.

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tredegar_db::petitions::{self, Public};
use tredegar_db::{Scope, Tx};
use tredegar_domain::{FieldErrors, PetitionId, Problem};

use crate::auth::CsrfToken;
use crate::auth::throttle::{self, ClientAddr};
use crate::extract::{Form, Path, Query};
use crate::ui::{Layout, Page, SupporterForm, render};
use crate::{AppError, AppState, paths, random_token, token_hash};

/// What the page says above or instead of its form.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Said {
    Nothing,
    CheckEmail,
    Confirmed,
}

#[derive(Deserialize)]
pub(super) struct Shown {
    /// `check` after signing, `thanks` after confirming.
    signed: Option<String>,
}

#[derive(Template)]
#[template(path = "petitions/public.html")]
struct PublicPage {
    public: Public,
    count: i64,
    open: bool,
    said: Said,
    form: SupporterForm,
    errors: FieldErrors,
}

impl PublicPage {
    /// How far towards the goal, as a whole percentage for the bar.
    fn percent(&self) -> i64 {
        (self.count.saturating_mul(100) / self.public.petition.goal.max(1)).min(100)
    }
    /// The bar stops full at the goal.
    fn shown(&self) -> i64 {
        self.count.min(self.public.petition.goal)
    }
}

/// Today where the group is.
fn today(state: &AppState, public: &Public) -> chrono::NaiveDate {
    let zone = public.time_zone.parse::<chrono_tz::Tz>().unwrap_or(chrono_tz::Europe::London);
    state.clock.now().with_timezone(&zone).date_naive()
}

async fn load(state: &AppState, id: PetitionId) -> Result<Public, AppError> {
    Ok(state.petitions.petition(state, id).await?.as_ref().clone())
}

/// A page of the petition's, framed only by the sites the organiser allowed.
fn framed(status: StatusCode, frame_ancestors: &str, page: Result<Response, AppError>) -> Result<Response, AppError> {
    let ancestors = if frame_ancestors.is_empty() { "'none'" } else { frame_ancestors };
    let policy = crate::CSP.replace("frame-ancestors 'none'", &format!("frame-ancestors {ancestors}"));
    let mut response = page?;
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_str(&policy).map_err(|e| AppError::Internal(e.to_string()))?);
    Ok(response)
}

fn respond(status: StatusCode, body: PublicPage) -> Result<Response, AppError> {
    let (title, frames) = (body.public.petition.title.clone(), body.public.petition.frame_ancestors.clone());
    let page = render(Page::new(Layout::public(&title, CsrfToken(String::new())), |_| body));
    framed(status, &frames, page)
}

pub(super) async fn page(State(state): State<AppState>, Path(id): Path<PetitionId>, Query(q): Query<Shown>) -> Result<Response, AppError> {
    let public = load(&state, id).await?;
    let count = state.petitions.count(&state, id).await?;
    let open = public.petition.is_open(today(&state, &public));
    let said = match q.signed.as_deref() {
        Some("check") => Said::CheckEmail,
        Some("thanks") => Said::Confirmed,
        _ => Said::Nothing,
    };
    respond(StatusCode::OK, PublicPage { public, count, open, said, form: SupporterForm::default(), errors: FieldErrors::default() })
}

/// The page again, with what was typed and what is wrong with it.
async fn refuse(state: &AppState, public: &Public, open: bool, form: SupporterForm, errors: FieldErrors) -> Result<Response, AppError> {
    let count = state.petitions.count(state, public.petition.id).await?;
    respond(StatusCode::BAD_REQUEST, PublicPage { public: public.clone(), count, open, said: Said::Nothing, form, errors })
}

pub(super) async fn sign(
    State(state): State<AppState>,
    ClientAddr(ip): ClientAddr,
    Path(id): Path<PetitionId>,
    Form(mut form): Form<SupporterForm>,
) -> Result<Response, AppError> {
    // Shared with every other signer's request: nothing of it is copied.
    let public = state.petitions.petition(&state, id).await?;
    let now = state.clock.now();
    if !public.petition.is_open(today(&state, &public)) {
        let errors = Problem::new("petition", "has closed, so your signature was not taken").into();
        return refuse(&state, &public, false, form, errors).await;
    }
    if form.trapped() {
        let errors = Problem::new("petition", "could not take that signature; please check your details and sign again").into();
        return refuse(&state, &public, true, form, errors).await;
    }
    let signing = match form.input().check() {
        Ok(s) => s,
        Err(errors) => return refuse(&state, &public, true, form, errors).await,
    };
    throttle::public_form(&state, ip)?;
    let token = random_token()?;
    let link = format!("{}{}", state.config.public_url, paths::petition_confirm(id, &token));
    let signature = super::writer::Signature { public, signing, token_hash: token_hash(&token), link, now };
    // Whatever happened (new, signed before, link sent again), the page says the same.
    state.signatures.sign(signature).await?;
    Ok(Redirect::to(&format!("{}?signed=check", paths::public_petition(id))).into_response())
}

async fn public_scope(tx: &mut Tx, slug: &str) -> Result<Scope, AppError> {
    Scope::for_public_form(tx, slug).await?.ok_or_else(AppError::not_found)
}

const LINK_GONE: &str =
    "this link has been used already, or is more than a week old; if you have not signed yet, sign again to get a new one";

#[derive(Template)]
#[template(path = "petitions/confirm.html")]
struct ConfirmPage {
    public: Public,
    token: String,
}

/// The emailed link: a page with one button. Following the link changes nothing.
pub(super) async fn confirm_page(
    State(state): State<AppState>,
    Path((id, token)): Path<(PetitionId, String)>,
) -> Result<Response, AppError> {
    let public = load(&state, id).await?;
    let mut tx = state.db.read().await?;
    if !petitions::link_works(&mut tx, id, &token_hash(&token), state.clock.now()).await? {
        return Err(AppError::NotFound(LINK_GONE.into()));
    }
    drop(tx);
    let (title, frames) = (public.petition.title.clone(), public.petition.frame_ancestors.clone());
    let page = render(Page::new(Layout::public(&title, CsrfToken(String::new())), |_| ConfirmPage { public, token }));
    framed(StatusCode::OK, &frames, page)
}

pub(super) async fn confirm(State(state): State<AppState>, Path((id, token)): Path<(PetitionId, String)>) -> Result<Response, AppError> {
    let public = load(&state, id).await?;
    let mut tx = state.db.write().await?;
    let scope = public_scope(&mut tx, &public.group_slug).await?;
    let confirmed = petitions::confirm(&mut tx, &scope, &public.petition, &token_hash(&token), state.clock.now()).await?;
    tx.commit().await?;
    if confirmed.is_none() {
        return Err(AppError::NotFound(LINK_GONE.into()));
    }
    state.petitions.forget_count(id);
    Ok(Redirect::to(&format!("{}?signed=thanks", paths::public_petition(id))).into_response())
}

#[derive(serde::Serialize)]
struct CountJson {
    total_signatures: i64,
    goal: i64,
}

/// The count as JSON, for other sites: public, cacheable for a few seconds.
/// Its errors are JSON too.
pub(super) async fn count(State(state): State<AppState>, Path(id): Path<PetitionId>) -> Result<Response, crate::error::ApiError> {
    let public = load(&state, id).await.map_err(crate::error::ApiError)?;
    let total_signatures = state.petitions.count(&state, id).await.map_err(crate::error::ApiError)?;
    let headers = [(header::CACHE_CONTROL, "public, max-age=5"), (header::ACCESS_CONTROL_ALLOW_ORIGIN, "*")];
    Ok((headers, axum::Json(CountJson { total_signatures, goal: public.petition.goal })).into_response())
}
