//! Pages of people: a search box's words or an OSDI filter, each read from
//! the index of the key it matches, counted in the same pass. Words are
//! found through `person_terms`: every word typed starts one of a person's
//! words (a name, a part of an email, a word of an address).

use chrono::{DateTime, Utc};
use tredegar_domain::PersonId;
use tredegar_domain::filter::Filter;
pub use tredegar_domain::search::Search;

use super::{Person, PersonSummary};
use crate::sql::{FilterColumn, FilterKind};
use crate::{Page, Result, Scope, Sql, Tx, prefix_bound};

#[derive(Clone, Copy, Debug)]
pub enum Order {
    /// Alphabetical, for people reading a list.
    Name,
    /// Oldest first, stable for API clients paging through.
    Created,
}

impl Order {
    fn people(self) -> &'static str {
        match self {
            Order::Name => " ORDER BY p.name_key, p.id",
            Order::Created => " ORDER BY p.id",
        }
    }
    fn matches(self) -> &'static str {
        match self {
            Order::Name => " ORDER BY sort_key, person_id",
            Order::Created => " ORDER BY person_id",
        }
    }
}

pub(super) const SUMMARY_COLUMNS: &str = "SELECT p.id, p.group_id, p.given_name, p.family_name, \
    (SELECT e.address FROM person_emails e WHERE e.person_id = p.id AND e.is_primary) AS email, \
    (SELECT ph.number FROM person_phones ph WHERE ph.person_id = p.id AND ph.is_primary) AS phone, \
    (SELECT ad.postal_code FROM person_addresses ad WHERE ad.person_id = p.id AND ad.is_primary) AS postcode, \
    p.created_at, p.modified_at";

fn people_column(field: &str) -> Option<FilterColumn> {
    let in_table = |before, kind| Some(FilterColumn { before, after: ")", kind });
    match field {
        "identifier" => Some(FilterColumn::plain("p.id", FilterKind::Id)),
        "created_date" => Some(FilterColumn::plain("p.created_at", FilterKind::Time)),
        "modified_date" => Some(FilterColumn::plain("p.modified_at", FilterKind::Time)),
        "family_name" => Some(FilterColumn::plain("p.family_name", FilterKind::Text)),
        "given_name" => Some(FilterColumn::plain("p.given_name", FilterKind::Text)),
        "email_address" => in_table("p.id IN (SELECT e.person_id FROM person_emails e WHERE e.address_key", FilterKind::Lower),
        "phone_number" => in_table("p.id IN (SELECT ph.person_id FROM person_phones ph WHERE ph.number_key", FilterKind::PhoneKey),
        "region" => in_table("p.id IN (SELECT ad.person_id FROM person_addresses ad WHERE ad.region", FilterKind::Text),
        "postal_code" => in_table("p.id IN (SELECT ad.person_id FROM person_addresses ad WHERE ad.postcode_key", FilterKind::PostcodeKey),
        _ => None,
    }
}

/// The fields OSDI clients may filter people by.
pub const FILTER_FIELDS: &[&str] =
    &["identifier", "created_date", "modified_date", "family_name", "given_name", "email_address", "phone_number", "region", "postal_code"];

/// `alias.key` lies in the range of keys starting with `prefix`.
fn push_prefix(q: &mut Sql, alias: &'static str, key: &'static str, prefix: &str) {
    q.column(alias, key).push(" >= ").bind(prefix).push(" AND ").column(alias, key).push(" < ").bind(prefix_bound(prefix));
}

