//! `tredegar import people`: every format and register layout, from files
//! made here with the awkward things real files have (a byte-order mark,
//! CRLF, quoted commas, Windows-1252 names, bad postcodes and emails, the
//! same person twice); dedup and re-import; bad rows under skip and abort;
//! a kill -9 mid-import and a re-run; and the law on registers.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use tredegar_domain::Role;

use crate::helpers::{TestApp, count};

crate::on_both_backends!(
    every_layout_imports_and_importing_again_creates_nobody,
    bad_rows_are_skipped_or_abort_everything,
    an_import_never_touches_another_group,
    a_register_of_hundreds_goes_in_whole
);

const REGISTER: [&str; 8] = [
    "--register-source",
    "Blaenau Gwent Council",
    "--register-edition",
    "2026 revised",
    "--purpose",
    "electoral purposes only",
    "--destroy-by",
    "2099-12-01",
];

fn import(app: &TestApp, file: &Path, group: &str, extra: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tredegar"))
        .args(["import", "people"])
        .arg(file)
        .args(["--group", group])
        .args(extra)
        .env("TREDEGAR_DATABASE_URL", &app.db_url)
        .output()
        .unwrap()
}

/// The summary line, after checking the command did as expected.
fn said(out: &Output, ok: bool) -> String {
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert_eq!(out.status.success(), ok, "stdout: {stdout}\nstderr: {stderr}");
    format!("{stdout}{stderr}")
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

/// An Xpress register: BOM, CRLF, a quoted comma, a Windows-1252 name, a
/// father and son of one name in one flat, an anonymous elector, a blank
/// and a malformed postcode, and a row with no name.
fn xpress() -> Vec<u8> {
    let mut f = b"\xEF\xBB\xBFElector Number Prefix,Elector Number,Elector Number Suffix,Elector Markers,Elector DOB,Elector Surname,Elector Forename,Address1,Address2,Address3,PostCode\r\n".to_vec();
    for row in [
        &b"AB,1,,,,Jones,Dai,\"Flat 1, Bevan Court\",Tredegar,,NP22 3AA\r\n"[..],
        b"AB,2,,,,Jones,Dai,\"Flat 1, Bevan Court\",Tredegar,,NP22 3AA\r\n",
        b"AB,3,,N,,Hidden,Someone,\"Flat 2, Bevan Court\",Tredegar,,NP22 3AA\r\n",
        b"AB,4,1,F,01/02/2008,Evans,Si\xE2n,\"Flat 3, Bevan Court\",Tredegar,,NP22 3AA\r\n",
        b"AB,5,,,,Rees,Owen,12 High Street,Tredegar,,NP22 1XX\r\n",
        b"AB,6,,,,Rees,Mair,14 High Street,Tredegar,,\r\n",
        b"AB,7,,,,Price,Gwen,16 High Street,Tredegar,,NP22 !!\r\n",
        b"AB,8,,,,,,18 High Street,Tredegar,,NP22 1XX\r\n",
    ] {
        f.extend_from_slice(row);
    }
    f
}

async fn every_layout_imports_and_importing_again_creates_nobody(app: TestApp) {
    let group = app.group("Brookfield Estate", None).await;
    let dir = tempfile::tempdir().unwrap();
    let g = group.name.as_str();

    // A register needs the law's four facts.
    let reg = write(dir.path(), "register.csv", &xpress());
    let refused = said(&import(&app, &reg, g, &[]), false);
    assert!(refused.contains("--register-source, --register-edition, --purpose and --destroy-by"), "{refused}");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM people").await, 0);

    let bad = dir.path().join("bad.csv");
    let mut args = REGISTER.to_vec();
    args.extend(["--errors", bad.to_str().unwrap()]);
    let line = said(&import(&app, &reg, g, &args), true);
    assert!(
        line.contains(
            "8 rows read as an electoral register (Xpress layout): 6 created, 0 updated, 0 unchanged, 1 rejected; 1 anonymous elector left out; 1 kept with a value left raw"
        ),
        "{line}"
    );
    let report = std::fs::read_to_string(&bad).unwrap();
    assert!(report.contains("9,rejected,no name and no email or phone"), "{report}");
    assert!(report.contains("8,\"kept, flagged\",\"postcode 'NP22 !!'"), "{report}");
    assert!(!report.contains("Hidden"), "anonymous electors are never written anywhere: {report}");
    // Father and son stay two people; Siân's name came through Windows-1252.
    assert_eq!(count(&app, "SELECT COUNT(*) FROM people WHERE name_key = 'dai jones'").await, 2);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM people WHERE given_name = 'Siân'").await, 1);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM people WHERE given_name = 'Someone'").await, 0);
    // The flats of one block are one building; the houses of one street one stretch.
    assert_eq!(count(&app, "SELECT COUNT(*) FROM buildings WHERE name = 'Bevan Court' AND kind = 'block'").await, 1);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM units u JOIN buildings b ON b.id = u.building_id WHERE b.name = 'Bevan Court'").await, 2);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM residencies").await, 6);
    // Mair's row has no postcode and Gwen's a bad one: their houses are still on the one High Street.
    assert_eq!(count(&app, "SELECT COUNT(*) FROM buildings WHERE name = 'High Street'").await, 1);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM electors WHERE markers = 'F' AND attainment = '01/02/2008'").await, 1);

    let again = said(&import(&app, &reg, g, &REGISTER), true);
    assert!(again.contains("6 unchanged"), "{again}");

    // The law's guard cannot be stepped round: not by calling a register something else,
    // nor by copying its columns into custom fields, nor by moving an edition's date.
    let as_generic = said(&import(&app, &reg, g, &["--format", "generic"]), false);
    assert!(as_generic.contains("import it as a register"), "{as_generic}");
    let leak = write(dir.path(), "leak.toml", b"[columns]\n\"Elector DOB\" = \"custom:dob\"\n");
    let mut leaking = REGISTER.to_vec();
    leaking.extend(["--mapping", leak.to_str().unwrap()]);
    let refused = said(&import(&app, &reg, g, &leaking), false);
    assert!(refused.contains("a register's columns cannot become custom fields"), "{refused}");
    let mut later = REGISTER.to_vec();
    later[7] = "2100-01-01";
    let refused = said(&import(&app, &reg, g, &later), false);
    assert!(refused.contains("give the same purpose and date"), "{refused}");
    let refused = said(&import(&app, &reg, g, &["--errors", reg.to_str().unwrap()]), false);
    assert!(refused.contains("is the file being imported"), "{refused}");
    // The next edition renumbers everyone: the father and son are found again, not doubled.
    let mut next = REGISTER.to_vec();
    next[3] = "2027 revised";
    next[7] = "2100-06-01";
    let line = said(&import(&app, &reg, g, &next), true);
    assert!(line.contains("0 created"), "{line}");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM people WHERE name_key = 'dai jones'").await, 2);
    assert_eq!(count(&app, "SELECT COUNT(DISTINCT person_id) FROM electors WHERE elector_key IN ('AB/1/', 'AB/2/')").await, 2);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM people").await, 6);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM residencies").await, 6);

    // The other two register layouts, known by their headers.
    let pd = write(
        dir.path(),
        "pd.csv",
        b"PD,ENO,Title,First Names,Surname,Suffix,Date of Attainment,Franchise Flag,Address 1,Address 2,Postcode\n\
          CA,7,Mr,Huw,Morgan,,,G,\"Flat 9, Aneurin House\",Tredegar,NP22 4BB\n",
    );
    assert!(said(&import(&app, &pd, g, &REGISTER), true).contains("1 created"));
    let district = write(
        dir.path(),
        "district.csv",
        b"DISTRICT,ELNO,FORENAMES,SURNAME,DO18,PCODE,ADDRESS1\nXA,101/3,Ceri,Lloyd,,NP22 5CC,3 Park Row\nXA,101/3,Someone,Else,,NP22 5CC,5 Park Row\n",
    );
    let mut abort = REGISTER.to_vec();
    abort.extend(["--on-error", "abort"]);
    let line = said(&import(&app, &district, g, &abort), false);
    assert!(line.contains("1 rejected; nothing was written"), "{line}");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM electors WHERE elector_key = 'XA/101/3'").await, 0);
    let line = said(&import(&app, &district, g, &REGISTER), true);
    assert!(line.contains("1 created, 0 updated, 0 unchanged, 1 rejected"), "one elector number twice is a mistake: {line}");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM electors WHERE elector_key = 'XA/101/3'").await, 1);

    // Action Network: the email is the key; the same person twice is one; custom fields and tags come too.
    let an = write(
        dir.path(),
        "an.csv",
        b"uuid,first_name,last_name,email,zip_code,can2_user_address,can2_user_city,can2_phone,can2_user_tags,can2_subscription_status,Tenancy\n\
          a1,Ann,Bevan,ann@example.org,NP22 3AA,\"Flat 5, Bevan Court\",Tredegar,07700 900001,\"rent strike, repairs\",subscribed,council\n\
          a2,Ann,Bevan,ANN@example.org,NP22 3AA,\"Flat 5, Bevan Court\",Tredegar,,,subscribed,council\n\
          a3,No,Email,not-an-email,NP22 3AA,,,,,subscribed,\n",
    );
    let line = said(&import(&app, &an, g, &[]), true);
    assert!(line.contains("3 rows read as an Action Network export: 1 created, 0 updated, 1 unchanged, 1 rejected"), "{line}");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM person_emails WHERE address_key = 'ann@example.org' AND status = 'subscribed'").await, 1);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM taggings").await, 2);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM person_custom_values WHERE value = 'council'").await, 1);

    // NationBuilder: Ann again by her email, now with a mobile; a new person by phone alone.
    let nb = write(
        dir.path(),
        "nb.csv",
        b"nationbuilder_id,first_name,last_name,email1,email2,mobile_number,do_not_call,tag_list,note,support_level,primary_address1,primary_city,primary_zip\n\
          1,Ann,Bevan,ann@example.org,,07700 900002,false,,,1,\"Flat 5, Bevan Court\",Tredegar,NP22 3AA\n\
          2,Bryn,Thomas,,,07700 900003,true,,,,7 Park Row,Tredegar,NP22 5CC\n",
    );
    let line = said(&import(&app, &nb, g, &[]), true);
    assert!(line.contains("2 rows read as a NationBuilder export: 1 created, 1 updated, 0 unchanged, 0 rejected"), "{line}");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM person_phones WHERE number_key = '+447700900003' AND status = 'unsubscribed'").await, 1);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM do_not_call d JOIN people p ON p.id = d.person_id WHERE p.given_name = 'Bryn'").await, 1);

    // Any CSV, with a mapping file saying what its columns hold.
    let generic = write(
        dir.path(),
        "tenants.csv",
        b"Name,Surname,Mob,Flat,Block,Post code,Notes\nGlyn,Harris,07700 900004,Flat 6,Bevan Court,NP22 3AA,ignore me\n\
          Sian,Evans,,Flat 3,Bevan Court,NP22 3AA,\n",
    );
    // Without a mapping, columns nobody knows are not silently dropped.
    let refused = said(&import(&app, &generic, g, &[]), false);
    assert!(refused.contains("the columns 'Name', 'Mob', 'Flat', 'Block', 'Notes' are not ones Tredegar knows"), "{refused}");
    let mapping = write(
        dir.path(),
        "tenants.toml",
        b"[columns]\n\"Name\" = \"given_name\"\n\"Surname\" = \"family_name\"\n\"Mob\" = \"mobile\"\n\"Flat\" = \"address_line\"\n\"Block\" = \"address_line\"\n\"Post code\" = \"postcode\"\n",
    );
    let line = said(&import(&app, &generic, g, &["--mapping", mapping.to_str().unwrap()]), true);
    // Sian at Flat 3 is the Siân the register put there.
    assert!(line.contains("2 rows read as a spreadsheet: 1 created, 1 updated"), "{line}");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM people WHERE family_name = 'Evans' AND given_name IN ('Sian', 'Siân')").await, 1);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM units u JOIN buildings b ON b.id = u.building_id WHERE b.name = 'Bevan Court'").await, 4);
    let wrong = write(dir.path(), "wrong.toml", b"[columns]\n\"Name\" = \"first\"\n");
    let refused = said(&import(&app, &generic, g, &["--mapping", wrong.to_str().unwrap()]), false);
    assert!(refused.contains("mapping for 'Name': 'first' is not something a column can hold"), "{refused}");

    // Register-only fields never leave: not in the export, not through the API.
    let admin = app.user(&group, "admin@example.org", Role::Admin).await;
    let token = app.token(&group, admin).await;
    let (_, people) = app.api(&token).get("people?per_page=100").await;
    let text = people.to_string();
    assert!(text.contains("Siân") && !text.contains("01/02/2008") && !text.contains("AB/4"), "{text}");
    let export = Command::new(env!("CARGO_BIN_EXE_tredegar"))
        .args(["export", "--group", g])
        .arg(dir.path())
        .env("TREDEGAR_DATABASE_URL", &app.db_url)
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(export.success());
    let zip =
        std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().path()).find(|p| p.extension().is_some_and(|e| e == "zip")).unwrap();
    let mut archive = zip::ZipArchive::new(std::fs::File::open(zip).unwrap()).unwrap();
    for i in 0..archive.len() {
        let mut f = archive.by_index(i).unwrap();
        let mut body = String::new();
        std::io::Read::read_to_string(&mut f, &mut body).unwrap();
        assert!(!body.contains("01/02/2008") && !body.contains("AB/4/1"), "{} holds register-only fields", f.name().unwrap());
    }

    // On the destroy-by date the retention job deletes them, and audits it.
    let destroy_on = |day: &str| day.parse::<chrono::NaiveDate>().unwrap();
    let mut tx = app.db.write().await.unwrap();
    let now = chrono::Utc::now();
    assert_eq!(tredegar_db::imports::destroy_due_registers(&mut tx, destroy_on("2099-11-30"), now).await.unwrap(), 0);
    assert_eq!(tredegar_db::imports::destroy_due_registers(&mut tx, destroy_on("2099-12-01"), now).await.unwrap(), 1);
    tx.commit().await.unwrap();
    assert_eq!(count(&app, "SELECT COUNT(*) FROM audit_log WHERE action = 'destroy' AND detail LIKE '%of 8 electors deleted'").await, 1);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM electors").await, 6, "the 2027 edition stays until its own date");
}

