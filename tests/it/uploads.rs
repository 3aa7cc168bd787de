//! The admins' import through the web: upload, the columns with sample
//! values, a mapping, a dry run that keeps nothing, the import as a
//! background job, the bad rows as an audited download; bad files and bad
//! choices named; nobody but the group's admins reaches any of it.

use std::time::Duration;

use reqwest::StatusCode;
use tredegar_domain::Role;
use tredegar_web::paths;

use crate::helpers::{Client, Page, TestApp, count};

crate::on_both_backends!(admins_import_a_spreadsheet_through_the_web, erasing_someone_deletes_the_uploads_that_hold_them);

const SLUG: &str = "brookfield-estate";

/// A tenants' spreadsheet with its own headers: two people, a blank row, and
/// a row with only a formula for a phone; and a formula for a header.
const TENANTS: &str = "Name,Surname,Mob,Flat,Block,Post code,=2+2\r\n\
    Ann,Jones,07700 900123,Flat 1,Bevan Court,NP22 3AB,x\r\n\
    ,,,,,,\r\n\
    Bob,Price,,Flat 2,Bevan Court,NP22 3AB,\r\n\
    ,,=1+1,,,,\r\n";

/// Reload the upload's page, as its Refresh header does, until it says `done`.
async fn until(c: &mut Client, at: &str, done: &str) -> Page {
    for _ in 0..150 {
        let page = c.get(at).await;
        if page.body.contains(done) {
            return page;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the upload never said '{done}': {}", c.get(at).await.body);
}

async fn admins_import_a_spreadsheet_through_the_web(app: TestApp) {
    let group = app.group("Brookfield Estate", None).await;
    let mut admin = app.signed_in(&group, "admin@example.org", Role::Admin).await;
    let index = admin.get(paths::imports(SLUG)).await;
    assert!(index.body.contains("Nothing uploaded yet") && index.body.contains("enctype=\"multipart/form-data\""), "{}", index.body);

    // A file we cannot read is refused at once, and kept nowhere.
    let utf16 = admin.post_file(paths::imports(SLUG), "tenants.csv", b"\xFF\xFEN\x00a\x00".to_vec()).await;
    assert!(utf16.status() == StatusCode::BAD_REQUEST && utf16.body.contains("File: this file is UTF-16"), "{}", utf16.body);
    let empty = admin.post_file(paths::imports(SLUG), "tenants.csv", Vec::new()).await;
    assert!(empty.status() == StatusCode::BAD_REQUEST && empty.body.contains("File: is empty"), "{}", empty.body);
    let picture = admin.post_file(paths::imports(SLUG), "tenants.csv", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec()).await;
    assert!(picture.status() == StatusCode::BAD_REQUEST && picture.body.contains("this is not a CSV file"), "{}", picture.body);
    let uploaded = std::fs::read_dir(app.uploads.path().join("uploads")).map_or(0, |d| d.count());
    assert_eq!(uploaded, 0, "a refused file is not kept");

    // Uploaded, it shows each column with sample values and what it would be read as.
    let sent = admin.post_file(paths::imports(SLUG), "tenants.csv", TENANTS.as_bytes().to_vec()).await;
    assert_eq!(sent.status(), StatusCode::SEE_OTHER, "{}", sent.body.split("<main").nth(1).unwrap_or(&sent.body));
    let at = sent.location.clone().unwrap();
    let page = admin.get(&at).await;
    assert!(page.body.contains("For example: Ann · Bob") && page.body.contains("For example: 07700 900123"), "{}", page.body);
    assert!(page.body.contains("Postcode (as read)"), "a header it knows is read as such: {}", page.body);
    assert!(page.body.contains("<option value=\"\">Choose what this holds</option>"), "one it does not know is asked about: {}", page.body);

    // Its own headers must be mapped first; a register's facts belong only to a register.
    let unmapped = admin.post_form(&at, &[("on_error", "skip"), ("action", "dry_run")]).await;
    assert!(
        unmapped.status() == StatusCode::BAD_REQUEST && unmapped.body.contains("Column 1: choose what this column holds"),
        "{}",
        unmapped.body
    );
    let mapping = [
        ("column_0", "given_name"),
        ("column_1", "family_name"),
        ("column_2", "mobile"),
        ("column_3", "address_line"),
        ("column_4", "address_line"),
        ("column_6", "ignore"),
        ("on_error", "skip"),
    ];
    let with = |extra: &[(&'static str, &'static str)]| mapping.iter().chain(extra).copied().collect::<Vec<_>>();
    let not_a_register = admin.post_form(&at, &with(&[("purpose", "electoral purposes"), ("action", "dry_run")])).await;
    assert!(
        not_a_register.status() == StatusCode::BAD_REQUEST && not_a_register.body.contains("only an electoral register takes these"),
        "{}",
        not_a_register.body
    );
    assert!(not_a_register.body.contains("value=\"given_name\" selected"), "the choices made are kept: {}", not_a_register.body);

    // A dry run says what would happen, and keeps nothing.
    let dry = admin.post_form(&at, &with(&[("action", "dry_run")])).await;
    assert_eq!(dry.status(), StatusCode::SEE_OTHER, "{}", dry.body);
    let checked = until(&mut admin, &at, "Importing it now would give").await;
    assert!(checked.body.contains("2 created") && checked.body.contains("2 rejected"), "{}", checked.body);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM people").await, 0, "a dry run keeps nobody");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM buildings").await, 0, "nor any building");

    // Imported by the background job; the file goes once it is in.
    let go = admin.post_form(&at, &with(&[("action", "import")])).await;
    assert_eq!(go.status(), StatusCode::SEE_OTHER, "{}", go.body);
    let done = until(&mut admin, &at, "Imported.").await;
    assert!(done.body.contains("4 rows read as a spreadsheet: 2 created, 0 updated, 0 unchanged, 2 rejected"), "{}", done.body);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM people").await, 2);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM units").await, 2, "Ann's and Bob's flats in Bevan Court");
    let files: Vec<String> = std::fs::read_dir(app.uploads.path().join("uploads"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(files.len() == 1 && files[0].ends_with(".bad.csv"), "only the bad rows stay: {files:?}");
    let again = admin.post_form(&at, &with(&[("action", "import")])).await;
    assert_eq!(again.status(), StatusCode::BAD_REQUEST, "an imported upload cannot run again: {}", again.body);

    // The bad rows download, formulas defused, and the download is audited.
    let bad =
        done.body.split("href=\"").find(|s| s.starts_with(&format!("{at}/errors.csv"))).map(|s| s.split('"').next().unwrap().to_string());
    let bad = admin.get(bad.expect("a link to the bad rows")).await;
    assert_eq!(bad.status(), StatusCode::OK);
    assert!(bad.body.starts_with("row,outcome,reason,Name,Surname"), "{}", bad.body);
    assert!(bad.body.contains("\n3,rejected,") && bad.body.contains("'=1+1") && bad.body.contains("'=2+2"), "{}", bad.body);
    assert!(admin.audit(SLUG).await.body.contains("bad rows of tenants.csv"));
    let list = admin.get(paths::imports(SLUG)).await;
    assert!(list.body.contains("tenants.csv") && list.body.contains("Imported"), "{}", list.body);

    // Nobody else reaches an upload: not an organiser, not a volunteer, not another group's admin.
    let id = at.rsplit('/').next().unwrap().to_string();
    let mut organiser = app.signed_in(&group, "org@example.org", Role::Organiser).await;
    let mut volunteer = app.signed_in(&group, "vol@example.org", Role::Volunteer).await;
    for c in [&mut organiser, &mut volunteer] {
        assert_eq!(c.get(paths::imports(SLUG)).await.status(), StatusCode::NOT_FOUND);
        assert_eq!(c.get(&at).await.status(), StatusCode::NOT_FOUND);
        assert_eq!(c.get(paths::import_errors(SLUG, &id)).await.status(), StatusCode::NOT_FOUND);
        c.get(paths::dashboard(SLUG)).await;
        assert_eq!(c.post_file(paths::imports(SLUG), "x.csv", TENANTS.as_bytes().to_vec()).await.status(), StatusCode::NOT_FOUND);
    }
    let elsewhere = app.group("Heol Las Tenants", None).await;
    let mut them = app.signed_in(&elsewhere, "theirs@example.org", Role::Admin).await;
    them.get(paths::imports("heol-las-tenants")).await;
    assert_eq!(them.get(paths::import("heol-las-tenants", &id)).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(them.get(paths::import_errors("heol-las-tenants", &id)).await.status(), StatusCode::NOT_FOUND);
    assert!(!them.get(paths::imports("heol-las-tenants")).await.body.contains("tenants.csv"));

    // An upload can be thrown away, file and all; one that was imported keeps only its bad rows until then.
    let spare = admin.post_file(paths::imports(SLUG), "spare.csv", TENANTS.as_bytes().to_vec()).await;
    let spare_at = spare.location.clone().unwrap();
    let spare_id = spare_at.rsplit('/').next().unwrap().to_string();
    assert!(app.uploads.path().join("uploads").join(format!("{spare_id}.csv")).exists());
    let gone = admin.post_form(paths::import_delete(SLUG, &spare_id), &[]).await;
    assert_eq!(gone.status(), StatusCode::SEE_OTHER, "{}", gone.body);
    assert!(!app.uploads.path().join("uploads").join(format!("{spare_id}.csv")).exists());
    assert_eq!(admin.get(&spare_at).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(them.post_form(paths::import_delete("heol-las-tenants", &id), &[]).await.status(), StatusCode::NOT_FOUND);

    // An upload whose form did not come from Tredegar is refused.
    admin.csrf = "0".repeat(64);
    assert_eq!(admin.post_file(paths::imports(SLUG), "tenants.csv", TENANTS.as_bytes().to_vec()).await.status(), StatusCode::FORBIDDEN);
}

/// Erasure leaves no copy on disk: an upload waiting to be imported that
/// holds the person's email or phone is deleted with them (and so cannot
/// bring them back); one that does not hold them stays.
async fn erasing_someone_deletes_the_uploads_that_hold_them(app: TestApp) {
    let group = app.group("Brookfield Estate", None).await;
    let organiser = app.user(&group, "org@example.org", Role::Organiser).await;
    let api = app.api(&app.token(&group, organiser).await);
    let ann = api.person("Ann", "ann@example.org").await;
    let (s, cai) =
        api.post("people", serde_json::json!({"person": {"given_name": "Cai", "phone_numbers": [{"number": "07700 900555"}]}})).await;
    assert_eq!(s, StatusCode::OK, "{cai}");
    let cai = crate::helpers::id_of(&cai);
    let mut admin = app.signed_in(&group, "admin@example.org", Role::Admin).await;
    let files = [
        ("ann.csv", "Name,Email\r\nAnn,Ann <ANN@example.org>\r\nBob,bob@example.org\r\n"),
        ("cai.csv", "Name,Mob\r\nCai,+44 7700 900555\r\n"),
        ("dee.csv", "Name,Email\r\nDee,dee@example.org\r\n"),
        // Whole addresses only: Joann's is not Ann's.
        ("joann.csv", "Name,Email\r\nJo,joann@example.org.uk\r\n"),
    ];
    for (name, text) in files {
        admin.get(paths::imports(SLUG)).await;
        let sent = admin.post_file(paths::imports(SLUG), name, text.as_bytes().to_vec()).await;
        assert_eq!(sent.status(), StatusCode::SEE_OTHER, "{}", sent.body);
    }
    let on_disk = || std::fs::read_dir(app.uploads.path().join("uploads")).map_or(0, |d| d.count());
    assert_eq!(on_disk(), 4);

    for (who, left) in [(&ann, 3), (&cai, 2)] {
        let who: tredegar_domain::PersonId = who.parse().unwrap();
        admin.get(paths::person_delete(SLUG, who)).await;
        let gone = admin.post_form(paths::person_delete(SLUG, who), &[]).await;
        assert_eq!(gone.status(), StatusCode::SEE_OTHER, "{}", gone.body);
        let people = admin.get(gone.location.clone().unwrap()).await;
        assert!(people.body.contains("with the files uploaded for import that held their email or phone"), "{}", people.body);
        assert_eq!(on_disk(), left);
        assert_eq!(count(&app, "SELECT COUNT(*) FROM import_uploads").await, left as i64);
    }
    let list = admin.get(paths::imports(SLUG)).await;
    assert!(list.body.contains("dee.csv") && list.body.contains("joann.csv") && !list.body.contains(">ann.csv"), "{}", list.body);
    assert!(!list.body.contains("cai.csv"), "{}", list.body);
    // Deleted by hand, one is gone, and the page says so.
    let at = format!("{}/", paths::imports(SLUG));
    let dee = list.body.split(&format!("href=\"{at}")).nth(1).and_then(|s| s.split('"').next()).expect("a link to the upload");
    let dee: tredegar_domain::UploadId = dee.parse().unwrap();
    let removed = admin.post_form(paths::import_delete(SLUG, dee), &[]).await;
    assert_eq!(removed.status(), StatusCode::SEE_OTHER, "{}", removed.body);
    let list = admin.get(removed.location.unwrap()).await;
    assert!(list.body.contains("Removed."), "{}", list.body);
    assert_eq!(on_disk(), 1);
}