/// The people a search matches, as `(person_id, sort_key)` rows in the
/// scope's visible groups, read from the index of the key searched (name,
/// family name, email, phone or postcode). Nothing for no search.
fn push_matches(q: &mut Sql, scope: &Scope, search: &Search) {
    // Other keys: the few matching rows, joined to their people for the sort key.
    // CROSS JOIN fixes that order in SQLite; to PostgreSQL it is a plain join.
    let in_table = |q: &mut Sql, table: &'static str, alias: &'static str, key: &'static str, prefix: &str| {
        q.push("SELECT DISTINCT k.id AS person_id, k.name_key AS sort_key FROM ").push(table).push(" ").push(alias);
        q.push(" CROSS JOIN people k WHERE ");
        scope.visible_groups(q, alias);
        q.push(" AND ");
        push_prefix(q, alias, key, prefix);
        q.push(" AND k.id = ").column(alias, "person_id");
    };
    match search {
        Search::All => {}
        Search::Words(words) => {
            // Each word is a range of the terms index; a person must match
            // every word, in any order. Only the matches are joined to people.
            q.push("SELECT k.id AS person_id, k.name_key AS sort_key FROM (");
            for (i, w) in words.iter().enumerate() {
                if i > 0 {
                    q.push(" INTERSECT ");
                }
                q.push("SELECT DISTINCT t.person_id FROM person_terms t WHERE ");
                scope.visible_groups(q, "t");
                q.push(" AND ");
                push_prefix(q, "t", "term", w);
            }
            q.push(") w CROSS JOIN people k WHERE k.id = w.person_id");
        }
        Search::Email(e) => in_table(q, "person_emails", "e", "address_key", e),
        Search::Phone(k) => in_table(q, "person_phones", "ph", "number_key", k),
        Search::Postcode(k) => in_table(q, "person_addresses", "ad", "postcode_key", k),
        Search::Segment(node) => super::segment::push_matches(q, scope, node),
        // From the (tag, person) index: one row per person.
        Search::Tagged(tag) => {
            q.push("SELECT k.id AS person_id, k.name_key AS sort_key FROM taggings g CROSS JOIN people k WHERE ");
            scope.visible_groups(q, "g");
            q.push(" AND g.tag_id = ").bind(*tag).push(" AND k.id = g.person_id");
        }
    }
}

/// A page of people with the number of people on all pages.
#[derive(sqlx::FromRow)]
struct Counted {
    #[sqlx(flatten)]
    person: PersonSummary,
    total: i64,
}

/// What a list asks for.
struct Wanted<'a> {
    search: &'a Search,
    filter: &'a Filter,
    order: Order,
}

/// `columns` (a `SELECT` of columns of `p`) for a page of the people wanted,
/// each row also carrying the total.
fn columns_sql(scope: &Scope, w: &Wanted, page: Page, columns: &'static str) -> Result<Sql> {
    let mut q = Sql::new(columns);
    if scope.role().sees_everyone() && w.filter.is_empty() {
        // An organiser sees everyone in the visible groups, which the matches
        // already check: count and page from the index, join only the page.
        if *w.search == Search::All {
            // The page is cut from the index alone (ids in order), and only its people are read.
            q.push(", (SELECT COUNT(*) FROM people p WHERE ");
            scope.visible_groups(&mut q, "p");
            q.push(") AS total FROM (SELECT p.id FROM people p WHERE ");
            scope.visible_groups(&mut q, "p");
            q.push(w.order.people()).page(page);
            q.push(") pg CROSS JOIN people p WHERE p.id = pg.id").push(w.order.people());
        } else {
            // The matches are found once: the window counts them before the page is cut.
            q.push(", m.total FROM (SELECT person_id, sort_key, COUNT(*) OVER () AS total FROM (");
            push_matches(&mut q, scope, w.search);
            q.push(") c").push(w.order.matches()).page(page);
            q.push(") m CROSS JOIN people p WHERE p.id = m.person_id").push(w.order.people());
        }
    } else {
        q.push(", COUNT(*) OVER () AS total FROM ");
        push_checked(&mut q, scope, w)?;
        q.push(w.order.people()).page(page);
    }
    Ok(q)
}

/// Volunteers (only their assignments) and OSDI filters check each person.
fn push_checked(q: &mut Sql, scope: &Scope, w: &Wanted) -> Result<()> {
    if *w.search == Search::All {
        q.push("people p WHERE ");
    } else {
        q.push("(");
        push_matches(q, scope, w.search);
        q.push(") m CROSS JOIN people p WHERE p.id = m.person_id AND ");
    }
    scope.visible_people(q, "p");
    q.push(" AND ").filter(w.filter, people_column)?;
    Ok(())
}

/// How many people match, for a page past the end (which has no row to carry the count).
fn count_sql(scope: &Scope, w: &Wanted) -> Result<Sql> {
    let mut q = Sql::new("SELECT COUNT(*) FROM ");
    if scope.role().sees_everyone() && w.filter.is_empty() {
        if *w.search == Search::All {
            q.push("people p WHERE ");
            scope.visible_groups(&mut q, "p");
        } else {
            q.push("(");
            push_matches(&mut q, scope, w.search);
            q.push(") c");
        }
    } else {
        push_checked(&mut q, scope, w)?;
    }
    Ok(q)
}