async fn bad_rows_are_skipped_or_abort_everything(app: TestApp) {
    let group = app.group("Tenants Union", None).await;
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "people.csv",
        b"first_name,last_name,email,phone\nAnn,Jones,ann@example.org,\n,,not-an-email,\nBob,Lee,,07700 900123\n,,,\n",
    );
    let bad = dir.path().join("bad.csv");
    let out = import(&app, &file, &group.name, &["--on-error", "abort", "--errors", bad.to_str().unwrap()]);
    let line = said(&out, false);
    assert!(line.contains("4 rows read as a spreadsheet: 0 created, 0 updated, 0 unchanged, 2 rejected; nothing was written"), "{line}");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM people").await, 0);
    let report = std::fs::read_to_string(&bad).unwrap();
    assert_eq!(report.lines().count(), 3, "a header and the two bad rows: {report}");
    assert!(report.contains("3,rejected,no name and no email or phone"), "{report}");

    let line = said(&import(&app, &file, &group.name, &[]), true);
    assert!(line.contains("4 rows read as a spreadsheet: 2 created, 0 updated, 0 unchanged, 2 rejected"), "{line}");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM people").await, 2);
    // Audited as it started and as it finished.
    assert_eq!(count(&app, "SELECT COUNT(*) FROM audit_log WHERE action = 'import'").await, 2);
}

