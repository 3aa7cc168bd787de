//! Mutual aid over HTTP: a resident asks for help on the public form; a
//! coordinator sees the volunteers ranked for it and offers it; one
//! declines, another accepts and only then sees who and where, until it is
//! done. Safeguarded kinds of help go only to checked volunteers; nobody
//! else, in this group or another, sees a need's contact details.

use reqwest::StatusCode;
use tredegar_domain::Role;
use tredegar_web::paths;

use crate::helpers::{Client, Page, TestApp, count};

crate::on_both_backends!(
    a_need_from_asking_to_done,
    only_checked_volunteers_are_offered_safeguarded_help,
    distances_come_from_the_postcode_directory,
    needs_move_on_by_themselves,
    a_backlog_does_not_hold_up_newer_needs
);

const SLUG: &str = "brookfield-estate";
/// The contact details, distinctive so any leak is found by a search.
const ADDRESS: &str = "17 Zebedee Lane, Tredegar";
const PHONE: &str = "07700 900987";
const EMAIL: &str = "zebedee.private@example.org";

/// The help form filled in as a neighbour would.
fn asking<'a>(category: &'a str, name: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("category", category),
        ("description", "A week's shopping: bread, milk, tea"),
        ("urgency", "this_week"),
        ("name", name),
        ("address", ADDRESS),
        ("postcode", "NP22 3AB"),
        ("phone", PHONE),
        ("email", EMAIL),
        ("how_to_contact", "Ring twice"),
    ]
}

/// The id of the first need on the coordinators' list.
async fn first_need(c: &mut Client) -> String {
    let list = c.get(paths::needs(SLUG)).await;
    let prefix = format!("href=\"{}/", paths::needs(SLUG));
    let ids = list.body.split(&prefix).skip(1).map(|rest| rest.split('"').next().unwrap().to_string());
    ids.into_iter().find(|id| id.parse::<tredegar_domain::NeedId>().is_ok()).expect("a need on the list")
}

/// Nothing of the contact details in what someone saw.
fn private(p: &Page) -> bool {
    ![ADDRESS, PHONE, EMAIL, "Ring twice"].iter().any(|v| p.body.contains(v))
}

/// A member's offer of help, from their own page.
async fn offer(c: &mut Client, category: &str) {
    c.get(paths::helping(SLUG)).await;
    let fields = [("categories", category), ("postcode", "NP22 3AB"), ("radius_km", "5"), ("per_week", "3")];
    let days = [("days", "0"), ("days", "1"), ("days", "2"), ("days", "3"), ("days", "4"), ("days", "5"), ("days", "6")];
    let all: Vec<(&str, &str)> = fields.into_iter().chain(days).collect();
    let saved = c.post_form(paths::helping(SLUG), &all).await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER, "{}", saved.body);
}

async fn category(c: &mut Client, name: &str, checked: bool) -> String {
    let mut fields = vec![("name", name)];
    if checked {
        fields.push(("needs_check", "1"));
    }
    assert_eq!(c.post_form(paths::aid_categories(SLUG), &fields).await.status(), StatusCode::SEE_OTHER);
    let page = c.get(paths::needs(SLUG)).await;
    let at = page.body.find(&format!("{}/", paths::aid_categories(SLUG))).expect("the category");
    let id = page.body[at..].split('"').next().unwrap().rsplit('/').next().unwrap().to_string();
    assert!(page.body.contains(name));
    id
}

