//! Call lists: the people of a list or segment who have a phone and have not
//! asked not to be called, taken when the call list is made and split among
//! callers. A caller reads only their own people, only while the call list
//! is open, and only what the call needs: a name and a number.

use chrono::{DateTime, Utc};
use tredegar_domain::calls::{ListStatus, Outcome};
use tredegar_domain::segments::{Node, Rule};
use tredegar_domain::{CallListId, PersonId, Problem, UserId};

use crate::people::{Order, Search};
use crate::{DbError, Page, Result, Scope, Sql, Tx, Window};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct CallList {
    pub id: CallListId,
    pub name: String,
    pub script: String,
    pub status: ListStatus,
    pub created_by_name: String,
    pub created_at: DateTime<Utc>,
}

/// How far a call list (or one caller's part of it) has got.
#[derive(Clone, Debug, Default, sqlx::FromRow)]
pub struct Progress {
    pub caller_name: Option<String>,
    pub total: i64,
    pub called: i64,
    pub spoke: i64,
    pub no_answer: i64,
    pub wrong_number: i64,
    pub call_back: i64,
    pub do_not_call: i64,
}

impl Progress {
    pub fn left(&self) -> i64 {
        self.total - self.called + self.call_back
    }
}

/// Make a call list of everyone `people` matches (lists in it worked out) who has a phone and has not
/// asked not to be called, shared out in turn among `callers` (members of
/// the group). Returns its id and how many people are on it.
pub async fn create(
    tx: &mut Tx,
    scope: &Scope,
    name: &str,
    script: &str,
    people: Node,
    callers: &[UserId],
    now: DateTime<Utc>,
) -> Result<(CallListId, usize)> {
    if callers.is_empty() {
        return Err(Problem::new("callers", "choose at least one caller").into());
    }
    let members = crate::users::members(tx, scope).await?;
    if callers.iter().any(|c| !members.iter().any(|m| m.user_id == *c)) {
        return Err(Problem::new("callers", "must be members of the group").into());
    }
    let people = crate::lists::resolve(tx, scope, &people, now).await?;
    let callable = Node::All(vec![people, Node::Rule(Rule::HasPhone), Node::Not(Box::new(Node::Rule(Rule::DoNotCall)))]);
    let found =
        crate::people::list(tx, scope, &Search::Segment(callable), &Default::default(), Order::Name, crate::Page::everything()).await?.0;
    if found.iter().all(|p| p.group_id != scope.group_id()) {
        return Err(Problem::new("list", "has nobody to call: nobody on it has a phone number, or all asked not to be called").into());
    }
    let id = CallListId::new();
    execute!(
        tx,
        "INSERT INTO call_lists (id, group_id, name, script, status, created_by_name, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        id,
        scope.group_id(),
        name,
        script,
        ListStatus::Open,
        scope.actor_name(),
        now
    )?;
    let own: Vec<PersonId> = found.iter().filter(|p| p.group_id == scope.group_id()).map(|p| p.id).collect();
    for (chunk_no, chunk) in own.chunks(300).enumerate() {
        let mut q = Sql::new("INSERT INTO call_list_people (call_list_id, person_id, group_id, caller, position) VALUES ");
        for (i, person) in chunk.iter().enumerate() {
            let position = chunk_no * 300 + i;
            let caller = callers.get(position % callers.len()).copied();
            q.push(if i == 0 { "(" } else { ", (" }).bind(id).push(", ").bind(*person).push(", ").bind(scope.group_id());
            q.push(", ").bind(caller).push(", ").bind(i64::try_from(position).unwrap_or(i64::MAX)).push(")");
        }
        q.execute(tx).await?;
    }
    Ok((id, own.len()))
}

const SELECT: &str = "SELECT l.id, l.name, l.script, l.status, l.created_by_name, l.created_at FROM call_lists l";

