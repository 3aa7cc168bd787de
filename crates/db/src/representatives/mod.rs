//! Representatives a group campaigns on: councillors, MPs, mayors and other
//! office holders, their offices or ballots, and the files they were loaded
//! from. Their pledges and record live in `pledges` and `records`; the
//! scorecard is worked out from both in `scorecard`.

pub mod asks;
pub mod pledges;
pub mod records;
pub mod scorecard;

use chrono::{DateTime, NaiveDate, Utc};
use tredegar_domain::representatives::{Candidate, Office, OfficeKind, Representative};
use tredegar_domain::{PersonId, RepresentativeId, RepresentativeImportId};

use crate::{DbError, Page, Result, Scope, Sql, Tx};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct RepresentativeRow {
    pub id: RepresentativeId,
    pub name: String,
    pub party: String,
    pub email: String,
    pub phone: String,
    pub website: String,
    pub person_id: Option<PersonId>,
    pub source: String,
    pub licence: String,
    pub is_public: bool,
    pub created_at: DateTime<Utc>,
    pub modified_at: DateTime<Utc>,
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct OfficeRow {
    pub representative_id: RepresentativeId,
    pub kind: OfficeKind,
    pub post: String,
    pub body: String,
    pub party: String,
    pub ballot_id: String,
    pub election_id: String,
    pub election_date: Option<NaiveDate>,
    pub elected: Option<bool>,
    pub term_from: Option<NaiveDate>,
    pub term_to: Option<NaiveDate>,
}

impl RepresentativeRow {
    /// Where their details came from, in words.
    pub fn source_words(&self) -> &'static str {
        match self.source.as_str() {
            "democracy-club" => "Democracy Club",
            "generic" => "a file of representatives",
            _ => "typed in",
        }
    }
}

impl OfficeRow {
    /// How a ballot went: " (not elected)", " (standing)", or nothing for
    /// an office held.
    pub fn result(&self) -> &'static str {
        match (self.elected, self.election_date) {
            (Some(false), _) => " (stood, not elected)",
            (None, Some(_)) => " (standing)",
            _ => "",
        }
    }

    /// "Councillor, Tredegar Central, Blaenau Gwent Council, 2022 to 2027".
    pub fn words(&self) -> String {
        let term = match (self.term_from, self.term_to) {
            (None, None) => String::new(),
            (from, to) => format!(
                "{} to {}",
                from.map_or_else(|| "…".to_string(), |d| d.format("%-d %b %Y").to_string()),
                to.map_or_else(|| "…".to_string(), |d| d.format("%-d %b %Y").to_string())
            ),
        };
        [self.kind.label(), &self.post, &self.body, &term].into_iter().filter(|s| !s.is_empty()).collect::<Vec<_>>().join(", ")
    }
}

const COLUMNS: &str =
    "r.id, r.name, r.party, r.email, r.phone, r.website, r.person_id, r.source, r.licence, r.is_public, r.created_at, r.modified_at";

/// A page of the group's representatives, by name, and how many there are.
pub async fn list(tx: &mut Tx, scope: &Scope, page: crate::Page) -> Result<(Vec<RepresentativeRow>, i64)> {
    let mut q = Sql::new("SELECT ");
    q.push(COLUMNS).push(" FROM representatives r WHERE r.group_id = ").bind(scope.group_id());
    q.push(" ORDER BY r.name, r.id").page(page);
    let shown = q.fetch_all(tx).await?;
    let total = scalar!(tx, i64, "SELECT COUNT(*) FROM representatives WHERE group_id = $1", scope.group_id())?.unwrap_or(0);
    Ok((shown, total))
}

fn filter_column(field: &str) -> Option<crate::sql::FilterColumn> {
    use crate::sql::{FilterColumn, FilterKind};
    let (column, kind) = match field {
        "identifier" => ("r.id", FilterKind::Id),
        "created_date" => ("r.created_at", FilterKind::Time),
        "modified_date" => ("r.modified_at", FilterKind::Time),
        "name" => ("r.name", FilterKind::Text),
        "party" => ("r.party", FilterKind::Text),
        _ => return None,
    };
    Some(FilterColumn::plain(column, kind))
}

