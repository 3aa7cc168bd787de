//! A need carried through, over HTTP with real email: a volunteer says no,
//! and another yes, from the single-use links in their emails; the one who
//! was helped is asked how it went, by email and by a card's code, and says
//! they would like to get involved; a weekly need comes round again with the
//! same volunteer. And help turned to organising: a need points to a shared
//! problem in the listening report, and a volunteer's help counts on the
//! ladder.

use reqwest::StatusCode;
use tredegar_domain::Role;
use tredegar_web::paths;

use crate::helpers::{Client, TestApp, count};
use crate::mailbox::Mailbox;

crate::with_mailbox!(a_need_is_answered_by_email_and_said_how_it_went);
crate::on_both_backends!(
    help_points_to_shared_problems_and_counts_on_the_ladder,
    a_weekly_need_comes_round_when_one_is_missed,
    a_group_sets_how_long_needs_wait,
    a_coordinator_takes_a_need_by_phone
);

const SLUG: &str = "brookfield-estate";
const ADDRESS: &str = "17 Zebedee Lane, Tredegar";
const PHONE: &str = "07700 900987";
const EMAIL: &str = "zebedee.private@example.org";

/// A kind of help, and a volunteer offering it every day from the same postcode.
async fn kind_and_volunteers(app: &TestApp, group: &tredegar_db::groups::Group, c: &mut Client, who: &[&str]) -> String {
    c.get(paths::needs(SLUG)).await;
    assert_eq!(c.post_form(paths::aid_categories(SLUG), &[("name", "Shopping")]).await.status(), StatusCode::SEE_OTHER);
    let page = c.get(paths::needs(SLUG)).await;
    let at = page.body.find(&format!("{}/", paths::aid_categories(SLUG))).expect("the category");
    let kind = page.body[at..].split('"').next().unwrap().rsplit('/').next().unwrap().to_string();
    for email in who {
        app.user(group, email, Role::Volunteer).await;
        let mut v = app.signed_in(group, email, Role::Volunteer).await;
        v.get(paths::helping(SLUG)).await;
        let mut fields = vec![("categories", kind.as_str()), ("postcode", "NP22 3AB"), ("radius_km", "5"), ("per_week", "5")];
        fields.extend(["0", "1", "2", "3", "4", "5", "6"].map(|d| ("days", d)));
        assert_eq!(v.post_form(paths::helping(SLUG), &fields).await.status(), StatusCode::SEE_OTHER);
    }
    kind
}

/// The help form, filled in for a weekly shop.
fn weekly<'a>(kind: &'a str, extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut form = vec![
        ("category", kind),
        ("description", "The weekly shop: bread, milk, tea"),
        ("urgency", "this_week"),
        ("name", "Gwen Morgan"),
        ("address", ADDRESS),
        ("postcode", "NP22 3AB"),
        ("phone", PHONE),
        ("email", EMAIL),
        ("repeats", "weekly"),
        ("same_volunteer", "yes"),
    ];
    for (k, v) in extra {
        form.retain(|(key, _)| key != k);
        form.push((k, v));
    }
    form
}

/// The one need still open.
async fn only_need(app: &TestApp) -> String {
    let mut tx = app.db.read().await.unwrap();
    let q = tredegar_db::sql::Sql::new("SELECT id FROM needs WHERE status NOT IN ('done', 'expired', 'cancelled')");
    let ids: Vec<(tredegar_domain::NeedId,)> = q.fetch_all(&mut tx).await.unwrap();
    assert_eq!(ids.len(), 1, "{ids:?}");
    ids[0].0.to_string()
}

