//! `import`: `tredegar import people` of a generated electoral register, with
//! normalising, place creation and dedup on, as rows a second and peak
//! memory; against the sqlite3 command-line tool's `.import` of the same file
//! into a bare table (or, on PostgreSQL, psql's `\copy`), in the same run.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, ensure};

use crate::SYLLABLES;

/// Write a register of `rows` electors in the Xpress layout: blocks of 60
/// flats and streets of 80 houses, three electors a home on average.
fn register(path: &Path, rows: usize) -> anyhow::Result<()> {
    use std::io::Write;
    let mut f = std::io::BufWriter::new(std::fs::File::create(path)?);
    writeln!(
        f,
        "Elector Number Prefix,Elector Number,Elector Number Suffix,Elector Markers,Elector DOB,Elector Surname,Elector Forename,Address1,Address2,Address3,PostCode"
    )?;
    for i in 0..rows {
        let home = i / 3;
        // Polling districts of 12,000 electors, numbered from 1 in each.
        let district = format!("{}{}", SYLLABLES[i / 12_000 % 40].to_uppercase(), i / 480_000 % 10);
        // Registers often write surnames in capitals.
        let family = format!("{}{}", SYLLABLES[home % 40], SYLLABLES[home / 40 % 40]).to_uppercase();
        let given = format!("{}{}", SYLLABLES[i % 37].to_uppercase(), SYLLABLES[i / 37 % 40]);
        // A postcode district of 20,000 homes, so names of blocks and streets repeat only in other districts.
        let postcode = format!("NP{} {}{}", 10 + home / 20_000 % 80, home / 2000 % 10, ["AA", "BD", "EF", "GH", "JL"][home / 400 % 5]);
        let markers = if i % 500 == 7 {
            "N"
        } else if i % 50 == 3 {
            "F"
        } else {
            ""
        };
        // Every other home is a flat in a block of 60, the rest houses on streets of 80.
        let (block, street) = (home / 2 / 60, home / 2 / 80);
        let line1 = if home % 2 == 0 {
            format!("\"Flat {}, {}{} House\"", home / 2 % 60 + 1, SYLLABLES[block % 40].to_uppercase(), SYLLABLES[block / 40 % 40])
        } else {
            format!("{} {}{} Street", home / 2 % 80 + 1, SYLLABLES[street % 40].to_uppercase(), SYLLABLES[street / 40 % 40])
        };
        writeln!(f, "{district},{},,{markers},,{family},{given},{line1},Tredegar,Blaenau Gwent,{postcode}", i % 12_000 + 1)?;
    }
    f.flush()?;
    Ok(())
}

