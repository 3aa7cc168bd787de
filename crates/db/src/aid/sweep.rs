//! What happens to needs by itself, every few minutes, in every group: a
//! need whose last day has passed expires; an offer nobody answered in
//! the group's time goes back (as a decline); a need of a kind set to match itself is
//! offered to the best volunteer; and needs that wait too long for anyone
//! are gathered, once each, for the coordinators to be told. Each group
//! gets its own share of a sweep, so no backlog holds up another group.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use tredegar_domain::aid::{NeedStatus, Timing, Urgency};
use tredegar_domain::{GroupId, NeedId, UserId};

use super::{NeedRow, change, offers};
use crate::{Result, Scope, Sql, Tx};

/// What one sweep did, for the emails and the log.
#[derive(Debug, Default)]
pub struct Swept {
    pub expired: usize,
    pub timed_out: usize,
    /// Needs offered by themselves: which group, which need, to whom.
    pub offered: Vec<(GroupId, NeedId, UserId)>,
    /// Needs waiting too long, by group, to tell its coordinators once.
    pub escalated: Vec<(GroupId, Vec<NeedRow>)>,
}

/// Each group's coordinating scope and how long its needs may wait, read once a sweep.
struct Scopes(HashMap<GroupId, Option<(Scope, Timing)>>);

impl Scopes {
    async fn of(&mut self, tx: &mut Tx, group: GroupId) -> Result<Option<(Scope, Timing)>> {
        if let Some(s) = self.0.get(&group) {
            return Ok(s.clone());
        }
        let found = match Scope::for_coordinating(tx, group).await? {
            Some(scope) => Some((scope, offers::timing(tx, group).await?)),
            None => None,
        };
        self.0.insert(group, found.clone());
        Ok(found)
    }
}

/// Needs looked at in one sweep, at most, from each group.
const PER_GROUP: i64 = 100;

/// How long a need nobody could take waits before it is tried again.
const RETRY_AFTER: chrono::Duration = chrono::Duration::hours(1);

/// Needs in these statuses for which `more` (given their group's timing)
/// holds: from each group, its first `PER_GROUP` in `order`, so one group's
/// backlog never holds up another's. `more` says exactly which are due, so
/// needs not yet due never hold up those that are.
async fn due(
    tx: &mut Tx,
    scopes: &mut Scopes,
    statuses: &[NeedStatus],
    more: impl Fn(&mut Sql, &Timing),
    order: &'static str,
) -> Result<Vec<(Scope, NeedId)>> {
    let mut q = Sql::new("SELECT DISTINCT group_id FROM needs WHERE status IN (");
    q.bind_list(statuses.iter().map(|s| s.as_str())).push(")");
    let groups: Vec<(GroupId,)> = q.fetch_all(tx).await?;
    let mut out = Vec::new();
    for (group,) in groups {
        let Some((scope, timing)) = scopes.of(tx, group).await? else { continue };
        let mut q = Sql::new("SELECT id FROM needs WHERE group_id = ");
        q.bind(group).push(" AND status IN (").bind_list(statuses.iter().map(|s| s.as_str())).push(")");
        more(&mut q, &timing);
        q.push(" ORDER BY ").push(order).push(" LIMIT ").bind(PER_GROUP);
        let ids: Vec<(NeedId,)> = q.fetch_all(tx).await?;
        out.extend(ids.into_iter().map(|(id,)| (scope.clone(), id)));
    }
    Ok(out)
}

/// Someone changed what help they offer, or a check was seen: the group's
/// needs nobody could take are worth trying at the next sweep.
pub(crate) async fn retry_matching(tx: &mut Tx, group: GroupId) -> Result<()> {
    execute!(tx, "UPDATE needs SET match_tried_at = NULL WHERE group_id = $1 AND match_tried_at IS NOT NULL", group)?;
    Ok(())
}

pub async fn sweep(tx: &mut Tx, today: NaiveDate, now: DateTime<Utc>) -> Result<Swept> {
    let mut swept = Swept::default();
    let mut scopes = Scopes(HashMap::new());
    // Past their last day.
    let past = |q: &mut Sql, _: &Timing| {
        q.push(" AND to_on < ").bind(today);
    };
    for (scope, need) in due(tx, &mut scopes, &NeedStatus::OPEN, past, "to_on, id").await? {
        change(tx, &scope, need, NeedStatus::Expired, None, "its last day passed", now).await?;
        swept.expired += 1;
        // One that comes round again does, even if this one was missed.
        if let Some(row) = super::get(tx, &scope, need).await? {
            super::follow::repeat(tx, &scope, &row, false, today, now).await?;
        }
    }
    // Offers nobody answered in the group's time: back to be offered again, as a decline.
    let unanswered = |q: &mut Sql, timing: &Timing| {
        q.push(" AND offered_at < ").bind(now - timing.answer_within());
    };
    for (scope, need) in due(tx, &mut scopes, &[NeedStatus::Offered], unanswered, "offered_at, id").await? {
        change(tx, &scope, need, NeedStatus::Triaged, None, "no answer in time", now).await?;
        swept.timed_out += 1;
    }
    // Kinds that match themselves: to the best volunteer there is. Those
    // nobody could take are tried again after the rest, an hour on, or as
    // soon as someone changes what help they offer.
    let matching = |q: &mut Sql, _: &Timing| {
        q.push(" AND category_id IN (SELECT id FROM aid_categories WHERE auto_match)");
        q.push(" AND (match_tried_at IS NULL OR match_tried_at < ").bind(now - RETRY_AFTER).push(")");
    };
    let order = "match_tried_at NULLS FIRST, created_at, id";
    for (scope, need) in due(tx, &mut scopes, &[NeedStatus::New, NeedStatus::Triaged], matching, order).await? {
        let Some(row) = super::get(tx, &scope, need).await? else { continue };
        let best = offers::candidates(tx, &scope, &row, now, today).await?.into_iter().find(|r| r.rank.is_ok());
        match best {
            Some(best) => {
                change(tx, &scope, need, NeedStatus::Offered, Some(best.user_id), "offered automatically, to the best placed", now).await?;
                swept.offered.push((scope.group_id(), need, best.user_id));
            }
            None => _ = execute!(tx, "UPDATE needs SET match_tried_at = $2 WHERE id = $1", need, now)?,
        }
    }
    // Waiting too long for anyone, by how urgent: each told of once.
    let waited = |q: &mut Sql, timing: &Timing| {
        q.push(" AND escalated_at IS NULL AND (");
        for (i, urgency) in Urgency::ALL.iter().enumerate() {
            q.push(if i == 0 { "(urgency = " } else { " OR (urgency = " }).bind(urgency.as_str());
            q.push(" AND created_at < ").bind(now - timing.escalate_after(*urgency)).push(")");
        }
        q.push(")");
    };
    let mut late: HashMap<GroupId, Vec<NeedRow>> = HashMap::new();
    for (scope, need) in due(tx, &mut scopes, &[NeedStatus::New, NeedStatus::Triaged], waited, "created_at, id").await? {
        let Some(row) = super::get(tx, &scope, need).await? else { continue };
        execute!(tx, "UPDATE needs SET escalated_at = $2 WHERE id = $1", need, now)?;
        late.entry(scope.group_id()).or_default().push(row);
    }
    swept.escalated = late.into_iter().collect();
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
