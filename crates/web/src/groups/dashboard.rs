//! A group's front page says what to do next: needs for help waiting on the
//! member, or on anyone for too long; the member's follow-ups that are due,
//! supporters nobody has spoken to lately, the latest conversations and the
//! call lists in progress, then the group's figures.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use chrono::{Duration, NaiveDate};
use serde::Deserialize;
use tredegar_db::calls::{self, CallList, Progress};
use tredegar_db::conversations::{self, Conversation, OutOfTouch};
use tredegar_db::follow_ups::{self, FollowUp};

use crate::auth::{CsrfToken, Member};
use crate::extract::Query;
use crate::ui::{Layout, Notice, Page, Zone, render};
use crate::{AppError, AppState};

#[derive(Template)]
#[template(path = "groups/dashboard.html")]
pub(super) struct Dashboard {
    title: String,
    csrf: String,
    slug: String,
    zone: Zone,
    today: NaiveDate,
    /// Follow-ups due within a week, or overdue.
    due: Vec<FollowUp>,
    more_follow_ups: i64,
    out_of_touch: Vec<OutOfTouch>,
    days: i64,
    recent: Vec<Conversation>,
    /// Open call lists and how far each has got (for a volunteer, their part).
    calling: Vec<(CallList, Progress)>,
    /// All the open call lists, of which `calling` are the newest.
    calling_total: i64,
    people: i64,
    tags: i64,
    campaigns: i64,
    volunteer: bool,
    /// For admins: email waiting because no SMTP server is configured.
    mail_waiting: i64,
    /// Needs for help offered to this member or taken on by them.
    my_needs: Vec<tredegar_db::aid::NeedRow>,
    /// For coordinators: needs nobody has taken on in time.
    waiting_needs: Vec<tredegar_db::aid::NeedRow>,
}

/// Follow-ups shown on the dashboard, oldest due first; the rest are a link away.
const FOLLOW_UPS_SHOWN: i64 = 50;

/// Open call lists shown on the dashboard, newest first; the rest are a link away.
const CALL_LISTS_SHOWN: i64 = 10;

#[derive(Deserialize)]
pub(super) struct DashboardQuery {
    notice: Option<String>,
    /// "Not contacted in N days".
    days: Option<i64>,
}

pub(super) async fn dashboard(
    State(state): State<AppState>,
    Member(scope): Member,
    csrf: CsrfToken,
    Query(q): Query<DashboardQuery>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let zone = Zone::of(&scope);
    let today = zone.today(&now);
    let days = q.days.unwrap_or(30).clamp(1, 3650);
    let mut tx = state.db.read().await?;
    let (open, open_total, _) = follow_ups::mine(&mut tx, &scope, tredegar_db::Page::new(1, FOLLOW_UPS_SHOWN)).await?;
    let week = today + Duration::days(7);
    let due: Vec<FollowUp> = open.into_iter().filter(|f| f.due_on <= week).collect();
    let more_follow_ups = open_total - i64::try_from(due.len()).unwrap_or(0);
    let out_of_touch = conversations::out_of_touch(&mut tx, &scope, now - Duration::days(days), 10).await?;
    let recent = conversations::recent(&mut tx, &scope, 5).await?;
    let mut calling = Vec::new();
    let (open_lists, calling_total) = calls::list(&mut tx, &scope, true, tredegar_db::Page::new(1, CALL_LISTS_SHOWN)).await?;
    for c in open_lists {
        let p = if scope.role().sees_everyone() {
            calls::progress(&mut tx, &scope, c.id).await?.0
        } else {
            calls::my_progress(&mut tx, &scope, c.id).await?
        };
        calling.push((c, p));
    }
    let people = tredegar_db::people::count(&mut tx, &scope).await?;
    let one = tredegar_db::Page::new(1, 1);
    let tags = tredegar_db::tags::list(&mut tx, &scope, &Default::default(), one).await?.1;
    let campaigns = tredegar_db::campaigns::list(&mut tx, &scope, one).await?.1;
    let mail_waiting = if state.mailer.is_none() && scope.role() == tredegar_domain::Role::Admin {
        tredegar_db::outbox::counts(&mut tx, &scope).await?.waiting
    } else {
        0
    };
    let my_needs = tredegar_db::aid::mine(&mut tx, &scope).await?;
    let waiting_needs = tredegar_db::aid::sweep::escalated(&mut tx, &scope).await?;
    drop(tx);
    // Recent conversations name people and the issues they raised, and the
    // supporters out of touch are named with their level (a political
    // opinion): sensitive reads, as are the follow-ups that say what is owed.
    let mut read: Vec<_> = recent.iter().map(|c| (c.person_id, c.group_id)).collect();
    let group = scope.group_id();
    read.extend(out_of_touch.iter().map(|o| (o.person_id, group)).chain(due.iter().map(|f| (f.person_id, group))));
    state.record_reads(&scope, &read, "named on the dashboard").await?;
    let notice = Notice { notice: q.notice };
    render(Page::new(Layout::for_scope(scope.group_name(), &scope, csrf).notice(&notice), |layout| Dashboard {
        title: layout.title.clone(),
        csrf: layout.csrf.clone(),
        slug: scope.group_slug().into(),
        zone: layout.zone(),
        today,
        due,
        more_follow_ups,
        out_of_touch,
        days,
        recent,
        calling,
        calling_total,
        people,
        tags,
        campaigns,
        volunteer: !scope.role().sees_everyone(),
        mail_waiting,
        my_needs,
        waiting_needs,
    }))
}