async fn a_need_is_answered_by_email_and_said_how_it_went(app: TestApp, mailbox: Mailbox) {
    let group = app.group("Brookfield Estate", None).await;
    let mut coordinator = app.signed_in(&group, "org@example.org", Role::Organiser).await;
    let kind = kind_and_volunteers(&app, &group, &mut coordinator, &["ann@example.org", "bob@example.org"]).await;
    let mut resident = app.client();
    resident.get(paths::ask_for_help(SLUG)).await;
    let asked = resident.post_form(paths::ask_for_help(SLUG), &weekly(&kind, &[("repeats", "daily")])).await;
    assert!(asked.status() == StatusCode::BAD_REQUEST && asked.body.contains("choose how often"), "{}", asked.body);
    let asked = resident.post_form(paths::ask_for_help(SLUG), &weekly(&kind, &[])).await;
    assert_eq!(asked.status(), StatusCode::SEE_OTHER, "{}", asked.body);
    let need = only_need(&app).await;
    let private = |body: &str| ![ADDRESS, PHONE, EMAIL].iter().any(|v| body.contains(v));

    // Offered to Ann: her email's link lets her say no, once, with a reason; it never says who.
    let ann = app.user(&group, "ann@example.org", Role::Volunteer).await.to_string();
    coordinator.post_form(paths::need_status(SLUG, &need), &[("to", "offered"), ("volunteer", &ann)]).await;
    let mail = mailbox.wait_for("ann@example.org").await;
    assert!(private(&mail.text), "{}", mail.text);
    let link = mail.link("/answer/").strip_prefix(&app.url).unwrap().to_string();
    let mut stranger = app.client();
    let page = stranger.get(&link).await;
    assert!(page.body.contains("The weekly shop") && page.body.contains("NP22") && private(&page.body), "{}", page.body);
    let bad = stranger.post_form(&link, &[("answer", "perhaps")]).await;
    assert!(bad.status() == StatusCode::BAD_REQUEST && bad.body.contains("choose yes or no"), "{}", bad.body);
    let no = stranger.post_form(&link, &[("answer", "no"), ("reason", "away this week")]).await;
    assert!(no.status() == StatusCode::OK && no.body.contains("offered to someone else"), "{}", no.body);
    assert!(stranger.get(&link).await.body.contains("no longer works"), "spent");
    let again = stranger.post_form(&link, &[("answer", "yes")]).await;
    assert!(again.body.contains("no longer works"), "{}", again.body);
    assert!(coordinator.get(paths::need(SLUG, &need)).await.body.contains("declined: away this week"));

    // Offered to Bob, taken back, offered again: the first link is for the first offer only.
    let bob_id = app.user(&group, "bob@example.org", Role::Volunteer).await;
    let offer_bob = [("to", "offered"), ("volunteer", &bob_id.to_string())];
    coordinator.post_form(paths::need_status(SLUG, &need), &offer_bob).await;
    let first = mailbox.wait_for("bob@example.org").await;
    assert!(first.text.contains("within 24 hours") && first.text.contains("every week"), "{}", first.text);
    let first = first.link("/answer/").strip_prefix(&app.url).unwrap().to_string();
    coordinator.post_form(paths::need_status(SLUG, &need), &[("to", "triaged")]).await;
    coordinator.post_form(paths::need_status(SLUG, &need), &offer_bob).await;
    assert!(stranger.get(&first).await.body.contains("no longer works"), "an earlier offer's link is spent");
    // Yes from his email; the page sends him to sign in for who and where.
    let link = mailbox.wait_for_nth("bob@example.org", 2).await.link("/answer/").strip_prefix(&app.url).unwrap().to_string();
    assert!(stranger.get(&link).await.body.contains("It comes round every week"));
    let yes = stranger.post_form(&link, &[("answer", "yes")]).await;
    assert!(yes.body.contains("it's yours") && yes.body.contains(&paths::need(SLUG, &need)) && private(&yes.body), "{}", yes.body);
    let mut bob = app.signed_in(&group, "bob@example.org", Role::Volunteer).await;
    let theirs = bob.get(paths::need(SLUG, &need)).await;
    assert!(theirs.body.contains(ADDRESS) && theirs.body.contains("I can do the next one too"), "{}", theirs.body);

    // Done, and he'll do next week's too: Gwen gave an email, so she is asked there and Bob gets no
    // card (he could answer it himself); next week's is his.
    let done = bob.post_form(paths::need_status(SLUG, &need), &[("to", "done"), ("stays", "yes")]).await;
    assert_eq!(done.status(), StatusCode::SEE_OTHER, "{}", done.body);
    let told = bob.follow(&done).await;
    assert!(told.body.contains("emailed to ask how it went") && told.body.contains("The next one is yours too"), "{}", told.body);
    assert!(!told.body.contains("How did we do?"), "{}", told.body);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM needs WHERE status = 'accepted' AND series_id IS NOT NULL").await, 1);
    let next = only_need(&app).await;
    assert!(bob.get(paths::helping(SLUG)).await.body.contains(&next), "next week's is on Bob's page");
    let asked_how = mailbox.wait_for(EMAIL).await;
    let feedback = asked_how.link("/feedback").strip_prefix(&app.url).unwrap().to_string();
    let code = feedback.rsplit('=').next().unwrap().to_string();

    // Gwen says how it went, and that she'd like to get involved; once only.
    let mut gwen = app.client();
    let form = gwen.get(&feedback).await;
    assert!(form.body.contains(&code) && form.body.contains("get involved with Brookfield Estate"), "{}", form.body);
    let path = paths::help_feedback(SLUG);
    let missing = gwen.post_form(&path, &[("code", &code)]).await;
    assert!(missing.status() == StatusCode::BAD_REQUEST && missing.body.contains("How did it go: choose how it went"), "{}", missing.body);
    let wrong = gwen.post_form(&path, &[("code", "AAAA-BBBB"), ("how", "went_well")]).await;
    assert!(wrong.status() == StatusCode::BAD_REQUEST && wrong.body.contains("is not one we know"), "{}", wrong.body);
    let said = [("code", code.as_str()), ("how", "went_well"), ("note", "Bob was lovely"), ("involve", "yes")];
    let thanks = gwen.post_form(&path, &said).await;
    assert_eq!(thanks.status(), StatusCode::SEE_OTHER, "{}", thanks.body);
    let twice = gwen.post_form(&path, &said).await;
    assert!(twice.status() == StatusCode::BAD_REQUEST && twice.body.contains("has been used"), "{}", twice.body);
    let page = coordinator.get(paths::need(SLUG, &need)).await;
    assert!(page.body.contains("It went well") && page.body.contains("Bob was lovely"), "{}", page.body);
    assert!(page.body.contains("by the link emailed to them"), "{}", page.body);
    assert!(page.body.contains("Would like to get involved"), "{}", page.body);
    let went = coordinator.get(format!("{}?csv=went", paths::aid_report(SLUG))).await;
    assert!(went.body.contains("Went well,1"), "{}", went.body);
    let involved = coordinator.get(format!("{}?show=involved", paths::needs(SLUG))).await;
    assert!(involved.body.contains("Gwen Morgan</a> would like to get involved"), "{}", involved.body);
    assert_eq!(bob.get(format!("{}?show=involved", paths::needs(SLUG))).await.status(), StatusCode::NOT_FOUND);

    // A coordinator corrects next week's address; what is typed is checked; the person's record is not touched.
    let edit = coordinator.get(paths::need_edit(SLUG, &next)).await;
    assert!(edit.body.contains(ADDRESS) && edit.body.contains("Save the changes"), "{}", edit.body);
    let mut changed = weekly(&kind, &[("address", "18 Zebedee Lane, Tredegar"), ("postcode", "!!")]);
    let bad = coordinator.post_form(paths::need_edit(SLUG, &next), &changed).await;
    assert!(bad.status() == StatusCode::BAD_REQUEST && bad.body.contains("Postcode"), "{}", bad.body);
    changed.retain(|(k, _)| *k != "postcode");
    changed.push(("postcode", "NP22 3AB"));
    assert_eq!(coordinator.post_form(paths::need_edit(SLUG, &next), &changed).await.status(), StatusCode::SEE_OTHER);
    let page = coordinator.get(paths::need(SLUG, &next)).await;
    assert!(page.body.contains("18 Zebedee Lane") && page.body.contains("changed: dates, address"), "{}", page.body);
    assert!(bob.get(paths::need(SLUG, &next)).await.body.contains("18 Zebedee Lane"), "Bob reads the new address");
    assert_eq!(bob.get(paths::need_edit(SLUG, &next)).await.status(), StatusCode::NOT_FOUND, "a volunteer changes nothing");
    let activity = coordinator.get(format!("{}?csv=volunteers", paths::aid_report(SLUG))).await;
    assert!(activity.body.contains("bob@example.org,2,2,0,1"), "an edit is not another acceptance: {}", activity.body);

    // Cancelling is asked about first, and "keep it open" keeps it.
    let ask = coordinator.post_form(paths::need_status(SLUG, &next), &[("to", "cancelled"), ("note", "moved away")]).await;
    assert!(ask.status() == StatusCode::OK && ask.body.contains("Cancel this need?") && ask.body.contains("moved away"), "{}", ask.body);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM needs WHERE status = 'cancelled'").await, 0);

    // A coordinator stops it coming round: next week's stays, and makes no more.
    coordinator.get(paths::need(SLUG, &next)).await;
    assert_eq!(coordinator.post_form(paths::need_repeats(SLUG, &next), &[]).await.status(), StatusCode::SEE_OTHER);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM needs WHERE repeats <> 'never'").await, 0);
    let done = bob.post_form(paths::need_status(SLUG, &next), &[("to", "done")]).await;
    assert_eq!(done.status(), StatusCode::SEE_OTHER);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM needs").await, 2, "no third");
}

