//! `tredegar import people`: a file of people into a group, with a progress
//! bar, one summary line, and the bad rows written to a CSV if asked.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use clap::{Args, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use tredegar_db::imports::Register;
use tredegar_domain::import::Format;
use tredegar_web::imports::{self, BadRow, BadRows, OnError, Options, Report};

use crate::DbArgs;

#[derive(Args)]
pub struct PeopleArgs {
    /// The CSV file
    file: PathBuf,
    /// Name of the group
    #[arg(long)]
    group: String,
    /// What the file is [default: worked out from its headers]
    #[arg(long, value_enum)]
    format: Option<FormatArg>,
    /// A TOML file saying what each column holds: [columns] "Post code" = "postcode"
    #[arg(long)]
    mapping: Option<PathBuf>,
    /// skip: keep the good rows; abort: write nothing if any row is bad
    #[arg(long, value_enum, default_value = "skip")]
    on_error: OnErrorArg,
    /// Write the rejected rows, and those kept with a value left raw, to this CSV
    #[arg(long)]
    errors: Option<PathBuf>,
    /// Electoral register: who supplied it (e.g. "Blaenau Gwent Council")
    #[arg(long)]
    register_source: Option<String>,
    /// Electoral register: which edition (e.g. "2026 revised, 1 Dec 2026")
    #[arg(long)]
    register_edition: Option<String>,
    /// Electoral register: the purpose it may be used for (e.g. "electoral purposes only")
    #[arg(long)]
    purpose: Option<String>,
    /// Electoral register: the date by which it must be destroyed, YYYY-MM-DD
    #[arg(long)]
    destroy_by: Option<chrono::NaiveDate>,
}

#[derive(Clone, Copy, ValueEnum)]
enum FormatArg {
    ElectoralRegister,
    ActionNetwork,
    Nationbuilder,
    Generic,
}

#[derive(Clone, Copy, ValueEnum)]
enum OnErrorArg {
    Skip,
    Abort,
}

/// Shows progress, and writes bad rows to the errors file, if asked.
struct Cli {
    bar: ProgressBar,
    errors: Option<BadRows>,
}

impl Report for Cli {
    fn headers(&mut self, headers: &[String]) {
        if let Some(errors) = &mut self.errors {
            errors.headers(headers);
        }
    }
    fn progress(&mut self, done: u64, total: u64) {
        self.bar.set_length(total);
        self.bar.set_position(done);
    }
    fn bad(&mut self, row: BadRow) {
        if let Some(errors) = &mut self.errors {
            errors.bad(row);
        }
    }
}

/// The errors file must not be the file being read, nor a link to somewhere else.
fn errors_path(args: &PeopleArgs) -> anyhow::Result<Option<PathBuf>> {
    let Some(path) = &args.errors else { return Ok(None) };
    if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
        bail!("--errors {} is a symbolic link: give a plain file", path.display());
    }
    let same = |a: &Path, b: &Path| a.canonicalize().ok().zip(b.canonicalize().ok()).is_some_and(|(a, b)| a == b);
    if same(path, &args.file) {
        bail!("--errors {} is the file being imported: give another name", path.display());
    }
    Ok(Some(path.clone()))
}

