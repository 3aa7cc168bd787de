//! What the mutual aid report counts: the group's needs asked in a period,
//! with when each was first accepted and done, and what each volunteer did.
//! For coordinators.

use chrono::{DateTime, Utc};
use tredegar_domain::aid::{HowItWent, NeedStatus};

use crate::{Result, Scope, Sql, Tx};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Reported {
    pub category: String,
    pub district: String,
    pub status: NeedStatus,
    pub created_at: DateTime<Utc>,
    pub accepted_at: Option<DateTime<Utc>>,
    pub done_at: Option<DateTime<Utc>>,
    /// How it went, if the one helped said.
    pub feedback: Option<HowItWent>,
}

/// The needs asked since `since`, oldest first.
pub async fn needs_since(tx: &mut Tx, scope: &Scope, since: DateTime<Utc>) -> Result<Vec<Reported>> {
    if !scope.role().sees_everyone() {
        return Ok(Vec::new());
    }
    let mut q = Sql::new(
        "SELECT c.name AS category, n.district, n.status, n.created_at, n.feedback, \
         (SELECT MIN(h.at) FROM need_changes h WHERE h.need_id = n.id AND h.to_status = 'accepted') AS accepted_at, \
         (SELECT MIN(h.at) FROM need_changes h WHERE h.need_id = n.id AND h.to_status = 'done') AS done_at \
         FROM needs n JOIN aid_categories c ON c.id = n.category_id WHERE n.group_id = ",
    );
    q.bind(scope.group_id()).push(" AND n.created_at >= ").bind(since).push(" ORDER BY n.created_at, n.id");
    q.fetch_all(tx).await
}

/// What one volunteer did in the period.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Activity {
    pub name: String,
    pub offered: i64,
    pub accepted: i64,
    /// Said no, or let an offer go unanswered.
    pub declined: i64,
    pub done: i64,
}

pub async fn activity_since(tx: &mut Tx, scope: &Scope, since: DateTime<Utc>) -> Result<Vec<Activity>> {
    if !scope.role().sees_everyone() {
        return Ok(Vec::new());
    }
    let mut q = Sql::new(
        "SELECT u.name, COUNT(CASE WHEN h.to_status = 'offered' THEN 1 END) AS offered, \
         COUNT(CASE WHEN h.to_status = 'accepted' THEN 1 END) AS accepted, \
         COUNT(CASE WHEN h.from_status = 'offered' AND h.to_status = 'triaged' AND (h.by_user = h.volunteer_id OR h.by_user IS NULL) THEN 1 END) \
         AS declined, COUNT(CASE WHEN h.to_status = 'done' THEN 1 END) AS done \
         FROM need_changes h JOIN users u ON u.id = h.volunteer_id WHERE h.group_id = ",
    );
    q.bind(scope.group_id()).push(" AND h.at >= ").bind(since).push(" GROUP BY u.id, u.name ORDER BY done DESC, u.name");
    q.fetch_all(tx).await
}
