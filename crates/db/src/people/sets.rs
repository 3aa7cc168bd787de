//! Segments worked out from each rule's people kept in memory. A rule's
//! people (everyone with a tag, everyone assessed 1 or 2 on a campaign) are
//! read once from the rule's own index and kept sorted by id, with the
//! version of their source that `rule_versions` held when they were read.
//! Triggers give a source a fresh random version whenever its table changes,
//! from any process, so a kept set is used only while its version stands
//! and the count stays exact. A segment is then intersections, unions and
//! differences of sorted ids: milliseconds for a million people, where
//! testing each person against each rule in SQL costs an index probe per
//! person and rule.
//!
//! Used for an organiser's pages of a segment; volunteers, OSDI filters and
//! exports keep the SQL of `segment`.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};
use std::time::Instant;

use chrono::NaiveTime;
use tredegar_domain::segments::{Node, Rule};
use tredegar_domain::{GroupId, PersonId};

use super::PersonSummary;
use super::search::{Order, SUMMARY_COLUMNS};
use crate::{Backend, Page, Result, Scope, Sql, Tx, prefix_bound};

/// The most ids kept across every group (16 bytes each: 64 MB), and the
/// most sets (a builder's count keeps one for each rule typed); the sets
/// used longest ago are let go first.
const MAX_KEPT: usize = 4_000_000;
const MAX_SETS: usize = 2_000;

/// Up to this many matches, a page in name order reads every match's name;
/// beyond it, the group is read in name order until the page is full.
const READ_NAMES_UP_TO: usize = 5_000;

/// Rows read at a time in name order, and at most in all before reading names instead.
const WALK_STEP: i64 = 2_048;
const WALK_MOST: usize = 50_000;

type Ids = Arc<Vec<PersonId>>;

/// A rule's people as read, and the versions of its source then (one per
/// visible group with a version).
struct Kept {
    versions: Vec<(GroupId, i64)>,
    ids: Ids,
    used: Instant,
}

/// Keyed by the asking group and the set's rule, as JSON.
static KEPT: LazyLock<Mutex<HashMap<(GroupId, String), Kept>>> = LazyLock::new(Default::default);

/// Which source of `rule_versions` a rule's people come from; `None` for everyone.
fn source(rule: Option<&Rule>) -> &'static str {
    match rule {
        None => "people",
        Some(Rule::Tag { .. }) => "tags",
        Some(Rule::Assessment { .. }) => "assessments",
        Some(
            Rule::Issue { .. }
            | Rule::NotContactedSince { .. }
            | Rule::ContactedSince { .. }
            | Rule::NotContactedInDays { .. }
            | Rule::ContactedInDays { .. }
            | Rule::NeverContacted,
        ) => "conversations",
        Some(Rule::Postcode { .. }) => "addresses",
        Some(Rule::HasEmail | Rule::Subscribed) => "emails",
        Some(Rule::HasPhone) => "phones",
        Some(Rule::Custom { .. }) => "custom",
        Some(Rule::OnList { .. }) => "lists",
        Some(Rule::DoNotCall) => "do_not_call",
        Some(Rule::Rung { .. }) => "ladder",
    }
}

/// What a set is kept under: its rule as JSON (`null` for everyone).
fn set_key(rule: Option<&Rule>) -> String {
    serde_json::to_string(&rule).unwrap_or_default()
}

/// The set kept for a rule, and whether the rule is everyone but that set.
/// "Not spoken to since" keeps who was spoken to since; "never spoken to"
/// keeps who was ever spoken to.
fn kept_for(rule: &Rule) -> (Rule, bool) {
    match rule {
        Rule::NotContactedSince { day } => (Rule::ContactedSince { day: *day }, true),
        Rule::NeverContacted => (Rule::NeverContacted, true),
        other => (other.clone(), false),
    }
}

