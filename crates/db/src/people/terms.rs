//! The search terms of each person (`person_terms`): rewritten whenever a
//! person is saved or merged, and built for everyone once when the table is
//! new. A search reads only this table's index.

use tredegar_domain::search::terms_of;
use tredegar_domain::{GroupId, PersonId};

use crate::{Db, Result, Sql, Tx};

/// Add terms for several people at once, each with the empty term; terms
/// already there are left as they are.
pub(crate) async fn insert(tx: &mut Tx, people: &[(GroupId, PersonId, &[String])]) -> Result<()> {
    Sql::insert_rows(
        tx,
        "INSERT INTO person_terms (group_id, person_id, term) VALUES",
        " ON CONFLICT DO NOTHING",
        &rows(people),
        |q, (g, p, t)| {
            q.bind(*g).push(", ").bind(*p).push(", ").bind(*t);
        },
    )
    .await
}

/// `insert`, for people who have no terms stored (new, or whose terms this
/// transaction has just deleted): in bulk, by COPY on PostgreSQL.
pub(crate) async fn insert_fresh(tx: &mut Tx, people: &[(GroupId, PersonId, &[String])]) -> Result<()> {
    crate::copy::rows(tx, "person_terms", "group_id, person_id, term", &rows(people), |(g, p, t)| {
        vec![(*g).into(), (*p).into(), (*t).into()]
    })
    .await
}

/// One row a term, and the empty term for each person.
fn rows<'a>(people: &'a [(GroupId, PersonId, &[String])]) -> Vec<(GroupId, PersonId, &'a str)> {
    people.iter().flat_map(|(g, p, terms)| std::iter::once("").chain(terms.iter().map(String::as_str)).map(move |t| (*g, *p, t))).collect()
}

#[derive(sqlx::FromRow)]
struct Text {
    person_id: PersonId,
    text: Option<String>,
}

#[derive(sqlx::FromRow)]
struct Stored {
    id: PersonId,
    group_id: GroupId,
}

/// Rebuild the terms of these people from what is stored for them.
pub(crate) async fn reindex(tx: &mut Tx, ids: &[PersonId]) -> Result<()> {
    if ids.is_empty() {
        return Ok(());
    }
    let mut q = Sql::new("SELECT p.id, p.group_id FROM people p WHERE p.id IN (");
    q.bind_list(ids.iter().copied()).push(")");
    let people: Vec<Stored> = q.fetch_all(tx).await?;
    let mut q = Sql::new("DELETE FROM person_terms WHERE person_id IN (");
    q.bind_list(ids.iter().copied()).push(")");
    q.execute(tx).await?;
    let mut texts: Vec<Text> = Vec::new();
    for sql in [
        "SELECT x.id AS person_id, COALESCE(x.given_name, '') || ' ' || COALESCE(x.family_name, '') AS text FROM people x WHERE x.id IN (",
        "SELECT x.person_id, x.address AS text FROM person_emails x WHERE x.person_id IN (",
        "SELECT x.person_id, x.address_lines || ' ' || COALESCE(x.locality, '') AS text FROM person_addresses x WHERE x.person_id IN (",
    ] {
        let mut q = Sql::new(sql);
        q.bind_list(ids.iter().copied()).push(")");
        texts.extend(q.fetch_all::<Text>(tx).await?);
    }
    let terms: Vec<Vec<String>> =
        people.iter().map(|b| terms_of(texts.iter().filter(|t| t.person_id == b.id).filter_map(|t| t.text.as_deref()))).collect();
    let rows: Vec<(GroupId, PersonId, &[String])> = people.iter().zip(&terms).map(|(b, t)| (b.group_id, b.id, t.as_slice())).collect();
    insert(tx, &rows).await
}

/// Index everyone who has no terms yet, a batch at a time, each batch in its
/// own transaction. Returns how many were indexed.
pub(crate) async fn build_missing(db: &Db) -> Result<u64> {
    let mut done = 0;
    loop {
        let mut tx = db.write().await?;
        let batch: Vec<(PersonId,)> = fetch_all!(
            &mut tx,
            (PersonId,),
            "SELECT p.id FROM people p WHERE NOT EXISTS (SELECT 1 FROM person_terms t WHERE t.person_id = p.id) ORDER BY p.id LIMIT 500"
        )?;
        if batch.is_empty() {
            return Ok(done);
        }
        let ids: Vec<PersonId> = batch.into_iter().map(|(id,)| id).collect();
        reindex(&mut tx, &ids).await?;
        tx.commit().await?;
        done += u64::try_from(ids.len()).unwrap_or(0);
    }
}
