//! Which volunteers may see whom. A volunteer's scope sees only the people
//! assigned to them; walk lists and call lists will be built on this.

use chrono::{DateTime, Utc};
use tredegar_domain::{PersonId, UserId};

use crate::{Result, Scope, Tx};

/// Let a volunteer see a person.
pub async fn assign(tx: &mut Tx, scope: &Scope, person: PersonId, user: UserId, now: DateTime<Utc>) -> Result<()> {
    execute!(
        tx,
        "INSERT INTO assignments (group_id, person_id, user_id, created_at) SELECT $1, $2, $3, $4 \
         WHERE EXISTS (SELECT 1 FROM people p WHERE p.id = $2 AND p.group_id = $1) \
         AND EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = $3 AND m.group_id = $1) \
         ON CONFLICT (person_id, user_id) DO NOTHING",
        scope.group_id(),
        person,
        user,
        now
    )?;
    Ok(())
}

pub async fn unassign(tx: &mut Tx, scope: &Scope, person: PersonId, user: UserId) -> Result<()> {
    execute!(tx, "DELETE FROM assignments WHERE group_id = $1 AND person_id = $2 AND user_id = $3", scope.group_id(), person, user)?;
    Ok(())
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Assignee {
    pub user_id: UserId,
    pub name: String,
}

pub async fn assignees(tx: &mut Tx, scope: &Scope, person: PersonId) -> Result<Vec<Assignee>> {
    Ok(fetch_all!(
        tx,
        Assignee,
        "SELECT u.id AS user_id, u.name AS name FROM assignments a JOIN users u ON u.id = a.user_id WHERE a.group_id = $1 AND a.person_id = $2 ORDER BY u.name",
        scope.group_id(),
        person
    )?)
}
