//! The recurring sweep of needs (see `tredegar_db::aid::sweep`), and the
//! emails it and a coordinator's offer send: to a volunteer, what was
//! offered them (never who); to coordinators, the needs waiting too long.

use tredegar_db::aid::{self, NeedRow};
use tredegar_db::jobs::Done;
use tredegar_db::outbox::{self, NewMessage};
use tredegar_db::{Scope, Tx, groups, users};
use tredegar_domain::mail::{MailKind, fill};
use tredegar_domain::{GroupId, NeedId, UserId};

use crate::{AppError, AppState, paths};

/// A need in an email: what, how soon and roughly where; never who.
fn described(n: &NeedRow) -> String {
    format!("{} ({}, {})", n.category, n.urgency.label().to_lowercase(), n.district)
}

/// Queue the email telling a volunteer a need was offered them.
pub(super) async fn tell_volunteer(tx: &mut Tx, state: &AppState, scope: &Scope, need: NeedId, volunteer: UserId) -> Result<(), AppError> {
    let (Some(need), Some(user)) = (aid::get(tx, scope, need).await?, users::by_id(tx, volunteer).await?) else { return Ok(()) };
    let link = super::follow::answer_link(tx, state, scope, &need, volunteer).await?;
    let mut what = described(&need);
    if need.repeats != tredegar_domain::aid::Repeats::Never {
        what.push_str(&format!(", {}", need.repeats.label().to_lowercase()));
    }
    let within = format!("{} hours", tredegar_db::aid::offers::timing(tx, scope.group_id()).await?.answer_within_hours);
    let values = [("name", user.name.as_str()), ("group", scope.group_name()), ("need", &what), ("link", &link), ("within", &within)];
    let template = outbox::template(tx, scope.group_id(), MailKind::NeedOffered).await?;
    let (subject, text) = (fill(&template.subject, &values), fill(&template.body, &values));
    let message = NewMessage {
        group: Some(scope.group_id()),
        person: None,
        user: Some(user.id),
        kind: MailKind::NeedOffered,
        to: user.email.as_str(),
        subject: &subject,
        text: &text,
        unsubscribe: false,
        calendar: None,
    };
    outbox::queue(tx, &message, state.clock.now()).await?;
    Ok(())
}

/// Tell each coordinator of the group of the needs that waited too long.
async fn tell_coordinators(tx: &mut Tx, state: &AppState, group: GroupId, needs: &[NeedRow]) -> Result<(), AppError> {
    let Some(slug) = groups::slug_of(tx, group).await? else { return Ok(()) };
    let Some(scope) = Scope::for_operator(tx, &slug).await? else { return Ok(()) };
    let link = format!("{}{}", state.config.public_url, paths::needs(&slug));
    let lines: Vec<String> = needs.iter().map(|n| format!("- {}", described(n))).collect();
    let template = outbox::template(tx, group, MailKind::NeedsWaiting).await?;
    for member in users::members(tx, &scope).await?.into_iter().filter(|m| m.role.sees_everyone()) {
        let values = [("name", member.name.as_str()), ("group", scope.group_name()), ("needs", &lines.join("\n")), ("link", &link)];
        let (subject, text) = (fill(&template.subject, &values), fill(&template.body, &values));
        let message = NewMessage {
            group: Some(group),
            person: None,
            user: Some(member.user_id),
            kind: MailKind::NeedsWaiting,
            to: &member.email,
            subject: &subject,
            text: &text,
            unsubscribe: false,
            calendar: None,
        };
        outbox::queue(tx, &message, state.clock.now()).await?;
    }
    Ok(())
}

/// The recurring job: move needs on, and send what that says. Each group
/// is swept and told in its own transaction, so the writer is never held
/// for long and one group's trouble does not stop the others'.
pub async fn run(state: &AppState) -> Result<Done, AppError> {
    let now = state.clock.now();
    let mut tx = state.db.read().await?;
    let groups = aid::sweep::groups(&mut tx).await?;
    drop(tx);
    let mut swept = aid::sweep::Swept::default();
    for group in groups {
        match sweep_group(state, group, now).await {
            Ok(done) => swept.add(done),
            Err(e) => tracing::error!(group = %group, error = %e, "could not sweep a group's needs"),
        }
    }
    if swept.expired + swept.timed_out + swept.offered.len() + swept.escalated.len() > 0 {
        tracing::info!(
            expired = swept.expired,
            timed_out = swept.timed_out,
            offered = swept.offered.len(),
            escalated = swept.escalated.len(),
            "needs for help moved on"
        );
    }
    Ok(Done::Finished)
}

/// One group's share of the sweep, and its emails, committed together.
async fn sweep_group(state: &AppState, group: GroupId, now: chrono::DateTime<chrono::Utc>) -> Result<aid::sweep::Swept, AppError> {
    let mut tx = state.db.write().await?;
    let swept = aid::sweep::sweep_group(&mut tx, group, now).await?;
    if !swept.offered.is_empty() {
        let slug = groups::slug_of(&mut tx, group).await?.ok_or_else(AppError::not_found)?;
        let scope = Scope::for_operator(&mut tx, &slug).await?.ok_or_else(AppError::not_found)?;
        for (_, need, volunteer) in &swept.offered {
            tell_volunteer(&mut tx, state, &scope, *need, *volunteer).await?;
        }
    }
    for (group, needs) in &swept.escalated {
        tell_coordinators(&mut tx, state, *group, needs).await?;
    }
    tx.commit().await?;
    Ok(swept)
}