async fn an_import_never_touches_another_group(app: TestApp) {
    let ours = app.group("Brookfield Estate", None).await;
    let theirs = app.group("Riverside Branch", None).await;
    let admin = app.user(&theirs, "admin@example.org", Role::Admin).await;
    let api = app.api(&app.token(&theirs, admin).await);
    let (_, theirs_ann) = api
        .post(
            "people",
            serde_json::json!({"person": {"given_name": "Ann", "family_name": "Bevan", "email_addresses": [{"address": "ann@example.org"}],
                "phone_numbers": [{"number": "07700 900001"}]}}),
        )
        .await;
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "people.csv",
        b"first_name,last_name,email,phone\nAnnie,Bevan-Jones,ann@example.org,07700 900001\nBob,Lee,,07700 900001\n",
    );
    let line = said(&import(&app, &file, &ours.name, &[]), true);
    // The same email and phone in the other group match nobody there: ours get a person of their own.
    assert!(line.contains("2 rows read as a spreadsheet: 1 created, 1 updated"), "{line}");
    let (_, after) = api.get(&format!("people/{}", crate::helpers::id_of(&theirs_ann))).await;
    assert_eq!(after["given_name"], "Ann", "the other group's person is untouched: {after}");
    assert_eq!(after["family_name"], "Bevan");
    let (_, listed) = api.get("people").await;
    assert_eq!(listed["total_records"], 1, "nobody was added to the other group: {listed}");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM people").await, 2);
}