/// A page of the call lists the scope may work, newest first, and how many
/// there are: all of the group's for organisers, or only the open ones; for
/// a volunteer, the open ones they are a caller on.
pub async fn list(tx: &mut Tx, scope: &Scope, only_open: bool, page: Page) -> Result<(Vec<CallList>, i64)> {
    let matching = |columns: &'static str| {
        let mut q = Sql::new(columns);
        q.push(" WHERE l.group_id = ").bind(scope.group_id());
        if only_open {
            q.push(" AND l.status = 'open'");
        }
        mine_only(&mut q, scope);
        q
    };
    let mut q = matching(SELECT);
    q.push(" ORDER BY l.created_at DESC, l.id DESC").page(page);
    let shown = q.fetch_all(tx).await?;
    Ok((shown, matching("SELECT COUNT(*) FROM call_lists l").count(tx).await?))
}

fn mine_only(q: &mut Sql, scope: &Scope) {
    if !scope.role().sees_everyone() {
        q.push(" AND l.status = 'open' AND EXISTS (SELECT 1 FROM call_list_people c WHERE c.call_list_id = l.id AND c.caller = ");
        q.bind(scope.user_id()).push(")");
    }
}

pub async fn get(tx: &mut Tx, scope: &Scope, id: CallListId) -> Result<Option<CallList>> {
    let mut q = Sql::new(SELECT);
    q.push(" WHERE l.id = ").bind(id).push(" AND l.group_id = ").bind(scope.group_id());
    mine_only(&mut q, scope);
    q.fetch_optional(tx).await
}

const PROGRESS: &str = "COUNT(*) AS total, COUNT(c.outcome) AS called, \
     SUM(CASE WHEN c.outcome = 'spoke' THEN 1 ELSE 0 END) AS spoke, \
     SUM(CASE WHEN c.outcome = 'no_answer' THEN 1 ELSE 0 END) AS no_answer, \
     SUM(CASE WHEN c.outcome = 'wrong_number' THEN 1 ELSE 0 END) AS wrong_number, \
     SUM(CASE WHEN c.outcome = 'call_back' THEN 1 ELSE 0 END) AS call_back, \
     SUM(CASE WHEN c.outcome = 'do_not_call' THEN 1 ELSE 0 END) AS do_not_call";

/// The whole list's progress, then each caller's.
pub async fn progress(tx: &mut Tx, scope: &Scope, id: CallListId) -> Result<(Progress, Vec<Progress>)> {
    let mut q = Sql::new("SELECT NULL AS caller_name, ");
    q.push(PROGRESS).push(" FROM call_list_people c WHERE c.call_list_id = ").bind(id).push(" AND c.group_id = ").bind(scope.group_id());
    let whole = q.fetch_optional(tx).await?.unwrap_or_default();
    let mut q = Sql::new("SELECT COALESCE(u.name, '(gone)') AS caller_name, ");
    q.push(PROGRESS).push(" FROM call_list_people c LEFT JOIN users u ON u.id = c.caller WHERE c.call_list_id = ").bind(id);
    q.push(" AND c.group_id = ").bind(scope.group_id()).push(" GROUP BY u.name ORDER BY u.name");
    Ok((whole, q.fetch_all(tx).await?))
}

/// The member's own progress on a call list.
pub async fn my_progress(tx: &mut Tx, scope: &Scope, id: CallListId) -> Result<Progress> {
    let mut q = Sql::new("SELECT NULL AS caller_name, ");
    q.push(PROGRESS).push(" FROM call_list_people c WHERE c.call_list_id = ").bind(id).push(" AND c.caller = ").bind(scope.user_id());
    Ok(q.fetch_optional(tx).await?.unwrap_or_default())
}

/// What a caller sees of the person to call.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ToCall {
    pub person_id: PersonId,
    pub group_id: tredegar_domain::GroupId,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub phone: Option<String>,
    pub outcome: Option<Outcome>,
}

impl ToCall {
    pub fn name(&self) -> String {
        crate::people::display_name(self.given_name.as_deref(), self.family_name.as_deref(), None)
    }
}

/// One person on a call list, as its organiser follows it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Called {
    pub person_id: PersonId,
    pub group_id: tredegar_domain::GroupId,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub caller_name: Option<String>,
    pub outcome: Option<Outcome>,
    pub call_back_at: Option<DateTime<Utc>>,
    pub called_at: Option<DateTime<Utc>>,
}

impl Called {
    pub fn name(&self) -> String {
        crate::people::display_name(self.given_name.as_deref(), self.family_name.as_deref(), None)
    }
}

