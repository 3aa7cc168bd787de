//! Relationships between people, and the network they make: who is linked
//! to whom, two steps out, and the paths from the people we know (our
//! supporters and leaders) to someone. Both ends of a link must be people
//! the scope may act on (`people::acts_on`: people it may see, or on one of
//! its open call or walk lists, since a caller learns who knows whom); a
//! link is made only between its own group's people.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use chrono::{DateTime, Utc};
use tredegar_domain::relationships::{BUILT_IN, Strength};
use tredegar_domain::{GroupId, PersonId, Problem, RelationshipId};

use crate::{DbError, Result, Scope, Sql, Tx};

/// Every kind the group may use: the built-in ones, then its own.
pub async fn kinds(tx: &mut Tx, scope: &Scope) -> Result<Vec<String>> {
    let own: Vec<(String,)> =
        fetch_all!(tx, (String,), "SELECT name FROM relationship_kinds WHERE group_id = $1 ORDER BY name_key", scope.group_id())?;
    Ok(BUILT_IN.iter().map(|(k, _)| k.to_string()).chain(own.into_iter().map(|(n,)| n)).collect())
}

pub async fn add_kind(tx: &mut Tx, scope: &Scope, name: &str) -> Result<()> {
    let key = tredegar_domain::text::words(name).join(" ");
    if key.is_empty() {
        return Err(Problem::new("kind", "must contain a letter or a digit").into());
    }
    execute!(
        tx,
        "INSERT INTO relationship_kinds (group_id, name, name_key) VALUES ($1, $2, $3) ON CONFLICT (group_id, name_key) DO NOTHING",
        scope.group_id(),
        name,
        key
    )?;
    Ok(())
}

/// One link as a person's page shows it: the other person and the kind,
/// read from this person's side ("recruited by Ann", or "recruited Ann").
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Link {
    pub id: RelationshipId,
    pub person_id: PersonId,
    pub other_id: PersonId,
    pub kind: String,
    pub strength: i64,
}

/// Link two of the scope's own people it may see.
pub async fn link(
    tx: &mut Tx,
    scope: &Scope,
    person: PersonId,
    other: PersonId,
    kind: &str,
    strength: Strength,
    now: DateTime<Utc>,
) -> Result<()> {
    if person == other {
        return Err(Problem::new("other", "is this person: choose someone else").into());
    }
    both_in_reach(tx, scope, person, other, now).await?;
    if !kinds(tx, scope).await?.iter().any(|k| k == kind) {
        return Err(Problem::new("kind", "is not one of the group's kinds of relationship").into());
    }
    execute!(
        tx,
        "INSERT INTO relationships (id, group_id, person_id, other_id, kind, strength, created_by_name, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
         ON CONFLICT (person_id, other_id, kind) DO UPDATE SET strength = excluded.strength",
        RelationshipId::new(),
        scope.group_id(),
        person,
        other,
        kind,
        i64::from(strength.0),
        scope.actor_name(),
        now
    )?;
    // Bringing someone in can earn the one who did it a rung.
    crate::ladder::refresh(tx, scope, other, "after bringing someone in", now).await?;
    Ok(())
}

pub async fn unlink(tx: &mut Tx, scope: &Scope, id: RelationshipId, now: DateTime<Utc>) -> Result<PersonId> {
    let found = fetch_optional!(
        tx,
        Link,
        "SELECT id, person_id, other_id, kind, strength FROM relationships WHERE id = $1 AND group_id = $2",
        id,
        scope.group_id()
    )?
    .ok_or(DbError::NotFound)?;
    // Both ends, as for linking: a link to someone out of sight is not theirs to undo.
    both_in_reach(tx, scope, found.person_id, found.other_id, now).await?;
    execute!(tx, "DELETE FROM relationships WHERE id = $1", id)?;
    Ok(found.person_id)
}

/// Not found unless the scope may act on both people.
async fn both_in_reach(tx: &mut Tx, scope: &Scope, person: PersonId, other: PersonId, now: DateTime<Utc>) -> Result<()> {
    for p in [person, other] {
        if !crate::people::acts_on(tx, scope, p, now).await? {
            return Err(DbError::NotFound);
        }
    }
    Ok(())
}

/// The links touching any of `people`, both ways, in the scope's own group.
async fn links_of(tx: &mut Tx, scope: &Scope, people: &[PersonId]) -> Result<Vec<Link>> {
    if people.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = Sql::new("SELECT r.id, r.person_id, r.other_id, r.kind, r.strength FROM relationships r WHERE r.group_id = ");
    q.bind(scope.group_id()).push(" AND (r.person_id IN (").bind_list(people.iter().copied());
    q.push(") OR r.other_id IN (").bind_list(people.iter().copied()).push(")) ORDER BY r.created_at");
    q.fetch_all(tx).await
}

/// Which of `people` the scope may see, with their names.
async fn visible_names(tx: &mut Tx, scope: &Scope, people: &BTreeSet<PersonId>) -> Result<BTreeMap<PersonId, (String, GroupId)>> {
    if people.is_empty() {
        return Ok(BTreeMap::new());
    }
    #[derive(sqlx::FromRow)]
    struct Named {
        id: PersonId,
        group_id: GroupId,
        given_name: Option<String>,
        family_name: Option<String>,
    }
    let mut out = BTreeMap::new();
    let all: Vec<PersonId> = people.iter().copied().collect();
    for chunk in all.chunks(500) {
        let mut q = Sql::new("SELECT p.id, p.group_id, p.given_name, p.family_name FROM people p WHERE p.id IN (");
        q.bind_list(chunk.iter().copied()).push(") AND ");
        scope.visible_people(&mut q, "p");
        for n in q.fetch_all::<Named>(tx).await? {
            out.insert(n.id, (crate::people::display_name(n.given_name.as_deref(), n.family_name.as_deref(), None), n.group_id));
        }
    }
    Ok(out)
}

