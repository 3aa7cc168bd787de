//! Follow-ups: what someone promised to do next about a person, by when. A
//! follow-up goes to a member who may see the person: an organiser, or a
//! volunteer the person is assigned to or who is calling them.

use chrono::{DateTime, NaiveDate, Utc};
use tredegar_domain::{ConversationId, FollowUpId, PersonId, Problem, UserId};

use crate::people::Assignee;
use crate::{DbError, Result, Scope, Sql, Tx, Window};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct FollowUp {
    pub id: FollowUpId,
    pub person_id: PersonId,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub conversation_id: Option<ConversationId>,
    pub assignee: Option<UserId>,
    pub assignee_name: Option<String>,
    pub what: String,
    pub due_on: NaiveDate,
    pub done_at: Option<DateTime<Utc>>,
    pub created_by_name: String,
    pub created_at: DateTime<Utc>,
}

impl FollowUp {
    pub fn person_name(&self) -> String {
        crate::people::display_name(self.given_name.as_deref(), self.family_name.as_deref(), None)
    }
    /// Still to do, and its day has passed.
    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        self.done_at.is_none() && self.due_on < today
    }
}

/// The members a follow-up about this person can go to, by name.
pub async fn possible_assignees(tx: &mut Tx, scope: &Scope, person: Option<PersonId>) -> Result<Vec<Assignee>> {
    // With no one known yet (a door nobody is known at), the organisers. A
    // walker or a caller is not one: walking a door or calling from a list
    // lets them record, not follow someone up they will not see again.
    Ok(fetch_all!(
        tx,
        Assignee,
        "SELECT u.id AS user_id, u.name AS name FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.group_id = $1 \
         AND (m.role <> 'volunteer' OR EXISTS (SELECT 1 FROM assignments a WHERE a.person_id = $2 AND a.user_id = m.user_id)) \
         ORDER BY u.name",
        scope.group_id(),
        person
    )?)
}

pub struct NewFollowUp<'a> {
    pub person: PersonId,
    pub conversation: Option<ConversationId>,
    pub assignee: UserId,
    pub what: &'a str,
    pub due_on: NaiveDate,
}

pub async fn add(tx: &mut Tx, scope: &Scope, f: &NewFollowUp<'_>, now: DateTime<Utc>) -> Result<FollowUpId> {
    if !crate::people::acts_on(tx, scope, f.person, now).await? {
        return Err(DbError::NotFound);
    }
    if !possible_assignees(tx, scope, Some(f.person)).await?.iter().any(|a| a.user_id == f.assignee) {
        return Err(Problem::new("assignee", "must be an organiser, or a volunteer this person is assigned to").into());
    }
    let id = FollowUpId::new();
    execute!(
        tx,
        "INSERT INTO follow_ups (id, group_id, person_id, conversation_id, assignee, what, due_on, created_by_name, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        id,
        scope.group_id(),
        f.person,
        f.conversation,
        f.assignee,
        f.what,
        f.due_on,
        scope.actor_name(),
        now
    )?;
    Ok(id)
}

const SELECT: &str = "SELECT f.id, f.person_id, p.given_name, p.family_name, f.conversation_id, f.assignee, u.name AS assignee_name, f.what, \
     f.due_on, f.done_at, f.created_by_name, f.created_at FROM follow_ups f JOIN people p ON p.id = f.person_id LEFT JOIN users u ON u.id = f.assignee";

/// The scope's member's follow-ups: a page of those still to do, oldest due
/// first, with how many there are; and the last twenty done.
pub async fn mine(tx: &mut Tx, scope: &Scope, page: crate::Page) -> Result<(Vec<FollowUp>, i64, Vec<FollowUp>)> {
    let Some(user) = scope.user_id() else {
        return Ok((Vec::new(), 0, Vec::new()));
    };
    let theirs = |columns: &'static str, done: bool| {
        let mut q = Sql::new(columns);
        q.push(" WHERE f.assignee = ").bind(user).push(" AND f.group_id = ").bind(scope.group_id()).push(" AND ");
        scope.visible_people(&mut q, "p");
        q.push(if done { " AND f.done_at IS NOT NULL" } else { " AND f.done_at IS NULL" });
        q
    };
    let mut open = theirs(SELECT, false);
    open.push(" ORDER BY f.due_on, f.id").page(page);
    let mut done = theirs(SELECT, true);
    done.push(" ORDER BY f.done_at DESC").limit(20);
    let total = theirs("SELECT COUNT(*) FROM follow_ups f JOIN people p ON p.id = f.person_id", false).count(tx).await?;
    Ok((open.fetch_all(tx).await?, total, done.fetch_all(tx).await?))
}