async fn help_points_to_shared_problems_and_counts_on_the_ladder(app: TestApp) {
    let group = app.group("Brookfield Estate", None).await;
    let mut admin = app.signed_in(&group, "org@example.org", Role::Admin).await;
    let kind = kind_and_volunteers(&app, &group, &mut admin, &["ann@example.org"]).await;
    // A rung can go below one already there, not only at the top.
    admin.get(paths::ladder(SLUG)).await;
    let leader = admin.post_form(paths::ladder_rungs(SLUG), &[("name", "Leader"), ("rule", "by_hand")]).await;
    assert_eq!(leader.status(), StatusCode::SEE_OTHER, "{}", leader.body);
    let page = admin.get(paths::ladder(SLUG)).await;
    let at = page.body.find(">Just below Leader<").expect("a place below Leader");
    let below = page.body[..at].rsplit("value=\"").next().unwrap().split('"').next().unwrap().to_string();
    let helps = [("name", "Helps neighbours"), ("rule", "helped"), ("number", "1")];
    let bad = admin.post_form(paths::ladder_rungs(SLUG), &[helps.as_slice(), &[("below", "the-top")]].concat()).await;
    assert!(bad.status() == StatusCode::BAD_REQUEST && bad.body.contains("choose a rung from the list"), "{}", bad.body);
    let rung = admin.post_form(paths::ladder_rungs(SLUG), &[helps.as_slice(), &[("below", below.as_str())]].concat()).await;
    assert_eq!(rung.status(), StatusCode::SEE_OTHER, "{}", rung.body);
    let page = admin.get(paths::ladder(SLUG)).await;
    let (top, under) = (page.body.find("Leader</td>").unwrap(), page.body.find("Helps neighbours</td>").unwrap());
    assert!(top < under, "Leader stays at the top: {}", page.body);
    let mut resident = app.client();
    resident.get(paths::ask_for_help(SLUG)).await;
    resident.post_form(paths::ask_for_help(SLUG), &weekly(&kind, &[("repeats", "never"), ("email", "")])).await;
    let need = only_need(&app).await;

    // The need points to damp in the block: it counts in the listening report, in NP22.
    admin.get(paths::need(SLUG, &need)).await;
    let bad = admin.post_form(paths::need_themes(SLUG, &need), &[("themes", "not-an-id")]).await;
    assert!(bad.status() == StatusCode::BAD_REQUEST && bad.body.contains("choose issues from the list"), "{}", bad.body);
    let saved = admin.post_form(paths::need_themes(SLUG, &need), &[("new_theme", "Damp and mould")]).await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER, "{}", saved.body);
    let report = admin.get(format!("{}.csv", paths::listening(SLUG))).await;
    assert!(report.body.contains("Damp and mould") && report.body.contains("NP22"), "{}", report.body);
    let page = admin.get(paths::listening(SLUG)).await;
    let at = page.body.find("/listening/").expect("a theme link");
    let theme_link = page.body[at..].split('"').next().unwrap().replace("&amp;", "&");
    let drill = admin.get(format!("/g/{SLUG}{theme_link}")).await;
    assert!(drill.body.contains("Needs for help that point to it") && drill.body.contains(&need), "{}", drill.body);

    // Ann helps: her own record in the group climbs the ladder.
    let ann = app.user(&group, "ann@example.org", Role::Volunteer).await;
    admin.post_form(paths::need_status(SLUG, &need), &[("to", "offered"), ("volunteer", &ann.to_string())]).await;
    let mut v = app.signed_in(&group, "ann@example.org", Role::Volunteer).await;
    v.get(paths::need(SLUG, &need)).await;
    assert_eq!(v.post_form(paths::need_status(SLUG, &need), &[("to", "accepted")]).await.status(), StatusCode::SEE_OTHER);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM ladder_placements WHERE rung_id IS NOT NULL").await, 0);
    // No email: Ann gets a card to leave, and what it brings back is marked as by card.
    let done = v.post_form(paths::need_status(SLUG, &need), &[("to", "done")]).await;
    assert_eq!(done.status(), StatusCode::SEE_OTHER);
    let card = v.follow(&done).await;
    assert!(card.body.contains("How did we do?") && card.body.contains(&paths::help_feedback(SLUG)), "{}", card.body);
    let code = card.body.split("class=\"code\"><strong>").nth(1).unwrap().split('<').next().unwrap().to_string();
    let said = app.client().post_form(paths::help_feedback(SLUG), &[("code", &code), ("how", "partly"), ("involve", "yes")]).await;
    assert_eq!(said.status(), StatusCode::SEE_OTHER, "{}", said.body);
    // Ann held the card, so its yes to getting involved waits for a coordinator to confirm it.
    let page = admin.get(paths::need(SLUG, &need)).await;
    assert!(page.body.contains("by a card a member left with them"), "{}", page.body);
    assert!(page.body.contains("so who gave it is not proven: confirm it with them"), "{}", page.body);
    let unconfirmed = format!("{}?show=involved", paths::needs(SLUG));
    assert!(admin.get(&unconfirmed).await.body.contains("(to confirm with them)"));
    v.get(paths::helping(SLUG)).await;
    let by_ann = v.post_form(paths::need_involve_confirmed(SLUG, &need), &[]).await;
    assert_eq!(by_ann.status(), StatusCode::NOT_FOUND, "the volunteer who held the card cannot confirm it: {}", by_ann.body);
    admin.get(paths::need(SLUG, &need)).await;
    let confirmed = admin.post_form(paths::need_involve_confirmed(SLUG, &need), &[]).await;
    assert_eq!(confirmed.status(), StatusCode::SEE_OTHER, "{}", confirmed.body);
    assert!(!admin.get(&unconfirmed).await.body.contains("(to confirm with them)"));
    assert!(!admin.get(paths::need(SLUG, &need)).await.body.contains("They confirmed it to me"));
    let placed =
        count(&app, "SELECT COUNT(*) FROM ladder_placements l JOIN aid_offers o ON o.person_id = l.person_id WHERE l.rung_id IS NOT NULL")
            .await;
    assert_eq!(placed, 1, "Ann's help put her on the rung");
    // The API pages and filters needs; a field it does not know is named.
    let api = app.api(&app.token(&group, app.user(&group, "org@example.org", Role::Admin).await).await);
    let (status, done) = api.get("needs?filter=status eq 'done' and category eq 'Shopping'&per_page=1").await;
    assert_eq!((status, done["total_records"].as_i64()), (StatusCode::OK, Some(1)), "{done}");
    assert!(done.pointer("/_embedded/tredegar:needs/0/contact/phone").is_some(), "{done}");
    let (_, none) = api.get("needs?filter=status eq 'new'").await;
    assert_eq!(none["total_records"].as_i64(), Some(0), "{none}");
    let (status, bad) = api.get("needs?filter=colour eq 'red'").await;
    assert!(status == StatusCode::BAD_REQUEST && bad.to_string().contains("colour"), "{bad}");
    let (_, offers) = api.get("offers?per_page=1").await;
    assert_eq!(offers["total_records"].as_i64(), Some(1), "{offers}");
    // Anyone can type a known phone into the public form: that yes waits too, and says so on the timeline.
    resident.get(paths::ask_for_help(SLUG)).await;
    let again =
        resident.post_form(paths::ask_for_help(SLUG), &weekly(&kind, &[("repeats", "never"), ("email", ""), ("involve", "yes")])).await;
    assert_eq!(again.status(), StatusCode::SEE_OTHER, "{}", again.body);
    assert!(admin.get(&unconfirmed).await.body.contains("(to confirm with them)"));
    let timeline = "SELECT COUNT(*) FROM person_events WHERE summary LIKE '%the form said yes%(to confirm with them)%'";
    assert_eq!(count(&app, timeline).await, 1);
    // Erasing a person takes their needs' issues too.
    let scope = app.scope(app.user(&group, "org@example.org", Role::Admin).await, &group).await;
    let mut tx = app.db.write().await.unwrap();
    let person = tredegar_db::aid::get(&mut tx, &scope, need.parse().unwrap()).await.unwrap().unwrap().person_id;
    tredegar_db::people::delete(&mut tx, &scope, person).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(count(&app, "SELECT COUNT(*) FROM need_themes").await, 0);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM need_links").await, 0);
}