/// How SQLite runs the first page of a search, step by step (empty on
/// PostgreSQL): for tests and the benchmark, to see that it starts from an index.
pub async fn plan(tx: &mut Tx, scope: &Scope, search: &Search) -> Result<Vec<String>> {
    let w = Wanted { search, filter: &Filter::default(), order: Order::Name };
    columns_sql(scope, &w, Page::new(1, 50), SUMMARY_COLUMNS)?.sqlite_plan(tx).await
}

/// A page of the people this scope may see, matching the search and filter.
pub async fn list(
    tx: &mut Tx,
    scope: &Scope,
    search: &Search,
    filter: &Filter,
    order: Order,
    page: Page,
) -> Result<(Vec<PersonSummary>, i64)> {
    if let Search::Segment(node) = search
        && scope.role().sees_everyone()
        && filter.is_empty()
        && page.per_page != Page::everything().per_page
    {
        // An organiser's page of a segment: from its rules' people kept in memory.
        return super::sets::list(tx, scope, node, order, page).await;
    }
    let wanted = Wanted { search, filter, order };
    let rows: Vec<Counted> = columns_sql(scope, &wanted, page, SUMMARY_COLUMNS)?.fetch_all(tx).await?;
    let total = match rows.first() {
        Some(r) => r.total,
        None if page.offset() > 0 => count_sql(scope, &wanted)?.count(tx).await?,
        None => 0,
    };
    Ok((rows.into_iter().map(|r| r.person).collect(), total))
}

/// Where a page begins, when it is known from an earlier request: at a
/// person, or just after one (the last of the page before).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Start {
    At(PersonId),
    After(PersonId),
    /// The first page: at a person, but only while no one in the group has
    /// changed since `latest` (see `latest_change`). Anyone who came into a
    /// filter's sight before `at` since then did so by changing.
    First {
        at: PersonId,
        latest: DateTime<Utc>,
    },
}

/// When anyone in the group last changed (was made, edited or merged), for
/// a first page's kept start: `None` where a first page is not kept, since a
/// volunteer sees people come into sight by being assigned, and a group
/// whose children share by their sharing.
pub async fn latest_change(tx: &mut Tx, scope: &Scope) -> Result<Option<DateTime<Utc>>> {
    if !first_page_kept(scope) {
        return Ok(None);
    }
    let mut q = Sql::new("SELECT MAX(p.modified_at) FROM people p WHERE p.group_id = ");
    q.bind(scope.group_id());
    Ok(q.fetch_optional::<(Option<DateTime<Utc>>,)>(tx).await?.and_then(|(t,)| t))
}

fn first_page_kept(scope: &Scope) -> bool {
    scope.role().sees_everyone() && !scope.shares_with_children()
}

/// A page of the people the scope sees that match `filter`, in the order
/// they were made, not counted: for the API, which counts apart. The page's
/// ids are cut from the (group, id) index, and, when where it begins is
/// known, sought there rather than counted to; only their people are read.
pub async fn page_of(tx: &mut Tx, scope: &Scope, filter: &Filter, page: Page, start: Option<Start>) -> Result<Vec<Person>> {
    let start = start.filter(|s| !matches!(s, Start::First { .. }) || first_page_kept(scope));
    super::load::load_selected(tx, scope, |q| {
        q.push("SELECT p.id FROM ");
        push_checked(q, scope, &Wanted { search: &Search::All, filter, order: Order::Created })?;
        match start {
            Some(Start::At(id)) => q.push(" AND p.id >= ").bind(id),
            Some(Start::After(id)) => q.push(" AND p.id > ").bind(id),
            // Checked in this statement, so the check and the page see the
            // same people; if anyone changed, the page begins at the start.
            Some(Start::First { at, latest }) => {
                q.push(" AND p.id >= CASE WHEN NOT EXISTS (SELECT 1 FROM people c WHERE c.group_id = ").bind(scope.group_id());
                q.push(" AND c.modified_at > ").bind(latest).push(") THEN ").bind(at);
                q.push(" ELSE ").bind(uuid::Uuid::nil()).push(" END")
            }
            None => q,
        };
        q.push(Order::Created.people());
        match start {
            Some(_) => q.page(Page::new(1, page.per_page)),
            None => q.page(page),
        };
        Ok(())
    })
    .await
}

