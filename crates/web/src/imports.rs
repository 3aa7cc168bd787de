//! Importing people from a file, streamed: decode each cell (UTF-8, with or
//! without a byte-order mark, or Windows-1252 as spreadsheets often save),
//! read the rows into records, and hand them to the database in batches.
//! The command line's `import people` runs this, and so does the background
//! job behind the admins' upload (`uploads`).

use std::collections::HashMap;
use std::io::Read as _;
use std::path::Path;

use anyhow::{Context, bail};
use sha2::Digest;
use tredegar_db::imports::{self, Register};
use tredegar_db::people::Outcome;
use tredegar_db::{Db, Scope};
pub use tredegar_domain::import::OnError;
use tredegar_domain::import::{Columns, Format, Read, Record, read};
use tredegar_domain::spreadsheet::defuse_formula;

use crate::Clock;

/// Rows a transaction holds: big enough to be quick, small enough that a
/// crash loses little and memory stays flat.
pub const BATCH: usize = 5000;

pub struct Options {
    pub format: Option<Format>,
    /// Header and what it holds, from a mapping file.
    pub mapping: Option<Vec<(String, String)>>,
    pub on_error: OnError,
    pub register: Option<Register>,
    /// Count what would happen, keeping nothing.
    pub dry: bool,
    /// The name the import is recorded under (the path's file name if none).
    pub name: Option<String>,
}

/// A row reported back: refused, or kept with a value left raw.
pub struct BadRow {
    pub row: u64,
    pub refused: bool,
    pub reason: String,
    pub cells: Vec<String>,
}

#[derive(Debug, Default)]
pub struct Summary {
    pub read: u64,
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub rejected: u64,
    pub anonymous: u64,
    pub flagged: u64,
    /// Rows an earlier, interrupted run of this file had already imported.
    pub resumed_after: u64,
    pub aborted: bool,
    /// The format the file was read as, in words.
    pub read_as: String,
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let n = |count: u64, one: &str, many: &str| format!("{count} {}", if count == 1 { one } else { many });
        write!(
            f,
            "{} read as {}: {} created, {} updated, {} unchanged, {} rejected",
            n(self.read, "row", "rows"),
            self.read_as,
            self.created,
            self.updated,
            self.unchanged,
            self.rejected
        )?;
        if self.anonymous > 0 {
            write!(f, "; {} left out", n(self.anonymous, "anonymous elector", "anonymous electors"))?;
        }
        if self.flagged > 0 {
            write!(f, "; {} kept with a value left raw", self.flagged)?;
        }
        if self.resumed_after > 0 {
            write!(f, " (carried on after row {}, where an earlier run stopped)", self.resumed_after)?;
        }
        if self.aborted {
            f.write_str("; nothing was written")?;
        }
        Ok(())
    }
}

/// The bad rows as a CSV: row number, rejected or flagged, why, then the
/// row's own cells (formulas defused, for opening in a spreadsheet). The
/// file is made (owner-only: it can hold register rows) once the header row
/// has been read; the first thing that fails is kept for `finish`, so the
/// import goes on and says so at the end.
pub struct BadRows {
    path: std::path::PathBuf,
    writer: Option<csv::Writer<std::fs::File>>,
    rows: u64,
    failed: Option<anyhow::Error>,
}

impl BadRows {
    pub fn to(path: &Path) -> BadRows {
        BadRows { path: path.to_path_buf(), writer: None, rows: 0, failed: None }
    }

    /// Make the file, with the file's own headers after ours.
    pub fn headers(&mut self, headers: &[String]) {
        let made = tredegar_db::owner_only(&self.path)
            .and_then(|()| std::fs::OpenOptions::new().write(true).truncate(true).open(&self.path))
            .with_context(|| format!("creating {}", self.path.display()));
        let head = ["row", "outcome", "reason"].into_iter().map(String::from).chain(headers.iter().cloned()).map(defuse_formula);
        match made {
            Ok(file) => {
                let mut writer = csv::Writer::from_writer(file);
                if let Err(e) = writer.write_record(head.collect::<Vec<_>>()) {
                    self.failed = Some(e.into());
                }
                self.writer = Some(writer);
            }
            Err(e) => self.failed = Some(e),
        }
    }

    pub fn bad(&mut self, row: BadRow) {
        let (Some(writer), None) = (&mut self.writer, &self.failed) else { return };
        let outcome = if row.refused { "rejected" } else { "kept, flagged" };
        let head = [row.row.to_string(), outcome.to_string(), row.reason];
        match writer.write_record(head.into_iter().chain(row.cells).map(defuse_formula).collect::<Vec<_>>()) {
            Ok(()) => self.rows += 1,
            Err(e) => self.failed = Some(e.into()),
        }
    }

