//! One batch of an import, in one transaction: the flats and buildings its
//! addresses name, who each row is (the elector key within a register
//! edition; else email, phone, or the same name at the same flat), the
//! people through the batched upsert, their homes, what only the register
//! says, their tags, and how far through the file the import now is.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use tredegar_domain::import::{Record, place_of};
use tredegar_domain::places::{DEFAULT_TARGET_PERCENT, label_key, unit_number};
use tredegar_domain::text::fold;
use tredegar_domain::{BuildingId, PersonId, ResidencyId, UnitId};

use super::{Run, building_key};
use crate::people::{self, Fallback, Incoming, Outcome};
use crate::{Db, Result, Scope, Sql, Tx, calls, copy, residents, tags};

/// How many rows went which way.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub rejected: u64,
}

/// Import these records, the rows of the file up to `last_row`; `bad` rows
/// among them were refused before they got here. Returns each record's
/// outcome, in order. Nothing of the batch is visible until it all is.
pub async fn batch(
    db: &Db,
    scope: &Scope,
    run: &mut Run,
    records: &[Record],
    bad: u64,
    last_row: u64,
    now: DateTime<Utc>,
) -> Result<Vec<Outcome>> {
    let mut tx = db.write().await?;
    let mut new_buildings = Vec::new();
    let units = units_of(&mut tx, scope, run, records, &mut new_buildings, now).await?;
    let known = electors(&mut tx, run, records).await?;
    let fallbacks = same_name_at_flat(&mut tx, run, records, &units, &known).await?;
    let incoming = records
        .iter()
        .zip(fallbacks)
        .map(|(r, fallback)| Incoming {
            update: r.update(),
            known: r.elector.as_ref().and_then(|e| known.get(&e.key()).copied()),
            fallback,
        })
        .collect();
    let outcomes = people::upsert_many(&mut tx, scope, incoming, &run.history, now).await?;
    homes(&mut tx, scope, &outcomes, &units, now).await?;
    if let (Some(register), false) = (run.register, run.dry) {
        // One row per key: the last in the batch says it.
        let mut rows: HashMap<String, (&tredegar_domain::import::Elector, PersonId)> = HashMap::new();
        for (r, o) in records.iter().zip(&outcomes) {
            if let (Some(e), Some(p)) = (&r.elector, o.person()) {
                rows.insert(e.key(), (e, p));
            }
        }
        let rows: Vec<_> = rows.into_values().collect();
        let group = scope.group_id();
        Sql::insert_rows(
            &mut tx,
            "INSERT INTO electors (register_id, elector_key, group_id, person_id, markers, attainment) VALUES",
            " ON CONFLICT (register_id, elector_key) DO UPDATE SET person_id = excluded.person_id, markers = excluded.markers, \
             attainment = excluded.attainment",
            &rows,
            |q, (e, person)| {
                q.bind(register).push(", ").bind(e.key()).push(", ").bind(group).push(", ").bind(*person).push(", ");
                q.bind(e.markers.as_str()).push(", ").bind(e.attainment.as_str());
            },
        )
        .await?;
    }
    let do_not_call: Vec<PersonId> = records.iter().zip(&outcomes).filter(|(r, _)| r.do_not_call).filter_map(|(_, o)| o.person()).collect();
    calls::do_not_call(&mut tx, scope, &do_not_call, now).await?;
    for (r, o) in records.iter().zip(&outcomes) {
        if let (false, Some(person)) = (r.tags.is_empty(), o.person()) {
            for name in &r.tags {
                let tag = tags::find_or_create(&mut tx, scope, name, now).await?;
                tags::add(&mut tx, scope, tag.id, person, now).await?;
            }
        }
    }
    let mut counts = run.counts;
    counts.rejected += bad;
    for o in &outcomes {
        match o {
            Outcome::Created(_) => counts.created += 1,
            Outcome::Updated(_) => counts.updated += 1,
            Outcome::Unchanged(_) => counts.unchanged += 1,
            Outcome::Refused(_) => counts.rejected += 1,
        }
    }
    if run.dry {
        // Rolled back: the next batch is counted against what is stored.
        drop(tx);
        run.counts = counts;
        run.rows_done = last_row;
        return Ok(outcomes);
    }
    let n = |v: u64| i64::try_from(v).unwrap_or(i64::MAX);
    execute!(
        &mut tx,
        "UPDATE imports SET rows_done = $2, created = $3, updated = $4, unchanged = $5, rejected = $6 WHERE id = $1",
        run.id,
        n(last_row),
        n(counts.created),
        n(counts.updated),
        n(counts.unchanged),
        n(counts.rejected)
    )?;
    tx.commit().await?;
    // Only once committed does the run remember what the batch made.
    run.buildings.extend(new_buildings);
    run.counts = counts;
    run.rows_done = last_row;
    Ok(outcomes)
}

