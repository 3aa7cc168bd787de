//! Running a group: its dashboard, members and roles, settings (custom
//! fields, sharing, groups inside it) and the audit log.

mod audit;
mod dashboard;
mod members;
mod settings;

use axum::Router;
use axum::routing::{get, post};

use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/g/{slug}", get(dashboard::dashboard))
        .route("/g/{slug}/members", get(members::members).post(members::add_member))
        .route("/g/{slug}/members.csv", get(members::members_export))
        .route("/g/{slug}/members/{user}/role", post(members::change_role))
        .route("/g/{slug}/members/{user}/remove", get(members::confirm_remove).post(members::remove_member))
        .route("/g/{slug}/groups", post(settings::create_child))
        .route("/g/{slug}/settings", get(settings::settings))
        .route("/g/{slug}/settings/sharing", post(settings::set_sharing))
        .route("/g/{slug}/fields", post(settings::add_field))
        .route("/g/{slug}/fields/{id}/delete", post(settings::delete_field))
        .route("/g/{slug}/audit", get(audit::audit_log))
        .route("/g/{slug}/audit.csv", get(audit::audit_export))
}