/// Appends the ids of the people whose rows `rule` finds (for
/// `NeverContacted`, of everyone ever spoken to), or of everyone for `None`.
/// A rule naming a tag, campaign, theme, field, list or rung checks once that
/// it is a visible group's; its rows are that group's, so each is read from
/// the index alone rather than looked up for its group.
fn push_ids(q: &mut Sql, scope: &Scope, rule: Option<&Rule>) {
    let from = |q: &mut Sql, what: &'static str, alias: &'static str| {
        q.push(what).push(" WHERE ");
        scope.visible_groups(q, alias);
    };
    let owned = |q: &mut Sql, what: &'static str, key: &'static str, owner: &'static str, id: crate::sql::Arg| {
        q.push(what).push(" WHERE ").push(key).push(" = ").bind(id.clone());
        q.push(" AND EXISTS (SELECT 1 FROM ").push(owner).push(" o WHERE o.id = ").bind(id).push(" AND ");
        scope.visible_groups(q, "o");
        q.push(")");
    };
    let Some(rule) = rule else {
        return from(q, "SELECT p.id AS person_id FROM people p", "p");
    };
    match rule {
        Rule::Tag { tag } => owned(q, "SELECT g.person_id FROM taggings g", "g.tag_id", "tags", (*tag).into()),
        Rule::Assessment { campaign, levels } => {
            owned(q, "SELECT a.person_id FROM assessments a", "a.campaign_id", "campaigns", (*campaign).into());
            q.push(" AND a.level IN (").bind_list(levels.iter().map(|l| i64::from(*l))).push(")");
        }
        Rule::Issue { theme } => owned(
            q,
            "SELECT c.person_id FROM conversation_themes ct JOIN conversations c ON c.id = ct.conversation_id",
            "ct.theme_id",
            "themes",
            (*theme).into(),
        ),
        Rule::Postcode { prefix } => {
            let key = tredegar_domain::contact::postcode_key(prefix);
            from(q, "SELECT ad.person_id FROM person_addresses ad", "ad");
            q.push(" AND ad.postcode_key >= ").bind(key.clone()).push(" AND ad.postcode_key < ").bind(prefix_bound(&key));
        }
        Rule::NotContactedSince { day } | Rule::ContactedSince { day } => {
            from(q, "SELECT c.person_id FROM conversations c", "c");
            q.push(" AND c.held_at >= ").bind(day.and_time(NaiveTime::MIN).and_utc());
        }
        Rule::NeverContacted => from(q, "SELECT c.person_id FROM conversations c", "c"),
        // `lists::resolve` dates these; undated, they match nobody, as in SQL.
        Rule::NotContactedInDays { .. } | Rule::ContactedInDays { .. } => {
            from(q, "SELECT c.person_id FROM conversations c", "c");
            q.push(" AND FALSE");
        }
        Rule::HasEmail => from(q, "SELECT e.person_id FROM person_emails e", "e"),
        Rule::Subscribed => {
            from(q, "SELECT e.person_id FROM person_emails e", "e");
            q.push(" AND e.status = 'subscribed'");
        }
        Rule::HasPhone => from(q, "SELECT ph.person_id FROM person_phones ph", "ph"),
        Rule::Custom { field, value } => {
            owned(q, "SELECT v.person_id FROM person_custom_values v", "v.field_id", "custom_fields", (*field).into());
            q.push(" AND v.value = ").bind(value.as_str());
        }
        Rule::OnList { list } => owned(q, "SELECT m.person_id FROM list_members m", "m.list_id", "lists", (*list).into()),
        Rule::DoNotCall => from(q, "SELECT x.person_id FROM do_not_call x", "x"),
        Rule::Rung { rung } => owned(q, "SELECT lp.person_id FROM ladder_placements lp", "lp.rung_id", "ladder_rungs", (*rung).into()),
    }
}

/// Every source's versions for the scope's visible groups, in group order.
async fn versions(tx: &mut Tx, scope: &Scope) -> Result<HashMap<String, Vec<(GroupId, i64)>>> {
    // A source's version is the sum of its rows (PostgreSQL keeps a few while writers overlap).
    let mut q = Sql::new("SELECT v.source, v.group_id, CAST(SUM(v.version) % 9223372036854775807 AS BIGINT) FROM rule_versions v WHERE ");
    scope.visible_groups(&mut q, "v");
    q.push(" GROUP BY v.source, v.group_id ORDER BY v.source, v.group_id");
    let rows: Vec<(String, GroupId, i64)> = q.fetch_all(tx).await?;
    let mut by_source: HashMap<String, Vec<(GroupId, i64)>> = HashMap::new();
    for (source, group, version) in rows {
        by_source.entry(source).or_default().push((group, version));
    }
    Ok(by_source)
}

/// A rule's people (everyone, for `None`): kept, or read and kept.
async fn people(tx: &mut Tx, scope: &Scope, versions: &HashMap<String, Vec<(GroupId, i64)>>, rule: Option<&Rule>) -> Result<Ids> {
    let key = (scope.group_id(), set_key(rule));
    let now = versions.get(source(rule)).cloned().unwrap_or_default();
    if let Some(k) = lock().get_mut(&key).filter(|k| k.versions == now) {
        k.used = Instant::now();
        return Ok(k.ids.clone());
    }
    // Read after the versions: a change in between leaves the set newer
    // than its versions, which only makes the next read read it again.
    // A rule may hold a million people: see `ids_in_one_row`.
    let mut q = Sql::new(match tx.backend() {
        Backend::Sqlite => "SELECT group_concat(hex(s.person_id), '') FROM (",
        Backend::Postgres => "SELECT string_agg(replace(s.person_id::text, '-', ''), '') FROM (",
    });
    push_ids(&mut q, scope, rule);
    q.push(") s");
    let mut ids = super::ids_in_one_row(tx, &q).await?;
    ids.sort_unstable();
    ids.dedup();
    let ids = Arc::new(ids);
    let mut kept = lock();
    kept.insert(key, Kept { versions: now, ids: ids.clone(), used: Instant::now() });
    let mut total: usize = kept.values().map(|k| k.ids.len()).sum();
    while total > MAX_KEPT || kept.len() > MAX_SETS {
        let Some(oldest) = kept.iter().min_by_key(|(_, k)| k.used).map(|(key, _)| key.clone()) else { break };
        total -= kept.remove(&oldest).map_or(0, |k| k.ids.len());
    }
    Ok(ids)
}

