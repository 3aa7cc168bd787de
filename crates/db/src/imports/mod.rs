//! Imports of people from files. An import commits batch by batch, each with
//! how far through the file it got, so one cut short (a crash, a kill)
//! carries on from there when the same file is imported again.
//!
//! - here: an import's progress, and registers (the law's four facts about
//!   an edition of the electoral register, and destroying it on its date);
//! - `batch`: rows into people, their flats and homes, and what only the register says;
//! - `uploads`: files uploaded through the web, and the job reading each.

mod batch;
pub mod uploads;

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use tredegar_domain::import::Format;
use tredegar_domain::places::label_key;
use tredegar_domain::{AuditAction, BuildingId, ImportId, RegisterId, contact};

pub use batch::{Counts, batch};
pub use tredegar_domain::import::Register;

use crate::{Db, Result, Scope, Tx, audit};

/// An import under way.
#[derive(Debug)]
pub struct Run {
    pub id: ImportId,
    pub register: Option<RegisterId>,
    /// Rows already imported by an earlier run of the same file (0 if new).
    pub rows_done: u64,
    /// A dry run: each batch is written and rolled back, to count what
    /// would happen; nothing stays.
    pub dry: bool,
    pub counts: Counts,
    /// The line each created or changed person's history gets.
    pub history: String,
    /// The group's buildings by name and postcode district, so a block's
    /// flats land in one building whichever batch they come in.
    buildings: HashMap<(String, String), BuildingId>,
}

/// The file an import reads, and how.
pub struct Source<'a> {
    pub file_name: &'a str,
    /// SHA-256 of its bytes.
    pub file_hash: &'a str,
    pub format: Format,
    pub register: Option<&'a Register>,
}

/// Start importing a file, or carry on with the unfinished import of the
/// same file (by its hash) in this group, read the same way. A dry run
/// records nothing, not even a register edition it has not seen.
pub async fn start(db: &Db, scope: &Scope, source: &Source<'_>, dry: bool, now: DateTime<Utc>) -> Result<Run> {
    let Source { file_name, file_hash, format, register } = *source;
    let history = match register {
        Some(r) => format!("Imported from the register: {}, {}", r.source, r.edition),
        None => format!("Imported from {file_name}"),
    };
    let mut tx = db.write().await?;
    let register = match register {
        Some(r) => register_id(&mut tx, scope, r, dry, now).await?,
        None => None,
    };
    if dry {
        audit::record(&mut tx, scope, AuditAction::Import, file_name, "a dry run: nothing kept", now).await?;
        let buildings = buildings(&mut tx, scope).await?;
        tx.commit().await?;
        let run = Run { id: ImportId::new(), register, rows_done: 0, dry, counts: Counts::default(), history, buildings };
        return Ok(run);
    }
    let unfinished = fetch_optional!(
        &mut tx,
        (ImportId, i64, i64, i64, i64, i64),
        "SELECT id, rows_done, created, updated, unchanged, rejected FROM imports \
         WHERE group_id = $1 AND file_hash = $2 AND format = $3 AND (register_id = $4 OR (register_id IS NULL AND $4 IS NULL)) \
         AND finished_at IS NULL ORDER BY started_at DESC LIMIT 1",
        scope.group_id(),
        file_hash,
        format,
        register
    )?;
    let (id, rows_done, counts) = match unfinished {
        Some((id, done, created, updated, unchanged, rejected)) => {
            let n = |v: i64| u64::try_from(v).unwrap_or(0);
            (id, n(done), Counts { created: n(created), updated: n(updated), unchanged: n(unchanged), rejected: n(rejected) })
        }
        None => {
            let id = ImportId::new();
            execute!(
                &mut tx,
                "INSERT INTO imports (id, group_id, file_name, file_hash, format, register_id, rows_done, created, updated, unchanged, rejected, started_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, 0, 0, 0, 0, 0, $7)",
                id,
                scope.group_id(),
                file_name,
                file_hash,
                format,
                register,
                now
            )?;
            (id, 0, Counts::default())
        }
    };
    // Audited as it starts, so an import that never finishes is on record too.
    let said = if rows_done > 0 { format!("carried on after row {rows_done}") } else { "started".to_string() };
    audit::record(&mut tx, scope, AuditAction::Import, file_name, &said, now).await?;
    let buildings = buildings(&mut tx, scope).await?;
    tx.commit().await?;
    Ok(Run { id, register, rows_done, dry, counts, history, buildings })
}

