//! What happens to needs by itself, every few minutes, in every group: a
//! need whose last day has passed expires; an offer nobody answered in
//! the group's time goes back (as a decline); a need of a kind set to match itself is
//! offered to the best volunteer; and needs that wait too long for anyone
//! are gathered, once each, for the coordinators to be told. Each group
//! is swept on its own (the job commits each apart), on its own day, and
//! takes at most `PER_GROUP` needs a step, so no group holds up another.

use chrono::{DateTime, Utc};
use tredegar_domain::aid::{NeedStatus, Urgency};
use tredegar_domain::{GroupId, NeedId, UserId};

use super::{NeedRow, change, offers};
use crate::{Result, Scope, Sql, Tx};

/// What a sweep did, for the emails and the log.
#[derive(Debug, Default)]
pub struct Swept {
    pub expired: usize,
    pub timed_out: usize,
    /// Needs offered by themselves: which group, which need, to whom.
    pub offered: Vec<(GroupId, NeedId, UserId)>,
    /// Needs waiting too long, by group, to tell its coordinators once.
    pub escalated: Vec<(GroupId, Vec<NeedRow>)>,
}

impl Swept {
    /// Count in another group's share.
    pub fn add(&mut self, more: Swept) {
        self.expired += more.expired;
        self.timed_out += more.timed_out;
        self.offered.extend(more.offered);
        self.escalated.extend(more.escalated);
    }
}

/// Needs looked at in one sweep, at most, from each group at each step.
const PER_GROUP: i64 = 100;

/// How long a need nobody could take waits before it is tried again.
const RETRY_AFTER: chrono::Duration = chrono::Duration::hours(1);

/// The groups with open needs: those a sweep may move on.
pub async fn groups(tx: &mut Tx) -> Result<Vec<GroupId>> {
    let mut q = Sql::new("SELECT DISTINCT group_id FROM needs WHERE status IN (");
    q.bind_list(NeedStatus::OPEN.iter().map(|s| s.as_str())).push(")");
    Ok(q.fetch_all::<(GroupId,)>(tx).await?.into_iter().map(|(g,)| g).collect())
}

/// Every group's share of a sweep, in the one transaction.
pub async fn sweep(tx: &mut Tx, now: DateTime<Utc>) -> Result<Swept> {
    let mut swept = Swept::default();
    for group in groups(tx).await? {
        swept.add(sweep_group(tx, group, now).await?);
    }
    Ok(swept)
}

/// The group's first `PER_GROUP` needs in these statuses, in `order`, for
/// which `more` holds: it says exactly which are due, so needs not yet due
/// never hold up those that are.
async fn due(
    tx: &mut Tx,
    group: GroupId,
    statuses: &[NeedStatus],
    more: impl FnOnce(&mut Sql),
    order: &'static str,
) -> Result<Vec<NeedId>> {
    let mut q = Sql::new("SELECT id FROM needs WHERE group_id = ");
    q.bind(group).push(" AND status IN (").bind_list(statuses.iter().map(|s| s.as_str())).push(")");
    more(&mut q);
    q.push(" ORDER BY ").push(order).limit(PER_GROUP);
    Ok(q.fetch_all::<(NeedId,)>(tx).await?.into_iter().map(|(id,)| id).collect())
}