fn lock() -> std::sync::MutexGuard<'static, HashMap<(GroupId, String), Kept>> {
    // A panic while holding the lock leaves whole entries behind: still sound.
    KEPT.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// People as sorted ids: these, or everyone but these.
#[derive(Debug)]
enum Set {
    Only(Ids),
    AllBut(Ids),
}

fn both(a: &[PersonId], b: &[PersonId]) -> Vec<PersonId> {
    let (small, large) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if large.len() / small.len().max(1) > 16 {
        // Far apart in size: look each of the few up.
        return small.iter().filter(|id| large.binary_search(id).is_ok()).copied().collect();
    }
    let mut out = Vec::with_capacity(small.len());
    let (mut a, mut b) = (a.iter().peekable(), b.iter().peekable());
    while let (Some(&&x), Some(&&y)) = (a.peek(), b.peek()) {
        match x.cmp(&y) {
            Ordering::Less => drop(a.next()),
            Ordering::Greater => drop(b.next()),
            Ordering::Equal => {
                out.push(x);
                a.next();
                b.next();
            }
        }
    }
    out
}

fn either(a: &[PersonId], b: &[PersonId]) -> Vec<PersonId> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut a, mut b) = (a.iter().peekable(), b.iter().peekable());
    loop {
        let next = match (a.peek(), b.peek()) {
            (Some(x), Some(y)) => match x.cmp(y) {
                Ordering::Less => a.next(),
                Ordering::Greater => b.next(),
                Ordering::Equal => b.next().and(a.next()),
            },
            (Some(_), None) => a.next(),
            (None, _) => b.next(),
        };
        match next {
            Some(id) => out.push(*id),
            None => return out,
        }
    }
}

fn without(a: &[PersonId], b: &[PersonId]) -> Vec<PersonId> {
    a.iter().filter(|id| b.binary_search(id).is_err()).copied().collect()
}

impl Set {
    fn and(self, other: Set) -> Set {
        match (self, other) {
            (Set::Only(a), Set::Only(b)) => Set::Only(Arc::new(both(&a, &b))),
            (Set::Only(a), Set::AllBut(b)) | (Set::AllBut(b), Set::Only(a)) => Set::Only(Arc::new(without(&a, &b))),
            (Set::AllBut(a), Set::AllBut(b)) => Set::AllBut(Arc::new(either(&a, &b))),
        }
    }

    fn or(self, other: Set) -> Set {
        match (self, other) {
            (Set::Only(a), Set::Only(b)) => Set::Only(Arc::new(either(&a, &b))),
            (Set::Only(a), Set::AllBut(b)) | (Set::AllBut(b), Set::Only(a)) => Set::AllBut(Arc::new(without(&b, &a))),
            (Set::AllBut(a), Set::AllBut(b)) => Set::AllBut(Arc::new(both(&a, &b))),
        }
    }

    fn not(self) -> Set {
        match self {
            Set::Only(a) => Set::AllBut(a),
            Set::AllBut(a) => Set::Only(a),
        }
    }

    /// Cheapest first in an intersection: the smallest sets of people, then
    /// the everyone-buts.
    fn cost(&self) -> (bool, usize) {
        match self {
            Set::Only(a) => (false, a.len()),
            Set::AllBut(a) => (true, a.len()),
        }
    }
}

/// The people `node` matches, from the kept sets of its rules.
fn eval(node: &Node, sets: &HashMap<String, Ids>) -> Set {
    match node {
        Node::All(parts) => {
            let mut each: Vec<Set> = parts.iter().map(|p| eval(p, sets)).collect();
            each.sort_by_key(Set::cost);
            each.into_iter().reduce(Set::and).unwrap_or_else(|| Set::AllBut(Arc::default()))
        }
        Node::Any(parts) => parts.iter().map(|p| eval(p, sets)).reduce(Set::or).unwrap_or_else(|| Set::Only(Arc::default())),
        Node::Not(inner) => eval(inner, sets).not(),
        Node::Rule(rule) => {
            let (kept, negated) = kept_for(rule);
            let ids = sets.get(&set_key(Some(&kept))).cloned().unwrap_or_default();
            if negated { Set::AllBut(ids) } else { Set::Only(ids) }
        }
    }
}