/// A page of the group's representatives for the API, with how many match.
pub async fn page(
    tx: &mut Tx,
    scope: &Scope,
    filter: &tredegar_domain::filter::Filter,
    page: Page,
) -> Result<(Vec<RepresentativeRow>, i64)> {
    let matching = |columns: &'static str| -> Result<Sql> {
        let mut q = Sql::new("SELECT ");
        q.push(columns).push(" FROM representatives r WHERE r.group_id = ").bind(scope.group_id()).push(" AND ");
        q.filter(filter, filter_column)?;
        Ok(q)
    };
    let total = matching("COUNT(*)")?.count(tx).await?;
    let mut q = matching(COLUMNS)?;
    q.push(" ORDER BY r.name, r.id").page(page);
    Ok((q.fetch_all(tx).await?, total))
}

pub async fn get(tx: &mut Tx, scope: &Scope, id: RepresentativeId) -> Result<Option<RepresentativeRow>> {
    let mut q = Sql::new("SELECT ");
    q.push(COLUMNS).push(" FROM representatives r WHERE r.id = ").bind(id).push(" AND r.group_id = ").bind(scope.group_id());
    q.fetch_optional(tx).await
}

/// A representative whose scorecard the group made public, by id alone,
/// with their group's slug.
pub async fn public(tx: &mut Tx, id: RepresentativeId) -> Result<Option<(RepresentativeRow, String)>> {
    #[derive(sqlx::FromRow)]
    struct Public {
        #[sqlx(flatten)]
        row: RepresentativeRow,
        group_slug: String,
    }
    let mut q = Sql::new("SELECT ");
    q.push(COLUMNS).push(", g.slug AS group_slug FROM representatives r JOIN groups g ON g.id = r.group_id WHERE r.id = ").bind(id);
    q.push(" AND r.is_public");
    Ok(q.fetch_optional::<Public>(tx).await?.map(|p| (p.row, p.group_slug)))
}

/// Their offices and ballots, latest first, for these representatives.
pub async fn offices(tx: &mut Tx, scope: &Scope, of: &[RepresentativeId]) -> Result<Vec<OfficeRow>> {
    if of.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = Sql::new(
        "SELECT o.representative_id, o.kind, o.post, o.body, o.party, o.ballot_id, o.election_id, o.election_date, o.elected, o.term_from, o.term_to \
         FROM representative_offices o WHERE o.representative_id IN (",
    );
    q.bind_list(of.iter().copied()).push(") AND o.group_id = ").bind(scope.group_id());
    q.push(" ORDER BY o.representative_id, o.election_date DESC, o.ballot_id").fetch_all(tx).await
}

/// Add a representative by hand (`id` none) or change one; their office is
/// the one typed. Returns their id.
pub async fn save(
    tx: &mut Tx,
    scope: &Scope,
    id: Option<RepresentativeId>,
    rep: &Representative,
    is_public: bool,
    now: DateTime<Utc>,
) -> Result<RepresentativeId> {
    let id = match id {
        Some(id) => {
            let n = execute!(
                tx,
                "UPDATE representatives SET name = $3, party = $4, email = $5, phone = $6, website = $7, is_public = $8, modified_at = $9 \
                 WHERE id = $1 AND group_id = $2",
                id,
                scope.group_id(),
                &rep.name,
                &rep.party,
                &rep.email,
                &rep.phone,
                &rep.website,
                is_public,
                now
            )?;
            if n == 0 {
                return Err(DbError::NotFound);
            }
            id
        }
        None => {
            let id = RepresentativeId::new();
            insert(tx, scope, id, rep, ("manual", &id.to_string(), ""), is_public, now).await?;
            id
        }
    };
    // A hand-typed office has no ballot: it is the one with an empty ballot
    // id. An office they already hold (an imported ballot) is not typed again.
    let held = offices(tx, scope, &[id]).await?;
    let same = |o: &OfficeRow| {
        (o.kind, &o.post, &o.body, o.term_from, o.term_to)
            == (rep.office.kind, &rep.office.post, &rep.office.body, rep.office.term_from, rep.office.term_to)
    };
    if !held.iter().any(|o| !o.ballot_id.is_empty() && same(o)) {
        save_office(tx, scope, id, &rep.office).await?;
    }
    Ok(id)
}