    /// Rows written so far.
    pub fn rows(&self) -> u64 {
        self.rows
    }

    /// Write out what is held, or say what failed first.
    pub fn finish(self) -> anyhow::Result<()> {
        if let Some(e) = self.failed {
            return Err(e);
        }
        match self.writer {
            Some(mut w) => Ok(w.flush()?),
            None => Ok(()),
        }
    }
}

/// What the caller hears as the import goes.
pub trait Report {
    /// The header row, once.
    fn headers(&mut self, headers: &[String]);
    /// Bytes of the file read so far, of `total`.
    fn progress(&mut self, done: u64, total: u64);
    fn bad(&mut self, row: BadRow);
}

/// Import the people in the file at `path` into the scope's group.
pub async fn run(
    db: &Db,
    scope: &Scope,
    clock: &Clock,
    path: &Path,
    options: &Options,
    report: &mut (dyn Report + Send),
) -> anyhow::Result<Summary> {
    let (hash, total) = hash_of(path)?;
    let (mut reader, headers) = open(path)?;
    let columns = Columns::detect(&headers, options.format, options.mapping.as_deref()).map_err(|p| anyhow::anyhow!("{p}"))?;
    if columns.format == Format::ElectoralRegister && options.register.is_none() {
        bail!(
            "an electoral register may be used only as the law allows: give --register-source, --register-edition, --purpose and --destroy-by"
        );
    }
    if columns.format != Format::ElectoralRegister && options.register.is_some() {
        bail!("the register options were given, but this file is not an electoral register (it reads as {})", columns.format);
    }
    report.headers(&headers);
    let read_as = match columns.layout {
        Some(layout) => format!("an electoral register ({})", layout.words()),
        None => match columns.format {
            Format::ActionNetwork => "an Action Network export".into(),
            Format::NationBuilder => "a NationBuilder export".into(),
            _ => "a spreadsheet".into(),
        },
    };
    let mut summary = Summary { read_as, ..Summary::default() };
    if options.on_error == OnError::Abort {
        // Read it all first: one bad row and nothing is written.
        let mut bad = 0;
        let mut rows = csv_reader(path)?.into_byte_records();
        let mut reading = Rows::new(&columns);
        let mut row = 1;
        while let Some(cells) = rows.next().transpose().context("reading the file")? {
            row += 1;
            let cells: Vec<String> = cells.iter().map(decode).collect();
            if let Read::Bad(reason) = reading.read(row, &cells) {
                bad += 1;
                report.bad(BadRow { row, refused: true, reason, cells });
            }
        }
        if bad > 0 {
            return Ok(Summary { read: row - 1, rejected: bad, aborted: true, ..summary });
        }
    }
    let name = match &options.name {
        Some(name) => name.clone(),
        None => path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
    };
    let source = imports::Source { file_name: &name, file_hash: &hash, format: columns.format, register: options.register.as_ref() };
    let mut run = imports::start(db, scope, &source, options.dry, clock.now()).await?;
    summary.resumed_after = run.rows_done;
    let mut batch = Batch::default();
    let mut bad_in_batch = 0;
    let mut row = 1;
    let mut record = csv::ByteRecord::new();
    let mut reading = Rows::new(&columns);
    while reader.read_byte_record(&mut record).context("reading the file")? {
        row += 1;
        summary.read += 1;
        if row <= run.rows_done {
            continue;
        }
        let cells: Vec<String> = record.iter().map(decode).collect();
        match reading.read(row, &cells) {
            Read::Person(r) => {
                batch.records.push(*r);
                batch.cells.push(cells);
            }
            Read::Anonymous => summary.anonymous += 1,
            Read::Bad(reason) => {
                bad_in_batch += 1;
                report.bad(BadRow { row, refused: true, reason, cells });
            }
        }
        if batch.records.len() >= BATCH {
            send(db, scope, clock, &mut run, &mut batch, bad_in_batch, row, &mut summary, report).await?;
            bad_in_batch = 0;
            report.progress(reader.position().byte(), total);
        }
    }
    send(db, scope, clock, &mut run, &mut batch, bad_in_batch, row, &mut summary, report).await?;
    report.progress(total, total);
    if !run.dry {
        imports::finish(db, scope, &run, &name, clock.now()).await?;
    }
    let c = run.counts;
    Ok(Summary { created: c.created, updated: c.updated, unchanged: c.unchanged, rejected: c.rejected, ..summary })
}

