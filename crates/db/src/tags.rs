//! Tags and taggings. Tags belong to the scope's own group; a tagging is seen
//! only by those who may see its person.

use chrono::{DateTime, Utc};
use tredegar_domain::filter::Filter;
use tredegar_domain::{PersonId, TagId, TaggingId};

use crate::{Arg, DbError, FilterColumn, FilterKind, Page, Result, Scope, Tx, count_args, fetch_all_args, filter_sql, is_unique_violation};

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
    let (sql, kind) = match field {
        "identifier" => ("t.id {op} {arg}", FilterKind::Id),
        "created_date" => ("t.created_at {op} {arg}", FilterKind::Time),
        "modified_date" => ("t.modified_at {op} {arg}", FilterKind::Time),
        "title" => ("t.name_key {op} {arg}", FilterKind::Lower),
        _ => return None,
    };
    Some(FilterColumn { sql, kind })
}

pub async fn list(tx: &mut Tx, scope: &Scope, filter: &Filter, page: Page) -> Result<(Vec<Tag>, i64)> {
    let mut args = vec![Arg::Id(scope.group_id().0)];
    let cond = format!("t.group_id = $1 AND {}", filter_sql(filter, tag_column, &mut args)?);
    let total = count_args(tx, format!("SELECT COUNT(*) FROM tags t WHERE {cond}"), args.clone()).await?;
    args.extend([Arg::Int(page.per_page), Arg::Int(page.offset())]);
    let n = args.len();
    let sql = format!(
        "SELECT t.id, t.name, t.created_at, t.modified_at FROM tags t WHERE {cond} ORDER BY t.name_key LIMIT ${} OFFSET ${n}",
        n - 1
    );
    Ok((fetch_all_args(tx, sql, args).await?, total))
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
    let (group, everyone, user) = scope.people_args();
    let mut args = vec![Arg::Id(group.0), Arg::Bool(everyone), Arg::Id(user.0)];
    let mut cond = format!("{} AND g.group_id = $1", scope.visible_people());
    if let Some(t) = tag {
        args.push(Arg::Id(t.0));
        cond.push_str(&format!(" AND g.tag_id = ${}", args.len()));
    }
    if let Some(p) = person {
        args.push(Arg::Id(p.0));
        cond.push_str(&format!(" AND g.person_id = ${}", args.len()));
    }
    let from = "FROM taggings g JOIN people p ON p.id = g.person_id";
    let total = count_args(tx, format!("SELECT COUNT(*) {from} WHERE {cond}"), args.clone()).await?;
    args.extend([Arg::Int(page.per_page), Arg::Int(page.offset())]);
    let n = args.len();
    let sql = format!("SELECT g.id, g.tag_id, g.person_id, g.created_at {from} WHERE {cond} ORDER BY g.id LIMIT ${} OFFSET ${n}", n - 1);
    Ok((fetch_all_args(tx, sql, args).await?, total))
}

pub async fn tagging(tx: &mut Tx, scope: &Scope, tag: TagId, id: TaggingId) -> Result<Option<Tagging>> {
    let (group, everyone, user) = scope.people_args();
    let sql = format!(
        "SELECT g.id, g.tag_id, g.person_id, g.created_at FROM taggings g JOIN people p ON p.id = g.person_id \
         WHERE g.id = $4 AND g.tag_id = $5 AND g.group_id = $1 AND {}",
        scope.visible_people()
    );
    Ok(fetch_optional!(tx, Tagging, sqlx::AssertSqlSafe(sql), group, everyone, user, id, tag)?)
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