async fn insert(
    tx: &mut Tx,
    scope: &Scope,
    id: RepresentativeId,
    rep: &Representative,
    (source, key, licence): (&str, &str, &str),
    is_public: bool,
    now: DateTime<Utc>,
) -> Result<()> {
    execute!(
        tx,
        "INSERT INTO representatives (id, group_id, name, party, email, phone, website, person_id, source, source_key, licence, is_public, created_at, modified_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, $8, $9, $10, $11, $12, $12)",
        id,
        scope.group_id(),
        &rep.name,
        &rep.party,
        &rep.email,
        &rep.phone,
        &rep.website,
        source,
        key,
        licence,
        is_public,
        now
    )?;
    Ok(())
}

async fn save_office(tx: &mut Tx, scope: &Scope, rep: RepresentativeId, o: &Office) -> Result<()> {
    execute!(
        tx,
        "INSERT INTO representative_offices (id, group_id, representative_id, kind, post, body, party, ballot_id, election_id, election_date, elected, \
         term_from, term_to) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) \
         ON CONFLICT (representative_id, ballot_id) DO UPDATE SET kind = excluded.kind, post = excluded.post, body = excluded.body, \
         party = excluded.party, election_id = excluded.election_id, election_date = excluded.election_date, elected = excluded.elected, \
         term_from = CASE WHEN excluded.ballot_id = '' THEN excluded.term_from ELSE COALESCE(excluded.term_from, representative_offices.term_from) END, \
         term_to = CASE WHEN excluded.ballot_id = '' THEN excluded.term_to ELSE COALESCE(excluded.term_to, representative_offices.term_to) END",
        tredegar_domain::OfficeId::new(),
        scope.group_id(),
        rep,
        o.kind,
        &o.post,
        &o.body,
        &o.party,
        &o.ballot_id,
        &o.election_id,
        o.election_date,
        o.elected,
        o.term_from,
        o.term_to
    )?;
    Ok(())
}

/// Link a representative to the person in the group they are (or unlink).
/// The person must be one this scope sees.
pub async fn set_person(tx: &mut Tx, scope: &Scope, id: RepresentativeId, person: Option<PersonId>, now: DateTime<Utc>) -> Result<()> {
    if let Some(p) = person
        && crate::people::to_act_on(tx, scope, p, now).await?.is_none()
    {
        return Err(DbError::NotFound);
    }
    if let Some(p) = person
        && of_person(tx, scope, p).await?.is_some_and(|other| other != id)
    {
        return Err(tredegar_domain::Problem::new("email", "is already linked to another representative").into());
    }
    let n = execute!(tx, "UPDATE representatives SET person_id = $3 WHERE id = $1 AND group_id = $2", id, scope.group_id(), person)?;
    if n == 0 {
        return Err(DbError::NotFound);
    }
    Ok(())
}

/// The group's representative who is this person, if any.
pub async fn of_person(tx: &mut Tx, scope: &Scope, person: PersonId) -> Result<Option<RepresentativeId>> {
    Ok(scalar!(tx, RepresentativeId, "SELECT id FROM representatives WHERE person_id = $1 AND group_id = $2", person, scope.group_id())?)
}

pub async fn delete(tx: &mut Tx, scope: &Scope, id: RepresentativeId) -> Result<bool> {
    Ok(execute!(tx, "DELETE FROM representatives WHERE id = $1 AND group_id = $2", id, scope.group_id())? > 0)
}

/// Where a file of representatives came from.
pub struct FileSource<'a> {
    /// democracy-club or generic.
    pub format: &'a str,
    pub file_name: &'a str,
    pub sha256: &'a str,
    pub source: &'a str,
    pub licence: &'a str,
}