/// The rows of a batch that can become people, and each one's cells as read (for the report).
#[derive(Default)]
struct Batch {
    records: Vec<Record>,
    cells: Vec<Vec<String>>,
}

/// How each row reads, refusing an elector number the file has had before:
/// twice in one edition is a mistake in the file, not one person.
struct Rows<'a> {
    columns: &'a Columns,
    electors: HashMap<String, u64>,
}

impl<'a> Rows<'a> {
    fn new(columns: &'a Columns) -> Rows<'a> {
        Rows { columns, electors: HashMap::new() }
    }

    fn read(&mut self, row: u64, cells: &[String]) -> Read {
        let got = read(self.columns, row, cells);
        if let Read::Person(r) = &got
            && let Some(e) = &r.elector
            && let Some(first) = self.electors.insert(e.key(), row)
        {
            return Read::Bad(format!("this elector number is in the file twice (last seen at row {first})"));
        }
        got
    }
}

#[allow(clippy::too_many_arguments)]
async fn send(
    db: &Db,
    scope: &Scope,
    clock: &Clock,
    run: &mut imports::Run,
    batch: &mut Batch,
    bad: u64,
    last_row: u64,
    summary: &mut Summary,
    report: &mut (dyn Report + Send),
) -> anyhow::Result<()> {
    let outcomes = imports::batch(db, scope, run, &batch.records, bad, last_row, clock.now()).await?;
    for ((r, cells), o) in batch.records.drain(..).zip(batch.cells.drain(..)).zip(outcomes) {
        if let Outcome::Refused(reason) = o {
            report.bad(BadRow { row: r.row, refused: true, reason, cells });
        } else if !r.flags.is_empty() {
            summary.flagged += 1;
            report.bad(BadRow { row: r.row, refused: false, reason: r.flags.join("; "), cells });
        }
    }
    Ok(())
}

/// The file's reader and its header row, refusing what is not a CSV we read.
fn open(path: &Path) -> anyhow::Result<(csv::Reader<std::fs::File>, Vec<String>)> {
    let mut start = vec![0u8; 8192];
    let n = std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?.read(&mut start)?;
    let start = start.get(..n).unwrap_or_default();
    if start.starts_with(&[0xFF, 0xFE]) || start.starts_with(&[0xFE, 0xFF]) {
        bail!("this file is UTF-16: save it as CSV in UTF-8 (\"CSV UTF-8\" in a spreadsheet's Save As) and import that");
    }
    // Text has no NUL bytes; pictures, spreadsheets' own files and archives do.
    if start.contains(&0) {
        bail!("this is not a CSV file (it looks like a spreadsheet's own file, a picture or an archive): save it as CSV and import that");
    }
    let mut reader = csv_reader(path)?;
    let headers: Vec<String> = reader.byte_headers().context("reading the header row")?.iter().map(decode).collect();
    if headers.iter().all(|h| h.trim().is_empty()) {
        bail!("the first row is empty: it should name the columns");
    }
    Ok((reader, headers))
}

/// The header row and the first `n` rows, as the importer reads them.
pub fn peek(path: &Path, n: usize) -> anyhow::Result<(Vec<String>, Vec<Vec<String>>)> {
    let (reader, headers) = open(path)?;
    let mut rows = Vec::with_capacity(n);
    for row in reader.into_byte_records().take(n) {
        rows.push(row.context("reading the file")?.iter().map(decode).collect());
    }
    Ok((headers, rows))
}

fn csv_reader(path: &Path) -> anyhow::Result<csv::Reader<std::fs::File>> {
    let file = std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
    // Rows of any length: a short row is read as far as it goes.
    Ok(csv::ReaderBuilder::new().flexible(true).from_reader(file))
}

/// The file's SHA-256, which knows it again to carry on, and its size.
pub fn hash_of(path: &Path) -> anyhow::Result<(String, u64)> {
    let mut file = std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let mut hasher = sha2::Sha256::new();
    let mut buf = vec![0; 1 << 16];
    let mut total = 0;
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        total += n as u64;
        hasher.update(buf.get(..n).unwrap_or_default());
    }
    let hash = crate::hex(&hasher.finalize());
    Ok((hash, total))
}

/// A cell as text: UTF-8 if it is (a byte-order mark dropped), else Windows-1252.
fn decode(cell: &[u8]) -> String {
    let cell = cell.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(cell);
    match std::str::from_utf8(cell) {
        Ok(s) => s.to_string(),
        Err(_) => encoding_rs::WINDOWS_1252.decode_without_bom_handling(cell).0.into_owned(),
    }
}