/// One group's share of a sweep, by its timing, on the day it is in the
/// group's time zone.
pub async fn sweep_group(tx: &mut Tx, group: GroupId, now: DateTime<Utc>) -> Result<Swept> {
    let mut swept = Swept::default();
    let Some(scope) = Scope::for_coordinating(tx, group).await? else { return Ok(swept) };
    let timing = offers::timing(tx, group).await?;
    let zone = scope.zone();
    let today = now.with_timezone(&zone).date_naive();
    // Past their last day.
    let past = |q: &mut Sql| {
        q.push(" AND to_on < ").bind(today);
    };
    for need in due(tx, group, &NeedStatus::OPEN, past, "to_on, id").await? {
        change(tx, &scope, need, NeedStatus::Expired, None, "its last day passed", now).await?;
        swept.expired += 1;
        // One that comes round again does, even if this one was missed.
        if let Some(row) = super::get(tx, &scope, need).await? {
            super::follow::repeat(tx, &scope, &row, false, today, now).await?;
        }
    }
    // Offers nobody answered in the group's time: back to be offered again, as a decline.
    let unanswered = |q: &mut Sql| {
        q.push(" AND offered_at < ").bind(now - timing.answer_within());
    };
    for need in due(tx, group, &[NeedStatus::Offered], unanswered, "offered_at, id").await? {
        change(tx, &scope, need, NeedStatus::Triaged, None, "no answer in time", now).await?;
        swept.timed_out += 1;
    }
    // Kinds that match themselves: to the best volunteer there is. Those
    // nobody could take are tried again after the rest, an hour on, or as
    // soon as someone has changed what help they offer or had a check seen.
    let last = "SELECT MAX(modified_at), MAX(checked_at) FROM aid_offers WHERE group_id = $1";
    let (changed, checked) = fetch_optional!(tx, (Option<DateTime<Utc>>, Option<DateTime<Utc>>), last, group)?.unwrap_or_default();
    let retry_before = [Some(now - RETRY_AFTER), changed, checked].into_iter().flatten().max().unwrap_or(now);
    let matching = |q: &mut Sql| {
        q.push(" AND category_id IN (SELECT id FROM aid_categories WHERE auto_match)");
        q.push(" AND (match_tried_at IS NULL OR match_tried_at < ").bind(retry_before).push(")");
    };
    let waiting = [NeedStatus::New, NeedStatus::Triaged];
    for need in due(tx, group, &waiting, matching, "match_tried_at NULLS FIRST, created_at, id").await? {
        let Some(row) = super::get(tx, &scope, need).await? else { continue };
        let best = offers::candidates(tx, &scope, &row, now, today).await?.into_iter().find(|r| r.rank.is_ok());
        match best {
            Some(best) => {
                change(tx, &scope, need, NeedStatus::Offered, Some(best.user_id), "offered automatically, to the best placed", now).await?;
                swept.offered.push((group, need, best.user_id));
            }
            None => _ = execute!(tx, "UPDATE needs SET match_tried_at = $2 WHERE id = $1", need, now)?,
        }
    }
    // Waiting too long for anyone, by how urgent: each told of once.
    let waited = |q: &mut Sql| {
        q.push(" AND escalated_at IS NULL AND (");
        for (i, urgency) in Urgency::ALL.iter().enumerate() {
            q.push(if i == 0 { "(urgency = " } else { " OR (urgency = " }).bind(urgency.as_str());
            q.push(" AND created_at < ").bind(now - timing.escalate_after(*urgency)).push(")");
        }
        q.push(")");
    };
    let mut late = Vec::new();
    for need in due(tx, group, &waiting, waited, "created_at, id").await? {
        let Some(row) = super::get(tx, &scope, need).await? else { continue };
        execute!(tx, "UPDATE needs SET escalated_at = $2 WHERE id = $1", need, now)?;
        late.push(row);
    }
    if !late.is_empty() {
        swept.escalated.push((group, late));
    }
    Ok(swept)
}

/// The group's needs still waiting for anyone that coordinators were told
/// of: for the dashboard.
pub async fn escalated(tx: &mut Tx, scope: &Scope) -> Result<Vec<NeedRow>> {
    if !scope.role().sees_everyone() {
        return Ok(Vec::new());
    }
    let mut q = Sql::new(super::SELECT);
    q.push(" WHERE n.group_id = ").bind(scope.group_id());
    q.push(" AND n.status IN ('new', 'triaged') AND n.escalated_at IS NOT NULL ORDER BY n.created_at, n.id");
    q.fetch_all(tx).await
}