/// How many people the scope sees match `filter`.
pub async fn count_matching(tx: &mut Tx, scope: &Scope, filter: &Filter) -> Result<i64> {
    count_sql(scope, &Wanted { search: &Search::All, filter, order: Order::Created })?.count(tx).await
}

/// Everything about a person, one row each, for the CSV export: every
/// email and phone with its status, every address, tags, and custom values.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ExportRow {
    pub id: tredegar_domain::PersonId,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    /// "address (status)", "; " between them, the primary first.
    pub emails: Option<String>,
    /// "number (type, status)", "; " between them, the primary first.
    pub phones: Option<String>,
    /// Each address on one line, " | " between them, the primary first.
    pub addresses: Option<String>,
    pub languages: String,
    /// Tag names, "; " between them.
    pub tags: Option<String>,
    /// "name\u{1f}value" pairs, "\u{1e}" between them (values hold no control characters).
    pub custom: Option<String>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub modified_at: chrono::DateTime<chrono::Utc>,
}

impl ExportRow {
    /// The person's value for each custom field name.
    pub fn custom_values(&self) -> impl Iterator<Item = (&str, &str)> {
        self.custom.as_deref().unwrap_or_default().split('\u{1e}').filter_map(|pair| pair.split_once('\u{1f}'))
    }
}

const EXPORT_COLUMNS: &str = "SELECT p.id, p.given_name, p.family_name, p.languages, p.created_at, p.modified_at, \
    (SELECT string_agg(e.address || ' (' || e.status || ')', '; ' ORDER BY e.is_primary DESC, e.address_key) \
       FROM person_emails e WHERE e.person_id = p.id) AS emails, \
    (SELECT string_agg(ph.number || ' (' || ph.number_type || ', ' || ph.status || ')', '; ' ORDER BY ph.is_primary DESC, ph.number_key) \
       FROM person_phones ph WHERE ph.person_id = p.id) AS phones, \
    (SELECT string_agg(REPLACE(ad.address_lines, '\n', ', ') || COALESCE(', ' || ad.locality, '') || COALESCE(', ' || ad.region, '') \
       || COALESCE(', ' || ad.postal_code, '') || COALESCE(', ' || ad.country, ''), ' | ' ORDER BY ad.is_primary DESC, ad.id) \
       FROM person_addresses ad WHERE ad.person_id = p.id) AS addresses, \
    (SELECT string_agg(t.name, '; ' ORDER BY t.name_key) FROM taggings g JOIN tags t ON t.id = g.tag_id WHERE g.person_id = p.id) AS tags, \
    (SELECT string_agg(f.name || '\u{1f}' || v.value, '\u{1e}' ORDER BY f.name) \
       FROM person_custom_values v JOIN custom_fields f ON f.id = v.field_id WHERE v.person_id = p.id) AS custom";

/// Everything about every person the scope may see that matches the search,
/// in name order, sent down the channel one by one.
pub async fn send_export(tx: &mut Tx, scope: &Scope, search: &Search, to: tokio::sync::mpsc::Sender<ExportRow>) -> Result<()> {
    let wanted = Wanted { search, filter: &Filter::default(), order: Order::Name };
    columns_sql(scope, &wanted, Page::everything(), EXPORT_COLUMNS)?.send_each(tx, &to, |row: ExportRow| row).await
}

/// Someone a broadcast goes to: their primary address, which they agreed to be emailed at.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Recipient {
    pub person_id: PersonId,
    pub address: String,
}

/// Everyone the scope may see who matches the search and whose primary email
/// is subscribed, with that address.
pub async fn subscribed(tx: &mut Tx, scope: &Scope, search: &Search) -> Result<Vec<Recipient>> {
    let wanted = Wanted { search, filter: &Filter::default(), order: Order::Name };
    let mut q = Sql::new(
        "SELECT r.person_id, r.address FROM (SELECT p.id AS person_id, (SELECT e.address FROM person_emails e \
         WHERE e.person_id = p.id AND e.is_primary AND e.status = 'subscribed') AS address FROM ",
    );
    push_checked(&mut q, scope, &wanted)?;
    q.push(") r WHERE r.address IS NOT NULL");
    q.fetch_all(tx).await
}

/// How many people the scope can see, for the dashboard.
pub async fn count(tx: &mut Tx, scope: &Scope) -> Result<i64> {
    count_matching(tx, scope, &Filter::default()).await
}