pub async fn people(db: DbArgs, args: PeopleArgs) -> anyhow::Result<()> {
    let register = register(&args)?;
    let mapping = match &args.mapping {
        Some(path) => Some(read_mapping(path)?),
        None => None,
    };
    let options = Options {
        format: args.format.map(|f| match f {
            FormatArg::ElectoralRegister => Format::ElectoralRegister,
            FormatArg::ActionNetwork => Format::ActionNetwork,
            FormatArg::Nationbuilder => Format::NationBuilder,
            FormatArg::Generic => Format::Generic,
        }),
        mapping,
        on_error: match args.on_error {
            OnErrorArg::Skip => OnError::Skip,
            OnErrorArg::Abort => OnError::Abort,
        },
        register,
        dry: false,
        name: None,
    };
    let (db, _) = crate::commands::open(&db).await?;
    db.migrate().await?;
    db.bulk_writes().await?;
    let group = crate::commands::find_group(&db, &args.group).await?;
    let mut tx = db.read().await?;
    let scope = crate::commands::operator(&mut tx, &group).await?;
    drop(tx);
    let errors_path = errors_path(&args)?;
    let bar = ProgressBar::new(0).with_style(
        ProgressStyle::with_template("{bar:40} {bytes}/{total_bytes} {binary_bytes_per_sec} eta {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let mut cli = Cli { bar, errors: errors_path.as_deref().map(BadRows::to) };
    let summary = imports::run(&db, &scope, &tredegar_web::Clock, &args.file, &options, &mut cli).await;
    cli.bar.finish_and_clear();
    if let Some(errors) = cli.errors {
        errors.finish().context("writing the errors file")?;
    }
    let summary = summary?;
    println!("{summary}");
    if summary.aborted {
        bail!(
            "{} bad, and --on-error abort: nothing was imported",
            if summary.rejected == 1 { "a row was".to_string() } else { format!("{} rows were", summary.rejected) }
        );
    }
    Ok(())
}

/// The law's four facts, required together for a register and refused without one.
fn register(args: &PeopleArgs) -> anyhow::Result<Option<Register>> {
    let given = (&args.register_source, &args.register_edition, &args.purpose, args.destroy_by);
    match given {
        (Some(source), Some(edition), Some(purpose), Some(destroy_by)) => {
            let line = |flag: &str, s: &str| match tredegar_domain::contact::one_line_text(flag, s, 200) {
                Ok(Some(s)) => Ok(s),
                Ok(None) => bail!("{flag} must not be blank"),
                Err(p) => bail!("{p}"),
            };
            let (source, edition, purpose) =
                (line("--register-source", source)?, line("--register-edition", edition)?, line("--purpose", purpose)?);
            if destroy_by <= tredegar_web::Clock.now().date_naive() {
                bail!("--destroy-by {destroy_by} has come: a register past its destroy-by date must be destroyed, not imported");
            }
            Ok(Some(Register { source, edition, purpose, destroy_by }))
        }
        (None, None, None, None) => Ok(None),
        _ => bail!("a register import needs all four of --register-source, --register-edition, --purpose and --destroy-by"),
    }
}

/// A mapping file: a `[columns]` table of header = what it holds.
fn read_mapping(path: &Path) -> anyhow::Result<Vec<(String, String)>> {
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Mapping {
        columns: toml::Table,
    }
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let m: Mapping = toml::from_str(&text).with_context(|| format!("{} is not a mapping file", path.display()))?;
    m.columns
        .into_iter()
        .map(|(header, v)| match v {
            toml::Value::String(s) => Ok((header, s)),
            other => bail!("{}: the column '{header}' must map to a word in quotes, not {other}", path.display()),
        })
        .collect()
}

#[derive(Args)]
pub struct PostcodesArgs {
    /// A CSV with the columns postcode, latitude and longitude (others are left alone)
    file: PathBuf,
}

/// Rows a transaction of postcodes holds.
const POSTCODES_AT_ONCE: usize = 10_000;

/// Load postcode centres, replacing those held. Shared by every group: it
/// is public data. Rows without a postcode or a place on the map (the ONS
/// directory marks those with no grid reference with latitude 99.999999)
/// are counted and left out.
pub async fn postcodes(db: DbArgs, args: PostcodesArgs) -> anyhow::Result<()> {
    let (db, _) = crate::commands::open(&db).await?;
    let file = std::fs::File::open(&args.file).with_context(|| format!("opening {}", args.file.display()))?;
    let total = file.metadata().map(|m| m.len()).unwrap_or(0);
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(file);
    let headers: Vec<String> = reader.headers().context("reading the header row")?.iter().map(|h| h.trim().to_ascii_lowercase()).collect();
    let column = |names: &[&str]| headers.iter().position(|h| names.contains(&h.as_str()));
    let (Some(pc), Some(lat), Some(lon)) =
        (column(&["postcode", "pcds", "pcd"]), column(&["latitude", "lat"]), column(&["longitude", "long", "lon"]))
    else {
        bail!("the header row must name the columns postcode, latitude and longitude");
    };
    let bar = ProgressBar::new(total).with_style(
        ProgressStyle::with_template("{bar:40} {bytes}/{total_bytes} {binary_bytes_per_sec} eta {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let (mut loaded, mut left_out) = (0u64, 0u64);
    let mut batch = Vec::with_capacity(POSTCODES_AT_ONCE);
    let mut record = csv::StringRecord::new();
    while reader.read_record(&mut record).context("reading the file")? {
        let cell = |i: usize| record.get(i).unwrap_or_default().trim();
        let postcode = tredegar_domain::Postcode::parse("postcode", cell(pc)).and_then(|p| tredegar_domain::import::plausible(p, true));
        let place = (postcode, cell(lat).parse::<f64>(), cell(lon).parse::<f64>());
        match place {
            (Ok(p), Ok(la), Ok(lo)) if (-90.0..=90.0).contains(&la) && (-180.0..=180.0).contains(&lo) => batch.push((p.key(), la, lo)),
            _ => left_out += 1,
        }
        if batch.len() >= POSTCODES_AT_ONCE {
            loaded += save_postcodes(&db, &mut batch).await?;
            bar.set_position(reader.position().byte());
        }
    }
    loaded += save_postcodes(&db, &mut batch).await?;
    bar.finish_and_clear();
    println!("{loaded} postcodes loaded; {left_out} rows left out (no postcode, or no place on the map)");
    Ok(())
}

async fn save_postcodes(db: &tredegar_db::Db, batch: &mut Vec<(String, f64, f64)>) -> anyhow::Result<u64> {
    // One row a postcode: the last in the file says it.
    batch.reverse();
    batch.sort_by(|a, b| a.0.cmp(&b.0));
    batch.dedup_by(|a, b| a.0 == b.0);
    let n = batch.len() as u64;
    let mut tx = db.write().await?;
    tredegar_db::aid::offers::load_postcodes(&mut tx, batch).await?;
    tx.commit().await?;
    batch.clear();
    Ok(n)
}

#[derive(Args)]
pub struct RepresentativesArgs {
    /// The CSV file
    file: PathBuf,
    /// Name of the group
    #[arg(long)]
    group: String,
    /// What the file is
    #[arg(long, value_enum)]
    format: RepresentativesFormat,
    /// For a generic file: a TOML file saying what each column holds: [columns] "Ward" = "post"
    #[arg(long)]
    mapping: Option<PathBuf>,
    /// Where the data comes from [default: Democracy Club, or the file's name]
    #[arg(long)]
    source: Option<String>,
    /// The data's licence [default for Democracy Club: CC BY-SA 4.0]
    #[arg(long)]
    licence: Option<String>,
    /// skip: load the good rows; abort: load nothing if any row is bad
    #[arg(long, value_enum, default_value = "skip")]
    on_error: OnErrorArg,
}

#[derive(Clone, Copy, ValueEnum)]
enum RepresentativesFormat {
    DemocracyClub,
    Generic,
}

/// Load representatives from a file. Each is found again by Democracy
/// Club's person id, or by name and body, so loading a file again updates
/// them and never duplicates anyone.
pub async fn representatives(db: DbArgs, args: RepresentativesArgs) -> anyhow::Result<()> {
    use tredegar_domain::representatives::{democracy_club, generic};
    let (db, _) = crate::commands::open(&db).await?;
    let group = crate::commands::find_group(&db, &args.group).await?;
    let mut reader =
        csv::ReaderBuilder::new().flexible(true).from_path(&args.file).with_context(|| format!("opening {}", args.file.display()))?;
    let headers: Vec<String> =
        reader.byte_headers().context("reading the header row")?.iter().map(|h| String::from_utf8_lossy(h).trim().to_string()).collect();
    // A row that is not UTF-8 is a bad row, reported with the rest.
    let (mut rows, mut not_text) = (Vec::new(), Vec::new());
    for record in reader.byte_records() {
        let record = record.context("reading the file")?;
        let line = record.position().map_or(0, |p| p.line());
        match record.iter().map(|cell| std::str::from_utf8(cell).map(str::to_string)).collect::<Result<Vec<_>, _>>() {
            Ok(cells) => rows.push((line, cells)),
            Err(_) => not_text.push((line, tredegar_domain::Problem::new("row", "is not UTF-8 text"))),
        }
    }
    let file_name = args.file.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    let (format, source, licence, read) = match args.format {
        RepresentativesFormat::DemocracyClub => {
            let source = args.source.unwrap_or_else(|| "Democracy Club".into());
            ("democracy-club", source, args.licence.unwrap_or_else(|| "CC BY-SA 4.0".into()), democracy_club(&headers, rows))
        }
        RepresentativesFormat::Generic => {
            let mapping = args.mapping.as_deref().map(read_mapping).transpose()?;
            let source = args.source.unwrap_or_else(|| file_name.clone());
            ("generic", source, args.licence.unwrap_or_default(), generic(&headers, mapping.as_deref(), rows))
        }
    };
    let (found, mut bad) = read.map_err(|p| anyhow::anyhow!("{}: {}", p.field, p.message))?;
    bad.append(&mut not_text);
    bad.sort_by_key(|(line, _)| *line);
    for (line, p) in bad.iter().take(20) {
        eprintln!("line {line}: {}: {}", p.field, p.message);
    }
    if !bad.is_empty() && matches!(args.on_error, OnErrorArg::Abort) {
        bail!("{} rows could not be read; nothing was loaded (--on-error abort)", bad.len());
    }
    let (sha256, _) = imports::hash_of(&args.file)?;
    let mut tx = db.write().await?;
    let scope = crate::commands::operator(&mut tx, &group).await?;
    let from =
        tredegar_db::representatives::FileSource { format, file_name: &file_name, sha256: &sha256, source: &source, licence: &licence };
    let (added, updated) = tredegar_db::representatives::import(&mut tx, &scope, &from, &found, tredegar_web::Clock.now()).await?;
    tx.commit().await?;
    println!("{added} representatives added, {updated} updated; {} rows could not be read", bad.len());
    Ok(())
}
