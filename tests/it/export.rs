//! The whole-group export: one zip archive with a CSV of every table of the
//! group's data and a README, from the settings page and the command line.
//! A table holding group data that is neither exported nor listed as left
//! out (with its reason) fails this test.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;

use reqwest::StatusCode;
use serde_json::json;
use tredegar_db::export::{LEFT_OUT, TABLES};
use tredegar_domain::Role;
use tredegar_web::paths;

use crate::helpers::TestApp;

crate::on_both_backends!(the_archive_holds_every_table_of_the_group_and_nothing_else);

/// Each file of the archive with its text.
fn unzip(bytes: &[u8]) -> BTreeMap<String, String> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    (0..zip.len())
        .map(|i| {
            let mut f = zip.by_index(i).unwrap();
            let mut text = String::new();
            f.read_to_string(&mut text).unwrap();
            (f.name().unwrap().to_string(), text)
        })
        .collect()
}

async fn the_archive_holds_every_table_of_the_group_and_nothing_else(app: TestApp) {
    let group = app.group("Brookfield Estate", None).await;
    let other = app.group("Other Branch", None).await;
    let admin = app.user(&group, "admin@example.org", Role::Admin).await;
    let api = app.api(&app.token(&group, admin).await);
    api.post("tags", json!({"name": "Rent strike"})).await;
    let (_, p) = api
        .post(
            "people",
            json!({"person": {"given_name": "Siân", "email_addresses": [{"address": "sian@example.org"}]}, "add_tags": ["Rent strike"]}),
        )
        .await;
    let sian = crate::helpers::id_of(&p);
    let theirs = app.api(&app.token(&other, app.user(&other, "b@example.org", Role::Admin).await).await);
    theirs.person("Someone Else", "else@example.org").await;

    // A signature waiting for its confirmation: its email's live link must not leave in the archive.
    let text = tredegar_domain::petitions::PetitionText {
        title: "Repair our homes".into(),
        body: "Repair them.".into(),
        target: "The council".into(),
        goal: 100,
        ends_on: None,
        campaign: None,
        consent_wording: "Keep me updated".into(),
        frame_ancestors: Vec::new(),
    };
    let mut tx = app.db.write().await.unwrap();
    let petition = tredegar_db::petitions::create(&mut tx, &app.scope(admin, &group).await, &text, chrono::Utc::now()).await.unwrap();
    tx.commit().await.unwrap();
    let fields = [("name", "Bryn"), ("email", "bryn@example.org"), ("postcode", "NP22 3AA")];
    assert_eq!(app.client().post_form(paths::petition_sign(petition), &fields).await.status(), StatusCode::SEE_OTHER);

    let mut c = app.signed_in(&group, "admin@example.org", Role::Admin).await;
    let settings = c.settings("brookfield-estate").await;
    assert!(settings.body.contains(&paths::export("brookfield-estate")), "a button on the settings page");
    let organiser = app.signed_in(&group, "org@example.org", Role::Organiser).await;
    let r = organiser.http.get(format!("{}{}", app.url, paths::export("brookfield-estate"))).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND, "admins only");
    let r = c.http.get(format!("{}{}", app.url, paths::export("brookfield-estate"))).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "application/zip");
    let files = unzip(&r.bytes().await.unwrap());
    let outbox = &files["outbox.csv"];
    assert!(outbox.contains("bryn@example.org") && outbox.contains("(left out: it holds a single-use link)"), "{outbox}");
    assert!(!outbox.contains("/confirm/"), "{outbox}");

    // Every table with a group_id is in the archive, or left out by name with a reason.
    let schema = crate::storage::schema(&app.db).await;
    let group_tables: BTreeSet<&str> =
        schema.iter().filter(|(_, column, _)| column == "group_id").map(|(table, _, _)| table.as_str()).chain(["groups"]).collect();
    for table in &group_tables {
        let exported = files.contains_key(&format!("{table}.csv"));
        let left_out = LEFT_OUT.iter().any(|(name, why)| name == table && !why.is_empty());
        assert!(exported != left_out, "{table}: exported {exported}, left out {left_out}; add it to tredegar_db::export::TABLES");
    }
    // Each file has every column of its table, bar hidden secrets.
    for t in TABLES {
        let text = &files[&format!("{}.csv", t.name)];
        let header: BTreeSet<&str> = text.lines().next().unwrap().split(',').collect();
        for (_, column, _) in schema.iter().filter(|(table, _, _)| table == t.name) {
            assert!(header.contains(column.as_str()) || t.hidden.contains(&column.as_str()), "{}.csv lacks {column}", t.name);
        }
    }
    let readme = &files["README.txt"];
    assert!(TABLES.iter().all(|t| readme.contains(&format!("{}.csv", t.name)) && readme.contains(t.about)));
    assert!(files["people.csv"].contains(&sian) && files["people.csv"].contains("Siân"));
    assert!(files["person_emails.csv"].contains("sian@example.org"));
    assert!(files["taggings.csv"].contains(&sian));
    assert!(!files.values().any(|f| f.contains("Someone Else") || f.contains("else@example.org")), "nothing of another group");
    assert!(!files["invitations.csv"].contains("token_hash"));
    assert!(files["audit_log.csv"].contains("the whole group, as a zip archive"), "the export is audited before it is sent");

    // The command line writes the same archive, the owner's alone.
    let dir = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_tredegar"))
        .args(["export", "--group", "Brookfield Estate"])
        .arg(dir.path())
        .env("TREDEGAR_DATABASE_URL", &app.db_url)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let written: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(written.len(), 1);
    #[cfg(unix)]
    assert_eq!(std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(&written[0]).unwrap().permissions()) & 0o777, 0o600);
    let cli_files = unzip(&std::fs::read(&written[0]).unwrap());
    assert_eq!(cli_files.keys().collect::<Vec<_>>(), files.keys().collect::<Vec<_>>());
}
