//! Conversations, the themes they raise, and the group's issue list. A
//! conversation is recorded only about one of the scope's own people it may
//! see, and read back only by those who may see its person. Its notes may hold
//! special-category data, so the pages audit every read.

use chrono::{DateTime, Utc};
use tredegar_domain::conversations::theme_key;
use tredegar_domain::{Answer, ConversationId, ConversationKind, PersonId, ThemeId};

use crate::{DbError, Result, Scope, Sql, Tx, Window, is_unique_violation};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Theme {
    pub id: ThemeId,
    pub name: String,
}

/// The group's issue list, A to Z.
pub async fn themes(tx: &mut Tx, scope: &Scope) -> Result<Vec<Theme>> {
    Ok(fetch_all!(tx, Theme, "SELECT id, name FROM themes WHERE group_id = $1 ORDER BY name_key", scope.group_id())?)
}

/// The theme with this name, added to the issue list if it is new.
pub async fn theme(tx: &mut Tx, scope: &Scope, name: &str, now: DateTime<Utc>) -> Result<ThemeId> {
    let key = theme_key(name);
    execute!(
        tx,
        "INSERT INTO themes (id, group_id, name, name_key, created_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (group_id, name_key) DO NOTHING",
        ThemeId::new(),
        scope.group_id(),
        name.trim(),
        &key,
        now
    )?;
    scalar!(tx, ThemeId, "SELECT id FROM themes WHERE group_id = $1 AND name_key = $2", scope.group_id(), &key)?.ok_or(DbError::NotFound)
}

/// Rename a theme; every conversation that raised it follows.
pub async fn rename_theme(tx: &mut Tx, scope: &Scope, id: ThemeId, name: &str) -> Result<()> {
    let r = execute!(
        tx,
        "UPDATE themes SET name = $3, name_key = $4 WHERE id = $1 AND group_id = $2",
        id,
        scope.group_id(),
        name.trim(),
        theme_key(name)
    );
    match r {
        Ok(0) => Err(DbError::NotFound),
        Ok(_) => Ok(()),
        Err(e) if is_unique_violation(&e) => Err(tredegar_domain::Problem::new("name", "there is already a theme with that name").into()),
        Err(e) => Err(e.into()),
    }
}

/// Take a theme off the issue list; conversations that raised it keep the
/// rest of what they recorded.
pub async fn delete_theme(tx: &mut Tx, scope: &Scope, id: ThemeId) -> Result<()> {
    let gone = execute!(tx, "DELETE FROM themes WHERE id = $1 AND group_id = $2", id, scope.group_id())?;
    if gone == 0 { Err(DbError::NotFound) } else { Ok(()) }
}

/// A conversation as it is shown and exported.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Conversation {
    pub id: ConversationId,
    pub person_id: PersonId,
    /// The person's group: the scope's own, or a child's that shares with it.
    pub group_id: tredegar_domain::GroupId,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub held_by: Option<tredegar_domain::UserId>,
    pub held_by_name: String,
    pub kind: ConversationKind,
    pub held_at: DateTime<Utc>,
    pub place: String,
    pub area: String,
    pub self_interest: String,
    pub ask: String,
    pub answer: Option<Answer>,
    pub commitments: String,
    pub notes: String,
    /// The themes raised, filled in after the row is read.
    #[sqlx(skip)]
    pub themes: Vec<String>,
}

impl Conversation {
    pub fn person_name(&self) -> String {
        crate::people::display_name(self.given_name.as_deref(), self.family_name.as_deref(), None)
    }
}

/// What someone records about a conversation they held.
#[derive(Clone, Debug)]
pub struct NewConversation {
    pub kind: ConversationKind,
    pub held_at: DateTime<Utc>,
    pub place: String,
    pub self_interest: String,
    pub themes: Vec<String>,
    pub ask: String,
    pub answer: Option<Answer>,
    pub commitments: String,
    pub notes: String,
}

