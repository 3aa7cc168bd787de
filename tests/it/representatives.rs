//! Representatives held to their word: adding one, their pledges with a
//! status history, their record and the scorecard worked out from it; a
//! campaign's demands with theirs; turn-ups from an event's check-in; the
//! Democracy Club and generic imports; the API; and public pages that never
//! show private data.

use chrono::{Duration, Utc};
use reqwest::StatusCode;
use tredegar_domain::Role;
use tredegar_web::paths;

use crate::helpers::{Client, TestApp, count};
use crate::places::made;

crate::on_both_backends!(
    pledges_and_records_make_a_scorecard,
    representatives_load_from_democracy_club_and_generic_files,
    public_pages_show_only_public_data,
    a_representative_checked_in_at_an_event_turns_up
);

const SLUG: &str = "brookfield-estate";

/// Add a representative through the form; their id.
pub(crate) async fn add_rep(org: &mut Client, name: &str, public: bool) -> String {
    org.get(paths::representatives(SLUG)).await;
    let mut form =
        vec![("name", name), ("party", "Labour"), ("kind", "councillor"), ("post", "Tredegar Central"), ("body", "Blaenau Gwent Council")];
    if public {
        form.push(("is_public", "on"));
    }
    made(&org.post_form(paths::representatives(SLUG), &form).await)
}

pub(crate) async fn add_campaign(org: &mut Client, title: &str, public: bool) -> String {
    org.campaigns(SLUG).await;
    let mut form = vec![("title", title), ("description", "Refurbish, don't demolish."), ("status", "active")];
    if public {
        form.push(("is_public", "on"));
    }
    made(&org.post_campaigns(SLUG, &form).await)
}

/// The pledge ids on a representative's page, in its order.
fn pledge_ids(body: &str) -> Vec<String> {
    body.split("/pledges/").skip(1).map(|s| s.chars().take(36).collect()).collect()
}

pub(crate) async fn vote(org: &mut Client, rep: &str, campaign: &str, how: &str, wanted: &str, title: &str) {
    let fields = [("kind", "vote"), ("on_date", "2026-03-04"), ("title", title), ("vote", how), ("wanted", wanted), ("campaign", campaign)];
    let r = org.post_form(paths::representative_records(SLUG, rep), &fields).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", r.body);
}

