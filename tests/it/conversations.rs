//! Conversations, assessments and follow-ups through the pages: logging one
//! in a single form, the timeline, the audit of reads, history kept, and
//! who may see what.

use reqwest::StatusCode;
use tredegar_db::people;
use tredegar_domain::Role;
use tredegar_web::paths;

use crate::helpers::{Client, TestApp};

crate::on_both_backends!(
    log_a_conversation_and_see_it_everywhere,
    bad_conversations_are_refused_and_nothing_is_kept,
    assessments_keep_their_history,
    volunteers_log_only_for_their_people,
    conversations_in_the_api,
    a_long_timeline_pages_without_gaps,
);

const SLUG: &str = "brookfield-estate";

/// A campaign made through the pages; its id.
async fn campaign(c: &mut Client, title: &str) -> String {
    c.new_campaign(SLUG).await;
    let r = c.post_campaigns(SLUG, &[("title", title), ("status", "active")]).await;
    let at = r.location.expect("to the campaign");
    at.trim_start_matches(&paths::campaigns(SLUG)).trim_start_matches('/').split('?').next().unwrap().to_string()
}

/// The first link to a conversation on a page.
fn conversation_link(body: &str) -> String {
    let prefix = format!("/g/{SLUG}/conversations/");
    body.split("href=\"").find(|s| s.starts_with(&prefix)).and_then(|s| s.split('"').next()).expect("a conversation link").to_string()
}