/// A weekly need missed one week still comes round the next.
async fn a_weekly_need_comes_round_when_one_is_missed(app: TestApp) {
    let group = app.group("Brookfield Estate", None).await;
    let mut coordinator = app.signed_in(&group, "org@example.org", Role::Organiser).await;
    let kind = kind_and_volunteers(&app, &group, &mut coordinator, &[]).await;
    let mut resident = app.client();
    resident.get(paths::ask_for_help(SLUG)).await;
    let today = chrono::Utc::now().date_naive();
    let (from, to) = (today.to_string(), (today + chrono::Duration::days(1)).to_string());
    resident.post_form(paths::ask_for_help(SLUG), &weekly(&kind, &[("from_on", &from), ("to_on", &to)])).await;
    let later = chrono::Utc::now() + chrono::Duration::days(3);
    let mut tx = app.db.write().await.unwrap();
    // Its yes to getting involved is not yet confirmed: the next one's is not either.
    tredegar_db::sql::Sql::new("UPDATE needs SET involve = TRUE, involve_confirmed = FALSE").execute(&mut tx).await.unwrap();
    let swept = tredegar_db::aid::sweep::sweep(&mut tx, later).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(swept.expired, 1);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM needs WHERE involve AND NOT involve_confirmed").await, 2);
    let next = (today + chrono::Duration::days(7)).to_string();
    assert_eq!(count(&app, "SELECT COUNT(*) FROM needs WHERE status = 'new' AND series_id IS NOT NULL").await, 1);
    let page = coordinator.get(format!("{}?show=open", paths::needs(SLUG))).await;
    assert!(page.body.contains("every week"), "{}", page.body);
    let listed = coordinator.get(paths::need(SLUG, &only_need(&app).await)).await;
    let shown = chrono::NaiveDate::parse_from_str(&next, "%Y-%m-%d").unwrap().format("%-d %b").to_string();
    assert!(listed.body.contains("comes round every week") && listed.body.contains(&shown), "{shown}: {}", listed.body);
}

