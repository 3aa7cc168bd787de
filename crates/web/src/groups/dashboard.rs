//! A group's front page: how many people, tags and campaigns it has.

use askama::Template;
use axum::extract::State;
use axum::response::Response;

use crate::auth::{CsrfToken, Member};
use crate::extract::Query;
use crate::ui::{Layout, Notice, Page, render};
use crate::{AppError, AppState};

#[derive(Template)]
#[template(path = "groups/dashboard.html")]
pub(super) struct Dashboard {
    title: String,
    slug: String,
    people: i64,
    tags: i64,
    campaigns: i64,
    volunteer: bool,
}

pub(super) async fn dashboard(
    State(state): State<AppState>,
    Member(scope): Member,
    csrf: CsrfToken,
    Query(notice): Query<Notice>,
) -> Result<Response, AppError> {
    let mut tx = state.db.read().await?;
    let people = tredegar_db::people::count(&mut tx, &scope).await?;
    let one = tredegar_db::Page::new(1, 1);
    let tags = tredegar_db::tags::list(&mut tx, &scope, &Default::default(), one).await?.1;
    let campaigns = tredegar_db::campaigns::list(&mut tx, &scope, one).await?.1;
    render(Page::new(Layout::for_scope(scope.group_name(), &scope, csrf).notice(&notice), |layout| Dashboard {
        title: layout.title.clone(),
        slug: scope.group_slug().into(),
        people,
        tags,
        campaigns,
        volunteer: !scope.role().sees_everyone(),
    }))
}