/// Load representatives read from a file: each found again by its key
/// (Democracy Club's person id, or name and body) is updated, never
/// duplicated; an email already held is kept when the file has none.
/// Returns how many were added and updated, and notes the import.
pub async fn import(tx: &mut Tx, scope: &Scope, file: &FileSource<'_>, read: &[Candidate], now: DateTime<Utc>) -> Result<(i64, i64)> {
    let (mut added, mut updated) = (0, 0);
    for c in read {
        let known = scalar!(
            tx,
            RepresentativeId,
            "SELECT id FROM representatives WHERE group_id = $1 AND source = $2 AND source_key = $3",
            scope.group_id(),
            file.format,
            &c.key
        )?;
        // One added by hand before, by the same name, in the same ward or
        // body, is the same person: the file takes them over.
        let known = match known {
            Some(id) => Some(id),
            None => same_by_hand(tx, scope, c, file.format).await?,
        };
        let id = match known {
            Some(id) => {
                execute!(
                    tx,
                    "UPDATE representatives SET name = $2, party = $3, email = CASE WHEN $4 = '' THEN email ELSE $4 END, \
                     phone = CASE WHEN $5 = '' THEN phone ELSE $5 END, website = CASE WHEN $6 = '' THEN website ELSE $6 END, \
                     licence = $7, modified_at = $8 WHERE id = $1",
                    id,
                    &c.person.name,
                    &c.person.party,
                    &c.person.email,
                    &c.person.phone,
                    &c.person.website,
                    file.licence,
                    now
                )?;
                updated += 1;
                id
            }
            None => {
                let id = RepresentativeId::new();
                insert(tx, scope, id, &c.person, (file.format, &c.key, file.licence), false, now).await?;
                added += 1;
                id
            }
        };
        for o in &c.offices {
            save_office(tx, scope, id, o).await?;
        }
    }
    execute!(
        tx,
        "INSERT INTO representative_imports (id, group_id, format, file_name, file_sha256, source, licence, added, updated, imported_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        RepresentativeImportId::new(),
        scope.group_id(),
        file.format,
        file.file_name,
        file.sha256,
        file.source,
        file.licence,
        added,
        updated,
        now
    )?;
    Ok((added, updated))
}

/// A representative added by hand with the candidate's name and one of
/// their wards or bodies; made the file's, so a re-import finds them.
async fn same_by_hand(tx: &mut Tx, scope: &Scope, c: &Candidate, format: &str) -> Result<Option<RepresentativeId>> {
    for o in &c.offices {
        let found = scalar!(
            tx,
            RepresentativeId,
            "SELECT r.id FROM representatives r WHERE r.group_id = $1 AND r.source = 'manual' AND LOWER(r.name) = LOWER($2) \
             AND EXISTS (SELECT 1 FROM representative_offices o WHERE o.representative_id = r.id \
             AND ((o.post <> '' AND o.post = $3) OR (o.body <> '' AND o.post = '' AND o.body = $4)))",
            scope.group_id(),
            &c.person.name,
            &o.post,
            &o.body
        )?;
        if let Some(id) = found {
            execute!(tx, "UPDATE representatives SET source = $2, source_key = $3 WHERE id = $1", id, format, &c.key)?;
            return Ok(Some(id));
        }
    }
    Ok(None)
}

/// A file of representatives loaded, for the representatives page.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ImportRow {
    pub format: String,
    pub file_name: String,
    pub source: String,
    pub licence: String,
    pub added: i64,
    pub updated: i64,
    pub imported_at: DateTime<Utc>,
}

pub async fn imports(tx: &mut Tx, scope: &Scope) -> Result<Vec<ImportRow>> {
    Ok(fetch_all!(
        tx,
        ImportRow,
        "SELECT format, file_name, source, licence, added, updated, imported_at FROM representative_imports \
         WHERE group_id = $1 ORDER BY imported_at DESC LIMIT 20",
        scope.group_id()
    )?)
}