/// Record a conversation with one of the scope's own people it may see.
/// `NotFound` if it may not.
pub async fn log(tx: &mut Tx, scope: &Scope, person: PersonId, c: &NewConversation, now: DateTime<Utc>) -> Result<ConversationId> {
    if !crate::people::acts_on(tx, scope, person, now).await? {
        return Err(DbError::NotFound);
    }
    let id = ConversationId::new();
    let area = area_of(tx, person).await?;
    execute!(
        tx,
        "INSERT INTO conversations (id, group_id, person_id, held_by, held_by_name, kind, held_at, place, area, self_interest, ask, answer, commitments, notes, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
        id,
        scope.group_id(),
        person,
        scope.user_id(),
        scope.actor_name(),
        c.kind,
        c.held_at,
        &c.place,
        &area,
        &c.self_interest,
        &c.ask,
        c.answer,
        &c.commitments,
        &c.notes,
        now
    )?;
    raise(tx, scope, id, c, &area, now).await?;
    crate::ladder::refresh(tx, scope, person, "after a conversation", now).await?;
    Ok(id)
}

/// Link a conversation to the themes it raised, adding new ones to the issue list.
async fn raise(tx: &mut Tx, scope: &Scope, id: ConversationId, c: &NewConversation, area: &str, now: DateTime<Utc>) -> Result<()> {
    let mut themes = Vec::with_capacity(c.themes.len());
    for name in &c.themes {
        themes.push(theme(tx, scope, name, now).await?);
    }
    // In one order, so two conversations' triggers take the listening
    // tallies' row locks in the same order (PostgreSQL would deadlock them).
    themes.sort();
    for theme in themes {
        execute!(
            tx,
            "INSERT INTO conversation_themes (conversation_id, theme_id, group_id, held_at, area) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
            id,
            theme,
            scope.group_id(),
            c.held_at,
            area
        )?;
    }
    Ok(())
}

/// Whether the scope may change or delete this conversation: one about its
/// own group's people, by an organiser or admin who sees the person, or by
/// whoever held it while they may still record things about the person.
pub async fn may_change(tx: &mut Tx, scope: &Scope, c: &Conversation, now: DateTime<Utc>) -> Result<bool> {
    if c.group_id != scope.group_id() {
        return Ok(false);
    }
    if scope.role().sees_everyone() {
        return crate::people::sees(tx, scope, c.person_id).await;
    }
    Ok(c.held_by.is_some() && c.held_by == scope.user_id() && crate::people::acts_on(tx, scope, c.person_id, now).await?)
}

/// Put right what a conversation recorded (a typo, a wrong date, an issue
/// left out); the listening report follows its themes. The caller checks
/// `may_change` first.
pub async fn change(tx: &mut Tx, scope: &Scope, was: &Conversation, c: &NewConversation, now: DateTime<Utc>) -> Result<()> {
    let changed = execute!(
        tx,
        "UPDATE conversations SET kind = $3, held_at = $4, place = $5, self_interest = $6, ask = $7, answer = $8, commitments = $9, notes = $10 \
         WHERE id = $1 AND group_id = $2",
        was.id,
        scope.group_id(),
        c.kind,
        c.held_at,
        &c.place,
        &c.self_interest,
        &c.ask,
        c.answer,
        &c.commitments,
        &c.notes
    )?;
    if changed == 0 {
        return Err(DbError::NotFound);
    }
    execute!(tx, "DELETE FROM conversation_themes WHERE conversation_id = $1", was.id)?;
    raise(tx, scope, was.id, c, &was.area, now).await?;
    crate::ladder::refresh(tx, scope, was.person_id, "after a conversation was changed", now).await
}

/// Delete a conversation and the themes it raised; follow-ups it led to
/// stay. The caller checks `may_change` first.
pub async fn delete(tx: &mut Tx, scope: &Scope, c: &Conversation, now: DateTime<Utc>) -> Result<()> {
    let gone = execute!(tx, "DELETE FROM conversations WHERE id = $1 AND group_id = $2", c.id, scope.group_id())?;
    if gone == 0 {
        return Err(DbError::NotFound);
    }
    crate::ladder::refresh(tx, scope, c.person_id, "after a conversation was deleted", now).await
}

/// The postcode district of the person's main address ("CF10" of "CF10 1AA"),
/// or "" when it is not known: where the listening report counts them.
async fn area_of(tx: &mut Tx, person: PersonId) -> Result<String> {
    let key =
        scalar!(tx, String, "SELECT postcode_key FROM person_addresses WHERE person_id = $1 ORDER BY is_primary DESC, id LIMIT 1", person)?;
    Ok(key.map(|k| tredegar_domain::contact::postcode_district(&k)).unwrap_or_default())
}