/// Run a command to completion, polling its peak resident memory. Its output
/// goes to files in `dir`, never to a pipe nobody reads until it ends.
fn timed(dir: &Path, cmd: &mut Command) -> anyhow::Result<(Duration, u64)> {
    let (out_path, err_path) = (dir.join("stdout.txt"), dir.join("stderr.txt"));
    let t = Instant::now();
    let mut child = cmd.stdout(std::fs::File::create(&out_path)?).stderr(std::fs::File::create(&err_path)?).spawn()?;
    let pid = child.id();
    let mut peak_kib = 0;
    let status = loop {
        if let Ok(status) = std::fs::read_to_string(format!("/proc/{pid}/status"))
            && let Some(hwm) = status.lines().find(|l| l.starts_with("VmHWM:"))
        {
            peak_kib = peak_kib.max(hwm.split_whitespace().nth(1).and_then(|v| v.parse().ok()).unwrap_or(0));
        }
        if let Some(status) = child.try_wait()? {
            break status;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let elapsed = t.elapsed();
    let (out, err) = (std::fs::read_to_string(out_path)?, std::fs::read_to_string(err_path)?);
    let tail: String = err.lines().rev().take(5).collect::<Vec<_>>().join("\n");
    ensure!(status.success(), "{cmd:?} failed: {out}{tail}");
    println!("{}", out.trim());
    Ok((elapsed, peak_kib))
}

pub async fn import(rows: usize, postgres: Option<String>, tredegar: Option<PathBuf>, keep: Option<PathBuf>) -> anyhow::Result<()> {
    let bin = tredegar.unwrap_or(std::env::current_exe()?.with_file_name("tredegar"));
    ensure!(bin.exists(), "{} not found: build it first with `cargo build --release`", bin.display());
    let temp = tempfile::tempdir()?;
    let dir = match &keep {
        Some(d) => {
            std::fs::create_dir_all(d)?;
            ensure!(std::fs::read_dir(d)?.next().is_none(), "{} must be empty", d.display());
            d.as_path()
        }
        None => temp.path(),
    };
    let file = dir.join("register.csv");
    register(&file, rows)?;
    let mb = std::fs::metadata(&file)?.len() as f64 / 1e6;
    println!("register of {rows} rows, {mb:.0} MB");

    let (url, baseline, backend) = match &postgres {
        None => {
            let db = dir.join("bare.db");
            let import = format!(".import --csv {} bare", file.display());
            let (t, _) = timed(dir, Command::new("sqlite3").arg(&db).args([&import, ".exit"]))
                .context("the baseline needs the sqlite3 command-line tool")?;
            (format!("sqlite://{}", dir.join("tredegar.db").display()), t, "sqlite")
        }
        Some(admin) => {
            let name = format!("tredegar_bench_{}", uuid::Uuid::now_v7().simple());
            let psql = |sql: &str| Command::new("psql").args([admin.as_str(), "-q", "-c", sql]).status();
            ensure!(psql(&format!("CREATE DATABASE {name}"))?.success(), "could not create the bench database");
            let (base, _) = admin.rsplit_once('/').context("the PostgreSQL URL must name a database")?;
            let url = format!("{base}/{name}");
            let columns = (1..=11).map(|i| format!("c{i} TEXT")).collect::<Vec<_>>().join(", ");
            let bare = Command::new("psql").args([url.as_str(), "-q", "-c", &format!("CREATE TABLE bare ({columns})")]).status()?;
            ensure!(bare.success(), "could not create the bare table");
            let copy = format!("\\copy bare FROM '{}' WITH (FORMAT csv, HEADER true)", file.display());
            let (t, _) = timed(dir, Command::new("psql").args([url.as_str(), "-q", "-c", &copy]))?;
            (url, t, "postgres")
        }
    };
    let group = Command::new(&bin).args(["group", "create", "Bench Estate"]).env("TREDEGAR_DATABASE_URL", &url).output()?;
    ensure!(group.status.success(), "group create failed: {}", String::from_utf8_lossy(&group.stderr));
    let register_args = [
        "--register-source",
        "Bench Council",
        "--register-edition",
        "2026",
        "--purpose",
        "electoral purposes only",
        "--destroy-by",
        "2099-12-31",
    ];
    let (t, peak_kib) = timed(
        dir,
        Command::new(&bin)
            .args(["import", "people"])
            .arg(&file)
            .args(["--group", "Bench Estate", "--format", "electoral-register"])
            .args(register_args)
            .env("TREDEGAR_DATABASE_URL", &url),
    )?;
    let rows_per_s = rows as f64 / t.as_secs_f64();
    let base_per_s = rows as f64 / baseline.as_secs_f64();
    let peak_rss_mb = peak_kib as f64 / 1024.0;
    println!(
        "baseline ({}): {:.2} s, {base_per_s:.0} rows/s",
        if postgres.is_some() { "psql \\copy" } else { "sqlite3 .import" },
        baseline.as_secs_f64()
    );
    println!("tredegar import: {:.2} s, {rows_per_s:.0} rows/s, peak RSS {peak_rss_mb:.0} MB", t.as_secs_f64());
    println!(
        "RESULT import backend={backend} rows={rows} rows_per_s={rows_per_s:.0} peak_rss_mb={peak_rss_mb:.0} ratio={:.3}",
        rows_per_s / base_per_s
    );
    if let Some(admin) = postgres {
        let name = url.rsplit('/').next().unwrap_or_default().to_string();
        if keep.is_some() {
            println!("kept the database {name}");
        } else {
            Command::new("psql").args([admin.as_str(), "-q", "-c", &format!("DROP DATABASE {name}")]).status()?;
        }
    }
    Ok(())
}