async fn log_a_conversation_and_see_it_everywhere(app: TestApp) {
    let group = app.group("Brookfield Estate", None).await;
    let mut org = app.signed_in(&group, "org@example.org", Role::Organiser).await;
    let api = app.api(&app.token(&group, app.user(&group, "org@example.org", Role::Organiser).await).await);
    let (_, made) = api
        .post(
            "people",
            serde_json::json!({"person": {"given_name": "Siân", "family_name": "Hughes", "email_addresses": [{"address": "sian@example.org"}],
                "postal_addresses": [{"address_lines": ["Flat 4, Attlee House"], "postal_code": "CF10 1AA"}]}}),
        )
        .await;
    let sian = crate::helpers::id_of(&made);
    let rent = campaign(&mut org, "Fix the lifts").await;
    assert_eq!(org.post_themes(SLUG, &[("name", "Damp")]).await.status(), StatusCode::NOT_FOUND, "only admins edit the issue list");

    let form = org.new_conversation(SLUG, &sian).await;
    assert!(form.body.contains("Log a conversation") && form.body.contains("Siân Hughes"), "{}", form.body);
    let me = form.body.split("name=\"assignee\">").nth(1).and_then(|s| s.split("value=\"").nth(1)).map(|s| s[..36].to_string()).unwrap();
    let r = org
        .post_person_conversations(
            SLUG,
            &sian,
            &[
                ("kind", "door_knock"),
                ("held_at", "2026-11-20T18:30"),
                ("place", "Her doorstep"),
                ("self_interest", "Her son's asthma; the mould in the bedroom"),
                ("new_themes", "Damp and mould, Broken lifts"),
                ("ask", "Come to the residents' meeting on Thursday"),
                ("answer", "yes"),
                ("commitments", "Will bring her neighbour"),
                ("notes", "Works nights; knock after 6pm"),
                ("campaign", &rent),
                ("level", "2"),
                ("follow_up", "Remind her about Thursday"),
                ("assignee", &me),
                ("due_on", "2020-01-01"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", r.body);
    let page = org.follow(&r).await;
    for shown in [
        "Conversation saved",
        "Door knock",
        "Her son&#39;s asthma",
        "Broken lifts, Damp and mould",
        "Come to the residents&#39; meeting on Thursday",
        "Fix the lifts</a>: <strong>2 · Active supporter",
        "Remind her about Thursday",
    ] {
        assert!(page.body.contains(shown), "the person page shows {shown}: {}", page.body);
    }
    assert!(
        page.body.contains("<h2>To do</h2>") && page.body.contains("was due 1 Jan 2020"),
        "open follow-ups lead the page: {}",
        page.body
    );
    // The notes are on the conversation's own page, and reading it is audited.
    let link = conversation_link(&page.body);
    let read = org.get(&link).await;
    assert!(read.body.contains("Works nights; knock after 6pm") && read.body.contains("Will bring her neighbour"));
    let mut admin = app.signed_in(&group, "admin@example.org", Role::Admin).await;
    let audit = admin.audit(SLUG).await;
    assert!(audit.body.contains("conversation ") && audit.body.contains("with 1 conversations"), "{}", audit.body);
    // The issue list grew; an admin can rename a theme and the conversation follows.
    let themes = admin.themes(SLUG).await;
    assert!(themes.body.contains("Broken lifts") && themes.body.contains("Damp and mould"));
    let theme = themes.body.split(&format!("/g/{SLUG}/themes/")).nth(1).unwrap()[..36].to_string();
    assert_eq!(admin.post_theme(SLUG, &theme, &[("name", "Lifts out of order")]).await.status(), StatusCode::SEE_OTHER);
    assert!(org.get(&link).await.body.contains("Lifts out of order"));
    // And takes one off the list: the conversation keeps the rest.
    assert_eq!(org.post_theme_delete(SLUG, &theme, &[]).await.status(), StatusCode::NOT_FOUND, "admins only");
    assert_eq!(admin.post_theme_delete(SLUG, &theme, &[]).await.status(), StatusCode::SEE_OTHER);
    let read = org.get(&link).await;
    assert!(!read.body.contains("Lifts out of order") && read.body.contains("Damp and mould"), "{}", read.body);
    // The follow-up is overdue on the dashboard and in "my follow-ups", until done.
    let dash = org.dashboard(SLUG).await;
    assert!(dash.body.contains("Remind her about Thursday") && dash.body.contains("Overdue"), "{}", dash.body);
    assert!(dash.body.contains("Door knock with Siân Hughes"), "recent conversations");
    assert!(admin.audit(SLUG).await.body.contains("named on the dashboard"), "and the reading is audited");
    let mine = org.follow_ups(SLUG).await;
    let done = mine.body.split(&format!("/g/{SLUG}/follow-ups/")).nth(1).unwrap()[..36].to_string();
    assert_eq!(admin.post_follow_up_done(SLUG, &done, &[]).await.status(), StatusCode::SEE_OTHER, "an organiser may close anyone's");
    let mine = org.follow_ups(SLUG).await;
    assert!(mine.body.contains("Done lately") && mine.body.contains("Nothing to follow up"), "{}", mine.body);
    // Supporters nobody has spoken to lately: Siân was spoken to on 20 Nov.
    let dash = org.get(format!("{}?days=3650", paths::dashboard(SLUG))).await;
    assert!(dash.body.contains("Nobody at level 1 or 2 has gone 3650 days without being spoken to"), "{}", dash.body);
    // Deleting the person erases the conversation and everything with it.
    assert_eq!(admin.post_person_delete(SLUG, &sian, &[]).await.status(), StatusCode::SEE_OTHER);
    assert_eq!(org.get(&link).await.status(), StatusCode::NOT_FOUND);
    let mut tx = app.db.read().await.unwrap();
    let scope = app.scope(app.user(&group, "admin@example.org", Role::Admin).await, &group).await;
    assert!(tredegar_db::conversations::recent(&mut tx, &scope, 10).await.unwrap().is_empty());
}

async fn bad_conversations_are_refused_and_nothing_is_kept(app: TestApp) {
    let group = app.group("Brookfield Estate", None).await;
    let mut org = app.signed_in(&group, "org@example.org", Role::Organiser).await;
    let id = app
        .api(&app.token(&group, app.user(&group, "org@example.org", Role::Organiser).await).await)
        .person("Ann", "ann@example.org")
        .await;
    org.new_conversation(SLUG, &id).await;
    let bad = org
        .post_person_conversations(
            SLUG,
            &id,
            &[
                ("kind", "chat"),
                ("held_at", "yesterday"),
                ("answer", "yes"),
                ("level", "7"),
                ("campaign", "not-a-campaign"),
                ("follow_up", "Call back"),
                ("due_on", "soon"),
            ],
        )
        .await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    for named in [
        "Kind: must be one of",
        "When: must be a date and time",
        "Ask: say what was asked",
        "Level: must be a level from 1 to 5",
        "By when: must be a date",
    ] {
        assert!(bad.body.contains(named), "names {named}: {}", bad.body);
    }
    // A conversation that has not happened yet, or says nothing, is refused.
    let future =
        org.post_person_conversations(SLUG, &id, &[("kind", "meeting"), ("held_at", "2199-01-01T10:00"), ("notes", "Next year")]).await;
    assert!(future.status() == StatusCode::BAD_REQUEST && future.body.contains("When: is in the future"), "{}", future.body);
    let empty = org.post_person_conversations(SLUG, &id, &[("kind", "meeting"), ("held_at", "2026-11-20T18:30")]).await;
    assert!(empty.status() == StatusCode::BAD_REQUEST && empty.body.contains("say something about the conversation"), "{}", empty.body);
    // A follow-up for someone who cannot see the person is refused, and the whole form with it.
    let volunteer = app.user(&group, "vol@example.org", Role::Volunteer).await;
    let bad = org
        .post_person_conversations(
            SLUG,
            &id,
            &[
                ("kind", "phone_call"),
                ("held_at", "2026-11-20T18:30"),
                ("follow_up", "Call back"),
                ("assignee", &volunteer.to_string()),
                ("due_on", "2026-12-01"),
                ("notes", "Rang about the meeting"),
            ],
        )
        .await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("must be an organiser, or a volunteer this person is assigned to"), "{}", bad.body);
    let page = org.person(SLUG, &id).await;
    assert!(!page.body.contains("Phone call") && !page.body.contains("Call back"), "nothing was kept: {}", page.body);
}

async fn assessments_keep_their_history(app: TestApp) {
    let group = app.group("Brookfield Estate", None).await;
    let mut admin = app.signed_in(&group, "admin@example.org", Role::Admin).await;
    let id =
        app.api(&app.token(&group, app.user(&group, "admin@example.org", Role::Admin).await).await).person("Ann", "ann@example.org").await;
    let lifts = campaign(&mut admin, "Fix the lifts").await;
    admin.person(SLUG, &id).await;
    for (level, reason) in [("3", "first knock"), ("2", "came to the meeting"), ("2", "no change")] {
        let r = admin.post_person_assessments(SLUG, &id, &[("campaign", &lifts), ("level", level), ("reason", reason)]).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
    }
    let bad = admin.post_person_assessments(SLUG, &id, &[("campaign", &lifts), ("level", "9")]).await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("must be a level from 1 to 5"));
    // The group names level 1 its own way; the history reads in its words.
    admin.assessment_levels(SLUG).await;
    let names =
        [("level_1", "Estate leader"), ("level_2", "Active"), ("level_3", "Undecided"), ("level_4", "Unlikely"), ("level_5", "Against")];
    assert_eq!(admin.post_assessment_levels(SLUG, &names).await.status(), StatusCode::SEE_OTHER);
    let empty = admin.post_assessment_levels(SLUG, &[("level_1", " ")]).await;
    assert!(empty.status() == StatusCode::BAD_REQUEST && empty.body.contains("Level 1: must not be empty"), "{}", empty.body);
    let page = admin.person(SLUG, &id).await;
    assert!(page.body.contains("Fix the lifts</a>: <strong>2 · Active"), "{}", page.body);
    assert!(page.body.contains("3 · Undecided → 2 · Active (came to the meeting)"), "{}", page.body);
    assert!(page.body.contains("Fix the lifts: 3 · Undecided (first knock)"), "{}", page.body);
    assert_eq!(page.body.matches("<span class=\"badge\">Assessment</span>").count(), 2, "setting the same level again is not a change");
    // The campaign counts people by level and charts how that moved.
    let c = admin.campaign(SLUG, &lifts).await;
    assert!(c.body.contains("<td data-label=\"Level\">2 · Active</td><td data-label=\"People\">1</td>"), "{}", c.body);
    assert!(c.body.contains("<svg class=\"chart\"") && c.body.contains("2 · Active 1"), "the chart describes itself: {}", c.body);
}

async fn volunteers_log_only_for_their_people(app: TestApp) {
    let group = app.group("Brookfield Estate", None).await;
    let organiser = app.user(&group, "org@example.org", Role::Organiser).await;
    let volunteer = app.user(&group, "vol@example.org", Role::Volunteer).await;
    let api = app.api(&app.token(&group, organiser).await);
    let mine = api.person("Assigned", "assigned@example.org").await;
    let hidden = api.person("Hidden", "hidden@example.org").await;
    let scope = app.scope(organiser, &group).await;
    let mut tx = app.db.write().await.unwrap();
    people::assign(&mut tx, &scope, mine.parse().unwrap(), volunteer, chrono::Utc::now()).await.unwrap();
    tx.commit().await.unwrap();
    let mut org = app.signed_in(&group, "org@example.org", Role::Organiser).await;
    org.new_conversation(SLUG, &hidden).await;
    let r = org
        .post_person_conversations(SLUG, &hidden, &[("kind", "meeting"), ("held_at", "2026-11-20T18:30"), ("notes", "Private matter")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let theirs = org.follow(&r).await;
    let hidden_link = conversation_link(&theirs.body);

    let mut vol = app.signed_in(&group, "vol@example.org", Role::Volunteer).await;
    let form = vol.new_conversation(SLUG, &mine).await;
    assert_eq!(form.status(), StatusCode::OK);
    assert!(
        form.body.contains(&format!("value=\"{volunteer}\" selected>vol@example.org")),
        "their own follow-up by default: {}",
        form.body
    );
    let r = vol
        .post_person_conversations(
            SLUG,
            &mine,
            &[
                ("kind", "phone_call"),
                ("held_at", "2026-11-21T10:00"),
                ("follow_up", "Ring back"),
                ("assignee", &volunteer.to_string()),
                ("due_on", "2030-01-01"),
                ("notes", "No answer twice"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", r.body);
    assert!(vol.follow_ups(SLUG).await.body.contains("Ring back"));
    // Nothing about the people not assigned to them: not the form, not a conversation, not a post.
    assert_eq!(vol.new_conversation(SLUG, &hidden).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(vol.get(&hidden_link).await.status(), StatusCode::NOT_FOUND);
    let r = vol.post_person_conversations(SLUG, &hidden, &[("kind", "meeting"), ("held_at", "2026-11-20T18:30"), ("notes", "x")]).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert!(!vol.dashboard(SLUG).await.body.contains("Hidden"));
    // Another group's organiser reads nothing either.
    let other = app.group("Other Branch", None).await;
    let mut stranger = app.signed_in(&other, "b@example.org", Role::Admin).await;
    assert_eq!(stranger.get(&hidden_link).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(stranger.get(hidden_link.replace(SLUG, "other-branch")).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(stranger.new_conversation("other-branch", &hidden).await.status(), StatusCode::NOT_FOUND);
}

async fn conversations_in_the_api(app: TestApp) {
    let group = app.group("Brookfield Estate", None).await;
    let organiser = app.user(&group, "org@example.org", Role::Organiser).await;
    let volunteer = app.user(&group, "vol@example.org", Role::Volunteer).await;
    let api = app.api(&app.token(&group, organiser).await);
    let ann = api.person("Ann", "ann@example.org").await;
    let bob = api.person("Bob", "bob@example.org").await;
    let body = serde_json::json!({"kind": "phone_call", "held_at": "2026-11-20T18:30:00Z", "self_interest": "The lifts",
        "issues": ["Broken lifts"], "ask": "Come on Thursday", "answer": "maybe", "notes": "Call after 6"});
    let (status, made) = api.post(&format!("people/{ann}/conversations"), body).await;
    assert_eq!(status, StatusCode::OK, "{made}");
    assert_eq!(made["kind"], "phone_call");
    assert_eq!(made["issues"][0], "Broken lifts");
    assert_eq!(made["answer"], "maybe");
    assert_eq!(made["held_by"], "org@example.org");
    assert!(made["_links"]["osdi:person"]["href"].as_str().unwrap().ends_with(&format!("/api/v2/people/{ann}")));
    let (_, list) = api.get(&format!("people/{ann}/conversations")).await;
    assert_eq!(list["total_records"], 1);
    assert_eq!(list["_embedded"]["tredegar:conversations"][0]["notes"], "Call after 6");
    let one = made["_links"]["self"]["href"].as_str().unwrap().split("/api/v2/").nth(1).unwrap().to_string();
    assert_eq!(api.get(&one).await.1["self_interest"], "The lifts");
    // Bad input names the field; nothing is written.
    let (status, err) = api.post(&format!("people/{ann}/conversations"), serde_json::json!({"kind": "chat", "answer": "perhaps"})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(err["error"].as_str().unwrap().contains("kind") && err["error"].as_str().unwrap().contains("answer"), "{err}");
    assert_eq!(api.get(&format!("people/{ann}/conversations")).await.1["total_records"], 1);
    // A volunteer's token reaches only the people assigned to them; another group's, nobody here.
    let scope = app.scope(organiser, &group).await;
    let mut tx = app.db.write().await.unwrap();
    people::assign(&mut tx, &scope, bob.parse().unwrap(), volunteer, chrono::Utc::now()).await.unwrap();
    tx.commit().await.unwrap();
    let vapi = app.api(&app.token(&group, volunteer).await);
    assert_eq!(vapi.get(&one).await.0, StatusCode::NOT_FOUND);
    assert_eq!(vapi.get(&format!("people/{ann}/conversations")).await.0, StatusCode::NOT_FOUND);
    assert_eq!(vapi.post(&format!("people/{ann}/conversations"), serde_json::json!({"kind": "meeting"})).await.0, StatusCode::NOT_FOUND);
    assert_eq!(vapi.post(&format!("people/{bob}/conversations"), serde_json::json!({"kind": "meeting"})).await.0, StatusCode::OK);
    let other = app.group("Other Branch", None).await;
    let stranger = app.api(&app.token(&other, app.user(&other, "b@example.org", Role::Admin).await).await);
    assert_eq!(stranger.get(&one).await.0, StatusCode::NOT_FOUND);
    assert_eq!(stranger.get(&format!("people/{ann}/conversations")).await.0, StatusCode::NOT_FOUND);
    // The reads are in the audit log.
    let mut admin = app.signed_in(&group, "admin@example.org", Role::Admin).await;
    assert!(admin.audit(SLUG).await.body.contains(" in the API"));
}

/// A timeline longer than a page: every entry once across the pages, in
/// order, entries at the same moment kept together, and an old open
/// follow-up still leading the first page.
async fn a_long_timeline_pages_without_gaps(app: TestApp) {
    let group = app.group("Brookfield Estate", None).await;
    let user = app.user(&group, "org@example.org", Role::Organiser).await;
    let mut org = app.signed_in(&group, "org@example.org", Role::Organiser).await;
    let api = app.api(&app.token(&group, user).await);
    let sian = api.person("Siân", "sian@example.org").await;
    let form = org.new_conversation(SLUG, &sian).await;
    let me = form.body.split("name=\"assignee\">").nth(1).and_then(|s| s.split("value=\"").nth(1)).map(|s| s[..36].to_string()).unwrap();
    let logged = [
        ("kind", "door_knock"),
        ("held_at", "2020-01-01T18:30"),
        ("self_interest", "The damp"),
        ("follow_up", "Ask about the damp survey"),
        ("assignee", &me),
        ("due_on", "2020-01-08"),
    ];
    let r = org.post_person_conversations(SLUG, &sian, &logged).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", r.body);
    // 150 notes since, three at each moment, so that a moment straddles where each kind is cut.
    let scope = app.scope(user, &group).await;
    let mut tx = app.db.write().await.unwrap();
    let start = chrono::DateTime::parse_from_rfc3339("2025-01-01T09:00:00Z").unwrap().to_utc();
    for i in 0..150 {
        let at = start + chrono::Duration::minutes(i / 3);
        let kind = tredegar_domain::people::HistoryKind::Edited;
        people::add_event(&mut tx, &scope, sian.parse().unwrap(), kind, &format!("entry-{i:03}."), at).await.unwrap();
    }
    tx.commit().await.unwrap();

    let first = org.get(paths::person(SLUG, &sian)).await;
    assert!(first.body.contains("Ask about the damp survey") && first.body.contains("<h2>To do</h2>"), "{}", first.body);
    assert!(!first.body.contains("Read the conversation"), "the 2020 conversation is further down");
    let older =
        first.body.split("href=\"").find(|s| s.contains("?before=")).and_then(|s| s.split('"').next()).expect("a link to older entries");
    let second = org.get(older).await;
    assert_eq!(second.status(), StatusCode::OK);
    assert!(second.body.contains("Read the conversation") && second.body.contains("Back to the newest"), "{}", second.body);
    assert!(!second.body.contains("?before="), "nothing older than the conversation");
    let both = format!("{}{}", first.body, second.body);
    let mut seen = Vec::new();
    for i in 0..150 {
        let n = both.matches(&format!("entry-{i:03}.")).count();
        assert_eq!(n, 1, "entry {i} is on exactly one page");
        seen.push(if first.body.contains(&format!("entry-{i:03}.")) { 1 } else { 2 });
    }
    // Newest first: the first page holds the newest notes, and the notes of one moment are never split.
    assert!(seen.windows(2).all(|w| w[0] >= w[1]), "older notes on the later page: {seen:?}");
    assert!(seen.chunks(3).all(|three| three.iter().all(|p| *p == three[0])), "the notes of one moment on one page: {seen:?}");
    assert!(seen.iter().filter(|p| **p == 1).count() >= 90, "a page holds about a hundred entries");
    let bad = org.get(format!("{}?before=yesterday", paths::person(SLUG, &sian))).await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST, "{}", bad.body);
    assert!(bad.body.contains("Before: input contains invalid characters"), "the error names the field: {}", bad.body);
}