pub(crate) const SELECT: &str = "SELECT c.id, c.person_id, p.group_id, p.given_name, p.family_name, c.held_by, c.held_by_name, c.kind, c.held_at, c.place, c.area, \
     c.self_interest, c.ask, c.answer, c.commitments, c.notes FROM conversations c JOIN people p ON p.id = c.person_id";

/// A person's conversations, newest first, if the scope may see them.
pub async fn of_person(tx: &mut Tx, scope: &Scope, person: PersonId, window: Window) -> Result<Vec<Conversation>> {
    let mut q = Sql::new(SELECT);
    q.push(" WHERE c.person_id = ").bind(person).push(" AND ");
    scope.visible_people(&mut q, "p");
    q.window(window, "c.held_at", " ORDER BY c.held_at DESC, c.id DESC");
    with_themes(tx, &q).await
}

/// One conversation, if the scope may see its person.
pub async fn get(tx: &mut Tx, scope: &Scope, id: ConversationId) -> Result<Option<Conversation>> {
    let mut q = Sql::new(SELECT);
    q.push(" WHERE c.id = ").bind(id).push(" AND ");
    scope.visible_people(&mut q, "p");
    Ok(with_themes(tx, &q).await?.pop())
}

/// The latest conversations the scope may see, for the dashboard.
pub async fn recent(tx: &mut Tx, scope: &Scope, limit: i64) -> Result<Vec<Conversation>> {
    let mut q = Sql::new(SELECT);
    q.push(" WHERE c.group_id = ").bind(scope.group_id()).push(" AND ");
    scope.visible_people(&mut q, "p");
    q.push(" ORDER BY c.held_at DESC, c.id DESC").limit(limit);
    with_themes(tx, &q).await
}

/// The conversations `q` finds, each with the themes it raised.
pub(crate) async fn with_themes(tx: &mut Tx, q: &Sql) -> Result<Vec<Conversation>> {
    let mut found: Vec<Conversation> = q.fetch_all(tx).await?;
    if found.is_empty() {
        return Ok(found);
    }
    #[derive(sqlx::FromRow)]
    struct Raised {
        conversation_id: ConversationId,
        name: String,
    }
    let mut q = Sql::new(
        "SELECT ct.conversation_id, t.name FROM conversation_themes ct JOIN themes t ON t.id = ct.theme_id WHERE ct.conversation_id IN (",
    );
    q.bind_list(found.iter().map(|c| c.id)).push(") ORDER BY t.name_key");
    let raised: Vec<Raised> = q.fetch_all(tx).await?;
    for c in &mut found {
        c.themes = raised.iter().filter(|r| r.conversation_id == c.id).map(|r| r.name.clone()).collect();
    }
    Ok(found)
}

/// A supporter nobody has spoken to lately.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct OutOfTouch {
    pub person_id: PersonId,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    /// Their best level on any campaign.
    pub level: tredegar_domain::Level,
    pub last_contact: Option<DateTime<Utc>>,
}

impl OutOfTouch {
    pub fn name(&self) -> String {
        crate::people::display_name(self.given_name.as_deref(), self.family_name.as_deref(), None)
    }
}

/// People at level 1 or 2 on some campaign with no conversation since
/// `since`, never-contacted first, then the longest out of touch.
pub async fn out_of_touch(tx: &mut Tx, scope: &Scope, since: DateTime<Utc>, limit: i64) -> Result<Vec<OutOfTouch>> {
    let mut q = Sql::new(
        "SELECT p.id AS person_id, p.given_name, p.family_name, MIN(a.level) AS level, \
         (SELECT MAX(c.held_at) FROM conversations c WHERE c.person_id = p.id) AS last_contact \
         FROM assessments a JOIN people p ON p.id = a.person_id WHERE a.group_id = ",
    );
    q.bind(scope.group_id()).push(" AND a.level <= 2 AND ");
    scope.visible_people(&mut q, "p");
    q.push(" AND NOT EXISTS (SELECT 1 FROM conversations c WHERE c.person_id = p.id AND c.held_at >= ").bind(since);
    q.push(") GROUP BY p.id, p.given_name, p.family_name ORDER BY last_contact NULLS FIRST, p.id").limit(limit);
    q.fetch_all(tx).await
}
