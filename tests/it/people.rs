//! People through the pages: add, view, edit, search, page, export, merge,
//! custom fields, and every kind of bad input.

use reqwest::StatusCode;
use tredegar_domain::Role;

use tredegar_web::paths;

use crate::helpers::{Client, TestApp, count};

crate::on_both_backends!(
    add_view_edit_and_search_people,
    bad_input_is_named_and_nothing_is_stored,
    a_duplicate_email_points_to_the_person_who_has_it,
    a_body_over_the_limit_is_refused,
    lists_are_paged_and_exported_as_csv_with_an_audit_line,
    merging_keeps_both_histories,
    custom_fields_are_checked_by_kind,
    deleting_a_person_leaves_only_an_id_in_the_audit_log,
    the_people_export_carries_every_field,
    a_volunteer_is_offered_for_assignment_until_assigned,
);

fn id_from_location(location: &str) -> String {
    location.split('/').nth(4).unwrap().split('?').next().unwrap().to_string()
}

async fn add(c: &mut Client, slug: &str, fields: &[(&str, &str)]) -> String {
    c.new_person(slug).await;
    let r = c.post_people(slug, fields).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", r.body);
    id_from_location(r.location.as_deref().unwrap())
}

async fn add_view_edit_and_search_people(app: TestApp) {
    let group = app.group("Brookfield Estate", None).await;
    let mut c = app.signed_in(&group, "org@example.org", Role::Organiser).await;
    let id = add(
        &mut c,
        "brookfield-estate",
        &[
            ("given_name", "Bronwen"),
            ("family_name", "Davies"),
            ("email_0", "Bron@Example.org"),
            ("email_status_0", "subscribed"),
            ("phone_0", "07700 900123"),
            ("phone_type_0", "mobile"),
            ("address_lines_0", "Flat 12, Attlee House"),
            ("locality_0", "Tredegar"),
            ("postcode_0", "np22 3aa"),
            ("languages", "English, Welsh"),
        ],
    )
    .await;
    let show = c.get(&format!("{}?notice=added", paths::person("brookfield-estate", &id))).await;
    assert_eq!(show.status(), StatusCode::OK);
    for text in
        ["Bronwen Davies", "Bron@Example.org", "07700 900123", "Flat 12, Attlee House, Tredegar, NP22 3AA", "English, Welsh", "Added."]
    {
        assert!(show.body.contains(text), "{text} in {}", show.body);
    }

    let edit = c.person_edit("brookfield-estate", &id).await;
    assert!(edit.body.contains("value=\"Bronwen\""));
    let r = c
        .post_form(
            &paths::person("brookfield-estate", &id),
            &[("given_name", "Bron"), ("family_name", "Davies"), ("email_0", "bron@example.org"), ("phone_0", "07700 900123")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", r.body);
    let show = c.follow(&r).await;
    assert!(show.body.contains("Bron Davies") && show.body.contains("Saved."));
    assert!(!show.body.contains("Attlee House"), "an address left empty is removed");
    assert!(show.body.contains("Details edited"), "history");

    add(
        &mut c,
        "brookfield-estate",
        &[("given_name", "Gareth"), ("family_name", "Jones"), ("email_0", "gj@example.org"), ("postcode_0", "NP22 4BB")],
    )
    .await;
    for (q, expect, not) in [
        ("bro", "Bron Davies", "Gareth"),
        ("davi", "Bron Davies", "Gareth"),
        ("gj@ex", "Gareth Jones", "Bron"),
        ("07700 900", "Bron Davies", "Gareth"),
        ("+447700900123", "Bron Davies", "Gareth"),
        ("np22 4", "Gareth Jones", "Bron"),
    ] {
        let page = c.get(&format!("{}?q={}", paths::people("brookfield-estate"), q.replace('+', "%2B").replace(' ', "+"))).await;
        assert!(page.body.contains(expect) && !page.body.contains(not), "search {q}: {}", page.body);
        assert!(page.body.contains("1 person matching"), "search {q}");
    }
    // Matched by given and by family name, counted and listed once.
    add(&mut c, "brookfield-estate", &[("given_name", "Morgan"), ("family_name", "Morgan")]).await;
    let page = c.get(format!("{}?q=morg", paths::people("brookfield-estate"))).await;
    assert!(page.body.contains("1 person matching") && page.body.matches(">Morgan Morgan<").count() == 1, "{}", page.body);
    let nobody = c.get(format!("{}?q=zzz", paths::people("brookfield-estate"))).await;
    assert!(nobody.body.contains("Nobody matches that search"));
    // A page of people, with their contact details, is in the audit log.
    let audit = app.signed_in(&group, "admin@example.org", Role::Admin).await.audit("brookfield-estate").await;
    assert!(audit.body.contains("listed on the people page"), "{}", audit.body);
}

async fn people_count(c: &mut Client, slug: &str) -> String {
    let page = c.people(slug).await;
    let at = page.body.find("class=\"count\"").unwrap();
    page.body[at..].split('>').nth(1).unwrap().split('<').next().unwrap().trim().to_string()
}

async fn bad_input_is_named_and_nothing_is_stored(app: TestApp) {
    let group = app.group("Brookfield Estate", None).await;
    let mut c = app.signed_in(&group, "org@example.org", Role::Organiser).await;
    let scope = app.scope(app.user(&group, "org@example.org", Role::Organiser).await, &group).await;
    let mut tx = app.db.write().await.unwrap();
    tredegar_db::fields::create(&mut tx, &scope, "joined", "Date joined", &tredegar_domain::people::FieldKind::Date, chrono::Utc::now())
        .await
        .unwrap();
    tx.commit().await.unwrap();

    c.new_person("brookfield-estate").await;
    let r = c
        .post_form(
            paths::people("brookfield-estate"),
            &[
                ("given_name", "Ann"),
                ("email_0", "ann@"),
                ("phone_0", "call me maybe"),
                ("postcode_0", "!!"),
                ("address_lines_0", "Flat 3\u{7}\u{1b}[31m"),
                ("custom_joined", "2026-02-30"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    for msg in [
        "Email 1: must look like name@example.org",
        "Phone 1: must contain only digits",
        "Address: must be one line, without control characters",
        "Postcode: must contain only letters",
        "Date joined: must be a real date written YYYY-MM-DD (got &#39;2026-02-30&#39;)",
    ] {
        assert!(r.body.contains(msg), "{msg} in {}", r.body);
    }
    assert!(r.body.contains("value=\"Ann\""), "what was typed is kept");
    assert!(r.body.contains("href=\"#email_0\""), "summary links to the field");
    let nobody = c.post_people("brookfield-estate", &[("given_name", "")]).await;
    assert!(nobody.body.contains("enter a name, an email address or a phone number"));
    assert_eq!(people_count(&mut c, "brookfield-estate").await, "0 people");

    // An edit with bad input leaves the stored person as they were.
    let id = add(&mut c, "brookfield-estate", &[("given_name", "Ann"), ("email_0", "ann@example.org")]).await;
    c.person_edit("brookfield-estate", &id).await;
    let r = c.post_person("brookfield-estate", &id, &[("given_name", "Changed"), ("email_0", "not an email")]).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let show = c.person("brookfield-estate", &id).await;
    assert!(show.body.contains("ann@example.org") && !show.body.contains("Changed"));
}

async fn a_duplicate_email_points_to_the_person_who_has_it(app: TestApp) {
    let group = app.group("Brookfield Estate", None).await;
    let mut c = app.signed_in(&group, "org@example.org", Role::Organiser).await;
    let first =
        add(&mut c, "brookfield-estate", &[("given_name", "Ann"), ("email_0", "ann@example.org"), ("phone_0", "07700 900001")]).await;
    c.new_person("brookfield-estate").await;
    let r = c.post_people("brookfield-estate", &[("given_name", "Annie"), ("email_0", "ANN@example.org")]).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(r.body.contains("ANN@example.org already belongs to someone else in this group"), "{}", r.body);
    assert!(r.body.contains(&format!("href=\"{}\"", paths::person("brookfield-estate", &first))), "links to the existing person");
    let r = c.post_people("brookfield-estate", &[("given_name", "Annie"), ("phone_0", "+44 7700 900001")]).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST, "the same number written differently");
    // Every duplicate is reported at once.
    let r = c
        .post_form(
            paths::people("brookfield-estate"),
            &[("given_name", "Annie"), ("email_0", "ann@example.org"), ("phone_0", "07700900001")],
        )
        .await;
    assert!(
        r.body.contains("Email 1: ann@example.org already belongs") && r.body.contains("Phone 1: 07700900001 already belongs"),
        "{}",
        r.body
    );
    assert_eq!(people_count(&mut c, "brookfield-estate").await, "1 person");
    // The person's page makes email and phone one tap away.
    let show = c.person("brookfield-estate", &first).await;
    assert!(show.body.contains("href=\"mailto:ann@example.org\"") && show.body.contains("href=\"tel:+447700900001\""), "{}", show.body);
    // A new email is not subscribed unless someone says so; a second email and phone are always there to fill in.
    let form = c.new_person("brookfield-estate").await;
    assert!(form.body.contains("name=\"email_1\"") && form.body.contains("name=\"phone_1\""));
    assert!(form.body.contains("<option value=\"unsubscribed\" selected>Not subscribed</option>"), "{}", form.body);
    assert!(form.body.contains("Subscribed: they agreed to hear from us"));
}

async fn a_body_over_the_limit_is_refused(app: TestApp) {
    let group = app.group("Brookfield Estate", None).await;
    let mut c = app.signed_in(&group, "org@example.org", Role::Organiser).await;
    c.new_person("brookfield-estate").await;
    let huge = "x".repeat(100 * 1024);
    let r = c.post_people("brookfield-estate", &[("given_name", &huge)]).await;
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert!(r.body.contains("too large"));
    let user = app.user(&group, "org@example.org", Role::Organiser).await;
    let api = app.api(&app.token(&group, user).await);
    let (s, body) =
        api.post("people", serde_json::json!({"person": {"given_name": huge, "email_addresses": [{"address": "a@example.org"}]}})).await;
    assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(body["error"].as_str().unwrap().contains("too large"));
    assert_eq!(people_count(&mut c, "brookfield-estate").await, "0 people");
}

async fn lists_are_paged_and_exported_as_csv_with_an_audit_line(app: TestApp) {
    let group = app.group("Brookfield Estate", None).await;
    let mut c = app.signed_in(&group, "org@example.org", Role::Organiser).await;
    let user = app.user(&group, "org@example.org", Role::Organiser).await;
    let api = app.api(&app.token(&group, user).await);
    for i in 0..55 {
        api.person(&format!("Resident{i:02}"), &format!("r{i}@example.org")).await;
    }
    let first = c.people("brookfield-estate").await;
    assert!(first.body.contains("55 people") && first.body.contains("Page 1 of 2") && first.body.contains("Resident00"));
    assert!(!first.body.contains("Resident54"));
    let second = c.get(format!("{}?q=&page=2", paths::people("brookfield-estate"))).await;
    assert!(second.body.contains("Resident54") && !second.body.contains("Resident00"));
    let past = c.get(format!("{}?page=9", paths::people("brookfield-estate"))).await;
    assert!(past.body.contains("past the end of the list") && !past.body.contains("No people yet"), "{}", past.body);
    assert!(past.body.contains("Past the end: there are 2 pages") && past.body.contains("page=2\" rel=\"prev\""), "{}", past.body);
    let typo = c.get(format!("{}?page=abc", paths::people("brookfield-estate"))).await;
    assert_eq!(typo.status(), StatusCode::BAD_REQUEST);
    assert!(typo.body.contains("Check the address") && !typo.body.contains("Go back to the form"), "{}", typo.body);

    let csv = c.http.get(format!("{}/g/brookfield-estate/people.csv?q=resident1", app.url)).send().await.unwrap();
    assert_eq!(csv.status(), StatusCode::OK);
    assert!(csv.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
    let text = csv.text().await.unwrap();
    assert!(text.starts_with("\u{feff}id,given_name,family_name,emails,phones,addresses,languages,tags,"), "{text}");
    assert_eq!(text.lines().count(), 11, "header and Resident10..19: {text}");
    let all = c.http.get(format!("{}/g/brookfield-estate/people.csv", app.url)).send().await.unwrap().text().await.unwrap();
    assert_eq!(all.lines().count(), 56, "everyone, streamed");
    assert!(all.lines().nth(1).unwrap().contains(",Resident00,") && all.lines().last().unwrap().contains(",Resident54,"));
    let audit = c.audit("brookfield-estate").await;
    assert_eq!(audit.status(), StatusCode::NOT_FOUND, "organisers do not read the audit log");
    let mut admin = app.signed_in(&group, "admin@example.org", Role::Admin).await;
    let audit = admin.audit("brookfield-estate").await;
    assert!(audit.body.contains("export") && audit.body.contains("10 people matching a search"), "{}", audit.body);

    // A long audit log exports whole.
    let scope = app.scope(user, &group).await;
    let mut tx = app.db.write().await.unwrap();
    for i in 0..600 {
        tredegar_db::audit::record(&mut tx, &scope, tredegar_domain::AuditAction::View, &format!("person {i}"), "", chrono::Utc::now())
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
    let csv = admin.http.get(format!("{}/g/brookfield-estate/audit.csv", app.url)).send().await.unwrap().text().await.unwrap();
    assert!(csv.lines().count() > 600, "{} lines", csv.lines().count());
    let audit = admin.audit("brookfield-estate").await;
    let next = format!("href=\"{}?page=2\" rel=\"next\">Older</a>", paths::audit("brookfield-estate"));
    assert!(audit.body.contains("Page 1 of 7") && audit.body.contains(&next));
    let last = admin.get(format!("{}?page=7", paths::audit("brookfield-estate"))).await;
    assert!(last.body.contains("audit?page=6\" rel=\"prev\">Newer</a>") && !last.body.contains(">Older<"));
}

async fn merging_keeps_both_histories(app: TestApp) {
    let group = app.group("Brookfield Estate", None).await;
    let mut c = app.signed_in(&group, "org@example.org", Role::Organiser).await;
    let keep = add(&mut c, "brookfield-estate", &[("given_name", "Olu"), ("family_name", "Okafor"), ("email_0", "olu@example.org")]).await;
    let other = add(&mut c, "brookfield-estate", &[("family_name", "Okafor"), ("phone_0", "07700 900555"), ("languages", "Yoruba")]).await;
    c.person("brookfield-estate", &other).await;
    c.post_person_tags("brookfield-estate", &other, &[("name", "Rent strike pledge")]).await;

    let search = c.get(&format!("{}?q=okafor", paths::person_merge("brookfield-estate", &keep))).await;
    assert!(search.body.contains(&format!("/merge/{other}")) && !search.body.contains(&format!("/merge/{keep}\"")));
    let confirm = c.person_merge_with("brookfield-estate", &keep, &other).await;
    assert!(confirm.body.contains("will be merged into"));
    let r = c.post_person_merge_with("brookfield-estate", &keep, &other, &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let show = c.follow(&r).await;
    for text in [
        "olu@example.org",
        "07700 900555",
        "Yoruba",
        "Rent strike pledge",
        "Merged with Okafor",
        "Tagged Rent strike pledge",
        "Added to the database",
    ] {
        assert!(show.body.contains(text), "{text} after merge");
    }
    assert_eq!(show.body.matches("Added to the database").count(), 2, "both people's histories");
    let tag = show.body.split("/tags/").nth(1).unwrap().split('/').next().unwrap().to_string();
    let r = c.post_person_tag_remove("brookfield-estate", &keep, &tag, &[]).await;
    let show = c.follow(&r).await;
    assert!(show.body.contains("Tag Rent strike pledge removed") && !show.body.contains("<span class=\"badge\">Rent strike pledge</span>"));
    assert_eq!(c.person("brookfield-estate", &other).await.status(), StatusCode::NOT_FOUND);
}

async fn custom_fields_are_checked_by_kind(app: TestApp) {
    let group = app.group("Brookfield Estate", None).await;
    let mut admin = app.signed_in(&group, "admin@example.org", Role::Admin).await;
    admin.settings("brookfield-estate").await;
    let r = admin.post_fields("brookfield-estate", &[("label", "Tenancy"), ("kind", "choice"), ("choices", "")]).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(r.body.contains("list at least one choice"));
    for (label, kind, choices) in
        [("Tenancy", "choice", "Council\nPrivate"), ("Rooms", "number", ""), ("Joined", "date", ""), ("Landlord", "text", "")]
    {
        let r = admin.post_fields("brookfield-estate", &[("label", label), ("kind", kind), ("choices", choices)]).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{label}: {}", r.body);
    }
    let form = admin.new_person("brookfield-estate").await;
    assert!(form.body.contains("id=\"custom_joined\" name=\"custom_joined\" type=\"date\""));
    let bad = admin.post_people("brookfield-estate", &[("given_name", "Ann"), ("custom_tenancy", "Squat"), ("custom_rooms", "two")]).await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("must be one of: Council, Private") && bad.body.contains("must be a number"));
    let id = add(
        &mut admin,
        "brookfield-estate",
        &[
            ("given_name", "Ann"),
            ("custom_tenancy", "private"),
            ("custom_rooms", "2"),
            ("custom_joined", "2026-03-01"),
            ("custom_landlord", "Acme Lettings"),
        ],
    )
    .await;
    let show = admin.person("brookfield-estate", &id).await;
    assert!(show.body.contains("<dt>Tenancy</dt>"), "values are shown under their labels");
    for v in ["Private", "1 Mar 2026", "Acme Lettings"] {
        assert!(show.body.contains(v), "{v}");
    }
}

async fn deleting_a_person_leaves_only_an_id_in_the_audit_log(app: TestApp) {
    let group = app.group("Brookfield Estate", None).await;
    let mut c = app.signed_in(&group, "admin@example.org", Role::Admin).await;
    let id = add(&mut c, "brookfield-estate", &[("given_name", "Zebedee"), ("email_0", "zeb@example.org")]).await;
    c.person("brookfield-estate", &id).await;
    assert!(count(&app, "SELECT COUNT(*) FROM person_terms").await > 1, "Zebedee is found by his name and email");
    let confirm = c.person_delete("brookfield-estate", &id).await;
    assert!(confirm.body.contains("It cannot be undone"));
    let r = c.post_person_delete("brookfield-estate", &id, &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(c.person("brookfield-estate", &id).await.status(), StatusCode::NOT_FOUND);
    let members = c.http.get(format!("{}/g/brookfield-estate/members.csv", app.url)).send().await.unwrap().text().await.unwrap();
    assert!(members.starts_with("\u{feff}id,name,email,role") && members.contains("admin@example.org,admin"), "{members}");
    let audit = c.audit("brookfield-estate").await;
    assert!(audit.body.contains("view") && audit.body.contains("delete") && audit.body.contains(&format!("person {id}")));
    assert!(audit.body.contains("1 members"), "the members export is audited");
    assert!(!audit.body.contains("Zebedee") && !audit.body.contains("zeb@"), "erasure leaves no name in the audit log");
    let mut tx = app.db.read().await.unwrap();
    let scope = app.scope(app.user(&group, "admin@example.org", Role::Admin).await, &group).await;
    let found =
        tredegar_db::people::find_match(&mut tx, &scope, Some(&tredegar_domain::Email::parse("e", "zeb@example.org").unwrap()), None)
            .await
            .unwrap();
    assert!(found.is_none(), "erasure is a real delete");
    // The search terms have no foreign key: a trigger takes them with the person.
    assert_eq!(count(&app, "SELECT COUNT(*) FROM person_terms").await, 0, "no search term outlives its person");
    // Nor is there a copy left in any of SQLite's files: the database, the
    // audit log's, or their write-ahead logs.
    if let Some(path) = tredegar_db::sqlite_path(&app.db_url) {
        let dir = std::path::Path::new(path).parent().unwrap();
        for file in std::fs::read_dir(dir).unwrap().filter_map(Result::ok) {
            let bytes = std::fs::read(file.path()).unwrap_or_default();
            let has = |needle: &[u8]| bytes.windows(needle.len()).any(|w| w == needle);
            assert!(!has(b"Zebedee") && !has(b"zeb@example.org"), "{:?} still holds the erased person", file.file_name());
        }
    }
}

async fn the_people_export_carries_every_field(app: TestApp) {
    let group = app.group("Brookfield Estate", None).await;
    let admin_id = app.user(&group, "admin@example.org", Role::Admin).await;
    let api = app.api(&app.token(&group, admin_id).await);
    api.post("tags", serde_json::json!({"name": "Rent strike"})).await;
    let (s, p) = api
        .post(
            "people",
            serde_json::json!({
                "person": {
                    "given_name": "Siân", "family_name": "Jones",
                    "email_addresses": [{"address": "sian@example.org"}, {"address": "sj@example.org", "status": "unsubscribed"}],
                    "phone_numbers": [{"number": "07700 900123", "number_type": "home"}],
                    "postal_addresses": [{"address_lines": ["Flat 3", "Bevan Court"], "locality": "Tredegar", "postal_code": "NP22 3AA"}],
                    "languages_spoken": ["Welsh", "English"],
                    "custom_fields": {"tenancy": "council"}
                },
                "add_tags": ["Rent strike"]
            }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{p}");
    let c = app.signed_in(&group, "admin@example.org", Role::Admin).await;
    let csv = c.http.get(format!("{}{}", app.url, paths::people_csv("brookfield-estate"))).send().await.unwrap();
    let bytes = csv.bytes().await.unwrap();
    assert!(bytes.starts_with("\u{feff}".as_bytes()), "a byte-order mark, so spreadsheets read UTF-8");
    let text = String::from_utf8(bytes.to_vec()).unwrap();
    let mut lines = text.trim_start_matches('\u{feff}').lines();
    assert_eq!(lines.next(), Some("id,given_name,family_name,emails,phones,addresses,languages,tags,tenancy,created,modified"));
    let row = lines.next().unwrap();
    for part in [
        ",Siân,Jones,",
        "sian@example.org (subscribed); sj@example.org (unsubscribed)",
        "07700 900123 (home, unsubscribed)",
        "\"Flat 3, Bevan Court, Tredegar, NP22 3AA\"",
        "\"Welsh, English\"",
        ",Rent strike,council,",
    ] {
        assert!(row.contains(part), "{part} in {row}");
    }
    let created = row.rsplit(',').nth(1).unwrap();
    assert!(created.len() == 20 && created.ends_with('Z'), "ISO 8601 to the second: {created}");
}

/// The "Assign to a volunteer" menu offers only volunteers not yet assigned.
async fn a_volunteer_is_offered_for_assignment_until_assigned(app: TestApp) {
    let group = app.group("Brookfield Estate", None).await;
    let mut c = app.signed_in(&group, "org@example.org", Role::Organiser).await;
    let vera = app.user(&group, "vera@example.org", Role::Volunteer).await;
    let will = app.user(&group, "will@example.org", Role::Volunteer).await;
    let id = add(&mut c, "brookfield-estate", &[("given_name", "Bronwen"), ("family_name", "Davies")]).await;
    let offered = |body: &str, user: tredegar_domain::UserId| body.contains(&format!("<option value=\"{user}\">"));
    let before = c.person("brookfield-estate", &id).await;
    assert!(offered(&before.body, vera) && offered(&before.body, will), "{}", before.body);
    let r = c.post_person_assign("brookfield-estate", &id, &[("user", &vera.to_string())]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", r.body);
    let after = c.person("brookfield-estate", &id).await;
    assert!(after.body.contains("vera@example.org"), "Vera is listed as assigned");
    assert!(!offered(&after.body, vera), "Vera is not offered again: {}", after.body);
    assert!(offered(&after.body, will), "Will still is");
}
