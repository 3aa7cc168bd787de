//! One person's page: their details, tags, assessments per campaign, who is
//! assigned to them, and their whole timeline. Viewing it is audited: the
//! record may hold special-category data.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use tredegar_db::assessments::{self, Assessment};
use tredegar_db::campaigns::{self, Campaign};
use tredegar_db::people::{self, Assignee, Person};
use tredegar_db::timeline::{self, Entry, TimelinePage};
use tredegar_db::{Window, audit, fields, follow_ups, tags, users};
use tredegar_domain::assessments::LevelNames;
use tredegar_domain::{Level, PersonId, Role};

use super::pages::visible_person;
use crate::auth::{CsrfToken, Member};
use crate::extract::{Path, Query};
use crate::ui::{Layout, Notice, Page, Zone, render};
use crate::{AppError, AppState};

#[derive(Template)]
#[template(path = "people/show.html")]
struct ShowPage {
    csrf: String,
    zone: Zone,
    slug: String,
    person: Person,
    name: String,
    timeline: Vec<Entry>,
    /// `before=` for the link to older entries, if there are any.
    older: Option<String>,
    /// Whether this is an older page (a link back to the newest).
    paged: bool,
    assessments: Vec<Assessment>,
    campaigns: Vec<Campaign>,
    levels: LevelNames,
    assignees: Vec<Assignee>,
    volunteers: Vec<users::Member>,
    all_tags: Vec<tags::Tag>,
    /// Custom field values under their labels.
    custom: Vec<(String, String)>,
    /// An organiser of the person's own group: may edit, tag and assign.
    can_edit: bool,
    /// May log a conversation and set an assessment (organisers, and the
    /// volunteers the person is assigned to).
    can_log: bool,
    /// Why the last tag typed was not added, beside the tag field.
    tag_error: Option<&'static str>,
    /// The people linked to this one, in words, and the network drawn.
    links: Vec<LinkShown>,
    network: String,
    /// What is still to do about this person, oldest due first.
    open_follow_ups: Vec<tredegar_db::follow_ups::FollowUp>,
    today: chrono::NaiveDate,
    homes: Vec<tredegar_db::residents::Home>,
    /// The group's ladder, and where this person stands on it.
    rungs: Vec<tredegar_db::ladder::Rung>,
    placement: Option<tredegar_db::ladder::Placement>,
    /// Whether they asked not to be called, and who recorded it.
    do_not_call: Option<tredegar_db::calls::DoNotCall>,
}

/// One relationship as this person's page reads it.
struct LinkShown {
    id: tredegar_domain::RelationshipId,
    other: PersonId,
    words: String,
}

impl ShowPage {
    fn all_levels(&self) -> [Level; 5] {
        Level::ALL
    }

    /// The name of the rung the person stands on.
    fn rung_name(&self) -> Option<&str> {
        let on = self.placement.as_ref()?.rung_id?;
        self.rungs.iter().find(|r| r.id == on).map(|r| r.name.as_str())
    }
}

#[derive(Default, Deserialize)]
pub struct ShowQuery {
    notice: Option<String>,
    tag_error: Option<String>,
    /// The timeline from before this time: its older pages.
    before: Option<DateTime<Utc>>,
}