/// A person's follow-ups, newest first, if the scope may see them.
pub async fn of_person(tx: &mut Tx, scope: &Scope, person: PersonId, window: Window) -> Result<Vec<FollowUp>> {
    let mut q = Sql::new(SELECT);
    q.push(" WHERE f.person_id = ").bind(person).push(" AND ");
    scope.visible_people(&mut q, "p");
    q.window(window, "f.created_at", " ORDER BY f.created_at DESC, f.id DESC");
    q.fetch_all(tx).await
}

/// Mark a follow-up done: its assignee may, and so may organisers.
pub async fn mark_done(tx: &mut Tx, scope: &Scope, id: FollowUpId, now: DateTime<Utc>) -> Result<FollowUp> {
    let mut q = Sql::new(SELECT);
    q.push(" WHERE f.id = ").bind(id).push(" AND f.group_id = ").bind(scope.group_id()).push(" AND ");
    scope.visible_people(&mut q, "p");
    let found: Option<FollowUp> = q.fetch_all(tx).await?.pop();
    let Some(f) = found.filter(|f| scope.role().sees_everyone() || f.assignee.is_some() && f.assignee == scope.user_id()) else {
        return Err(DbError::NotFound);
    };
    execute!(tx, "UPDATE follow_ups SET done_at = $2 WHERE id = $1 AND done_at IS NULL", id, now)?;
    Ok(f)
}

/// An overdue follow-up its assignee has not been emailed about.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Overdue {
    pub id: FollowUpId,
    pub group_id: tredegar_domain::GroupId,
    pub group_slug: String,
    pub group_name: String,
    pub assignee: UserId,
    pub assignee_name: String,
    pub assignee_email: String,
    pub what: String,
    pub due_on: NaiveDate,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    /// Whether the assignee may still see the person (an organiser, or a
    /// volunteer assigned them). A caller who gave themselves a follow-up
    /// while a call list was open is not emailed it once the list is closed.
    pub seen: bool,
}

impl Overdue {
    pub fn person_name(&self) -> String {
        crate::people::display_name(self.given_name.as_deref(), self.family_name.as_deref(), None)
    }
}

/// Every group's follow-ups due before `today`, still open, whose assignee
/// is still a member and has not been told; they are marked told. The job
/// that emails them is the only reader across groups, and each assignee
/// hears only of their own, and of those only the people they may see.
pub async fn take_overdue(tx: &mut Tx, today: NaiveDate, now: DateTime<Utc>) -> Result<Vec<Overdue>> {
    let rows = fetch_all!(
        tx,
        Overdue,
        "SELECT f.id, f.group_id, g.slug AS group_slug, g.name AS group_name, f.assignee, u.name AS assignee_name, \
         u.email AS assignee_email, f.what, f.due_on, p.given_name, p.family_name, \
         (m.role <> 'volunteer' OR EXISTS (SELECT 1 FROM assignments a WHERE a.person_id = f.person_id AND a.user_id = f.assignee)) AS seen \
         FROM follow_ups f JOIN groups g ON g.id = f.group_id JOIN users u ON u.id = f.assignee \
         JOIN memberships m ON m.user_id = f.assignee AND m.group_id = f.group_id JOIN people p ON p.id = f.person_id \
         WHERE f.due_on < $1 AND f.done_at IS NULL AND f.reminded_at IS NULL ORDER BY f.group_id, f.assignee, f.due_on LIMIT 5000",
        today
    )?;
    let mut q = Sql::new("UPDATE follow_ups SET reminded_at = ");
    q.bind(now).push(" WHERE id IN (").bind_list(rows.iter().map(|r| r.id)).push(")");
    if !rows.is_empty() {
        q.execute(tx).await?;
    }
    Ok(rows)
}