async fn pledges_and_records_make_a_scorecard(app: TestApp) {
    let group = app.group("Brookfield Estate", None).await;
    let organiser = app.user(&group, "org@example.org", Role::Organiser).await;
    let mut org = app.signed_in(&group, "org@example.org", Role::Organiser).await;

    // Bad input names each field; nothing is stored.
    org.get(paths::representatives(SLUG)).await;
    let bad = org
        .post_form(
            paths::representatives(SLUG),
            &[("name", ""), ("kind", "king"), ("email", "nope"), ("term_from", "2027-05-01"), ("term_to", "2022-05-05")],
        )
        .await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    for said in ["Name: must not be empty", "Kind: must be one of", "Email:", "Term until: is before the term starts"] {
        assert!(bad.body.contains(said), "{said}: {}", bad.body);
    }
    assert_eq!(count(&app, "SELECT COUNT(*) FROM representatives").await, 0);

    let rep = add_rep(&mut org, "Dai Morgan", false).await;
    let termed = [
        ("name", "Dai Morgan"),
        ("party", "Labour"),
        ("kind", "councillor"),
        ("post", "Tredegar Central"),
        ("body", "Blaenau Gwent Council"),
        ("term_from", "2022-05-05"),
        ("term_to", "2027-05-06"),
    ];
    assert_eq!(org.post_form(paths::representative(SLUG, &rep), &termed).await.status(), StatusCode::SEE_OTHER);
    let page = org.representative(SLUG, &rep).await;
    assert!(page.body.contains("Councillor, Tredegar Central, Blaenau Gwent Council, 5 May 2022 to 6 May 2027"), "{}", page.body);
    let demolition = add_campaign(&mut org, "Stop the demolition", false).await;
    // A demand, and its status moved twice, each with its reason.
    org.campaign(SLUG, &demolition).await;
    let r = org.post_form(paths::campaign_demands(SLUG, &demolition), &[("text", "A ballot before any demolition")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = org.campaign(SLUG, &demolition).await;
    let demand: String = page.body.split("/demands/").nth(1).unwrap().chars().take(36).collect();
    let bad = org.post_form(paths::campaign_demand(SLUG, &demolition, &demand), &[("status", "won"), ("reason", "")]).await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("Reason: must not be empty"), "{}", bad.body);
    for (status, why) in [("partly_won", "The council agreed a consultation"), ("won", "Cabinet agreed a ballot")] {
        let r = org.post_form(paths::campaign_demand(SLUG, &demolition, &demand), &[("status", status), ("reason", why)]).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", r.body);
    }
    let page = org.campaign(SLUG, &demolition).await;
    let made_at = page.body.find("Demand made").unwrap();
    let partly = page.body.find("The council agreed a consultation").unwrap();
    let won = page.body.find("Cabinet agreed a ballot").unwrap();
    assert!(made_at < partly && partly < won, "the history is in order");

    // A pledge: bad input named, then two recorded.
    org.representative(SLUG, &rep).await;
    let bad = org
        .post_form(paths::representative_pledges(SLUG, &rep), &[("text", ""), ("made_on", "2199-01-01"), ("campaign", "not-an-id")])
        .await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    for said in ["Text: must not be empty", "is in the future", "Campaign: is not one of the choices"] {
        assert!(bad.body.contains(said), "{said}: {}", bad.body);
    }
    for text in ["I will oppose the demolition of Bevan Court", "I will hold a surgery on the estate"] {
        let fields =
            [("text", text), ("made_on", "2026-02-01"), ("source_url", "https://example.org/hustings"), ("demand", demand.as_str())];
        let r = org.post_form(paths::representative_pledges(SLUG, &rep), &fields).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", r.body);
    }
    let page = org.representative(SLUG, &rep).await;
    let ids = pledge_ids(&page.body);
    assert_eq!(ids.len(), 2, "{}", page.body);
    // The first is stalled, then broken; the second kept.
    let pledge = org.get(paths::pledge(SLUG, &ids[0])).await;
    assert!(pledge.body.contains("Pledge recorded") && pledge.body.contains("Not yet rated"));
    for (status, why) in [("stalled", "No word since February"), ("broken", "Voted for the demolition")] {
        let r = org
            .post_form(
                paths::pledge(SLUG, &ids[0]),
                &[("status", status), ("reason", why), ("evidence_url", "council.example.org/minutes")],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", r.body);
    }
    org.post_form(paths::pledge(SLUG, &ids[1]), &[("status", "kept"), ("reason", "Held it on 3 March")]).await;
    let bad = org.post_form(paths::pledge(SLUG, &ids[1]), &[("status", "forgotten"), ("reason", "x")]).await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    let history = org.get(paths::pledge(SLUG, &ids[0])).await;
    let at = |s: &str| history.body.find(s).unwrap_or_else(|| panic!("{s} in {}", history.body));
    assert!(at("Pledge recorded") < at("No word since February") && at("No word since February") < at("Voted for the demolition"));
    assert!(history.body.contains("https://council.example.org/minutes"));

    // Votes: two in line, one not, one absent: 2 of 3, 67%, generally for.
    vote(&mut org, &rep, &demolition, "against", "against", "Demolition plan, first reading").await;
    vote(&mut org, &rep, &demolition, "for", "for", "Ballot motion").await;
    vote(&mut org, &rep, &demolition, "for", "against", "Demolition plan, final vote").await;
    vote(&mut org, &rep, &demolition, "absent", "against", "Budget amendment").await;
    let bad = org
        .post_form(
            paths::representative_records(SLUG, &rep),
            &[("kind", "vote"), ("on_date", "2026-03-04"), ("title", "X"), ("vote", "maybe")],
        )
        .await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    assert!(
        bad.body.contains("How they voted: must be one of") && bad.body.contains("How the campaign wanted it: must be for or against"),
        "{}",
        bad.body
    );
    let page = org.get(format!("{}?focus=campaign:{demolition}", paths::representative(SLUG, &rep))).await;
    assert!(page.body.contains("67%") && page.body.contains("2 of 3 votes in line; absent 1"), "{}", page.body);
    assert!(
        page.body.contains("Generally voted for the campaign&#39;s position")
            || page.body.contains("Generally voted for the campaign's position")
    );
    // The campaign page carries the same scorecard, and the pledges on it.
    let page = org.campaign(SLUG, &demolition).await;
    assert!(page.body.contains("Dai Morgan") && page.body.contains("67%") && page.body.contains("I will oppose the demolition"));

    // The API: an organiser's token reads all three collections.
    let api = app.api(&app.token(&group, organiser).await);
    let (s, reps) = api.get("representatives").await;
    assert_eq!(s, StatusCode::OK, "{reps}");
    assert_eq!(reps["total_records"], 1);
    assert_eq!(reps["_embedded"]["tredegar:representatives"][0]["offices"][0]["post"], "Tredegar Central");
    let (_, pledges) = api.get("pledges?filter=status eq 'broken'").await;
    assert_eq!(pledges["total_records"], 1, "{pledges}");
    let broken = &pledges["_embedded"]["tredegar:pledges"][0];
    let statuses: Vec<&str> = broken["history"].as_array().unwrap().iter().map(|h| h["status"].as_str().unwrap()).collect();
    assert_eq!(statuses, ["not_yet_rated", "stalled", "broken"]);
    assert!(broken["_links"]["tredegar:representative"]["href"].as_str().unwrap().starts_with("http"));
    let (_, records) = api.get("records?per_page=2").await;
    assert_eq!((records["total_records"].as_i64(), records["total_pages"].as_i64()), (Some(4), Some(2)), "{records}");
    // A filtered collection's next page is filtered too.
    let (_, votes) = api.get("records?per_page=1&filter=kind eq 'vote'").await;
    let next = votes["_links"]["next"]["href"].as_str().unwrap();
    assert!(next.contains("page=2") && next.contains("filter=kind+eq+%27vote%27"), "{next}");
    let (s, bad) = api.get("records?filter=shoe_size eq '9'").await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{bad}");

    // A volunteer neither sees the pages nor reads the API; another group finds nothing.
    let vol = app.user(&group, "vol@example.org", Role::Volunteer).await;
    let mut volunteer = app.signed_in(&group, "vol@example.org", Role::Volunteer).await;
    assert_eq!(volunteer.representative(SLUG, &rep).await.status(), StatusCode::NOT_FOUND);
    let (s, _) = app.api(&app.token(&group, vol).await).get("pledges").await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let other = app.group("Heol Las Tenants", None).await;
    let theirs = app.user(&other, "theirs@example.org", Role::Organiser).await;
    let mut them = app.signed_in(&other, "theirs@example.org", Role::Organiser).await;
    assert_eq!(them.get(paths::representative("heol-las-tenants", &rep)).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(them.get(paths::pledge("heol-las-tenants", &ids[0])).await.status(), StatusCode::NOT_FOUND);
    them.get(paths::representatives("heol-las-tenants")).await;
    let r = them.post_form(paths::pledge("heol-las-tenants", &ids[0]), &[("status", "kept"), ("reason", "x")]).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let their_api = app.api(&app.token(&other, theirs).await);
    assert_eq!(their_api.get(&format!("pledges/{}", ids[0])).await.0, StatusCode::NOT_FOUND);
    assert_eq!(their_api.get("representatives").await.1["total_records"], 0);
    // A pledge recorded by mistake is deleted, by its own group only, and the audit log says so.
    assert_eq!(them.post_form(paths::pledge_delete("heol-las-tenants", &ids[1]), &[]).await.status(), StatusCode::NOT_FOUND);
    org.get(paths::pledge(SLUG, &ids[1])).await;
    assert_eq!(org.post_form(paths::pledge_delete(SLUG, &ids[1]), &[]).await.status(), StatusCode::SEE_OTHER);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM pledges").await, 1);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM audit_log WHERE action = 'delete' AND subject LIKE 'a pledge by%'").await, 1);
}

/// Run `tredegar import representatives`; what it printed.
fn import(app: &TestApp, file: &std::path::Path, args: &[&str]) -> String {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_tredegar"))
        .args(["import", "representatives"])
        .arg(file)
        .args(args)
        .env("TREDEGAR_DATABASE_URL", &app.db_url)
        .output()
        .unwrap();
    let said = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{said}");
    said
}

/// Democracy Club's candidates CSV, as it is published: more columns than
/// we read, a person in two ballots, a row repeated, and a broken row.
const DEMOCRACY_CLUB: &str = "\
person_id,person_name,election_id,ballot_paper_id,election_date,election_current,party_name,party_id,post_label,cancelled_poll,seats_contested,email,homepage_url,elected
70421,Ann Hughes,local.blaenau-gwent.2022-05-05,local.blaenau-gwent.tredegar-central-and-west.2022-05-05,2022-05-05,f,Labour Party,PP53,Tredegar Central and West,f,3,ann.hughes@example.gov.uk,,True
70422,Bryn Evans,local.blaenau-gwent.2022-05-05,local.blaenau-gwent.tredegar-central-and-west.2022-05-05,2022-05-05,f,Plaid Cymru - The Party of Wales,PP77,Tredegar Central and West,f,3,,https://bryn.example.org,False
70421,Ann Hughes,senedd.c.2026-05-07,senedd.c.blaenau-gwent-caerphilly-rhymney.2026-05-07,2026-05-07,t,Labour Party,PP53,Blaenau Gwent Caerffili Rhymni,f,6,,,
70421,Ann Hughes,senedd.c.2026-05-07,senedd.c.blaenau-gwent-caerphilly-rhymney.2026-05-07,2026-05-07,t,Labour Party,PP53,Blaenau Gwent Caerffili Rhymni,f,6,,,
,Nobody,parl.2024-07-04,parl.1,2024-07-04,f,,,,f,1,,,
";

async fn representatives_load_from_democracy_club_and_generic_files(app: TestApp) {
    let group = app.group("Brookfield Estate", None).await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("candidates.csv");
    std::fs::write(&file, DEMOCRACY_CLUB).unwrap();
    // Bryn was typed in by hand before: the file takes him over, never adds him twice.
    let mut org = app.signed_in(&group, "org@example.org", Role::Organiser).await;
    org.get(paths::representatives(SLUG)).await;
    let by_hand = [("name", "Bryn Evans"), ("kind", "councillor"), ("post", "Tredegar Central and West")];
    assert_eq!(org.post_form(paths::representatives(SLUG), &by_hand).await.status(), StatusCode::SEE_OTHER);
    let said = import(&app, &file, &["--group", "Brookfield Estate", "--format", "democracy-club"]);
    assert!(
        said.contains("1 representatives added, 1 updated; 1 rows could not be read") && said.contains("person_id: is empty"),
        "{said}"
    );
    assert_eq!(count(&app, "SELECT COUNT(*) FROM representatives").await, 2);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM representative_offices").await, 4);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM representative_offices WHERE elected IS NULL AND election_date IS NOT NULL").await, 1);
    // Again, with Ann's email changed and a new ballot for Bryn: updated, never duplicated.
    let again = DEMOCRACY_CLUB.replace("ann.hughes@example.gov.uk", "cllr.hughes@example.gov.uk")
        + "70422,Bryn Evans,parl.2024-07-04,parl.65900,2024-07-04,f,Plaid Cymru - The Party of Wales,PP77,Blaenau Gwent and Rhymney,f,1,,,False\n";
    std::fs::write(&file, again).unwrap();
    let said = import(&app, &file, &["--group", "brookfield-estate", "--format", "democracy-club"]);
    assert!(said.contains("0 representatives added, 2 updated"), "{said}");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM representatives").await, 2);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM representative_offices").await, 5);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM representatives WHERE email = 'cllr.hughes@example.gov.uk'").await, 1);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM representative_imports WHERE licence = 'CC BY-SA 4.0'").await, 2);

    // Ann's page lists both her ballots, and where the data came from.
    let list = org.get(paths::representatives(SLUG)).await;
    assert!(
        list.body.contains("Ann Hughes") && list.body.contains("candidates.csv") && list.body.contains("CC BY-SA 4.0"),
        "{}",
        list.body
    );
    let ann: String = list.body.split("/representatives/").skip(1).find(|s| !s.starts_with('"')).unwrap().chars().take(36).collect();
    let page = org.representative(SLUG, &ann).await;
    assert_eq!(page.status(), StatusCode::OK, "{ann}");
    assert!(
        page.body.contains("Councillor, Tredegar Central and West, Blaenau Gwent Council") && page.body.contains("Senedd"),
        "{}",
        page.body
    );
    // Saved unchanged from the edit form, she gains no office typed again.
    let edit = org.get(paths::representative_edit(SLUG, &ann)).await;
    let value = |name: &str| -> String {
        let at = edit.body.find(&format!("name=\"{name}\"")).unwrap();
        edit.body[at..].split("value=\"").nth(1).unwrap().split('"').next().unwrap().to_string()
    };
    let kind = edit.body.split(" selected>").next().unwrap().rsplit("value=\"").next().unwrap().split('"').next().unwrap().to_string();
    assert_eq!(kind, "member", "her latest office: the Senedd ballot");
    let form = [("name", value("name")), ("party", value("party")), ("kind", kind), ("post", value("post")), ("body", value("body"))];
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = org.post_form(paths::representative(SLUG, &ann), &form).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM representative_offices").await, 5);

    // A generic file with a mapping: a re-import updates by name and body.
    let generic = dir.path().join("councillors.csv");
    let mapping = dir.path().join("mapping.toml");
    std::fs::write(
        &mapping,
        "[columns]\n\"Cllr\" = \"name\"\n\"Group\" = \"party\"\n\"Seat\" = \"post\"\n\"Authority\" = \"body\"\n\"Mail\" = \"email\"\n",
    )
    .unwrap();
    let mut bytes = b"Cllr,Group,Seat,Authority,Mail\nDai Morgan,Labour,Georgetown,Blaenau Gwent Council,dai@example.gov.uk\nEve Price,Green,Sirhowy,Blaenau Gwent Council,not an email\n".to_vec();
    bytes.extend_from_slice(b"Fay \xff,Green,Sirhowy,Blaenau Gwent Council,\n");
    std::fs::write(&generic, bytes).unwrap();
    let args = ["--group", SLUG, "--format", "generic", "--mapping", mapping.to_str().unwrap(), "--licence", "OGL v3"];
    let said = import(&app, &generic, &args);
    assert!(said.contains("1 representatives added, 0 updated; 2 rows could not be read") && said.contains("is not UTF-8 text"), "{said}");
    let said = import(&app, &generic, &args);
    assert!(said.contains("0 representatives added, 1 updated"), "{said}");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM representatives WHERE source = 'generic' AND licence = 'OGL v3'").await, 1);
    // --on-error abort loads nothing when a row is bad.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_tredegar"))
        .args(["import", "representatives"])
        .arg(&generic)
        .args(args)
        .args(["--on-error", "abort"])
        .env("TREDEGAR_DATABASE_URL", &app.db_url)
        .output()
        .unwrap();
    assert!(!out.status.success() && String::from_utf8_lossy(&out.stderr).contains("nothing was loaded"));
    assert_eq!(count(&app, "SELECT COUNT(*) FROM representative_imports").await, 4);
}