/// The unit each record's address names, making the buildings and units
/// that are new. New buildings are added to `made` for the run to remember.
async fn units_of(
    tx: &mut Tx,
    scope: &Scope,
    run: &Run,
    records: &[Record],
    made: &mut Vec<((String, String), BuildingId)>,
    now: DateTime<Utc>,
) -> Result<Vec<Option<UnitId>>> {
    struct Wanted {
        building: BuildingId,
        label: String,
        floor: Option<i64>,
        lines: String,
        postcode: String,
    }
    let mut buildings: HashMap<(String, String), BuildingId> = HashMap::new();
    let mut new_buildings = Vec::new();
    let mut wanted: Vec<Option<Wanted>> = Vec::with_capacity(records.len());
    for r in records {
        let Some(a) = &r.address else {
            wanted.push(None);
            continue;
        };
        let Some(place) = place_of(&a.address_lines) else {
            wanted.push(None);
            continue;
        };
        let postcode = a.postcode.as_ref().map(|p| p.as_str().to_string()).unwrap_or_default();
        let key = building_key(&place.building, &contact_key(&postcode));
        // With no postcode, the one building of that name, if there is just one.
        let by_name = || {
            let mut named = run.buildings.iter().chain(buildings.iter()).filter(|(k, _)| k.0 == key.0).map(|(_, id)| id);
            match (key.1.is_empty(), named.next(), named.next()) {
                (true, Some(id), None) => Some(id),
                _ => None,
            }
        };
        let found = run.buildings.get(&key).or_else(|| buildings.get(&key)).or_else(by_name).copied();
        let building = match found {
            Some(id) => id,
            None => {
                let id = BuildingId::new();
                buildings.insert(key.clone(), id);
                new_buildings.push((id, place.building.clone(), place.kind, postcode.clone()));
                made.push((key, id));
                id
            }
        };
        wanted.push(Some(Wanted { building, label: place.unit, floor: place.floor, lines: a.address_lines.join("\n"), postcode }));
    }
    let group = scope.group_id();
    let columns = "id, group_id, name, kind, postcode, postcode_key, target_percent, created_at";
    copy::rows(tx, "buildings", columns, &new_buildings, |(id, name, kind, postcode)| {
        let (name, kind, key) = (name.as_str().into(), kind.as_str().into(), contact_key(postcode).into());
        vec![(*id).into(), group.into(), name, kind, postcode.as_str().into(), key, DEFAULT_TARGET_PERCENT.into(), now.into()]
    })
    .await?;
    // The units already there, then the new ones.
    let mut units: HashMap<(BuildingId, String), UnitId> = HashMap::new();
    let keys: Vec<(BuildingId, String)> = wanted.iter().flatten().map(|w| (w.building, label_key(&w.label))).collect();
    for chunk in keys.chunks(3000) {
        // By (building_id, label_key) alone: the buildings are the group's own (from `start`), and
        // asking for the group too lets SQLite pick the postcode index and read every unit of it.
        let mut q = Sql::new("SELECT id, building_id, label_key FROM units WHERE building_id IN (");
        q.bind_list(chunk.iter().map(|k| k.0)).push(") AND label_key IN (");
        q.bind_list(chunk.iter().map(|k| k.1.as_str())).push(")");
        let rows: Vec<(UnitId, BuildingId, String)> = q.fetch_all(tx).await?;
        units.extend(rows.into_iter().map(|(id, b, l)| ((b, l), id)));
    }
    let mut new_units = Vec::new();
    let mut found = Vec::with_capacity(wanted.len());
    for w in &wanted {
        let Some(w) = w else {
            found.push(None);
            continue;
        };
        let key = (w.building, label_key(&w.label));
        let id = match units.get(&key) {
            Some(id) => *id,
            None => {
                let id = UnitId::new();
                units.insert(key, id);
                new_units.push((id, w));
                id
            }
        };
        found.push(Some(id));
    }
    let columns = "id, group_id, building_id, label, label_key, floor, number, address_lines, postcode, postcode_key, created_at";
    copy::rows(tx, "units", columns, &new_units, |(id, w)| {
        vec![
            (*id).into(),
            group.into(),
            w.building.into(),
            w.label.as_str().into(),
            label_key(&w.label).into(),
            w.floor.into(),
            unit_number(&w.label).into(),
            w.lines.as_str().into(),
            w.postcode.as_str().into(),
            contact_key(&w.postcode).into(),
            now.into(),
        ]
    })
    .await?;
    Ok(found)
}

fn contact_key(postcode: &str) -> String {
    tredegar_domain::contact::postcode_key(postcode)
}

/// Who each elector key of this register edition already is.
async fn electors(tx: &mut Tx, run: &Run, records: &[Record]) -> Result<HashMap<String, PersonId>> {
    let Some(register) = run.register else { return Ok(HashMap::new()) };
    let keys: Vec<String> = records.iter().filter_map(|r| r.elector.as_ref().map(|e| e.key())).collect();
    let mut found = HashMap::new();
    for chunk in keys.chunks(5000) {
        let mut q = Sql::new("SELECT elector_key, person_id FROM electors WHERE register_id = ");
        q.bind(register).push(" AND elector_key IN (").bind_list(chunk.iter().map(String::as_str)).push(")");
        let rows: Vec<(String, PersonId)> = q.fetch_all(tx).await?;
        found.extend(rows);
    }
    Ok(found)
}