/// The group's buildings by their import key.
async fn buildings(tx: &mut Tx, scope: &Scope) -> Result<HashMap<(String, String), BuildingId>> {
    let rows =
        fetch_all!(tx, (BuildingId, String, String), "SELECT id, name, postcode_key FROM buildings WHERE group_id = $1", scope.group_id())?;
    Ok(rows.into_iter().map(|(id, name, postcode)| (building_key(&name, &postcode), id)).collect())
}

/// A building's identity for an import: its name, and its postcode's
/// district, so the houses of one street in several postcodes are one stretch.
fn building_key(name: &str, postcode_key: &str) -> (String, String) {
    (label_key(name), contact::postcode_district(postcode_key))
}

/// The register edition's id, recording it the first time (not on a dry
/// run). Importing the same edition again must give the same purpose and
/// destroy-by date.
async fn register_id(tx: &mut Tx, scope: &Scope, r: &Register, dry: bool, now: DateTime<Utc>) -> Result<Option<RegisterId>> {
    let held = fetch_optional!(
        tx,
        (RegisterId, String, NaiveDate),
        "SELECT id, purpose, destroy_by FROM registers WHERE group_id = $1 AND source = $2 AND edition = $3",
        scope.group_id(),
        &r.source,
        &r.edition
    )?;
    if let Some((id, purpose, destroy_by)) = held {
        // The law's facts about an edition are what its supplier said once; a
        // later import cannot quietly widen its purpose or put off its destruction.
        if purpose != r.purpose || destroy_by != r.destroy_by {
            let why =
                format!("this edition was recorded for \"{purpose}\", to be destroyed by {destroy_by}: give the same purpose and date");
            return Err(tredegar_domain::Problem::new("register", why).into());
        }
        return Ok(Some(id));
    }
    if dry {
        return Ok(None);
    }
    let id = RegisterId::new();
    execute!(
        tx,
        "INSERT INTO registers (id, group_id, source, edition, purpose, destroy_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        id,
        scope.group_id(),
        &r.source,
        &r.edition,
        &r.purpose,
        r.destroy_by,
        now
    )?;
    Ok(Some(id))
}

/// Mark the import done, and audit it.
pub async fn finish(db: &Db, scope: &Scope, run: &Run, file_name: &str, now: DateTime<Utc>) -> Result<()> {
    let mut tx = db.write().await?;
    execute!(&mut tx, "UPDATE imports SET finished_at = $2 WHERE id = $1", run.id, now)?;
    let c = &run.counts;
    let detail = format!("{} created, {} updated, {} unchanged, {} rejected", c.created, c.updated, c.unchanged, c.rejected);
    audit::record(&mut tx, scope, AuditAction::Import, file_name, &detail, now).await?;
    tx.commit().await
}

/// Delete every register whose destroy-by date has come, with what only it
/// said about people (elector numbers, markers, dates of attainment), and
/// audit each. The people stay: their names and homes may have come from
/// elsewhere too, and organisers decide about them. Returns how many went.
pub async fn destroy_due_registers(tx: &mut Tx, today: NaiveDate, now: DateTime<Utc>) -> Result<u64> {
    #[derive(sqlx::FromRow)]
    struct Due {
        id: RegisterId,
        group_id: tredegar_domain::GroupId,
        source: String,
        edition: String,
        destroy_by: NaiveDate,
    }
    let due = fetch_all!(tx, Due, "SELECT id, group_id, source, edition, destroy_by FROM registers WHERE destroy_by <= $1", today)?;
    for d in &due {
        let electors = scalar!(tx, i64, "SELECT COUNT(*) FROM electors WHERE register_id = $1", d.id)?.unwrap_or(0);
        execute!(tx, "DELETE FROM registers WHERE id = $1", d.id)?;
        let Some(scope) = Scope::for_schedule(tx, d.group_id).await? else { continue };
        let detail = format!("destroy-by date {}: register-only fields of {electors} electors deleted", d.destroy_by);
        audit::record(tx, &scope, AuditAction::Destroy, &format!("{} — {}", d.source, d.edition), &detail, now).await?;
    }
    Ok(due.len() as u64)
}
