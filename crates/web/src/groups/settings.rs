//! A group's settings: custom fields, sharing with the parent group, and
//! groups inside this one.

use crate::auth::{Admin, CsrfToken};
use crate::extract::{Form, Path, Query};
use crate::paths;
use crate::ui::{Layout, Notice, Page, render};
use crate::{AppError, AppState};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tredegar_db::Scope;
use tredegar_db::audit::{self};
use tredegar_db::fields::{self, CustomField};
use tredegar_db::groups::{self, Group};
use tredegar_db::users::{self};
use tredegar_domain::AuditAction;
use tredegar_domain::contact::required_text;
use tredegar_domain::people::{FieldKind, field_name_from_label};
use tredegar_domain::{CustomFieldId, FieldErrors, Problem, Role};

#[derive(Deserialize)]
pub(super) struct ChildForm {
    #[serde(default)]
    name: String,
}

/// A group inside this one (an estate in a borough, a branch in a region), with the admin asking as its first admin.
pub(super) async fn create_child(
    State(state): State<AppState>,
    Admin(scope): Admin,
    csrf: CsrfToken,
    Form(f): Form<ChildForm>,
) -> Result<Response, AppError> {
    let (name, slug) = match tredegar_domain::groups::parse_group_name("name", &f.name) {
        Ok(parsed) => parsed,
        Err(p) => {
            let form = FieldForm { kind: "text".into(), ..Default::default() };
            let page = settings_page(&state, &scope, csrf, form, p.into()).await?;
            return render(page).map(|r| (StatusCode::BAD_REQUEST, r).into_response());
        }
    };
    let now = state.clock.now();
    let mut tx = state.db.write().await?;
    let child = groups::create_inside(&mut tx, &scope, &name, &slug, now).await?;
    let me = scope.user_id().ok_or(AppError::SignInNeeded)?;
    users::set_membership(&mut tx, child.id, me, Role::Admin, now).await?;
    audit::record(&mut tx, &scope, AuditAction::Group, &child.name, "group created inside this one", now).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("{}?notice=added", paths::settings(child.slug))).into_response())
}

#[derive(Template)]
#[template(path = "groups/settings.html")]
pub(super) struct SettingsPage {
    csrf: String,
    slug: String,
    group: Group,
    children: Vec<Group>,
    fields: Vec<CustomField>,
    form: FieldForm,
    errors: FieldErrors,
}

#[derive(Default, Deserialize)]
pub(super) struct FieldForm {
    #[serde(default)]
    label: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    choices: String,
}

pub(super) async fn settings_page(
    state: &AppState,
    scope: &Scope,
    csrf: CsrfToken,
    form: FieldForm,
    errors: FieldErrors,
) -> Result<Page<SettingsPage>, AppError> {
    let mut tx = state.db.read().await?;
    let group = groups::current(&mut tx, scope).await?;
    let children = groups::children(&mut tx, scope).await?;
    let fields = fields::list(&mut tx, scope).await?;
    Ok(Page::new(Layout::for_scope("Settings", scope, csrf), |layout| SettingsPage {
        csrf: layout.csrf.clone(),
        slug: scope.group_slug().into(),
        group,
        children,
        fields,
        form,
        errors,
    }))
}

pub(super) async fn settings(
    State(state): State<AppState>,
    Admin(scope): Admin,
    csrf: CsrfToken,
    Query(notice): Query<Notice>,
) -> Result<Response, AppError> {
    let mut page =
        settings_page(&state, &scope, csrf, FieldForm { kind: "text".into(), ..Default::default() }, FieldErrors::default()).await?;
    page.layout = page.layout.notice(&notice);
    render(page)
}

#[derive(Deserialize)]
pub(super) struct SharingForm {
    #[serde(default)]
    share: String,
}

