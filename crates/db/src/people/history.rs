//! A person's history: what was done with them, by whom, and when.

use chrono::{DateTime, Utc};
use tredegar_domain::people::HistoryKind;
use tredegar_domain::{PersonEventId, PersonId};

use crate::{Result, Scope, Sql, Tx, Window};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct PersonEvent {
    pub kind: HistoryKind,
    pub summary: String,
    pub user_name: String,
    pub at: DateTime<Utc>,
}

/// Add to a person's history.
pub async fn add_event(tx: &mut Tx, scope: &Scope, person: PersonId, kind: HistoryKind, summary: &str, now: DateTime<Utc>) -> Result<()> {
    execute!(
        tx,
        "INSERT INTO person_events (id, group_id, person_id, kind, summary, user_name, at) SELECT $1, $2, $3, $4, $5, $6, $7 \
         WHERE EXISTS (SELECT 1 FROM people p WHERE p.id = $3 AND p.group_id = $2)",
        PersonEventId::new(),
        scope.group_id(),
        person,
        kind,
        summary,
        scope.actor_name(),
        now
    )?;
    Ok(())
}

/// Add the same line to many people's histories at once, each with its
/// kind: for people the caller has just written in the scope's own group.
pub(crate) async fn add_events(
    tx: &mut Tx,
    scope: &Scope,
    events: &[(PersonId, HistoryKind)],
    summary: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let (group, actor) = (scope.group_id(), scope.actor_name());
    crate::copy::rows(tx, "person_events", "id, group_id, person_id, kind, summary, user_name, at", events, |(id, kind)| {
        vec![PersonEventId::new().0.into(), group.into(), (*id).into(), kind.as_str().into(), summary.into(), actor.into(), now.into()]
    })
    .await
}

/// A person's history, newest first, if this scope may see them.
pub async fn events(tx: &mut Tx, scope: &Scope, person: PersonId, window: Window) -> Result<Vec<PersonEvent>> {
    let mut q = Sql::new(
        "SELECT e.kind, e.summary, e.user_name, e.at FROM person_events e JOIN people p ON p.id = e.person_id WHERE e.person_id = ",
    );
    q.bind(person).push(" AND ");
    scope.visible_people(&mut q, "p");
    q.window(window, "e.at", " ORDER BY e.at DESC, e.id DESC");
    q.fetch_all(tx).await
}
