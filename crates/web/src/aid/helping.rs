//! A volunteer's own page: what they offer (kinds of help, where from and
//! how far, days and hours, transport, a weekly limit, a pause), and the
//! needs offered to them or taken on. And, for coordinators, everyone's
//! offers, where they record whose safeguarding check they have seen.

use std::collections::HashMap;

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use tredegar_db::Scope;
use tredegar_db::aid::offers::{self, Category, OfferRow};
use tredegar_db::aid::{self, NeedRow};
use tredegar_domain::aid::{OfferInput, WEEKDAYS};
use tredegar_domain::{AidCategoryId, FieldErrors, Problem, UserId};

use crate::auth::{CsrfToken, Member, Organiser};
use crate::extract::{Form, Path, Query};
use crate::ui::{Layout, Notice, Page, render, render_form};
use crate::{AppError, AppState, paths};

#[derive(askama::Template)]
#[template(path = "aid/helping.html")]
struct HelpingPage {
    csrf: String,
    slug: String,
    categories: Vec<Category>,
    needs: Vec<NeedRow>,
    offer: OfferInput,
    checked: bool,
    weekdays: Vec<(String, &'static str)>,
    errors: FieldErrors,
}

impl HelpingPage {
    fn offers(&self, c: &Category) -> bool {
        self.offer.categories.contains(&c.id.to_string())
    }
    fn free(&self, day: &str) -> bool {
        self.offer.days.iter().any(|d| d == day)
    }
}

/// The offer form as it stands: the saved offer, or a first one to fill in.
fn as_typed(row: Option<&OfferRow>) -> OfferInput {
    let Some(o) = row else {
        return OfferInput {
            radius_km: "3".into(),
            from_hour: "9".into(),
            to_hour: "18".into(),
            per_week: "2".into(),
            ..Default::default()
        };
    };
    OfferInput {
        categories: o.categories.split(',').filter(|c| !c.is_empty()).map(String::from).collect(),
        postcode: o.postcode.clone(),
        radius_km: o.radius_km.to_string(),
        days: (0..7).filter(|d| o.days & (1 << d) != 0).map(|d: i64| d.to_string()).collect(),
        from_hour: o.from_hour.to_string(),
        to_hour: o.to_hour.to_string(),
        transport: o.transport,
        paused: o.paused,
        per_week: o.per_week.to_string(),
    }
}

async fn helping_page(
    state: &AppState,
    scope: &Scope,
    csrf: CsrfToken,
    typed: Option<OfferInput>,
    errors: FieldErrors,
    notice: Notice,
) -> Result<Response, AppError> {
    let mut tx = state.db.read().await?;
    let categories = offers::categories(&mut tx, scope).await?;
    let needs = aid::mine(&mut tx, scope).await?;
    let saved = offers::mine(&mut tx, scope).await?;
    drop(tx);
    let checked = saved.as_ref().is_some_and(|o| o.checked);
    let offer = typed.unwrap_or_else(|| as_typed(saved.as_ref()));
    let has_problems = !errors.is_empty();
    let page = Page::new(Layout::for_scope("My help", scope, csrf).notice(&notice), |layout| HelpingPage {
        csrf: layout.csrf.clone(),
        slug: scope.group_slug().into(),
        categories,
        needs,
        offer,
        checked,
        weekdays: WEEKDAYS.iter().enumerate().map(|(i, d)| (i.to_string(), *d)).collect(),
        errors,
    });
    render_form(page, has_problems)
}

pub(super) async fn page(
    State(state): State<AppState>,
    Member(scope): Member,
    csrf: CsrfToken,
    Query(notice): Query<Notice>,
) -> Result<Response, AppError> {
    helping_page(&state, &scope, csrf, None, FieldErrors::default(), notice).await
}

/// Save the offer: checkboxes repeat, so the form comes as pairs.
pub(super) async fn save(
    State(state): State<AppState>,
    Member(scope): Member,
    csrf: CsrfToken,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let all = |k: &str| pairs.iter().filter(|(n, _)| n == k).map(|(_, v)| v.clone()).collect::<Vec<_>>();
    let one: HashMap<&str, &str> = pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let field = |k: &str| one.get(k).map(|v| v.to_string()).unwrap_or_default();
    let typed = OfferInput {
        categories: all("categories"),
        postcode: field("postcode"),
        radius_km: field("radius_km"),
        days: all("days"),
        from_hour: field("from_hour"),
        to_hour: field("to_hour"),
        transport: one.contains_key("transport"),
        paused: one.contains_key("paused"),
        per_week: field("per_week"),
    };
    let mut tx = state.db.read().await?;
    let categories = offers::categories(&mut tx, &scope).await?;
    drop(tx);
    let checked = typed.check().and_then(|offer| {
        let ids: Option<Vec<AidCategoryId>> =
            offer.categories.iter().map(|c| categories.iter().find(|k| k.id.to_string() == *c).map(|k| k.id)).collect();
        ids.map(|ids| (offer, ids)).ok_or_else(|| Problem::new("categories", "choose kinds of help from the list").into())
    });
    let (offer, ids) = match checked {
        Ok(ok) => ok,
        Err(errors) => return helping_page(&state, &scope, csrf, Some(typed), errors, Notice::default()).await,
    };
    let mut tx = state.db.write().await?;
    offers::save(&mut tx, &scope, &offer, &ids, state.clock.now()).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("{}?notice=saved", paths::helping(scope.group_slug()))).into_response())
}

#[derive(askama::Template)]
#[template(path = "aid/volunteers.html")]
struct VolunteersPage {
    csrf: String,
    slug: String,
    zone: crate::ui::Zone,
    offers: Vec<OfferRow>,
    categories: Vec<Category>,
    /// The coordinator looking: another must record their own check.
    me: Option<tredegar_domain::UserId>,
}

impl VolunteersPage {
    /// The kinds of help an offer covers, by name.
    fn kinds(&self, o: &OfferRow) -> String {
        self.categories.iter().filter(|c| o.covers(c.id)).map(|c| c.name.as_str()).collect::<Vec<_>>().join(", ")
    }
}

pub(super) async fn volunteers(
    State(state): State<AppState>,
    Organiser(scope): Organiser,
    csrf: CsrfToken,
    Query(notice): Query<Notice>,
) -> Result<Response, AppError> {
    let mut tx = state.db.read().await?;
    let offers = offers::offers(&mut tx, &scope, None).await?;
    let categories = offers::categories(&mut tx, &scope).await?;
    drop(tx);
    render(Page::new(Layout::for_scope("Volunteers", &scope, csrf).notice(&notice), |layout| VolunteersPage {
        csrf: layout.csrf.clone(),
        slug: scope.group_slug().into(),
        zone: layout.zone(),
        offers,
        categories,
        me: scope.user_id(),
    }))
}

#[derive(serde::Deserialize)]
pub(super) struct CheckedForm {
    #[serde(default)]
    checked: String,
}

/// Record that a coordinator has seen a volunteer's safeguarding check, or withdraw it.
pub(super) async fn set_checked(
    State(state): State<AppState>,
    Organiser(scope): Organiser,
    Path((_, user)): Path<(String, UserId)>,
    Form(form): Form<CheckedForm>,
) -> Result<Response, AppError> {
    let mut tx = state.db.write().await?;
    offers::set_checked(&mut tx, &scope, user, form.checked == "yes", state.clock.now()).await?;
    offers::pull_back_unchecked(&mut tx, &scope, state.clock.now()).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("{}?notice=saved", paths::aid_volunteers(scope.group_slug()))).into_response())
}