/// For each record with no elector match, someone of the same name who
/// lives at its flat, if there is one. Within a register edition a person
/// already holding another elector key is someone else (a father and son of
/// one name); rows of the batch with the same name at the same flat and no
/// other key are one person, so they share a new id.
async fn same_name_at_flat(
    tx: &mut Tx,
    run: &Run,
    records: &[Record],
    units: &[Option<UnitId>],
    known: &HashMap<String, PersonId>,
) -> Result<Vec<Option<Fallback>>> {
    let wanted: Vec<UnitId> = records
        .iter()
        .zip(units)
        .filter(|(r, _)| r.elector.as_ref().is_none_or(|e| !known.contains_key(&e.key())))
        .filter_map(|(_, u)| *u)
        .collect();
    // Everyone of each name at each flat, oldest first: a father and son both stay.
    let mut at: HashMap<(UnitId, String), Vec<PersonId>> = HashMap::new();
    for chunk in wanted.chunks(5000) {
        let mut q =
            Sql::new("SELECT r.unit_id, p.id, p.name_key FROM residencies r JOIN people p ON p.id = r.person_id WHERE r.moved_out IS NULL");
        q.push(" AND r.unit_id IN (").bind_list(chunk.iter().copied()).push(")");
        if let (Some(register), false) = (run.register, run.dry) {
            q.push(" AND NOT EXISTS (SELECT 1 FROM electors e WHERE e.person_id = p.id AND e.register_id = ").bind(register).push(")");
        }
        q.push(" ORDER BY p.id");
        let rows: Vec<(UnitId, PersonId, String)> = q.fetch_all(tx).await?;
        for (u, p, n) in rows {
            at.entry((u, fold(&n))).or_default().push(p);
        }
    }
    // Each elector key takes its own person of that name at the flat (or a
    // new one), so two keys of one name never land on one person; rows with
    // no key (another file's) share the first.
    let mut taken: HashMap<(UnitId, String), Vec<(String, Fallback)>> = HashMap::new();
    let mut out = Vec::with_capacity(records.len());
    for (r, unit) in records.iter().zip(units) {
        // "Sian" on the register is the "Siân" a member wrote down.
        let name = fold(&r.name_key());
        let elector = r.elector.as_ref().map(|e| e.key());
        let fallback = match unit {
            Some(u) if !name.is_empty() && elector.as_ref().is_none_or(|k| !known.contains_key(k)) => {
                let key = (*u, name);
                let mine = elector.clone().unwrap_or_default();
                let claims = taken.entry(key.clone()).or_default();
                match claims.iter().find(|(by, _)| *by == mine || mine.is_empty()) {
                    Some((_, f)) => Some(*f),
                    None => {
                        let stored = at.get(&key).and_then(|all| all.iter().find(|p| !claims.iter().any(|(_, f)| f.id() == **p)));
                        let f = stored.map_or_else(|| Fallback::New(PersonId::new()), |p| Fallback::Stored(*p));
                        claims.push((mine, f));
                        Some(f)
                    }
                }
            }
            _ => None,
        };
        out.push(fallback);
    }
    Ok(out)
}

/// Each person lives at their row's flat: someone new moves in; someone
/// known who does not live there yet moves in (ending their other home).
async fn homes(tx: &mut Tx, scope: &Scope, outcomes: &[Outcome], units: &[Option<UnitId>], now: DateTime<Utc>) -> Result<()> {
    let pairs: Vec<(PersonId, UnitId, bool)> =
        outcomes.iter().zip(units).filter_map(|(o, u)| Some((o.person()?, (*u)?, matches!(o, Outcome::Created(_))))).collect();
    let mut living: std::collections::HashSet<(PersonId, UnitId)> = std::collections::HashSet::new();
    let known: Vec<PersonId> = pairs.iter().filter(|p| !p.2).map(|p| p.0).collect();
    for chunk in known.chunks(5000) {
        let mut q = Sql::new("SELECT person_id, unit_id FROM residencies WHERE moved_out IS NULL AND person_id IN (");
        q.bind_list(chunk.iter().copied()).push(")");
        let rows: Vec<(PersonId, UnitId)> = q.fetch_all(tx).await?;
        living.extend(rows);
    }
    let mut new = Vec::new();
    for (person, unit, created) in pairs {
        if !living.insert((person, unit)) {
            continue;
        }
        if created {
            new.push((ResidencyId::new(), person, unit));
        } else {
            residents::move_in(tx, scope, person, unit, (None, None), now).await?;
        }
    }
    let group = scope.group_id();
    // Moved in and out: not known.
    copy::rows(tx, "residencies", "id, group_id, person_id, unit_id, created_at", &new, |(id, person, unit)| {
        vec![(*id).into(), group.into(), (*person).into(), (*unit).into(), now.into()]
    })
    .await
}
