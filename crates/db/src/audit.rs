//! The audit log of sensitive actions: viewing a person, exports, role
//! changes, deletions and changes to sharing. Written in the same transaction
//! as the action where there is one, so neither happens without the other.
//! On SQLite the log is a file of its own (see `crate::audit_path`), so a
//! power cut in the instant between the two files' commits could keep the
//! action and lose its entry.

use chrono::{DateTime, Utc};
use tredegar_domain::{AuditAction, AuditId, GroupId, PersonId};

use crate::{Page, Result, Scope, Sql, Tx};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct AuditEntry {
    pub id: AuditId,
    pub user_name: String,
    pub action: AuditAction,
    pub subject: String,
    pub detail: String,
    pub at: DateTime<Utc>,
    /// The person the entry is about, if one is.
    pub person_id: Option<PersonId>,
    /// Their name while they exist; after erasure only the id is left.
    pub person_name: Option<String>,
}

/// The columns of an entry, with the name of its person while they exist.
const ENTRY: &str = "SELECT a.id, a.user_name, a.action, a.subject, a.detail, a.at, a.person_id, \
    NULLIF(TRIM(COALESCE(p.given_name, '') || ' ' || COALESCE(p.family_name, '')), '') AS person_name \
    FROM audit_log a LEFT JOIN people p ON p.id = a.person_id WHERE a.group_id = ";

/// One entry of a group's log.
struct Entry<'a> {
    group: GroupId,
    who: &'a str,
    action: AuditAction,
    subject: &'a str,
    detail: &'a str,
    person: Option<PersonId>,
}

/// How many entries the whole log holds: a restore checks that a backup
/// came with its log.
pub async fn count_all(tx: &mut Tx) -> Result<i64> {
    Ok(scalar!(tx, i64, "SELECT COUNT(*) FROM audit_log")?.unwrap_or(0))
}

async fn insert(tx: &mut Tx, scope: &Scope, e: Entry<'_>, now: DateTime<Utc>) -> Result<()> {
    execute!(
        tx,
        "INSERT INTO audit_log (id, group_id, user_id, user_name, action, subject, detail, at, person_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        AuditId::new(),
        e.group,
        scope.user_id(),
        e.who,
        e.action,
        e.subject,
        e.detail,
        now,
        e.person
    )?;
    Ok(())
}

/// Record an action, naming who took it: a member, the command line, or a public form.
pub async fn record(tx: &mut Tx, scope: &Scope, action: AuditAction, subject: &str, detail: &str, now: DateTime<Utc>) -> Result<()> {
    let entry = Entry { group: scope.group_id(), who: scope.actor_name(), action, subject, detail, person: None };
    insert(tx, scope, entry, now).await
}

/// A read of some people to record: who read them, how and when.
pub struct Read<'a> {
    pub scope: &'a Scope,
    pub people: &'a [(PersonId, GroupId)],
    pub how: &'a str,
    pub now: DateTime<Utc>,
}

/// Record that people were read, and how. One entry in the scope's own log,
/// naming each person by id; and, for people of a child group that shares
/// with this one, an entry in that group's log too, so the child's admins see
/// who used the sharing they turned on.
pub async fn record_reads(tx: &mut Tx, scope: &Scope, people: &[(PersonId, GroupId)], how: &str, now: DateTime<Utc>) -> Result<()> {
    record_many_reads(tx, &[Read { scope, people, how, now }]).await
}

/// `record_reads` for many reads at once, in as few statements as the
/// backends allow (the API's reads are written in batches).
pub async fn record_many_reads(tx: &mut Tx, reads: &[Read<'_>]) -> Result<()> {
    let rows: Vec<ReadRow> = reads.iter().flat_map(read_rows).collect();
    Sql::insert_rows(
        tx,
        "INSERT INTO audit_log (id, group_id, user_id, user_name, action, subject, detail, at, person_id) VALUES",
        "",
        &rows,
        |q, r| {
            q.bind(AuditId::new()).push(", ").bind(r.group).push(", ").bind(r.user).push(", ").bind(r.who.as_str()).push(", ");
            q.bind(AuditAction::View.as_str()).push(", ").bind(r.subject.as_str()).push(", ").bind(r.detail.as_str()).push(", ");
            q.bind(r.now).push(", ").bind(r.person);
        },
    )
    .await
}

/// One entry of a read, for `record_many_reads`.
struct ReadRow {
    group: GroupId,
    user: Option<tredegar_domain::UserId>,
    who: String,
    subject: String,
    detail: String,
    now: DateTime<Utc>,
    person: Option<PersonId>,
}

/// A read's entries: one for each group whose people were read.
fn read_rows(r: &Read<'_>) -> Vec<ReadRow> {
    let mut groups: Vec<GroupId> = r.people.iter().map(|(_, g)| *g).collect();
    groups.sort();
    groups.dedup();
    let scope = r.scope;
    groups
        .into_iter()
        .map(|group| {
            let mut theirs: Vec<PersonId> = r.people.iter().filter(|(_, g)| *g == group).map(|(p, _)| *p).collect();
            // A person read twice (two of their conversations) is named once.
            theirs.sort();
            theirs.dedup();
            let one = if let [only] = theirs.as_slice() { Some(*only) } else { None };
            let subject = match one {
                Some(p) => format!("person {p}"),
                None => format!("{} people", theirs.len()),
            };
            let ids = if one.is_some() {
                String::new()
            } else {
                format!(": {}", theirs.iter().map(ToString::to_string).collect::<Vec<_>>().join(", "))
            };
            let how = r.how;
            let (who, detail) = if group == scope.group_id() {
                (scope.actor_name().to_string(), format!("{how}{ids}"))
            } else {
                (format!("{} of {}", scope.actor_name(), scope.group_name()), format!("{how}, through sharing with the parent group{ids}"))
            };
            ReadRow { group, user: scope.user_id(), who, subject, detail, now: r.now, person: one }
        })
        .collect()
}

/// Record an action on one person of the scope's own group (deleting, merging).
pub async fn record_about(
    tx: &mut Tx,
    scope: &Scope,
    action: AuditAction,
    person: PersonId,
    detail: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let subject = format!("person {person}");
    let entry = Entry { group: scope.group_id(), who: scope.actor_name(), action, subject: &subject, detail, person: Some(person) };
    insert(tx, scope, entry, now).await
}

pub async fn list(tx: &mut Tx, scope: &Scope, page: Page) -> Result<(Vec<AuditEntry>, i64)> {
    let mut q = Sql::new(ENTRY);
    q.bind(scope.group_id()).push(" ORDER BY a.at DESC, a.id DESC").page(page);
    let rows = q.fetch_all(tx).await?;
    let total = scalar!(tx, i64, "SELECT COUNT(*) FROM audit_log WHERE group_id = $1", scope.group_id())?.unwrap_or(0);
    Ok((rows, total))
}

/// The whole log, newest first, sent down the channel one entry at a time.
pub async fn send_all(tx: &mut Tx, scope: &Scope, to: tokio::sync::mpsc::Sender<AuditEntry>) -> Result<()> {
    let mut q = Sql::new(ENTRY);
    q.bind(scope.group_id()).push(" ORDER BY a.at DESC, a.id DESC");
    q.send_each(tx, &to, |e: AuditEntry| e).await
}
