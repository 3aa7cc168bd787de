//! What walkers recorded at the doors: each record kept once however
//! often it is sent, both records of a door two walkers knocked, someone
//! new met at a door, and how far a list has got.

use chrono::{DateTime, Utc};
use tredegar_domain::calls::ListStatus;
use tredegar_domain::person_update::PersonUpdate;
use tredegar_domain::walks::DoorOutcome;
use tredegar_domain::{ConversationId, GroupId, KnockId, PersonId, Problem, QuestionId, UnitId, WalkListId};

use super::{WalkList, door, get, questions, residents};
use crate::people::{Fallback, Incoming, Outcome};
use crate::{DbError, Result, Scope, Sql, Tx};

/// What a walker recorded at a door.
#[derive(Clone, Debug)]
pub struct Knock {
    /// Made by the walker's phone, so a record sent twice is kept once.
    pub id: KnockId,
    pub unit: UnitId,
    /// Whom they spoke to, if anyone: someone living there.
    pub person: Option<PersonId>,
    pub outcome: DoorOutcome,
    pub answers: Vec<(QuestionId, String)>,
    pub conversation: Option<ConversationId>,
    pub knocked_at: DateTime<Utc>,
}

/// The open list the scope may walk, or why not: a walker's closed list is
/// not found; an organiser's says it is closed.
pub async fn open_list(tx: &mut Tx, scope: &Scope, id: WalkListId) -> Result<WalkList> {
    let closed = || Problem::new("walk_list", "was closed by an organiser, so this was not saved: tell them what happened at the door");
    let Some(list) = get(tx, scope, id).await? else {
        // A walker whose list closed while they were out is told so.
        let walked = scalar!(
            tx,
            i64,
            "SELECT COUNT(*) FROM walk_lists l JOIN walk_list_walkers w ON w.walk_list_id = l.id \
             WHERE l.id = $1 AND l.group_id = $2 AND w.user_id = $3 AND l.status = 'closed'",
            id,
            scope.group_id(),
            scope.user_id()
        )?;
        return Err(if walked.unwrap_or(0) > 0 { closed().into() } else { DbError::NotFound });
    };
    if list.status != ListStatus::Open {
        return Err(closed().into());
    }
    Ok(list)
}

/// Whether this record is on this list already: then sending it again
/// changes nothing. An id used by any other record is refused, saying no
/// more than that.
pub async fn recorded(tx: &mut Tx, scope: &Scope, list: WalkListId, id: KnockId) -> Result<bool> {
    match fetch_optional!(tx, (WalkListId, GroupId), "SELECT walk_list_id, group_id FROM door_knocks WHERE id = $1", id)? {
        None => Ok(false),
        Some((l, g)) if l == list && g == scope.group_id() => Ok(true),
        Some(_) => {
            Err(DbError::Duplicate { field: "id".into(), message: "is used by another record: make a new one".into(), existing: None })
        }
    }
}

/// Record what happened at a door of an open list the scope may walk. The
/// person must live there; the answers must be to the list's questions; it
/// happened since the list was made. Returns false if it was in already.
pub async fn record(tx: &mut Tx, scope: &Scope, id: WalkListId, k: &Knock, now: DateTime<Utc>) -> Result<bool> {
    let list = open_list(tx, scope, id).await?;
    if recorded(tx, scope, id, k.id).await? {
        return Ok(false);
    }
    door(tx, scope, id, k.unit).await?.ok_or(DbError::NotFound)?;
    if k.knocked_at < list.created_at - chrono::Duration::minutes(5) || k.knocked_at > now + chrono::Duration::hours(1) {
        return Err(Problem::new("knocked_at", "must be between when the walk list was made and now").into());
    }
    if let Some(person) = k.person {
        let living = residents(tx, scope, id, Some(k.unit), now.date_naive()).await?;
        if !living.iter().any(|r| r.person_id == person) {
            return Err(Problem::new("person", "does not live at this door").into());
        }
    }
    let asked = questions(tx, scope, id).await?;
    if k.answers.iter().any(|(q, _)| !asked.iter().any(|a| a.id == *q)) {
        return Err(Problem::new("answers", "answer only this list's questions").into());
    }
    execute!(
        tx,
        "INSERT INTO door_knocks (id, group_id, walk_list_id, unit_id, person_id, outcome, conversation_id, knocked_by, knocked_by_name, knocked_at, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        k.id,
        scope.group_id(),
        id,
        k.unit,
        k.person,
        k.outcome,
        k.conversation,
        scope.user_id(),
        scope.actor_name(),
        k.knocked_at,
        now
    )?;
    let group = scope.group_id();
    let head = "INSERT INTO door_answers (knock_id, question_id, group_id, answer) VALUES";
    Sql::insert_rows(tx, head, "", &k.answers, |q, (question, answer)| {
        q.bind(k.id).push(", ").bind(*question).push(", ").bind(group).push(", ").bind(answer.as_str());
    })
    .await?;
    Ok(true)
}

/// How far a list (or one walker's records on it) has got.
#[derive(Clone, Debug, Default, sqlx::FromRow)]
pub struct Progress {
    pub doors: i64,
    pub knocked: i64,
    pub spoke: i64,
    pub not_home: i64,
    pub come_back: i64,
    /// Doors two or more walkers recorded.
    pub conflicts: i64,
}