/// Hundreds of rows: on PostgreSQL they go in by COPY, whose text format
/// has its own escapes (a backslash, the newline between address lines);
/// a search finds them after.
async fn a_register_of_hundreds_goes_in_whole(app: TestApp) {
    let group = app.group("Big Estate", None).await;
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = big_register(400);
    bytes.extend_from_slice(b"KA,9001,,Nia,O\\Brien,,,,\"Flat 1, Block 1\",Tredegar,NP22 1AA\n");
    let file = write(dir.path(), "register.csv", &bytes);
    let line = said(&import(&app, &file, &group.name, &REGISTER), true);
    assert!(line.contains("401 created, 0 updated, 0 unchanged, 0 rejected"), "{line}");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM people").await, 401);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM residencies WHERE moved_in IS NULL AND moved_out IS NULL").await, 401);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM buildings WHERE kind = 'block'").await, 40);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM units").await, 400);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM people WHERE family_name = 'O\\Brien'").await, 1);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM person_events WHERE kind = 'created'").await, 401);
    let api = app.api(&app.token(&group, app.user(&group, "org@example.org", tredegar_domain::Role::Organiser).await).await);
    let (_, found) = api.get("people?filter=family_name eq 'Surname7'").await;
    assert_eq!(found["total_records"], 10, "{found}");
    let again = said(&import(&app, &file, &group.name, &REGISTER), true);
    assert!(again.contains("0 created, 0 updated, 401 unchanged"), "{again}");
}

