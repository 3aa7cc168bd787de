//! Groups, their nesting, and whether a child shares its people with its parent.

use chrono::{DateTime, Utc};
use tredegar_domain::{GroupId, Role};

use crate::{DbError, Result, Scope, Tx, is_unique_violation};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Group {
    pub id: GroupId,
    pub parent_id: Option<GroupId>,
    pub name: String,
    pub slug: String,
    pub share_with_parent: bool,
    pub time_zone: String,
    pub created_at: DateTime<Utc>,
}

const COLUMNS: &str = "id, parent_id, name, slug, share_with_parent, time_zone, created_at";

/// A group inside the scope's group. Its address starts with the parent's
/// (`national-riverside`), so it can only clash with the parent's own
/// groups: whether a group elsewhere has the name is not the asking admin's
/// business. A clash takes the next number (`national-riverside-2`).
pub async fn create_inside(tx: &mut Tx, parent: &Scope, name: &str, slug: &str, now: DateTime<Utc>) -> Result<Group> {
    let slug = format!("{}-{slug}", parent.group_slug());
    let mut free = slug.clone();
    for n in 2.. {
        if by_slug(tx, &free).await?.is_none() {
            break;
        }
        free = format!("{slug}-{n}");
    }
    create(tx, name, &free, Some(parent.group_id()), now).await
}

pub async fn create(tx: &mut Tx, name: &str, slug: &str, parent: Option<GroupId>, now: DateTime<Utc>) -> Result<Group> {
    let id = GroupId::new();
    let r = execute!(
        tx,
        "INSERT INTO groups (id, parent_id, name, slug, share_with_parent, time_zone, created_at) VALUES ($1, $2, $3, $4, FALSE, 'Europe/London', $5)",
        id,
        parent,
        name,
        slug,
        now
    );
    match r {
        Err(e) if is_unique_violation(&e) => {
            Err(DbError::Duplicate { field: "name".into(), message: format!("a group called '{name}' already exists"), existing: None })
        }
        Err(e) => Err(e.into()),
        Ok(_) => Ok(Group {
            id,
            parent_id: parent,
            name: name.into(),
            slug: slug.into(),
            share_with_parent: false,
            time_zone: "Europe/London".into(),
            created_at: now,
        }),
    }
}

pub async fn by_slug(tx: &mut Tx, slug: &str) -> Result<Option<Group>> {
    let sql = format!("SELECT {COLUMNS} FROM groups WHERE slug = $1");
    Ok(fetch_optional!(tx, Group, sqlx::AssertSqlSafe(sql), slug)?)
}

/// The scope's own group.
pub async fn current(tx: &mut Tx, scope: &Scope) -> Result<Group> {
    let sql = format!("SELECT {COLUMNS} FROM groups WHERE id = $1");
    fetch_optional!(tx, Group, sqlx::AssertSqlSafe(sql), scope.group_id())?.ok_or(DbError::NotFound)
}

pub async fn count(tx: &mut Tx) -> Result<i64> {
    Ok(scalar!(tx, i64, "SELECT COUNT(*) FROM groups")?.unwrap_or(0))
}

/// Turn sharing with the parent group on or off. The caller audits it.
pub async fn set_sharing(tx: &mut Tx, scope: &Scope, share: bool) -> Result<()> {
    execute!(tx, "UPDATE groups SET share_with_parent = $2 WHERE id = $1 AND parent_id IS NOT NULL", scope.group_id(), share)?;
    Ok(())
}

/// Child groups of the scope's group, with whether each shares.
pub async fn children(tx: &mut Tx, scope: &Scope) -> Result<Vec<Group>> {
    let sql = format!("SELECT {COLUMNS} FROM groups WHERE parent_id = $1 ORDER BY name");
    Ok(fetch_all!(tx, Group, sqlx::AssertSqlSafe(sql), scope.group_id())?)
}

/// A group a user belongs to, and their role there.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Membership {
    pub slug: String,
    pub name: String,
    pub role: Role,
}

/// The groups a user belongs to, for choosing one after login.
pub async fn of_user(tx: &mut Tx, user: tredegar_domain::UserId) -> Result<Vec<Membership>> {
    Ok(fetch_all!(
        tx,
        Membership,
        "SELECT g.slug AS slug, g.name AS name, m.role AS role FROM memberships m JOIN groups g ON g.id = m.group_id WHERE m.user_id = $1 ORDER BY g.name",
        user
    )?)
}

/// A group's name, for the lines of an email sent on its behalf.
pub async fn name_of(tx: &mut Tx, id: GroupId) -> Result<String> {
    scalar!(tx, String, "SELECT name FROM groups WHERE id = $1", id)?.ok_or(crate::DbError::NotFound)
}

/// A group's slug, for a job that acts in it as one of its members.
pub async fn slug_of(tx: &mut Tx, id: GroupId) -> Result<Option<String>> {
    Ok(scalar!(tx, String, "SELECT slug FROM groups WHERE id = $1", id)?)
}