/// The group's own times: a volunteer has 2 hours to answer, and a need for
/// this week is told of after 3 hours, not the default 24 and 12.
async fn a_group_sets_how_long_needs_wait(app: TestApp) {
    let group = app.group("Brookfield Estate", None).await;
    let mut coordinator = app.signed_in(&group, "org@example.org", Role::Organiser).await;
    let kind = kind_and_volunteers(&app, &group, &mut coordinator, &["ann@example.org"]).await;
    let times = |answer: &'static str, today: &'static str| {
        vec![
            ("answer_within_hours", answer),
            ("escalate_today_hours", today),
            ("escalate_this_week_hours", "3"),
            ("escalate_when_possible_hours", "48"),
        ]
    };
    let bad = coordinator.post_form(paths::aid_timing(SLUG), &times("0", "soon")).await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    for said in [
        "Time a volunteer has to answer an offer: must be a whole number of hours from 1 to 720",
        "Tell coordinators of a need for today after",
    ] {
        assert!(bad.body.contains(said), "{said}: {}", bad.body);
    }
    assert_eq!(coordinator.post_form(paths::aid_timing(SLUG), &times("2", "1")).await.status(), StatusCode::SEE_OTHER);
    assert!(coordinator.get(paths::needs(SLUG)).await.body.contains("value=\"2\""));
    let mut resident = app.client();
    resident.get(paths::ask_for_help(SLUG)).await;
    resident.post_form(paths::ask_for_help(SLUG), &weekly(&kind, &[("repeats", "never")])).await;
    let need = only_need(&app).await;
    let ann = app.user(&group, "ann@example.org", Role::Volunteer).await.to_string();
    coordinator.post_form(paths::need_status(SLUG, &need), &[("to", "offered"), ("volunteer", &ann)]).await;
    let sweep = |hours: i64| {
        let db = app.db.clone();
        async move {
            let at = chrono::Utc::now() + chrono::Duration::hours(hours);
            let mut tx = db.write().await.unwrap();
            let swept = tredegar_db::aid::sweep::sweep(&mut tx, at).await.unwrap();
            tx.commit().await.unwrap();
            swept
        }
    };
    assert_eq!(sweep(1).await.timed_out, 0, "an hour in, Ann still has time");
    let later = sweep(3).await;
    assert_eq!(later.timed_out, 1, "{later:?}");
    assert_eq!(later.escalated.iter().map(|(_, n)| n.len()).sum::<usize>(), 1, "three hours waiting, for this week: told");

    // Ann leaves the group: a need offered to her goes back to be offered again.
    resident.post_form(paths::ask_for_help(SLUG), &weekly(&kind, &[("repeats", "never")])).await;
    let mut tx = app.db.read().await.unwrap();
    let (second,): (tredegar_domain::NeedId,) =
        tredegar_db::sql::Sql::new("SELECT id FROM needs WHERE status = 'new'").fetch_all(&mut tx).await.unwrap()[0];
    drop(tx);
    let second = second.to_string();
    let offered = coordinator.post_form(paths::need_status(SLUG, &second), &[("to", "offered"), ("volunteer", &ann)]).await;
    assert_eq!(offered.status(), StatusCode::SEE_OTHER, "{}", offered.body);
    let admin = app.user(&group, "admin@example.org", Role::Admin).await;
    let scope = app.scope(admin, &group).await;
    let mut tx = app.db.write().await.unwrap();
    tredegar_db::users::remove_membership(&mut tx, &scope, ann.parse().unwrap(), chrono::Utc::now()).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(count(&app, "SELECT COUNT(*) FROM needs WHERE status = 'offered'").await, 0);
    assert!(coordinator.get(paths::need(SLUG, &second)).await.body.contains("their volunteer left the group"));
}