async fn public_pages_show_only_public_data(app: TestApp) {
    let group = app.group("Brookfield Estate", None).await;
    let organiser = app.user(&group, "org@example.org", Role::Organiser).await;
    let api = app.api(&app.token(&group, organiser).await);
    let mut org = app.signed_in(&group, "org@example.org", Role::Organiser).await;
    // Private resident data, each value distinctive.
    let zeb = api.person("Zebedee", "zebedee.quartermain@example.org").await;
    let councillor = api.person("Ceridwen", "ceridwen.private@example.org").await;
    let campaign = add_campaign(&mut org, "Stop the demolition", true).await;
    let secret = add_campaign(&mut org, "Secret strategy Xylophone", false).await;
    org.person(SLUG, &zeb).await;
    let convo = [
        ("kind", "door_knock"),
        ("held_at", "2026-03-01T10:00"),
        ("notes", "Quokka-Sentinel says the landlord threatened her"),
        ("self_interest", "Marmoset-Ladder"),
        ("campaign", campaign.as_str()),
        ("level", "2"),
    ];
    let r = org.post_form(paths::person_conversations(SLUG, &zeb), &convo).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM conversations").await, 1);
    let rep = add_rep(&mut org, "Ceridwen Jones", true).await;
    let hidden = add_rep(&mut org, "Hidden Harri", false).await;
    org.representative(SLUG, &rep).await;
    assert_eq!(
        org.post_form(paths::representative_person(SLUG, &rep), &[("email", "ceridwen.private@example.org")]).await.status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(count(&app, "SELECT COUNT(*) FROM representatives WHERE person_id IS NOT NULL").await, 1);
    let _ = councillor;
    for (c, text) in [(&campaign, "I will oppose the demolition"), (&secret, "Pledge-Narwhal on the private campaign")] {
        let fields = [("text", text), ("made_on", "2026-02-01"), ("campaign", c.as_str())];
        let r = org.post_form(paths::representative_pledges(SLUG, &rep), &fields).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
    }
    vote(&mut org, &rep, &campaign, "for", "for", "Ballot motion").await;
    vote(&mut org, &rep, &secret, "against", "for", "Vote-Pangolin on the private campaign").await;

    let mut public = app.client();
    let page = public.get(paths::public_representative(&rep)).await;
    assert_eq!(page.status(), StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("Ceridwen Jones") && page.body.contains("Ballot motion") && page.body.contains("Stop the demolition"));
    // What is on the private campaign is neither shown nor counted.
    assert!(page.body.contains("1 of 1 votes in line") && !page.body.contains("of 2 votes"), "{}", page.body);
    let campaign_page = public.get(paths::public_campaign(&campaign)).await;
    assert_eq!(campaign_page.status(), StatusCode::OK);
    assert!(campaign_page.body.contains("Refurbish, don&#39;t demolish.") || campaign_page.body.contains("Refurbish, don't demolish."));
    for body in [&page.body, &campaign_page.body] {
        for private in [
            "Zebedee",
            "quartermain",
            "Quokka-Sentinel",
            "Marmoset-Ladder",
            "ceridwen.private",
            "Xylophone",
            "Hidden Harri",
            "Narwhal",
            "Pangolin",
            "csrf_token",
        ] {
            assert!(!body.contains(private), "{private} is on a public page");
        }
    }
    // What is not public is not found, and looks like nothing at all.
    for path in [paths::public_representative(&hidden), paths::public_campaign(&secret), paths::public_campaign("not-an-id")] {
        assert_eq!(public.get(&path).await.status(), StatusCode::NOT_FOUND, "{path}");
    }
}

async fn a_representative_checked_in_at_an_event_turns_up(app: TestApp) {
    let group = app.group("Brookfield Estate", None).await;
    let organiser = app.user(&group, "org@example.org", Role::Organiser).await;
    let api = app.api(&app.token(&group, organiser).await);
    let mut org = app.signed_in(&group, "org@example.org", Role::Organiser).await;
    let campaign = add_campaign(&mut org, "Stop the demolition", false).await;
    api.person("Ceridwen", "ceridwen@example.gov.uk").await;
    let rep = add_rep(&mut org, "Ceridwen Jones", false).await;
    org.representative(SLUG, &rep).await;
    org.post_form(paths::representative_person(SLUG, &rep), &[("email", "ceridwen@example.gov.uk")]).await;
    let unknown = org.post_form(paths::representative_person(SLUG, &rep), &[("email", "nobody@example.org")]).await;
    assert_eq!(unknown.status(), StatusCode::BAD_REQUEST);
    assert!(unknown.body.contains("is not the address of anyone in the group"));

    let mut form = crate::events::event_form(Utc::now() + Duration::minutes(30), "");
    form.retain(|(k, _)| *k != "campaign");
    form.push(("campaign", campaign.clone()));
    let event = crate::events::set_up(&mut org, &form).await;
    let body = serde_json::json!({"person": {"email_addresses": [{"address": "ceridwen@example.gov.uk"}]}, "attended": true});
    let (s, a) = api.post(&format!("events/{event}/attendances"), body.clone()).await;
    assert_eq!(s, StatusCode::OK, "{a}");
    // Once per event, however often she is checked in.
    api.post(&format!("events/{event}/attendances"), body).await;
    assert_eq!(count(&app, "SELECT COUNT(*) FROM records WHERE kind = 'turn_up' AND event_id IS NOT NULL").await, 1);
    // A volunteer at the door of another event who types her address makes
    // no public turn-up: her attendance is kept, her record is not touched.
    let other = crate::events::set_up(&mut org, &form).await;
    let volunteer = app.user(&group, "vol@example.org", Role::Volunteer).await;
    org.event(SLUG, &other).await;
    org.post_event_helpers(SLUG, &other, &[("user", &volunteer.to_string()), ("action", "add")]).await;
    let mut vol = app.signed_in(&group, "vol@example.org", Role::Volunteer).await;
    vol.event_door(SLUG, &other).await;
    let typed = vol.post_event_walk_in(SLUG, &other, &[("name", "Ceri"), ("email", "ceridwen@example.gov.uk"), ("phone", "")]).await;
    assert_eq!(typed.status(), StatusCode::SEE_OTHER, "{}", typed.body);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM attendances WHERE walk_in").await, 1);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM records WHERE kind = 'turn_up' AND event_id IS NOT NULL").await, 1);
    let page = org.get(format!("{}?focus=campaign:{campaign}", paths::representative(SLUG, &rep))).await;
    assert!(
        page.body.contains("Brookfield residents&#39; meeting") || page.body.contains("Brookfield residents' meeting"),
        "{}",
        page.body
    );
    assert!(page.body.contains("Turned up"));
    // Erasing the person unlinks the representative and keeps their public record.
    let person: String = page.body.split("/people/").nth(1).unwrap().chars().take(36).collect();
    let mut admin = app.signed_in(&group, "admin@example.org", Role::Admin).await;
    admin.person(SLUG, &person).await;
    assert_eq!(admin.post_person_delete(SLUG, &person, &[]).await.status(), StatusCode::SEE_OTHER);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM representatives WHERE person_id IS NULL").await, 1);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM records").await, 1);
}
