//! The public side of a petition: its page, the signing form, the emailed
//! confirmation link and the count for other sites. No session and no
//! CSRF token: a hidden honeypot field, a per-address limit and the body
//! size limit turn away floods and bots.

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tredegar_db::petitions::{self, Petition, Signed};
use tredegar_db::{Scope, Tx};
use tredegar_domain::petitions::SigningInput;
use tredegar_domain::{FieldErrors, PetitionId, Problem};

use crate::auth::CsrfToken;
use crate::auth::throttle::{self, ClientAddr, Limit};
use crate::extract::{Form, Path};
use crate::ui::{Layout, Page, render};
use crate::{AppError, AppState, paths, random_token, token_hash};

#[derive(Default, Deserialize)]
pub(super) struct SignForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    postcode: String,
    #[serde(default)]
    comment: String,
    #[serde(default)]
    consent: String,
    /// Hidden from people; a bot that fills every field fills this.
    #[serde(default)]
    website: String,
}

/// What the page says above or instead of its form.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Said {
    Nothing,
    CheckEmail,
    Already,
    JustSent,
    Confirmed,
}

#[derive(Template)]
#[template(path = "petitions/public.html")]
struct PublicPage {
    petition: Petition,
    count: i64,
    open: bool,
    said: Said,
    form: SignForm,
    errors: FieldErrors,
}

impl PublicPage {
    /// How far towards the goal, as a whole percentage for the bar.
    fn percent(&self) -> i64 {
        (self.count.saturating_mul(100) / self.petition.goal.max(1)).min(100)
    }
    /// The bar stops full at the goal.
    fn shown(&self) -> i64 {
        self.count.min(self.petition.goal)
    }
}

async fn load(state: &AppState, id: PetitionId) -> Result<(Petition, String), AppError> {
    Ok(state.petitions.petition(state, id).await?.as_ref().clone())
}

/// The page, framed only by the sites the organiser allowed.
fn respond(status: StatusCode, body: PublicPage) -> Result<Response, AppError> {
    let ancestors = if body.petition.frame_ancestors.is_empty() { "'none'".to_string() } else { body.petition.frame_ancestors.clone() };
    let policy = crate::CSP.replace("frame-ancestors 'none'", &format!("frame-ancestors {ancestors}"));
    let title = body.petition.title.clone();
    let mut response = render(Page::new(Layout::public(&title, CsrfToken(String::new())), |_| body))?;
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_str(&policy).map_err(|e| AppError::Internal(e.to_string()))?);
    Ok(response)
}

pub(super) async fn page(State(state): State<AppState>, Path(id): Path<PetitionId>) -> Result<Response, AppError> {
    let (petition, _) = load(&state, id).await?;
    let count = state.petitions.count(&state, id).await?;
    let open = petition.is_open(state.clock.now().date_naive());
    let body = PublicPage { petition, count, open, said: Said::Nothing, form: SignForm::default(), errors: FieldErrors::default() };
    respond(StatusCode::OK, body)
}

pub(super) async fn sign(
    State(state): State<AppState>,
    ClientAddr(ip): ClientAddr,
    Path(id): Path<PetitionId>,
    Form(form): Form<SignForm>,
) -> Result<Response, AppError> {
    let (petition, slug) = load(&state, id).await?;
    let now = state.clock.now();
    let open = petition.is_open(now.date_naive());
    let count = state.petitions.count(&state, id).await?;
    let again =
        |form: SignForm, errors: FieldErrors, petition: Petition| PublicPage { petition, count, open, said: Said::Nothing, form, errors };
    if !open {
        let errors = Problem::new("petition", "has closed, so it takes no more signatures").into();
        return respond(StatusCode::BAD_REQUEST, again(form, errors, petition));
    }
    if !form.website.is_empty() {
        let errors =
            Problem::new("website", "must be left empty: it is there to catch robots. If you are a person, clear it and sign again").into();
        return respond(StatusCode::BAD_REQUEST, again(form, errors, petition));
    }
    let input = SigningInput {
        name: &form.name,
        email: &form.email,
        postcode: &form.postcode,
        comment: &form.comment,
        consent: !form.consent.is_empty(),
    };
    let signing = match input.check() {
        Ok(s) => s,
        Err(errors) => return respond(StatusCode::BAD_REQUEST, again(form, errors, petition)),
    };
    if state.config.public_posts_per_address > 0 {
        throttle::attempt(&state, &[Limit::public_form(&state, ip)]).await?;
    }
    let token = random_token()?;
    let link = format!("{}{}", state.config.public_url, paths::petition_confirm(id, &token));
    let signature =
        super::writer::Signature { petition: petition.clone(), group_slug: slug, signing, token_hash: token_hash(&token), link, now };
    let signed = state.signatures.sign(signature).await?;
    let said = match signed {
        Signed::New | Signed::LinkSentAgain => Said::CheckEmail,
        Signed::Already => Said::Already,
        Signed::LinkJustSent => Said::JustSent,
    };
    respond(StatusCode::OK, PublicPage { petition, count, open, said, form, errors: FieldErrors::default() })
}

async fn public_scope(tx: &mut Tx, slug: &str) -> Result<Scope, AppError> {
    Scope::for_public_form(tx, slug).await?.ok_or_else(AppError::not_found)
}

pub(super) async fn confirm(State(state): State<AppState>, Path((id, token)): Path<(PetitionId, String)>) -> Result<Response, AppError> {
    let (petition, slug) = load(&state, id).await?;
    let mut tx = state.db.write().await?;
    let scope = public_scope(&mut tx, &slug).await?;
    let confirmed = petitions::confirm(&mut tx, &scope, &petition, &token_hash(&token), state.clock.now()).await?;
    tx.commit().await?;
    if confirmed.is_none() {
        return Err(AppError::NotFound(
            "this link has been used already, or is more than a week old; if you have not signed yet, sign again to get a new one".into(),
        ));
    }
    state.petitions.forget_count(id);
    let count = state.petitions.count(&state, id).await?;
    let open = petition.is_open(state.clock.now().date_naive());
    let body = PublicPage { petition, count, open, said: Said::Confirmed, form: SignForm::default(), errors: FieldErrors::default() };
    respond(StatusCode::OK, body)
}

#[derive(serde::Serialize)]
struct CountJson {
    total_signatures: i64,
    goal: i64,
}

/// The count as JSON, for other sites: public, cacheable for a few seconds.
pub(super) async fn count(State(state): State<AppState>, Path(id): Path<PetitionId>) -> Result<Response, AppError> {
    let (petition, _) = load(&state, id).await?;
    let total_signatures = state.petitions.count(&state, id).await?;
    let headers = [(header::CACHE_CONTROL, "public, max-age=5"), (header::ACCESS_CONTROL_ALLOW_ORIGIN, "*")];
    Ok((headers, axum::Json(CountJson { total_signatures, goal: petition.goal })).into_response())
}