/// A network drawn around someone: the people (with names and their steps
/// from the centre) and the links between them, all of them people the
/// scope may see.
#[derive(Clone, Debug, Default)]
pub struct Network {
    pub people: Vec<InNetwork>,
    pub links: Vec<Link>,
}

/// One person in a network, and how many links they are from its middle.
#[derive(Clone, Debug)]
pub struct InNetwork {
    pub id: PersonId,
    pub group_id: GroupId,
    pub name: String,
    pub step: usize,
}

impl Network {
    pub fn name(&self, id: PersonId) -> &str {
        self.people.iter().find(|p| p.id == id).map_or("", |p| p.name.as_str())
    }

    /// Everyone shown but the person in the middle: reads for the audit log.
    pub fn others(&self, middle: PersonId) -> Vec<(PersonId, GroupId)> {
        self.people.iter().filter(|p| p.id != middle).map(|p| (p.id, p.group_id)).collect()
    }
}

/// The paths "who knows" found, and everyone on them (for the audit log).
pub struct Paths {
    pub paths: Vec<Vec<(PersonId, String)>>,
    pub read: Vec<(PersonId, GroupId)>,
}

/// The most people a network or a search for paths takes in.
const MOST: usize = 60;

/// Everyone within `steps` links of `person`, nearest first.
pub async fn network(tx: &mut Tx, scope: &Scope, person: PersonId, steps: usize) -> Result<Network> {
    let mut step_of: BTreeMap<PersonId, usize> = BTreeMap::from([(person, 0)]);
    let mut frontier = vec![person];
    let mut links: Vec<Link> = Vec::new();
    for step in 1..=steps {
        let found = links_of(tx, scope, &frontier).await?;
        let mut next = Vec::new();
        for l in found {
            for p in [l.person_id, l.other_id] {
                if !step_of.contains_key(&p) && step_of.len() < MOST {
                    step_of.insert(p, step);
                    next.push(p);
                }
            }
            if !links.iter().any(|x| x.id == l.id) {
                links.push(l);
            }
        }
        frontier = next;
    }
    let names = visible_names(tx, scope, &step_of.keys().copied().collect()).await?;
    links.retain(|l| names.contains_key(&l.person_id) && names.contains_key(&l.other_id));
    let mut people: Vec<InNetwork> = step_of
        .into_iter()
        .filter_map(|(id, step)| names.get(&id).map(|(name, group_id)| InNetwork { id, group_id: *group_id, name: name.clone(), step }))
        .collect();
    people.sort_by(|a, b| a.step.cmp(&b.step).then(a.name.cmp(&b.name)));
    Ok(Network { people, links })
}

/// "Who do we know who knows this person?": paths of links from people we
/// know (assessed 1 or 2 on a campaign) to `person`, up to three links
/// long, shortest first. Each path runs from the person we know to them.
pub async fn who_knows(tx: &mut Tx, scope: &Scope, person: PersonId) -> Result<Paths> {
    let net = network(tx, scope, person, 3).await?;
    let ids: Vec<PersonId> = net.people.iter().map(|p| p.id).filter(|p| *p != person).collect();
    let mut known: BTreeSet<PersonId> = BTreeSet::new();
    for chunk in ids.chunks(500) {
        let mut q = Sql::new("SELECT DISTINCT a.person_id FROM assessments a WHERE a.level <= 2 AND a.person_id IN (");
        q.bind_list(chunk.iter().copied()).push(")");
        known.extend(q.fetch_all::<(PersonId,)>(tx).await?.into_iter().map(|(p,)| p));
    }
    // Breadth first from the person: the first way to reach each is a shortest path.
    let mut came_from: BTreeMap<PersonId, PersonId> = BTreeMap::new();
    let mut seen = BTreeSet::from([person]);
    let mut queue = VecDeque::from([(person, 0usize)]);
    let mut paths: Vec<Vec<(PersonId, String)>> = Vec::new();
    while let Some((at, depth)) = queue.pop_front() {
        if known.contains(&at) {
            let mut path = vec![at];
            let mut cur = at;
            while let Some(prev) = came_from.get(&cur) {
                path.push(*prev);
                cur = *prev;
            }
            paths.push(path.into_iter().map(|p| (p, net.name(p).to_string())).collect());
            continue;
        }
        if depth == 3 {
            continue;
        }
        for l in &net.links {
            let next = if l.person_id == at {
                l.other_id
            } else if l.other_id == at {
                l.person_id
            } else {
                continue;
            };
            if seen.insert(next) {
                came_from.insert(next, at);
                queue.push_back((next, depth + 1));
            }
        }
    }
    paths.truncate(20);
    let on_a_path: BTreeSet<PersonId> = paths.iter().flatten().map(|(p, _)| *p).collect();
    let read = net.people.iter().filter(|p| on_a_path.contains(&p.id)).map(|p| (p.id, p.group_id)).collect();
    Ok(Paths { paths, read })
}