/// A register of `n` electors in flats of 40-flat blocks.
fn big_register(n: usize) -> Vec<u8> {
    let mut f = b"PD,ENO,Title,First Names,Surname,Suffix,Date of Attainment,Franchise Flag,Address 1,Address 2,Postcode\n".to_vec();
    for i in 0..n {
        let (block, flat, postcode) = (i % 40 + 1, i / 40 % 97 + 1, i % 9 + 1);
        let line = format!("KA,{i},,Name{i},Surname{block},,,,\"Flat {flat}, Block {block}\",Tredegar,NP22 {postcode}AA\n");
        f.extend_from_slice(line.as_bytes());
    }
    f
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_import_carries_on_without_duplicates() {
    let app = TestApp::sqlite().await;
    let group = app.group("Big Estate", None).await;
    let dir = tempfile::tempdir().unwrap();
    let n = 60_000;
    let file = write(dir.path(), "register.csv", &big_register(n));
    let mut child = Command::new(env!("CARGO_BIN_EXE_tredegar"))
        .args(["import", "people"])
        .arg(&file)
        .args(["--group", &group.name])
        .args(REGISTER)
        .env("TREDEGAR_DATABASE_URL", &app.db_url)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Kill it once a batch has committed and before it has finished.
    let mut done = 0;
    for _ in 0..600 {
        done = count(&app, "SELECT COALESCE(MAX(rows_done), 0) FROM imports").await;
        if done > 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    Command::new("kill").args(["-9", &child.id().to_string()]).status().unwrap();
    child.wait().unwrap();
    let finished = count(&app, "SELECT COUNT(*) FROM imports WHERE finished_at IS NOT NULL").await;
    assert_eq!(finished, 0, "the import was killed before it finished (make the file bigger if this machine is faster)");
    let done = count(&app, "SELECT rows_done FROM imports").await.max(done);
    // Whole batches only: every row up to rows_done (less the header) is a person, and no more.
    let people = count(&app, "SELECT COUNT(*) FROM people").await;
    assert_eq!(people, done - 1, "only whole batches are visible");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM electors").await, people);

    let line = said(&import(&app, &file, &group.name, &REGISTER), true);
    assert!(
        line.contains(&format!("{n} rows read as an electoral register (PD, ENO layout): {n} created"))
            && line.contains("carried on after row"),
        "{line}"
    );
    assert_eq!(count(&app, "SELECT COUNT(*) FROM people").await, n as i64);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM residencies").await, n as i64);
    // One building per block (all in one postcode district), one unit per flat number in it.
    assert_eq!(count(&app, "SELECT COUNT(*) FROM buildings").await, 40);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM units").await, 3880);
}