/// A page of the people on a call list, in calling order, with how each
/// call went; and how many there are.
pub async fn people_on(tx: &mut Tx, scope: &Scope, id: CallListId, page: Page) -> Result<(Vec<Called>, i64)> {
    let on = |columns: &'static str| {
        let mut q = Sql::new(columns);
        q.push(" FROM call_list_people c JOIN people p ON p.id = c.person_id LEFT JOIN users u ON u.id = c.caller WHERE c.call_list_id = ");
        q.bind(id).push(" AND c.group_id = ").bind(scope.group_id());
        q
    };
    let mut q =
        on("SELECT c.person_id, p.group_id, p.given_name, p.family_name, u.name AS caller_name, c.outcome, c.call_back_at, c.called_at");
    q.push(" ORDER BY c.position").page(page);
    let total = on("SELECT COUNT(*)").count(tx).await?;
    Ok((q.fetch_all(tx).await?, total))
}

/// A person to call on an open call list, and their best number; never
/// anyone who asked not to be called, whenever and on whichever list they said it.
const TO_CALL: &str = "SELECT c.person_id, p.group_id, p.given_name, p.family_name, \
     (SELECT ph.number FROM person_phones ph WHERE ph.person_id = p.id ORDER BY ph.is_primary DESC LIMIT 1) AS phone, c.outcome \
     FROM call_list_people c JOIN call_lists l ON l.id = c.call_list_id JOIN people p ON p.id = c.person_id \
     WHERE l.status = 'open' AND NOT EXISTS (SELECT 1 FROM do_not_call x WHERE x.person_id = p.id) AND c.call_list_id = ";

/// The member's next call on an open list: someone not yet called, in list
/// order, or a call back that is due.
pub async fn next(tx: &mut Tx, scope: &Scope, id: CallListId, now: DateTime<Utc>) -> Result<Option<ToCall>> {
    let mut q = Sql::new(TO_CALL);
    q.bind(id).push(" AND c.caller = ").bind(scope.user_id()).push(" AND l.group_id = ").bind(scope.group_id());
    q.push(" AND (c.outcome IS NULL OR (c.outcome = 'call_back' AND c.call_back_at <= ").bind(now).push("))");
    q.push(" ORDER BY c.outcome IS NOT NULL, c.position LIMIT 1");
    q.fetch_optional(tx).await
}

/// When the member's first call back on a list that is not due yet falls due.
pub async fn next_call_back(tx: &mut Tx, scope: &Scope, id: CallListId) -> Result<Option<DateTime<Utc>>> {
    let mut q = Sql::new("SELECT MIN(c.call_back_at) FROM call_list_people c WHERE c.call_list_id = ");
    q.bind(id).push(" AND c.caller = ").bind(scope.user_id()).push(" AND c.outcome = 'call_back'");
    q.push(" AND NOT EXISTS (SELECT 1 FROM do_not_call x WHERE x.person_id = c.person_id)");
    Ok(q.fetch_optional::<(Option<DateTime<Utc>>,)>(tx).await?.and_then(|(at,)| at))
}

