//! Tags and taggings. Tags belong to the scope's own group; a tagging is seen
//! only by those who may see its person.

use chrono::{DateTime, Utc};
use tredegar_domain::filter::Filter;
use tredegar_domain::{PersonId, TagId, TaggingId};

use crate::sql::{FilterColumn, FilterKind};
use crate::{DbError, Page, Result, Scope, Sql, Tx, is_unique_violation};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Tag {
    pub id: TagId,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub modified_at: DateTime<Utc>,
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Tagging {
    pub id: TaggingId,
    pub tag_id: TagId,
    pub person_id: PersonId,
    pub created_at: DateTime<Utc>,
}

/// The fields OSDI clients may filter tags and other resources by.
pub const FILTER_FIELDS: &[&str] = &["identifier", "created_date", "modified_date", "title"];

fn tag_column(field: &str) -> Option<FilterColumn> {
    let (column, kind) = match field {
        "identifier" => ("t.id", FilterKind::Id),
        "created_date" => ("t.created_at", FilterKind::Time),
        "modified_date" => ("t.modified_at", FilterKind::Time),
        "title" => ("t.name_key", FilterKind::Lower),
        _ => return None,
    };
    Some(FilterColumn::plain(column, kind))
}

pub async fn list(tx: &mut Tx, scope: &Scope, filter: &Filter, page: Page) -> Result<(Vec<Tag>, i64)> {
    let cond = |q: &mut Sql| -> Result<()> {
        q.push(" WHERE t.group_id = ").bind(scope.group_id()).push(" AND ").filter(filter, tag_column)?;
        Ok(())
    };
    let mut count = Sql::new("SELECT COUNT(*) FROM tags t");
    cond(&mut count)?;
    let total = count.count(tx).await?;
    let mut q = Sql::new("SELECT t.id, t.name, t.created_at, t.modified_at FROM tags t");
    cond(&mut q)?;
    q.push(" ORDER BY t.name_key").page(page);
    Ok((q.fetch_all(tx).await?, total))
}

pub async fn get(tx: &mut Tx, scope: &Scope, id: TagId) -> Result<Option<Tag>> {
    Ok(fetch_optional!(
        tx,
        Tag,
        "SELECT id, name, created_at, modified_at FROM tags WHERE id = $1 AND group_id = $2",
        id,
        scope.group_id()
    )?)
}

pub async fn by_name(tx: &mut Tx, scope: &Scope, name: &str) -> Result<Option<Tag>> {
    Ok(fetch_optional!(
        tx,
        Tag,
        "SELECT id, name, created_at, modified_at FROM tags WHERE name_key = $1 AND group_id = $2",
        name.trim().to_lowercase(),
        scope.group_id()
    )?)
}

pub async fn create(tx: &mut Tx, scope: &Scope, name: &str, now: DateTime<Utc>) -> Result<Tag> {
    let id = TagId::new();
    let r = execute!(
        tx,
        "INSERT INTO tags (id, group_id, name, name_key, created_at, modified_at) VALUES ($1, $2, $3, $4, $5, $5)",
        id,
        scope.group_id(),
        name,
        name.to_lowercase(),
        now
    );
    match r {
        Err(e) if is_unique_violation(&e) => {
            Err(DbError::Duplicate { field: "name".into(), message: format!("there is already a tag called '{name}'"), existing: None })
        }
        Err(e) => Err(e.into()),
        Ok(_) => Ok(Tag { id, name: name.into(), created_at: now, modified_at: now }),
    }
}

/// The group's tag with this name (in any case), made if there is none.
pub async fn find_or_create(tx: &mut Tx, scope: &Scope, name: &str, now: DateTime<Utc>) -> Result<Tag> {
    match by_name(tx, scope, name).await? {
        Some(t) => Ok(t),
        None => create(tx, scope, name, now).await,
    }
}

/// Taggings of a tag, or of a person, that this scope may see.
pub async fn taggings(tx: &mut Tx, scope: &Scope, tag: Option<TagId>, person: Option<PersonId>, page: Page) -> Result<(Vec<Tagging>, i64)> {
    let cond = |q: &mut Sql| {
        q.push(" FROM taggings g JOIN people p ON p.id = g.person_id WHERE g.group_id = ").bind(scope.group_id()).push(" AND ");
        scope.visible_people(q, "p");
        if let Some(t) = tag {
            q.push(" AND g.tag_id = ").bind(t);
        }
        if let Some(p) = person {
            q.push(" AND g.person_id = ").bind(p);
        }
    };
    let mut count = Sql::new("SELECT COUNT(*)");
    cond(&mut count);
    let total = count.count(tx).await?;
    let mut q = Sql::new("SELECT g.id, g.tag_id, g.person_id, g.created_at");
    cond(&mut q);
    q.push(" ORDER BY g.id").page(page);
    Ok((q.fetch_all(tx).await?, total))
}

pub async fn tagging(tx: &mut Tx, scope: &Scope, tag: TagId, id: TaggingId) -> Result<Option<Tagging>> {
    let mut q =
        Sql::new("SELECT g.id, g.tag_id, g.person_id, g.created_at FROM taggings g JOIN people p ON p.id = g.person_id WHERE g.id = ");
    q.bind(id).push(" AND g.tag_id = ").bind(tag).push(" AND g.group_id = ").bind(scope.group_id()).push(" AND ");
    scope.visible_people(&mut q, "p");
    q.fetch_optional(tx).await
}

/// Tag a person of the scope's own group. Tagging twice returns the first tagging.
pub async fn add(tx: &mut Tx, scope: &Scope, tag: TagId, person: PersonId, now: DateTime<Utc>) -> Result<Tagging> {
    execute!(
        tx,
        "INSERT INTO taggings (id, group_id, tag_id, person_id, created_at) SELECT $1, $2, $3, $4, $5 \
         WHERE EXISTS (SELECT 1 FROM people p WHERE p.id = $4 AND p.group_id = $2) \
         AND EXISTS (SELECT 1 FROM tags t WHERE t.id = $3 AND t.group_id = $2) \
         ON CONFLICT (tag_id, person_id) DO NOTHING",
        TaggingId::new(),
        scope.group_id(),
        tag,
        person,
        now
    )?;
    execute!(tx, "UPDATE people SET modified_at = $1 WHERE id = $2 AND group_id = $3", now, person, scope.group_id())?;
    fetch_optional!(
        tx,
        Tagging,
        "SELECT id, tag_id, person_id, created_at FROM taggings WHERE tag_id = $1 AND person_id = $2 AND group_id = $3",
        tag,
        person,
        scope.group_id()
    )?
    .ok_or(DbError::NotFound)
}

/// Remove a tagging from a person of the scope's own group.
pub async fn remove(tx: &mut Tx, scope: &Scope, tag: TagId, person: PersonId, now: DateTime<Utc>) -> Result<()> {
    let gone = execute!(tx, "DELETE FROM taggings WHERE tag_id = $1 AND person_id = $2 AND group_id = $3", tag, person, scope.group_id())?;
    if gone == 0 {
        return Err(DbError::NotFound);
    }
    execute!(tx, "UPDATE people SET modified_at = $1 WHERE id = $2 AND group_id = $3", now, person, scope.group_id())?;
    Ok(())
}
