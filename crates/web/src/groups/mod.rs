//! Running a group: its dashboard, members and roles, settings (custom
//! fields, sharing, groups inside it), API tokens and the audit log.

mod audit;
mod dashboard;
mod export;
mod members;
mod settings;
mod tokens;

use axum::Router;
use axum::routing::{get, post};

use crate::AppState;
use crate::paths;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(paths::DASHBOARD, get(dashboard::dashboard))
        .route(paths::MEMBERS, get(members::members))
        .route(paths::INVITATIONS, post(members::invite))
        .route(paths::INVITATION_REVOKE, post(members::revoke_invitation))
        .route(paths::MEMBERS_CSV, get(members::members_export))
        .route(paths::MEMBER_ROLE, post(members::change_role))
        .route(paths::MEMBER_REMOVE, get(members::confirm_remove).post(members::remove_member))
        .route(paths::CHILD_GROUPS, post(settings::create_child))
        .route(paths::SETTINGS, get(settings::settings))
        .route(paths::SHARING, post(settings::set_sharing))
        .route(paths::FIELDS, post(settings::add_field))
        .route(paths::FIELD_DELETE, get(settings::confirm_delete_field).post(settings::delete_field))
        .route(paths::EXPORT, get(export::export))
        .route(paths::AUDIT, get(audit::audit_log))
        .route(paths::AUDIT_CSV, get(audit::audit_export))
        .route(paths::API_TOKENS, get(tokens::tokens).post(tokens::create))
        .route(paths::API_TOKEN_REVOKE, get(tokens::confirm_revoke).post(tokens::revoke))
}