async fn a_need_from_asking_to_done(app: TestApp) {
    let group = app.group("Brookfield Estate", None).await;
    let mut coordinator = app.signed_in(&group, "org@example.org", Role::Organiser).await;
    coordinator.get(paths::needs(SLUG)).await;
    let groceries = category(&mut coordinator, "Groceries", false).await;
    let twice = coordinator.post_form(paths::aid_categories(SLUG), &[("name", "groceries")]).await;
    assert!(twice.status() == StatusCode::BAD_REQUEST && twice.body.contains("already a category called"), "{}", twice.body);
    let ann_id = app.user(&group, "ann@example.org", Role::Volunteer).await;
    let bob_id = app.user(&group, "bob@example.org", Role::Volunteer).await;
    let mut ann = app.signed_in(&group, "ann@example.org", Role::Volunteer).await;
    let mut bob = app.signed_in(&group, "bob@example.org", Role::Volunteer).await;
    offer(&mut ann, &groceries).await;
    offer(&mut bob, &groceries).await;
    let bad_offer = bob
        .post_form(paths::helping(SLUG), &[("categories", &groceries), ("radius_km", "500"), ("from_hour", "20"), ("to_hour", "8")])
        .await;
    assert!(bad_offer.status() == StatusCode::BAD_REQUEST && bad_offer.body.contains("How far you will go"), "{}", bad_offer.body);

    // The public form: no login; bad input named; a bot's honeypot refused; then taken.
    let mut resident = app.client();
    let form = resident.get(paths::ask_for_help(SLUG)).await;
    assert!(form.status() == StatusCode::OK && form.body.contains("Groceries"), "{}", form.body);
    let bad = resident.post_form(paths::ask_for_help(SLUG), &[("category", &groceries), ("postcode", "!!")]).await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    for said in [
        "What is needed: must not be empty",
        "How soon: choose how soon",
        "href=\"#urgency\"",
        "Postcode",
        "give a phone number or an email",
    ] {
        assert!(bad.body.contains(said), "{said}: {}", bad.body);
    }
    let mut bot = asking(&groceries, "Gwen Morgan");
    bot.push(("contact_by_fax", "0800 000"));
    assert_eq!(resident.post_form(paths::ask_for_help(SLUG), &bot).await.status(), StatusCode::BAD_REQUEST);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM needs").await, 0);
    let asked = resident.post_form(paths::ask_for_help(SLUG), &asking(&groceries, "Gwen Morgan")).await;
    assert_eq!(asked.status(), StatusCode::SEE_OTHER, "{}", asked.body);
    assert!(resident.follow(&asked).await.body.contains("We have your request"));
    let asking = "SELECT COUNT(*) FROM people WHERE id NOT IN (SELECT person_id FROM aid_offers WHERE person_id IS NOT NULL)";
    assert_eq!(count(&app, asking).await, 1, "the one asking became a person, through the upsert");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM aid_offers WHERE person_id IS NOT NULL").await, 2, "and each volunteer has a record");

    // The coordinator sees who and where (audited), and the volunteers ranked with why.
    let need = first_need(&mut coordinator).await;
    let page = coordinator.get(paths::need(SLUG, &need)).await;
    assert!(page.body.contains(ADDRESS) && page.body.contains(PHONE), "{}", page.body);
    assert!(page.body.contains("free on 7 of the 7 days") && page.body.contains("has not helped yet"), "{}", page.body);
    assert!(page.body.contains("Offer it to ann@example.org") || page.body.contains("Offer it to"), "{}", page.body);
    let admin_audit = app.signed_in(&group, "admin@example.org", Role::Admin).await.audit(SLUG).await;
    assert!(admin_audit.body.contains("contact details of a need"), "{}", admin_audit.body);
    let named =
        "SELECT COUNT(*) FROM audit_log WHERE detail LIKE 'contact details of a need%' AND person_id IN (SELECT person_id FROM needs)";
    assert_eq!(count(&app, named).await, 1, "the read names the person by id, so their own history of reads finds it");

    // Before it is offered them, a volunteer cannot see it at all.
    assert_eq!(ann.get(paths::need(SLUG, &need)).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(ann.get(paths::needs(SLUG)).await.status(), StatusCode::NOT_FOUND);

    // Offered to Ann: she sees what and roughly where, never who, and can say no.
    let ann_s = ann_id.to_string();
    let offered = coordinator.post_form(paths::need_status(SLUG, &need), &[("to", "offered"), ("volunteer", &ann_s)]).await;
    assert_eq!(offered.status(), StatusCode::SEE_OTHER, "{}", offered.body);
    let mine = ann.get(paths::helping(SLUG)).await;
    assert!(mine.body.contains("Groceries, NP22") && mine.body.contains("Say yes or no") && private(&mine), "{}", mine.body);
    let front = ann.get(paths::dashboard(SLUG)).await;
    assert!(front.body.contains("Needs for you") && private(&front), "{}", front.body);
    let seen = ann.get(paths::need(SLUG, &need)).await;
    assert!(seen.body.contains("A week&#39;s shopping") && seen.body.contains("Yes, I'll do it") && private(&seen), "{}", seen.body);
    assert_eq!(bob.get(paths::need(SLUG, &need)).await.status(), StatusCode::NOT_FOUND, "nor anyone else");
    let bob_takes = bob.post_form(paths::need_status(SLUG, &need), &[("to", "accepted")]).await;
    assert_eq!(bob_takes.status(), StatusCode::NOT_FOUND, "nobody takes what was offered someone else");
    let declined = ann.post_form(paths::need_status(SLUG, &need), &[("to", "triaged"), ("note", "declined")]).await;
    assert_eq!(declined.status(), StatusCode::SEE_OTHER, "{}", declined.body);
    assert_eq!(ann.get(paths::need(SLUG, &need)).await.status(), StatusCode::NOT_FOUND);
    let page = coordinator.get(paths::need(SLUG, &need)).await;
    assert!(page.body.contains("Cannot be offered it: declined this need"), "{}", page.body);
    let again = coordinator.post_form(paths::need_status(SLUG, &need), &[("to", "offered"), ("volunteer", &ann_s)]).await;
    assert!(again.status() == StatusCode::BAD_REQUEST && again.body.contains("declined this need"), "{}", again.body);

    // Bob accepts: only now does he see who and where; it stays his until done.
    let bob_s = bob_id.to_string();
    coordinator.post_form(paths::need_status(SLUG, &need), &[("to", "offered"), ("volunteer", &bob_s)]).await;
    let before = bob.get(paths::need(SLUG, &need)).await;
    assert!(private(&before), "{}", before.body);
    let bob_api = app.api(&app.token(&group, bob_id).await);
    let (status, listed) = bob_api.get("needs").await;
    assert!(status == StatusCode::OK && listed.to_string().contains("NP22") && !listed.to_string().contains(PHONE), "{listed}");
    assert!(listed.pointer("/_embedded/tredegar:needs/0/contact").is_none(), "{listed}");
    let accepted = bob.post_form(paths::need_status(SLUG, &need), &[("to", "accepted")]).await;
    assert_eq!(accepted.status(), StatusCode::SEE_OTHER, "{}", accepted.body);
    let after = bob.follow(&accepted).await;
    assert!(after.body.contains(ADDRESS) && after.body.contains(PHONE) && after.body.contains("Ring twice"), "{}", after.body);
    assert!(private(&ann.get(paths::helping(SLUG)).await));
    let (_, one) = bob_api.get(&format!("needs/{need}")).await;
    assert_eq!(one.pointer("/contact/phone").and_then(|p| p.as_str()), Some(PHONE), "{one}");
    let through_api = "SELECT COUNT(*) FROM audit_log WHERE detail LIKE 'contact details of their needs, through the API%' \
        AND person_id IN (SELECT person_id FROM needs)";
    assert_eq!(count(&app, through_api).await, 1, "the API's read of contact details names the person");
    let ann_api = app.api(&app.token(&group, ann_id).await);
    let (_, none) = ann_api.get("needs").await;
    assert!(!none.to_string().contains(PHONE) && !none.to_string().contains("NP22"), "{none}");
    assert_eq!(ann_api.get(&format!("needs/{need}")).await.0, StatusCode::NOT_FOUND);
    let (_, offers) = ann_api.get("offers").await;
    assert_eq!(offers.pointer("/_embedded/tredegar:offers").and_then(|o| o.as_array()).map(Vec::len), Some(1), "only her own: {offers}");
    let done = bob.post_form(paths::need_status(SLUG, &need), &[("to", "done"), ("note", "Shopping dropped off")]).await;
    assert_eq!(done.status(), StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(bob.get(paths::need(SLUG, &need)).await.status(), StatusCode::NOT_FOUND, "once done, the details are his no longer");
    let history = coordinator.get(paths::need(SLUG, &need)).await;
    for step in ["Done", "Shopping dropped off", "Accepted", "Offered", "declined", "asked on the help form"] {
        assert!(history.body.contains(step), "{step}: {}", history.body);
    }
    // The report counts it: by kind, how long it took, who did it.
    let report = coordinator.get(paths::aid_report(SLUG)).await;
    assert!(report.body.contains("1 needs asked") && report.body.contains("<svg") && private(&report), "{}", report.body);
    let volunteers = coordinator.get(format!("{}?csv=volunteers", paths::aid_report(SLUG))).await;
    assert!(
        volunteers.body.contains("ann@example.org,1,0,1,0") && volunteers.body.contains("bob@example.org,1,1,0,1"),
        "{}",
        volunteers.body
    );
    let times = coordinator.get(format!("{}?csv=times", paths::aid_report(SLUG))).await;
    assert!(times.body.contains("Met,1,"), "{}", times.body);
    assert_eq!(ann.get(paths::aid_report(SLUG)).await.status(), StatusCode::NOT_FOUND);
    let undone = coordinator.post_form(paths::need_status(SLUG, &need), &[("to", "cancelled")]).await;
    assert!(undone.status() == StatusCode::BAD_REQUEST && undone.body.contains("cannot become cancelled"), "{}", undone.body);

    // Another group's coordinator reaches none of it.
    let elsewhere = app.group("Heol Las Tenants", None).await;
    let mut them = app.signed_in(&elsewhere, "theirs@example.org", Role::Organiser).await;
    them.get(paths::needs("heol-las-tenants")).await;
    assert_eq!(them.get(paths::need("heol-las-tenants", &need)).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(them.get(paths::need(SLUG, &need)).await.status(), StatusCode::NOT_FOUND);
    let cross = them.post_form(paths::need_status("heol-las-tenants", &need), &[("to", "cancelled")]).await;
    assert_eq!(cross.status(), StatusCode::NOT_FOUND);

    // Erasing the person who asked takes their needs with them.
    let prefix = format!("{}/", paths::people(SLUG));
    let at = history.body.find(&prefix).expect("a link to their page") + prefix.len();
    let person: tredegar_domain::PersonId = history.body[at..].split('"').next().unwrap().parse().unwrap();
    let scope = app.scope(app.user(&group, "org@example.org", Role::Organiser).await, &group).await;
    let mut tx = app.db.write().await.unwrap();
    tredegar_db::people::delete(&mut tx, &scope, person).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(count(&app, "SELECT COUNT(*) FROM needs").await, 0);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM need_changes").await, 0);
}

async fn only_checked_volunteers_are_offered_safeguarded_help(app: TestApp) {
    let group = app.group("Brookfield Estate", None).await;
    let mut coordinator = app.signed_in(&group, "org@example.org", Role::Organiser).await;
    coordinator.get(paths::needs(SLUG)).await;
    let befriending = category(&mut coordinator, "Befriending", true).await;
    let cai_id = app.user(&group, "cai@example.org", Role::Volunteer).await;
    let mut cai = app.signed_in(&group, "cai@example.org", Role::Volunteer).await;
    offer(&mut cai, &befriending).await;
    let mut resident = app.client();
    resident.get(paths::ask_for_help(SLUG)).await;
    resident.post_form(paths::ask_for_help(SLUG), &asking(&befriending, "Dai Price")).await;
    let need = first_need(&mut coordinator).await;
    let page = coordinator.get(paths::need(SLUG, &need)).await;
    assert!(page.body.contains("not safeguarding-checked"), "{}", page.body);
    let cai_s = cai_id.to_string();
    let refused = coordinator.post_form(paths::need_status(SLUG, &need), &[("to", "offered"), ("volunteer", &cai_s)]).await;
    assert!(refused.status() == StatusCode::BAD_REQUEST && refused.body.contains("safeguarding"), "{}", refused.body);
    assert_eq!(cai.get(paths::need(SLUG, &need)).await.status(), StatusCode::NOT_FOUND);

    // A volunteer cannot record their own check; a coordinator who has seen it can.
    cai.get(paths::helping(SLUG)).await;
    let own = cai.post_form(paths::aid_volunteer_checked(SLUG, &cai_s), &[("checked", "yes")]).await;
    assert_eq!(own.status(), StatusCode::NOT_FOUND);
    coordinator.get(paths::aid_volunteers(SLUG)).await;
    let seen = coordinator.post_form(paths::aid_volunteer_checked(SLUG, &cai_s), &[("checked", "yes")]).await;
    assert_eq!(seen.status(), StatusCode::SEE_OTHER);
    let offered = coordinator.post_form(paths::need_status(SLUG, &need), &[("to", "offered"), ("volunteer", &cai_s)]).await;
    assert_eq!(offered.status(), StatusCode::SEE_OTHER, "{}", offered.body);
    // Saving their offer again does not undo the check.
    offer(&mut cai, &befriending).await;
    assert_eq!(count(&app, "SELECT COUNT(*) FROM aid_offers WHERE checked").await, 1);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM outbox WHERE kind = 'need_offered'").await, 1, "Cai is told by email");

    // Withdrawn, the check takes the need back from Cai before they can accept it.
    let withdrawn = coordinator.post_form(paths::aid_volunteer_checked(SLUG, &cai_s), &[("checked", "no")]).await;
    assert_eq!(withdrawn.status(), StatusCode::SEE_OTHER);
    assert_eq!(cai.get(paths::need(SLUG, &need)).await.status(), StatusCode::NOT_FOUND);
    let page = coordinator.get(paths::need(SLUG, &need)).await;
    assert!(page.body.contains("Ready to offer") && page.body.contains("safeguarding check"), "{}", page.body);

    // Nobody records their own check.
    let org_id = app.user(&group, "org@example.org", Role::Organiser).await.to_string();
    offer(&mut coordinator, &befriending).await;
    let volunteers = coordinator.get(paths::aid_volunteers(SLUG)).await.body;
    assert!(volunteers.contains("Another coordinator records your own check."), "no button that cannot work: {volunteers}");
    assert_eq!(volunteers.matches("I have seen their safeguarding check").count(), 1, "Cai's, not their own: {volunteers}");
    let own = coordinator.post_form(paths::aid_volunteer_checked(SLUG, &org_id), &[("checked", "yes")]).await;
    assert!(own.status() == StatusCode::BAD_REQUEST && own.body.contains("another coordinator"), "{}", own.body);
}

/// Run the sweep as if `hours` from now.
async fn sweep(app: &TestApp, hours: i64) -> tredegar_db::aid::sweep::Swept {
    let now = chrono::Utc::now() + chrono::Duration::hours(hours);
    let mut tx = app.db.write().await.unwrap();
    let swept = tredegar_db::aid::sweep::sweep(&mut tx, now).await.unwrap();
    tx.commit().await.unwrap();
    swept
}

/// A thousand needs, an hour old, in another group, of a kind that matches
/// itself but that nobody there offers.
async fn flood_of_needs(app: &TestApp) -> tredegar_domain::GroupId {
    let group = app.group("Other Branch", None).await;
    backlog(app, &group, 1000).await;
    group.id
}

/// `n` needs in the group, an hour old and not urgent, of a kind that
/// matches itself but that nobody offers.
async fn backlog(app: &TestApp, group: &tredegar_db::groups::Group, n: usize) {
    use tredegar_db::aid;
    use tredegar_db::aid::offers::{self, Rules};
    use tredegar_domain::aid::{Need, NeedSource, Repeats, Urgency};
    let user = app.user(group, "backlog@example.org", Role::Admin).await;
    let scope = app.scope(user, group).await;
    let then = chrono::Utc::now() - chrono::Duration::hours(1);
    let mut tx = app.db.write().await.unwrap();
    let kind = offers::add_category(&mut tx, &scope, "Anything", Rules { needs_check: false, auto_match: true }, then).await.unwrap();
    let need = Need {
        category: String::new(),
        description: "Help".into(),
        urgency: Urgency::WhenPossible,
        from_on: None,
        to_on: None,
        name: "Flood".into(),
        address: "1 Flood Street".into(),
        postcode: tredegar_domain::Postcode::parse("postcode", "CF10 1AA").unwrap(),
        phone: Some(tredegar_domain::Phone::parse("phone", "07700 900000").unwrap()),
        email: None,
        how_to_contact: String::new(),
        asked_by: String::new(),
        repeats: Repeats::Never,
        same_volunteer: false,
        involve: false,
    };
    for _ in 0..n {
        aid::add(&mut tx, &scope, &need, kind, NeedSource::Coordinator, then).await.unwrap();
    }
    tx.commit().await.unwrap();
}

/// The estate's group, its coordinator signed in, and two kinds of help:
/// shopping and repairs, neither matching itself yet.
async fn shopping_and_repairs(app: &TestApp) -> (tredegar_db::groups::Group, Client, String, String) {
    let group = app.group("Brookfield Estate", None).await;
    let mut coordinator = app.signed_in(&group, "org@example.org", Role::Organiser).await;
    coordinator.get(paths::needs(SLUG)).await;
    let shopping = category(&mut coordinator, "Shopping", false).await;
    let repairs = category(&mut coordinator, "Repairs", false).await;
    (group, coordinator, shopping, repairs)
}

/// Needs nobody can take, however many, do not hold up newer ones behind
/// them in their own group: neither offers to volunteers nor the
/// coordinators being told of needs waiting too long.
async fn a_backlog_does_not_hold_up_newer_needs(app: TestApp) {
    let (group, mut coordinator, shopping, repairs) = shopping_and_repairs(&app).await;
    coordinator.post_form(paths::aid_category(SLUG, &shopping), &[("auto_match", "1")]).await;
    let eve = app.user(&group, "eve@example.org", Role::Volunteer).await;
    offer(&mut app.signed_in(&group, "eve@example.org", Role::Volunteer).await, &shopping).await;
    backlog(&app, &group, 150).await;
    // Newer than the backlog: shopping someone can do, and a repair needed today.
    let mut resident = app.client();
    resident.get(paths::ask_for_help(SLUG)).await;
    for (kind, name, phone) in [(&shopping, "Huw Jones", "07700 900111"), (&repairs, "Ifan Jones", "07700 900222")] {
        let mut asked = asking(kind, name);
        asked.retain(|(k, _)| !["phone", "email", "urgency"].contains(k));
        asked.extend([("phone", phone), ("urgency", "today")]);
        assert_eq!(resident.post_form(paths::ask_for_help(SLUG), &asked).await.status(), StatusCode::SEE_OTHER);
    }
    // The coordinators' list pages through them all, those needed today first.
    let first = coordinator.get(paths::needs(SLUG)).await.body;
    assert!(first.contains("Page 1 of 2") && first.contains("Repairs</a>") && first.contains(">Next</a>"), "{first}");
    let second = coordinator.get(format!("{}?show=open&page=2", paths::needs(SLUG))).await.body;
    assert!(second.contains("Page 2 of 2") && second.contains("Anything") && !second.contains("Repairs</a>"), "{second}");
    let past = coordinator.get(format!("{}?show=open&page=9", paths::needs(SLUG))).await.body;
    assert!(past.contains("past the end of the list") && past.contains("page=2\" rel=\"prev\""), "a way back from past the end: {past}");
    let bogus = coordinator.get(format!("{}?show=everything", paths::needs(SLUG))).await;
    assert!(bogus.status() == StatusCode::BAD_REQUEST && bogus.body.contains("must be open, done, closed or involved"), "{}", bogus.body);
    let bad_page = coordinator.get(format!("{}?page=abc", paths::needs(SLUG))).await;
    assert!(bad_page.status() == StatusCode::BAD_REQUEST && bad_page.body.contains("Page: invalid digit"), "{}", bad_page.body);
    // A sweep tries a hundred; those nobody could take wait behind the rest.
    assert!(sweep(&app, 0).await.offered.is_empty());
    let offered = sweep(&app, 0).await.offered;
    assert_eq!(offered.iter().map(|(_, _, v)| *v).collect::<Vec<_>>(), [eve], "{offered:?}");
    // Tried, they wait an hour, or until someone changes what help they
    // offer; then those tried longest ago go first.
    let last_tried = "SELECT COUNT(*) FROM needs WHERE match_tried_at = (SELECT MAX(match_tried_at) FROM needs)";
    assert_eq!(count(&app, last_tried).await, 50);
    assert!(sweep(&app, 0).await.offered.is_empty());
    assert_eq!(count(&app, last_tried).await, 50, "none tried again within the hour");
    offer(&mut app.signed_in(&group, "fay@example.org", Role::Volunteer).await, &repairs).await;
    assert!(sweep(&app, 0).await.offered.is_empty());
    assert_eq!(count(&app, last_tried).await, 100, "the hundred tried first are tried again");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM needs WHERE match_tried_at IS NOT NULL").await, 150);
    // Three hours on, the repair needed today has waited too long; the backlog (48 hours) has not.
    let late = sweep(&app, 3).await.escalated;
    let names: Vec<&str> = late.iter().flat_map(|(_, needs)| needs.iter().map(|n| n.category.as_str())).collect();
    assert_eq!(names, ["Repairs"], "{late:?}");
    // The job itself sweeps each group apart, and tells the volunteer of a new one.
    let mut asked = asking(&shopping, "Jac Jones");
    asked.retain(|(k, _)| !["phone", "email"].contains(k));
    asked.push(("phone", "07700 900333"));
    assert_eq!(resident.post_form(paths::ask_for_help(SLUG), &asked).await.status(), StatusCode::SEE_OTHER);
    tredegar_db::jobs::run_now(&app.db, tredegar_domain::jobs::JobKind::AidSweep, chrono::Utc::now()).await.unwrap();
    let told = "SELECT COUNT(*) FROM outbox WHERE kind = 'need_offered' AND to_address = 'eve@example.org'";
    for _ in 0..200 {
        if count(&app, told).await > 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(count(&app, told).await, 1, "Eve is told of the need the job offered her");
}

/// What happens by itself: kinds set to match themselves are offered to the
/// best placed; an offer with no answer in a day goes to the next; needs
/// past their last day expire; needs waiting too long are gathered, once,
/// for the coordinators.
async fn needs_move_on_by_themselves(app: TestApp) {
    let (group, mut coordinator, shopping, repairs) = shopping_and_repairs(&app).await;
    let page = coordinator.get(paths::needs(SLUG)).await;
    assert!(page.body.contains("Shopping: offer it to the best volunteer by itself"), "{}", page.body);
    coordinator.post_form(paths::aid_category(SLUG, &shopping), &[("auto_match", "1")]).await;
    let mut volunteers = Vec::new();
    for who in ["eve@example.org", "fay@example.org"] {
        volunteers.push(app.user(&group, who, Role::Volunteer).await);
        offer(&mut app.signed_in(&group, who, Role::Volunteer).await, &shopping).await;
    }
    let mut resident = app.client();
    resident.get(paths::ask_for_help(SLUG)).await;
    // Its last day is the group's day (London) 26 hours from now, so the sweeps at 25 and 26
    // hours fall within it, whatever the time of day, and the one at 50 after it.
    let last_day = (chrono::Utc::now() + chrono::Duration::hours(26)).with_timezone(&chrono_tz::Europe::London).date_naive().to_string();
    let mut ending = asking(&shopping, "Huw Jones");
    ending.retain(|(k, _)| *k != "phone" && *k != "email");
    ending.extend([("phone", "07700 900111"), ("to_on", last_day.as_str())]);
    assert_eq!(resident.post_form(paths::ask_for_help(SLUG), &ending).await.status(), StatusCode::SEE_OTHER);
    let mut fixing = asking(&repairs, "Ifan Jones");
    fixing.retain(|(k, _)| *k != "phone" && *k != "email");
    fixing.push(("phone", "07700 900222"));
    assert_eq!(resident.post_form(paths::ask_for_help(SLUG), &fixing).await.status(), StatusCode::SEE_OTHER);

    // Another group's backlog, older and never matched (it has no volunteers),
    // does not hold up this group's sweep.
    let flood = flood_of_needs(&app).await;
    // Matched at once, with no coordinator; repairs are not set to match themselves.
    let now = sweep(&app, 0).await;
    assert_eq!(now.offered.len(), 1, "{now:?}");
    let mut tx = app.db.write().await.unwrap();
    tredegar_db::sql::Sql::new("DELETE FROM needs WHERE group_id = ").bind(flood).execute(&mut tx).await.unwrap();
    tx.commit().await.unwrap();
    let (_, need, first) = now.offered[0];
    assert!(volunteers.contains(&first));
    // No answer in a day: it goes to the other, and not back to the first.
    let later = sweep(&app, 25).await;
    assert_eq!(later.timed_out, 1, "{later:?}");
    assert_eq!(
        later.offered.iter().map(|(_, n, v)| (*n, *v)).collect::<Vec<_>>(),
        [(need, *volunteers.iter().find(|v| **v != first).unwrap())]
    );
    let page = coordinator.get(paths::need(SLUG, need)).await;
    assert!(page.body.contains("no answer in time") && page.body.contains("offered automatically"), "{}", page.body);
    // The repair waited 12 hours for anyone: the coordinators hear once.
    assert_eq!(later.escalated.iter().map(|(_, n)| n.len()).sum::<usize>(), 1, "{later:?}");
    assert!(sweep(&app, 26).await.escalated.is_empty(), "told once");
    assert!(coordinator.get(paths::needs(SLUG)).await.body.contains("waiting too long"));
    let dashboard = coordinator.get(paths::dashboard(SLUG)).await;
    assert!(dashboard.body.contains("Needs waiting too long") && dashboard.body.contains("Repairs"), "{}", dashboard.body);
    // Its last day passed: it expires, and its volunteer no longer has it.
    let after = sweep(&app, 50).await;
    assert_eq!(after.expired, 1, "{after:?}");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM needs WHERE status = 'expired'").await, 1);
}

async fn distances_come_from_the_postcode_directory(app: TestApp) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("postcodes.csv");
    let rows = "pcds,lat,long,oseast1m\nNP22 3AB,51.7700,-3.2644,316000\nNP22 3AC,51.7700,-3.2500,317000\nNOT A CODE,51,-3,0\nNP22 9ZZ,99.999999,0,0\n";
    std::fs::write(&file, rows).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_tredegar"))
        .args(["import", "postcodes"])
        .arg(&file)
        .env("TREDEGAR_DATABASE_URL", &app.db_url)
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && said.contains("2 postcodes loaded; 2 rows left out"),
        "{said} {}",
        String::from_utf8_lossy(&out.stderr)
    );

    let group = app.group("Brookfield Estate", None).await;
    let mut coordinator = app.signed_in(&group, "org@example.org", Role::Organiser).await;
    coordinator.get(paths::needs(SLUG)).await;
    let lifts = category(&mut coordinator, "Lifts", false).await;
    app.user(&group, "dee@example.org", Role::Volunteer).await;
    let mut dee = app.signed_in(&group, "dee@example.org", Role::Volunteer).await;
    dee.get(paths::helping(SLUG)).await;
    let days: Vec<(&str, &str)> = (0..7).map(|d| ("days", ["0", "1", "2", "3", "4", "5", "6"][d])).collect();
    let mut fields = vec![("categories", lifts.as_str()), ("postcode", "np22 3ac"), ("radius_km", "2")];
    fields.extend(days);
    assert_eq!(dee.post_form(paths::helping(SLUG), &fields).await.status(), StatusCode::SEE_OTHER);
    let mut resident = app.client();
    resident.get(paths::ask_for_help(SLUG)).await;
    resident.post_form(paths::ask_for_help(SLUG), &asking(&lifts, "Gwen Morgan")).await;
    let need = first_need(&mut coordinator).await;
    let page = coordinator.get(paths::need(SLUG, &need)).await;
    assert!(page.body.contains("1.0 km away, within their 2 km"), "{}", page.body);
}
