//! A coordinator changes what a need says while it is open: a mistyped
//! address, a new date, a need that turns out to be weekly. The person's
//! record is not touched; the change is kept in the need's history.

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use tredegar_db::aid;
use tredegar_domain::aid::NeedInput;
use tredegar_domain::{FieldErrors, NeedId};

use super::needs::new_page;
use crate::auth::{CsrfToken, Organiser};
use crate::extract::{Form, Path};
use crate::{AppError, AppState, paths};

/// The need's form, filled in as it stands (its contact details read, audited).
pub(super) async fn form(
    State(state): State<AppState>,
    Organiser(scope): Organiser,
    csrf: CsrfToken,
    Path((_, id)): Path<(String, NeedId)>,
) -> Result<Response, AppError> {
    let mut tx = state.db.read().await?;
    let need = aid::get(&mut tx, &scope, id).await?.ok_or_else(AppError::not_found)?;
    let contact = aid::contact(&mut tx, &scope, &need).await?.ok_or_else(AppError::not_found)?;
    drop(tx);
    let what = format!("contact details of a need ({}), to change them, need {}", need.category, need.id);
    state.record_reads(&scope, &[(need.person_id, scope.group_id())], &what).await?;
    let yes = |b: bool| if b { "yes".to_string() } else { String::new() };
    let typed = NeedInput {
        category: need.category_id.to_string(),
        description: need.description,
        urgency: need.urgency.as_str().into(),
        from_on: need.from_on.map(|d| d.to_string()).unwrap_or_default(),
        to_on: need.to_on.map(|d| d.to_string()).unwrap_or_default(),
        name: contact.contact_name,
        address: contact.address,
        postcode: contact.postcode,
        phone: contact.phone,
        email: contact.email,
        how_to_contact: contact.how_to_contact,
        asked_by: contact.asked_by,
        repeats: need.repeats.as_str().into(),
        same_volunteer: yes(need.same_volunteer),
        involve: yes(need.involve),
        contact_by_fax: String::new(),
    };
    new_page(&state, &scope, csrf, typed, Some(id), FieldErrors::default()).await
}

pub(super) async fn save(
    State(state): State<AppState>,
    Organiser(scope): Organiser,
    csrf: CsrfToken,
    Path((_, id)): Path<(String, NeedId)>,
    Form(form): Form<NeedInput>,
) -> Result<Response, AppError> {
    let (need, category) = match super::check_need(&state, &scope, &form).await? {
        Ok(ok) => ok,
        Err(errors) => return new_page(&state, &scope, csrf, form, Some(id), errors).await,
    };
    let mut tx = state.db.write().await?;
    match aid::edit(&mut tx, &scope, id, &need, category, state.clock.now()).await {
        Ok(()) => tx.commit().await?,
        Err(tredegar_db::DbError::Invalid(errors)) => {
            drop(tx);
            return new_page(&state, &scope, csrf, form, Some(id), errors).await;
        }
        Err(e) => return Err(e.into()),
    }
    Ok(Redirect::to(&format!("{}?notice=saved", paths::need(scope.group_slug(), id))).into_response())
}
