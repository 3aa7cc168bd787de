//! Lists: segments (saved searches, worked out each time they are read) and
//! static lists (people put on them). Both belong to the scope's own group
//! and are the organisers'; volunteers reach people through call lists.

use chrono::{DateTime, Utc};
use tredegar_domain::segments::{ListKind, MAX_DEPTH, Node, Rule};
use tredegar_domain::{ListId, PersonId, Problem};

use crate::people::Search;
use crate::{DbError, Page, Result, Scope, Sql, Tx};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct List {
    pub id: ListId,
    pub name: String,
    pub kind: ListKind,
    /// A segment's definition, as JSON; `{}` for a static list.
    pub definition: String,
    pub created_by_name: String,
    pub created_at: DateTime<Utc>,
    pub modified_at: DateTime<Utc>,
}

impl List {
    /// A segment's definition (everyone, for a static list or a broken one).
    pub fn node(&self) -> Node {
        serde_json::from_str(&self.definition).unwrap_or_default()
    }
}

const SELECT: &str = "SELECT id, name, kind, definition, created_by_name, created_at, modified_at FROM lists";

pub async fn list(tx: &mut Tx, scope: &Scope, page: Page) -> Result<(Vec<List>, i64)> {
    let mut q = Sql::new(SELECT);
    q.push(" WHERE group_id = ").bind(scope.group_id()).push(" ORDER BY created_at DESC, id DESC").page(page);
    let rows = q.fetch_all(tx).await?;
    let total = scalar!(tx, i64, "SELECT COUNT(*) FROM lists WHERE group_id = $1", scope.group_id())?.unwrap_or(0);
    Ok((rows, total))
}

async fn list_all(tx: &mut Tx, scope: &Scope) -> Result<Vec<List>> {
    Ok(list(tx, scope, Page::everything()).await?.0)
}

pub async fn get(tx: &mut Tx, scope: &Scope, id: ListId) -> Result<Option<List>> {
    let mut q = Sql::new(SELECT);
    q.push(" WHERE id = ").bind(id).push(" AND group_id = ").bind(scope.group_id());
    q.fetch_optional(tx).await
}

/// A segment's definition as stored: sound, and naming only this group's
/// lists (another group's id is refused, not kept to match nobody).
async fn definition_json(tx: &mut Tx, scope: &Scope, node: &Node) -> Result<String> {
    node.check()?;
    for rule in node.rules() {
        if let Rule::OnList { list } = rule
            && get(tx, scope, *list).await?.is_none()
        {
            return Err(Problem::new("on_list", "is not one of this group's lists").into());
        }
    }
    serde_json::to_string(node).map_err(|e| Problem::new("definition", e.to_string()).into())
}

/// A new list. A static list's definition is ignored.
pub async fn create(tx: &mut Tx, scope: &Scope, name: &str, kind: ListKind, node: &Node, now: DateTime<Utc>) -> Result<ListId> {
    let definition = if kind == ListKind::Segment { definition_json(tx, scope, node).await? } else { "{}".to_string() };
    let id = ListId::new();
    execute!(
        tx,
        "INSERT INTO lists (id, group_id, name, kind, definition, created_by_name, created_at, modified_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
        id,
        scope.group_id(),
        name,
        kind,
        definition,
        scope.actor_name(),
        now
    )?;
    if kind == ListKind::Segment {
        resolve(tx, scope, &Node::Rule(Rule::OnList { list: id }), now).await?;
    }
    Ok(id)
}

/// Rename a list and, for a segment, change its definition.
pub async fn update(tx: &mut Tx, scope: &Scope, id: ListId, name: &str, node: &Node, now: DateTime<Utc>) -> Result<()> {
    let list = get(tx, scope, id).await?.ok_or(DbError::NotFound)?;
    let definition = if list.kind == ListKind::Segment { definition_json(tx, scope, node).await? } else { list.definition };
    execute!(
        tx,
        "UPDATE lists SET name = $3, definition = $4, modified_at = $5 WHERE id = $1 AND group_id = $2",
        id,
        scope.group_id(),
        name,
        definition,
        now
    )?;
    // No segment may end up inside itself, too deep or too large: this one,
    // or any that names it.
    for other in list_all(tx, scope).await?.into_iter().filter(|l| l.kind == ListKind::Segment) {
        if let Err(DbError::Invalid(mut errors)) = resolve(tx, scope, &Node::Rule(Rule::OnList { list: other.id }), now).await {
            if other.id != id {
                errors
                    .0
                    .iter_mut()
                    .for_each(|p| p.message = format!("{} (in the segment “{}”, which names this one)", p.message, other.name));
            }
            return Err(DbError::Invalid(errors));
        }
    }
    Ok(())
}