/// Record how a call went. The caller it was given to may, and organisers.
pub async fn record(
    tx: &mut Tx,
    scope: &Scope,
    id: CallListId,
    person: PersonId,
    outcome: Outcome,
    call_back_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<()> {
    let list = get(tx, scope, id).await?.ok_or(DbError::NotFound)?;
    if list.status != ListStatus::Open {
        return Err(Problem::new("call_list", "is closed").into());
    }
    // Only a call still to make (or to make again) is recorded: a form sent
    // twice, or from an old page, does not overwrite what was recorded.
    match next_or_called(tx, scope, id, person).await?.ok_or(DbError::NotFound)?.outcome {
        None | Some(Outcome::CallBack) => {}
        Some(done) => return Err(Problem::new("outcome", format!("was already recorded for this call: {}", done.label())).into()),
    }
    if outcome == Outcome::CallBack && call_back_at.is_none() {
        return Err(Problem::new("call_back_at", "say when to call back").into());
    }
    let mut q = Sql::new("UPDATE call_list_people SET outcome = ");
    q.bind(outcome.as_str()).push(", call_back_at = ").bind(call_back_at);
    q.push(", called_at = ").bind(now).push(", called_by_name = ").bind(scope.actor_name());
    q.push(" WHERE call_list_id = ").bind(id).push(" AND person_id = ").bind(person);
    if !scope.role().sees_everyone() {
        q.push(" AND caller = ").bind(scope.user_id());
    }
    if q.execute(tx).await? == 0 {
        return Err(DbError::NotFound);
    }
    if outcome == Outcome::DoNotCall {
        do_not_call(tx, scope, &[person], now).await?;
    }
    Ok(())
}

/// These people of the scope's own group asked not to be called: every
/// later call list leaves them out. Saying it again changes nothing.
pub async fn do_not_call(tx: &mut Tx, scope: &Scope, people: &[PersonId], now: DateTime<Utc>) -> Result<()> {
    let (group, actor) = (scope.group_id(), scope.actor_name());
    let head = "INSERT INTO do_not_call (person_id, group_id, by_name, at) VALUES";
    Sql::insert_rows(tx, head, " ON CONFLICT (person_id) DO NOTHING", people, |q, person| {
        q.bind(*person).push(", ").bind(group).push(", ").bind(actor).push(", ").bind(now);
    })
    .await
}

/// Who recorded that a person asked not to be called, and when.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct DoNotCall {
    pub by_name: String,
    pub at: DateTime<Utc>,
}

/// Whether this person, if the scope may see them, asked not to be called.
pub async fn do_not_call_of(tx: &mut Tx, scope: &Scope, person: PersonId) -> Result<Option<DoNotCall>> {
    let mut q = Sql::new("SELECT d.by_name, d.at FROM do_not_call d JOIN people p ON p.id = d.person_id WHERE d.person_id = ");
    q.bind(person).push(" AND ");
    scope.visible_people(&mut q, "p");
    q.fetch_optional(tx).await
}

/// They may be called again (the "do not call" was a mistake, or they said
/// so): later call lists take them, and lists still open offer them again.
pub async fn allow_calls(tx: &mut Tx, scope: &Scope, person: PersonId) -> Result<()> {
    execute!(tx, "DELETE FROM do_not_call WHERE person_id = $1 AND group_id = $2", person, scope.group_id())?;
    Ok(())
}

pub async fn set_status(tx: &mut Tx, scope: &Scope, id: CallListId, status: ListStatus) -> Result<()> {
    let n = execute!(tx, "UPDATE call_lists SET status = $3 WHERE id = $1 AND group_id = $2", id, scope.group_id(), status)?;
    if n == 0 { Err(DbError::NotFound) } else { Ok(()) }
}

/// A call on a person's timeline.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Call {
    pub call_list: String,
    pub outcome: Outcome,
    pub called_by_name: String,
    pub called_at: DateTime<Utc>,
}

/// The calls made to a person, if the scope may see them.
pub async fn of_person(tx: &mut Tx, scope: &Scope, person: PersonId, window: Window) -> Result<Vec<Call>> {
    let mut q = Sql::new(
        "SELECT l.name AS call_list, c.outcome, COALESCE(c.called_by_name, '') AS called_by_name, c.called_at \
         FROM call_list_people c JOIN call_lists l ON l.id = c.call_list_id JOIN people p ON p.id = c.person_id \
         WHERE c.outcome IS NOT NULL AND c.called_at IS NOT NULL AND c.person_id = ",
    );
    q.bind(person).push(" AND ");
    scope.visible_people(&mut q, "p");
    q.window(window, "c.called_at", " ORDER BY c.called_at DESC, c.call_list_id");
    q.fetch_all(tx).await
}

/// One person on the member's part of an open call list, whether called yet
/// or not: the screen shown again when a form comes back with a problem.
pub async fn next_or_called(tx: &mut Tx, scope: &Scope, id: CallListId, person: PersonId) -> Result<Option<ToCall>> {
    let mut q = Sql::new(TO_CALL);
    q.bind(id).push(" AND c.person_id = ").bind(person).push(" AND l.group_id = ").bind(scope.group_id());
    if !scope.role().sees_everyone() {
        q.push(" AND c.caller = ").bind(scope.user_id());
    }
    q.fetch_optional(tx).await
}