pub async fn show(
    State(state): State<AppState>,
    Member(scope): Member,
    csrf: CsrfToken,
    Path((_, id)): Path<(String, PersonId)>,
    Query(q): Query<ShowQuery>,
) -> Result<Response, AppError> {
    let notice = Notice { notice: q.notice };
    let tag_error = q.tag_error.as_deref().map(|_| "type the tag's name to add it");
    let person = visible_person(&state, &scope, id).await?;
    let name = person.display_name();
    let mut tx = state.db.read().await?;
    let TimelinePage { entries: timeline, older } = timeline::of_person(&mut tx, &scope, id, q.before).await?;
    let labels = fields::list(&mut tx, &scope).await?;
    let custom = person
        .details
        .custom
        .iter()
        .map(|(name, value)| match labels.iter().find(|f| &f.name == name) {
            // Dates in words, as everywhere: "10 Jan 2026".
            Some(f) if f.kind == tredegar_domain::people::FieldKind::Date => (f.label.clone(), crate::ui::date_in_words(value)),
            Some(f) => (f.label.clone(), value.clone()),
            None => (name.clone(), value.clone()),
        })
        .collect();
    let can_edit = scope.role().sees_everyone() && person.group_id == scope.group_id();
    let can_log = people::acts_on(&mut tx, &scope, id, state.clock.now()).await?;
    let (assignees, volunteers, all_tags) = if can_edit {
        let members = users::members(&mut tx, &scope).await?;
        let tags = tags::list(&mut tx, &scope, &Default::default(), tredegar_db::Page::everything()).await?.0;
        let assignees = people::assignees(&mut tx, &scope, id).await?;
        // Only volunteers not already assigned are offered.
        let volunteers =
            members.into_iter().filter(|m| m.role == Role::Volunteer && !assignees.iter().any(|a| a.user_id == m.user_id)).collect();
        (assignees, volunteers, tags)
    } else {
        (Vec::new(), Vec::new(), Vec::new())
    };
    let assessments = assessments::of_person(&mut tx, &scope, id).await?;
    let campaigns = if can_log { campaigns::list(&mut tx, &scope, tredegar_db::Page::everything()).await?.0 } else { Vec::new() };
    let levels = assessments::level_names(&mut tx, &scope).await?;
    let (net, network) = crate::relationships::network_svg(&mut tx, &scope, id).await?;
    let rungs = tredegar_db::ladder::rungs(&mut tx, &scope).await?;
    // Every open one, however far down the timeline it was made.
    let mut open_follow_ups: Vec<_> =
        follow_ups::of_person(&mut tx, &scope, id, Window::all()).await?.into_iter().filter(|f| f.done_at.is_none()).collect();
    open_follow_ups.sort_by_key(|f| f.due_on);
    let today = Zone::of(&scope).today(&state.clock.now());
    let placement = tredegar_db::ladder::placement(&mut tx, &scope, id).await?;
    let homes = tredegar_db::residents::of_person(&mut tx, &scope, id).await?;
    let do_not_call = tredegar_db::calls::do_not_call_of(&mut tx, &scope, id).await?;
    let links = net
        .links
        .iter()
        .filter_map(|l| {
            let phrase = tredegar_domain::relationships::kind_phrase(&l.kind);
            let (other, words) = if l.person_id == id {
                (l.other_id, format!("{name} {phrase} {}", net.name(l.other_id)))
            } else if l.other_id == id {
                (l.person_id, format!("{} {phrase} {name}", net.name(l.person_id)))
            } else {
                return None;
            };
            Some(LinkShown { id: l.id, other, words: format!("{words} (closeness {} of 5)", l.strength) })
        })
        .collect();
    drop(tx);
    // The view is logged before the page is sent.
    let mut tx = state.db.write().await?;
    // People are named by id in the audit log, so erasing someone erases their name.
    let conversations = timeline.iter().filter(|e| matches!(e, Entry::Conversation(_))).count();
    let page = q.before.map(|t| format!(", older entries from before {}", t.to_rfc3339())).unwrap_or_default();
    let how = format!("in the pages, with {conversations} conversations{page}");
    audit::record_reads(&mut tx, &scope, &[(id, person.group_id)], &how, state.clock.now()).await?;
    // The network names others and how they are linked: theirs are reads too.
    audit::record_reads(&mut tx, &scope, &net.others(id), "in the network on another person's page", state.clock.now()).await?;
    tx.commit().await?;
    render(Page::new(Layout::for_scope(&name, &scope, csrf).notice(&notice), |layout| ShowPage {
        csrf: layout.csrf.clone(),
        zone: layout.zone(),
        slug: scope.group_slug().into(),
        name,
        person,
        timeline,
        older: older.map(|at| crate::paths::encode(&at.to_rfc3339())),
        paged: q.before.is_some(),
        assessments,
        campaigns,
        levels,
        assignees,
        volunteers,
        all_tags,
        custom,
        can_edit,
        can_log,
        tag_error,
        links,
        network,
        rungs,
        placement,
        open_follow_ups,
        today,
        homes,
        do_not_call,
    }))
}