pub async fn delete(tx: &mut Tx, scope: &Scope, id: ListId) -> Result<()> {
    let gone = execute!(tx, "DELETE FROM lists WHERE id = $1 AND group_id = $2", id, scope.group_id())?;
    if gone == 0 { Err(DbError::NotFound) } else { Ok(()) }
}

/// Put people of the scope's own group on a static list; those already on
/// it stay. Returns how many were added.
pub async fn add_people(tx: &mut Tx, scope: &Scope, id: ListId, people: &[PersonId], now: DateTime<Utc>) -> Result<u64> {
    let list = get(tx, scope, id).await?.ok_or(DbError::NotFound)?;
    if list.kind != ListKind::Static {
        return Err(Problem::new("list", "is a segment: its people follow from its rules").into());
    }
    let mut added = 0;
    for chunk in people.chunks(500) {
        let mut q = Sql::new("INSERT INTO list_members (list_id, person_id, group_id, added_at) SELECT ");
        q.bind(id).push(", p.id, p.group_id, ").bind(now).push(" FROM people p WHERE p.id IN (");
        q.bind_list(chunk.iter().copied()).push(") AND ");
        scope.visible_people(&mut q, "p");
        q.push(" AND p.group_id = ").bind(scope.group_id()).push(" ON CONFLICT (list_id, person_id) DO NOTHING");
        added += q.execute(tx).await?;
    }
    execute!(tx, "UPDATE lists SET modified_at = $2 WHERE id = $1", id, now)?;
    Ok(added)
}

pub async fn remove_person(tx: &mut Tx, scope: &Scope, id: ListId, person: PersonId) -> Result<()> {
    execute!(tx, "DELETE FROM list_members WHERE list_id = $1 AND person_id = $2 AND group_id = $3", id, person, scope.group_id())?;
    Ok(())
}

/// The search for a list's people: a static list's members, or a segment's
/// rules with every list they name worked out in turn.
pub async fn search(tx: &mut Tx, scope: &Scope, list: &List, now: DateTime<Utc>) -> Result<Search> {
    Ok(Search::Segment(resolve(tx, scope, &Node::Rule(Rule::OnList { list: list.id }), now).await?))
}

/// `node` with each segment it names replaced by that segment's own
/// (resolved) definition, and rules counted in days dated from `now`. Static lists stay as they are; a list that is
/// gone matches nobody; a segment that names itself, at any depth, is refused.
pub async fn resolve(tx: &mut Tx, scope: &Scope, node: &Node, now: DateTime<Utc>) -> Result<Node> {
    let mut path = Vec::new();
    let resolved = Box::pin(resolve_in(tx, scope, node, &mut path)).await?;
    resolved.check_rules()?;
    Ok(resolved.dated(now.date_naive()))
}

async fn resolve_in(tx: &mut Tx, scope: &Scope, node: &Node, path: &mut Vec<ListId>) -> Result<Node> {
    Ok(match node {
        Node::All(parts) | Node::Any(parts) => {
            let mut out = Vec::with_capacity(parts.len());
            for p in parts {
                out.push(Box::pin(resolve_in(tx, scope, p, path)).await?);
            }
            if matches!(node, Node::All(_)) { Node::All(out) } else { Node::Any(out) }
        }
        Node::Not(inner) => Node::Not(Box::new(Box::pin(resolve_in(tx, scope, inner, path)).await?)),
        Node::Rule(Rule::OnList { list }) => {
            if path.contains(list) {
                return Err(Problem::new("definition", "a segment cannot include itself, even through another list").into());
            }
            if path.len() >= MAX_DEPTH {
                return Err(Problem::new("definition", format!("lists nest more than {MAX_DEPTH} deep")).into());
            }
            match get(tx, scope, *list).await? {
                None => Node::Any(Vec::new()),
                Some(l) if l.kind == ListKind::Static => node.clone(),
                Some(l) => {
                    path.push(*list);
                    let inner = Box::pin(resolve_in(tx, scope, &l.node(), path)).await?;
                    path.pop();
                    inner
                }
            }
        }
        Node::Rule(_) => node.clone(),
    })
}