/// Sharing people with the parent group is off until an admin turns it on; each change is audited.
pub(super) async fn set_sharing(
    State(state): State<AppState>,
    Admin(scope): Admin,
    Form(f): Form<SharingForm>,
) -> Result<Response, AppError> {
    let share = f.share == "yes";
    let mut tx = state.db.write().await?;
    let group = groups::current(&mut tx, &scope).await?;
    if group.parent_id.is_none() {
        return Err(Problem::new("share", "this group has no parent group to share with").into());
    }
    groups::set_sharing(&mut tx, &scope, share).await?;
    let detail = if share { "people are now shared with the parent group" } else { "people are no longer shared with the parent group" };
    audit::record(&mut tx, &scope, AuditAction::Sharing, &group.name, detail, state.clock.now()).await?;
    tx.commit().await?;
    // The parent's tokens carry whether a child shares with it.
    state.api_tokens.forget_all();
    Ok(Redirect::to(&format!("{}?notice=sharing", paths::settings(scope.group_slug()))).into_response())
}

pub(super) async fn add_field(
    State(state): State<AppState>,
    Admin(scope): Admin,
    csrf: CsrfToken,
    Form(form): Form<FieldForm>,
) -> Result<Response, AppError> {
    let mut errors = FieldErrors::default();
    let label = errors.check(required_text("label", &form.label, 100));
    let name = label.as_deref().and_then(|l| errors.check(field_name_from_label("label", l)));
    let kind = errors.check(FieldKind::parse("kind", &form.kind, &form.choices));
    let result = match (label, name, kind) {
        (Some(label), Some(name), Some(kind)) => {
            let mut tx = state.db.write().await?;
            let r = fields::create(&mut tx, &scope, &name, &label, &kind, state.clock.now()).await;
            if r.is_ok() {
                tx.commit().await?;
            }
            r.map(|_| ())
        }
        _ => Ok(()),
    };
    match result {
        Ok(()) if errors.is_empty() => {
            return Ok(Redirect::to(&format!("{}?notice=added", paths::settings(scope.group_slug()))).into_response());
        }
        Ok(()) => {}
        Err(tredegar_db::DbError::Duplicate { message, .. }) => errors.push(Problem::new("label", message)),
        Err(e) => return Err(e.into()),
    }
    let page = settings_page(&state, &scope, csrf, form, errors).await?;
    render(page).map(|r| (StatusCode::BAD_REQUEST, r).into_response())
}

#[derive(Template)]
#[template(path = "groups/delete_field.html")]
pub(super) struct DeleteFieldPage {
    csrf: String,
    slug: String,
    field: CustomField,
    people: i64,
}

/// Deleting a field loses every person's value for it: say how many first.
pub(super) async fn confirm_delete_field(
    State(state): State<AppState>,
    Admin(scope): Admin,
    csrf: CsrfToken,
    Path((_, id)): Path<(String, CustomFieldId)>,
) -> Result<Response, AppError> {
    let mut tx = state.db.read().await?;
    let (field, people) = fields::with_count(&mut tx, &scope, id).await?.ok_or_else(AppError::not_found)?;
    let title = format!("Delete the field {}?", field.label);
    render(Page::new(Layout::for_scope(&title, &scope, csrf), |layout| DeleteFieldPage {
        csrf: layout.csrf.clone(),
        slug: scope.group_slug().into(),
        field,
        people,
    }))
}

pub(super) async fn delete_field(
    State(state): State<AppState>,
    Admin(scope): Admin,
    Path((_, id)): Path<(String, CustomFieldId)>,
) -> Result<Response, AppError> {
    let mut tx = state.db.write().await?;
    let (field, values) = fields::with_count(&mut tx, &scope, id).await?.ok_or_else(AppError::not_found)?;
    fields::delete(&mut tx, &scope, id).await?;
    let detail = format!("the field and {values} people's values for it");
    audit::record(&mut tx, &scope, AuditAction::Delete, &format!("custom field {}", field.label), &detail, state.clock.now()).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("{}?notice=field-deleted", paths::settings(scope.group_slug()))).into_response())
}
