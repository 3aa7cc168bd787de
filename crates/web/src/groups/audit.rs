//! The audit log, read and exported by admins.

use crate::auth::{Admin, CsrfToken};
use crate::extract::Query;
use crate::paths;
use crate::ui::{Layout, Page, PageQuery, Pager, Zone, csv_stream, csv_time, render};
use crate::{AppError, AppState};
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use tredegar_db::audit::{self, AuditEntry};
use tredegar_domain::AuditAction;

#[derive(Template)]
#[template(path = "groups/audit.html")]
pub(super) struct AuditPage {
    zone: Zone,
    slug: String,
    entries: Vec<AuditEntry>,
    pager: Pager,
    total: i64,
}

pub(super) async fn audit_log(
    State(state): State<AppState>,
    Admin(scope): Admin,
    csrf: CsrfToken,
    Query(q): Query<PageQuery>,
) -> Result<Response, AppError> {
    let page = q.page(100);
    let mut tx = state.db.read().await?;
    let (entries, total) = audit::list(&mut tx, &scope, page).await?;
    let pager = Pager::new(paths::audit(scope.group_slug()), page, total);
    render(Page::new(Layout::for_scope("Audit log", &scope, csrf), |layout| AuditPage {
        zone: layout.zone(),
        slug: scope.group_slug().into(),
        entries,
        pager,
        total,
    }))
}

pub(super) async fn audit_export(State(state): State<AppState>, Admin(scope): Admin) -> Result<Response, AppError> {
    let mut tx = state.db.write().await?;
    audit::record(&mut tx, &scope, AuditAction::Export, "audit log", "the whole log", state.clock.now()).await?;
    tx.commit().await?;
    csv_stream(
        &state,
        "audit-log.csv",
        ["at", "who", "action", "subject", "detail"].map(String::from).to_vec(),
        |e: AuditEntry| vec![csv_time(e.at), e.user_name, e.action.to_string(), e.subject, e.detail],
        move |db, rows| async move {
            let mut tx = db.read().await?;
            audit::send_all(&mut tx, &scope, rows).await
        },
    )
}