/// The list's progress: its doors, the doors with a record, and the
/// records by outcome.
pub async fn progress(tx: &mut Tx, scope: &Scope, id: WalkListId) -> Result<Progress> {
    let found = fetch_optional!(
        tx,
        Progress,
        "SELECT (SELECT COUNT(*) FROM walk_list_doors d WHERE d.walk_list_id = $1) AS doors, \
         COUNT(DISTINCT k.unit_id) AS knocked, \
         COALESCE(SUM(CASE WHEN k.outcome = 'spoke' THEN 1 ELSE 0 END), 0) AS spoke, \
         COALESCE(SUM(CASE WHEN k.outcome = 'not_home' THEN 1 ELSE 0 END), 0) AS not_home, \
         COALESCE(SUM(CASE WHEN k.outcome = 'come_back' THEN 1 ELSE 0 END), 0) AS come_back, \
         (SELECT COUNT(*) FROM (SELECT c.unit_id FROM door_knocks c WHERE c.walk_list_id = $1 \
          GROUP BY c.unit_id HAVING COUNT(DISTINCT c.knocked_by_name) > 1) twice) AS conflicts \
         FROM door_knocks k WHERE k.walk_list_id = $1 AND k.group_id = $2",
        id,
        scope.group_id()
    )?;
    Ok(found.unwrap_or_default())
}

/// One record, as an organiser reads it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct KnockRow {
    pub id: KnockId,
    pub unit_id: UnitId,
    pub person_id: Option<PersonId>,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub outcome: DoorOutcome,
    pub knocked_by_name: String,
    pub knocked_at: DateTime<Utc>,
}

impl KnockRow {
    pub fn spoke_to(&self) -> Option<String> {
        self.person_id.map(|_| crate::people::display_name(self.given_name.as_deref(), self.family_name.as_deref(), None))
    }
}

const KNOCKS: &str = "SELECT k.id, k.unit_id, k.person_id, p.given_name, p.family_name, k.outcome, k.knocked_by_name, k.knocked_at \
     FROM door_knocks k LEFT JOIN people p ON p.id = k.person_id WHERE k.walk_list_id = ";

/// Every record on the list, door by door, for organisers.
pub async fn knocks(tx: &mut Tx, scope: &Scope, id: WalkListId) -> Result<Vec<KnockRow>> {
    let mut q = Sql::new(KNOCKS);
    q.bind(id).push(" AND k.group_id = ").bind(scope.group_id()).push(" ORDER BY k.knocked_at, k.id");
    q.fetch_all(tx).await
}

/// The records of doors that two or more walkers recorded: both are kept,
/// and the organiser decides.
pub async fn conflicts(tx: &mut Tx, scope: &Scope, id: WalkListId) -> Result<Vec<KnockRow>> {
    let mut q = Sql::new(KNOCKS);
    q.bind(id).push(" AND k.group_id = ").bind(scope.group_id());
    q.push(" AND k.unit_id IN (SELECT c.unit_id FROM door_knocks c WHERE c.walk_list_id = ").bind(id);
    q.push(" GROUP BY c.unit_id HAVING COUNT(DISTINCT c.knocked_by_name) > 1) ORDER BY k.unit_id, k.knocked_at");
    q.fetch_all(tx).await
}

/// The answers given on a list: (record, question, answer).
pub async fn answers(tx: &mut Tx, scope: &Scope, id: WalkListId) -> Result<Vec<(KnockId, QuestionId, String)>> {
    Ok(fetch_all!(
        tx,
        (KnockId, QuestionId, String),
        "SELECT a.knock_id, a.question_id, a.answer FROM door_knocks k JOIN door_answers a ON a.knock_id = k.id \
         WHERE k.walk_list_id = $1 AND k.group_id = $2",
        id,
        scope.group_id()
    )?)
}

/// Someone new met at a door of an open list the scope may walk: they
/// become a person through the one upsert and live there from today. What
/// is typed at a door reaches nobody else: an email or phone already on
/// someone's record is left off, for an organiser to check (and merge if
/// it is the same person), so nobody is renamed, moved or found out that way.
pub async fn met_at_door(
    tx: &mut Tx,
    scope: &Scope,
    id: WalkListId,
    unit: UnitId,
    mut update: PersonUpdate,
    now: DateTime<Utc>,
) -> Result<PersonId> {
    let list = open_list(tx, scope, id).await?;
    door(tx, scope, id, unit).await?.ok_or(DbError::NotFound)?;
    let mut history = format!("Met at the door on the walk list {}", list.title());
    let phone = update.phones.as_ref().and_then(|p| p.first()).map(|p| &p.phone);
    if crate::people::find_match(tx, scope, update.match_email(), phone).await?.is_some() {
        update.emails = None;
        update.phones = None;
        history.push_str(": the email or phone they gave is on another person's record, so it was left off for an organiser to check");
    }
    let incoming = Incoming { update, known: None, fallback: Some(Fallback::New(PersonId::new())) };
    let outcome = crate::people::upsert_many(tx, scope, vec![incoming], &history, now).await?.into_iter().next();
    let person = match outcome {
        Some(Outcome::Refused(why)) => return Err(Problem::new("new_given_name", why).into()),
        Some(o) => o.person().ok_or(DbError::NotFound)?,
        None => return Err(DbError::NotFound),
    };
    let living = residents(tx, scope, id, Some(unit), now.date_naive()).await?;
    if !living.iter().any(|r| r.person_id == person) {
        crate::residents::settle(tx, scope, person, unit, (Some(now.date_naive()), None), now).await?;
    }
    Ok(person)
}