/// The ids of everyone `node` matches that the scope sees, sorted.
async fn matches(tx: &mut Tx, scope: &Scope, node: &Node) -> Result<Ids> {
    let versions = versions(tx, scope).await?;
    let mut sets = HashMap::new();
    for rule in node.rules() {
        let (kept, _) = kept_for(rule);
        if let std::collections::hash_map::Entry::Vacant(slot) = sets.entry(set_key(Some(&kept))) {
            slot.insert(people(tx, scope, &versions, Some(&kept)).await?);
        }
    }
    Ok(match eval(node, &sets) {
        Set::Only(ids) => ids,
        Set::AllBut(ids) => Arc::new(without(&people(tx, scope, &versions, None).await?, &ids)),
    })
}

/// A page of the people `node` matches, and how many it matches: for an
/// organiser, who sees everyone in the visible groups.
pub(crate) async fn list(tx: &mut Tx, scope: &Scope, node: &Node, order: Order, page: Page) -> Result<(Vec<PersonSummary>, i64)> {
    let ids = matches(tx, scope, node).await?;
    let on_page = match order {
        Order::Created => page.window(ids.iter().copied()),
        Order::Name => in_name_order(tx, scope, &ids, page).await?,
    };
    let mut found: Vec<PersonSummary> = Vec::with_capacity(on_page.len());
    for chunk in on_page.chunks(500) {
        let mut q = Sql::new(SUMMARY_COLUMNS);
        q.push(" FROM people p WHERE ");
        scope.visible_groups(&mut q, "p");
        q.push(" AND p.id IN (").bind_list(chunk.iter().copied()).push(")");
        found.extend(q.fetch_all::<PersonSummary>(tx).await?);
    }
    let place: HashMap<PersonId, usize> = on_page.iter().enumerate().map(|(i, id)| (*id, i)).collect();
    found.sort_by_key(|p| place.get(&p.id).copied());
    Ok((found, ids.len() as i64))
}

/// The ids on `page` of `ids` sorted by name: read from the group's name
/// index while the matches are common, from the matches' own names when few.
async fn in_name_order(tx: &mut Tx, scope: &Scope, ids: &[PersonId], page: Page) -> Result<Vec<PersonId>> {
    let (skip, want) = (usize::try_from(page.offset()).unwrap_or(0), usize::try_from(page.per_page).unwrap_or(0));
    if ids.len() > READ_NAMES_UP_TO && !scope.shares_with_children() {
        let (mut found, mut seen, mut from): (Vec<PersonId>, usize, Option<(String, PersonId)>) = (Vec::new(), 0, None);
        while seen < WALK_MOST {
            let mut q = Sql::new("SELECT p.id, p.name_key FROM people p WHERE p.group_id = ");
            q.bind(scope.group_id());
            if let Some((name, id)) = &from {
                q.push(" AND p.name_key >= ").bind(name.as_str()).push(" AND (p.name_key > ").bind(name.as_str());
                q.push(" OR p.id > ").bind(*id).push(")");
            }
            q.push(" ORDER BY p.name_key, p.id").limit(WALK_STEP);
            let rows: Vec<(PersonId, String)> = q.fetch_all(tx).await?;
            let last = rows.len() < usize::try_from(WALK_STEP).unwrap_or(0);
            seen += rows.len();
            found.extend(rows.iter().map(|(id, _)| *id).filter(|id| ids.binary_search(id).is_ok()).take(skip + want - found.len()));
            if found.len() >= skip + want || last {
                return Ok(found.into_iter().skip(skip).take(want).collect());
            }
            from = rows.into_iter().next_back().map(|(id, name)| (name, id));
        }
    }
    // The first `skip + want` of each chunk hold the first of them all.
    let mut named: Vec<(String, PersonId)> = Vec::new();
    for chunk in ids.chunks(1000) {
        // By group and id: covered by `people_group_order`, which holds the name.
        let mut q = Sql::new("SELECT p.name_key, p.id FROM people p WHERE ");
        scope.visible_groups(&mut q, "p");
        q.push(" AND p.id IN (").bind_list(chunk.iter().copied()).push(") ORDER BY p.name_key, p.id");
        q.limit(i64::try_from(skip + want).unwrap_or(i64::MAX));
        named.extend(q.fetch_all::<(String, PersonId)>(tx).await?);
    }
    named.sort_unstable();
    Ok(page.window(named.into_iter().map(|(_, id)| id)))
}