/// A coordinator takes a need down on the phone: the form speaks of the
/// person who needs help, not to them, and their yes to getting involved,
/// given to the coordinator, needs no confirming.
async fn a_coordinator_takes_a_need_by_phone(app: TestApp) {
    let group = app.group("Brookfield Estate", None).await;
    let mut coordinator = app.signed_in(&group, "org@example.org", Role::Organiser).await;
    let kind = kind_and_volunteers(&app, &group, &mut coordinator, &[]).await;
    let form = coordinator.get(paths::new_need(SLUG)).await;
    assert!(form.body.contains("They said yes to: “I&#39;d like to hear how I can get involved"), "{}", form.body);
    assert!(!form.body.contains("Your own name and number"), "{}", form.body);
    let mut need = weekly(&kind, &[("repeats", "never"), ("involve", "yes")]);
    need.retain(|(k, _)| *k != "name");
    let nameless = coordinator.post_form(paths::needs(SLUG), &need).await;
    assert!(
        nameless.status() == StatusCode::BAD_REQUEST && nameless.body.contains("Name of the person who needs help"),
        "{}",
        nameless.body
    );
    need.push(("name", "Gwen Morgan"));
    let taken = coordinator.post_form(paths::needs(SLUG), &need).await;
    assert_eq!(taken.status(), StatusCode::SEE_OTHER, "{}", taken.body);
    let involved = coordinator.get(format!("{}?show=involved", paths::needs(SLUG))).await.body;
    assert!(involved.contains("Gwen Morgan</a> would like to get involved") && !involved.contains("to confirm with them"), "{involved}");
}
