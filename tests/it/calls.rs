//! Call lists: made from a list, shared among callers, worked one person at
//! a time; "do not call" is honoured by every later list; callers see only
//! their own people, only while the list is open.

use reqwest::StatusCode;
use tredegar_domain::Role;
use tredegar_web::paths;

use crate::helpers::{Client, TestApp, id_of};

crate::on_both_backends!(call_lists_are_shared_worked_and_closed);

const SLUG: &str = "brookfield-estate";

/// Each person on a caller's screen, in turn, until none is left.
async fn callee(c: &mut Client, list: &str) -> Option<(String, String)> {
    let page = c.call_next(SLUG, list).await;
    assert_eq!(page.status(), StatusCode::OK, "{}", page.body);
    let at = format!("{}/people/", paths::call_list(SLUG, list));
    let person = page.body.split(&at).nth(1)?[..36].to_string();
    let name = page.body.split("<h2 id=\"calling\">").nth(1)?.split('<').next()?.to_string();
    Some((person, name))
}

async fn call_lists_are_shared_worked_and_closed(app: TestApp) {
    let group = app.group("Brookfield Estate", None).await;
    let organiser = app.user(&group, "org@example.org", Role::Organiser).await;
    let one = app.user(&group, "one@example.org", Role::Volunteer).await;
    let two = app.user(&group, "two@example.org", Role::Volunteer).await;
    let api = app.api(&app.token(&group, organiser).await);
    let (_, tag) = api.post("tags", serde_json::json!({"name": "Tenants"})).await;
    let tenants = id_of(&tag);
    for (name, phone) in [
        ("Ann", Some("07700 900001")),
        ("Bob", Some("07700 900002")),
        ("Cai", Some("07700 900003")),
        ("Dee", Some("07700 900004")),
        ("Eve", None),
    ] {
        let phones: Vec<serde_json::Value> = phone.into_iter().map(|p| serde_json::json!({"number": p})).collect();
        let body = serde_json::json!({"person": {"given_name": name, "email_addresses": [{"address": format!("{name}@example.org")}], "phone_numbers": phones}, "add_tags": ["Tenants"]});
        assert_eq!(api.post("people", body).await.0, StatusCode::OK);
    }
    let mut org = app.signed_in(&group, "org@example.org", Role::Organiser).await;
    let segment = org.save_tag_segment(SLUG, "Tenants", &tenants).await;

    org.call_lists(SLUG).await;
    let bad = org.post_call_lists(SLUG, &[("name", ""), ("list", &segment)]).await;
    assert!(
        bad.status() == StatusCode::BAD_REQUEST
            && bad.body.contains("Name: must not be empty")
            && bad.body.contains("Callers: choose at least one caller")
    );
    let made = org
        .post_call_lists(
            SLUG,
            &[
                ("name", "Ring round"),
                ("list", &segment),
                ("script", "Hi, it's the tenants' union."),
                ("callers", &one.to_string()),
                ("callers", &two.to_string()),
            ],
        )
        .await;
    assert_eq!(made.status(), StatusCode::SEE_OTHER, "{}", made.body);
    let progress = org.follow(&made).await;
    assert!(progress.body.contains("<strong>0</strong> of 4 called"), "Eve has no phone: {}", progress.body);
    let list = made.location.unwrap().split("/calls/").nth(1).unwrap()[..36].to_string();

    // Each caller gets half, and sees only their own people.
    let mut first = app.signed_in(&group, "one@example.org", Role::Volunteer).await;
    let mut second = app.signed_in(&group, "two@example.org", Role::Volunteer).await;
    let (a, a_name) = callee(&mut first, &list).await.unwrap();
    let (b, _) = callee(&mut second, &list).await.unwrap();
    assert_ne!(a, b);
    assert_eq!(
        first.post_call_record(SLUG, &list, &b, &[("outcome", "spoke")]).await.status(),
        StatusCode::NOT_FOUND,
        "not theirs to call"
    );
    assert_eq!(first.person(SLUG, &a).await.status(), StatusCode::NOT_FOUND, "a caller sees what the call needs, not the record");
    // A call back needs a time; a bad form keeps the screen and saves nothing.
    let r = first.post_call_record(SLUG, &list, &a, &[("outcome", "call_back")]).await;
    assert!(r.status() == StatusCode::BAD_REQUEST && r.body.contains("Call back at: must be a date and time"), "{}", r.body);
    assert!(r.body.contains(&a_name));
    let r = first.post_call_record(SLUG, &list, &a, &[("outcome", "no_answer")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    // An old form sent again does not overwrite what was recorded.
    let again = first.post_call_record(SLUG, &list, &a, &[("outcome", "wrong_number")]).await;
    assert!(
        again.status() == StatusCode::BAD_REQUEST && again.body.contains("already recorded for this call: No answer"),
        "{}",
        again.body
    );
    let (c, _) = callee(&mut first, &list).await.unwrap();
    let spoke = [
        ("outcome", "spoke"),
        ("kind", "phone_call"),
        ("held_at", "2026-11-20T18:30"),
        ("self_interest", "The damp"),
        ("new_themes", "Damp"),
    ];
    // A follow-up goes to someone who will see the person after the call, not the caller.
    let me = one.to_string();
    let mine = [spoke.as_slice(), &[("follow_up", "Send a leaflet"), ("assignee", &me), ("due_on", "2026-12-01")]].concat();
    let r = first.post_call_record(SLUG, &list, &c, &mine).await;
    assert!(r.status() == StatusCode::BAD_REQUEST && r.body.contains("must be an organiser, or a volunteer this person is assigned to"));
    // A rung by hand is a judgement on a record the caller cannot see.
    let rung = first.post_form(paths::person_rung(SLUG, &c), &[("rung", &list), ("reason", "x")]).await;
    assert_eq!(rung.status(), StatusCode::NOT_FOUND);
    assert_eq!(first.post_call_record(SLUG, &list, &c, &spoke).await.status(), StatusCode::SEE_OTHER);
    assert!(callee(&mut first, &list).await.is_none(), "done with their half");
    assert!(first.call_next(SLUG, &list).await.body.contains("You have called everyone"));

    let progress = org.call_list(SLUG, &list).await;
    assert!(progress.body.contains("<strong>2</strong> of 4 called"), "{}", progress.body);
    assert!(
        progress
            .body
            .contains("<td data-label=\"Caller\">one@example.org</td><td data-label=\"Called\">2 of 2</td><td data-label=\"Spoke\">1</td>"),
        "{}",
        progress.body
    );
    // The organiser sees who is on it and how each call went, and that is audited.
    assert!(
        progress.body.contains("<td data-label=\"How it went\">No answer · ") && progress.body.contains("Not called yet"),
        "{}",
        progress.body
    );
    assert!(crate::helpers::audited(&app, &format!("on the call list “Ring round”%{c}%")).await >= 1);
    let person = org.person(SLUG, &c).await;
    assert!(
        person.body.contains("Ring round: <strong>Spoke to them</strong>") && person.body.contains("Cares about: The damp"),
        "{}",
        person.body
    );

    // Who asked not to be called is gone from the caller at once, name and number.
    let (_, b_name) = callee(&mut second, &list).await.unwrap();
    assert_eq!(second.post_call_record(SLUG, &list, &b, &[("outcome", "do_not_call")]).await.status(), StatusCode::SEE_OTHER);
    let late = second.post_call_record(SLUG, &list, &b, &[("outcome", "spoke"), ("notes", "called anyway")]).await;
    assert!(late.status() == StatusCode::NOT_FOUND && !late.body.contains(&b_name), "{}", late.body);
    // Nor anything else about them, by another page: the list no longer reaches them.
    let judged = second.post_person_assessments(SLUG, &b, &[("campaign", &list), ("level", "5")]).await;
    assert_eq!(judged.status(), StatusCode::NOT_FOUND, "{}", judged.body);
    // A call back not yet due is not "everyone called".
    let (d, _) = callee(&mut second, &list).await.unwrap();
    let later = [("outcome", "call_back"), ("call_back_at", "2099-01-01T10:00")];
    assert_eq!(second.post_call_record(SLUG, &list, &d, &later).await.status(), StatusCode::SEE_OTHER);
    let waiting = second.call_next(SLUG, &list).await;
    assert!(waiting.body.contains("1 asked to be called back: the first is due 1 Jan 2099, 10:00"), "{}", waiting.body);

    // Closed: the callers lose it. A later list leaves out who asked not to be called.
    assert_eq!(org.post_call_list_status(SLUG, &list, &[("status", "closed")]).await.status(), StatusCode::SEE_OTHER);
    assert_eq!(second.call_next(SLUG, &list).await.status(), StatusCode::NOT_FOUND);
    assert!(!second.call_lists(SLUG).await.body.contains("Ring round"));
    let again = org.post_call_lists(SLUG, &[("name", "Second round"), ("list", &segment), ("callers", &one.to_string())]).await;
    assert!(org.follow(&again).await.body.contains("<strong>0</strong> of 3 called"), "the do-not-call is left out");
    // Their page says so, and an organiser can undo it (a mis-tap): on the timeline, and in the next list.
    assert!(org.person(SLUG, &b).await.body.contains("<strong>Asked not to be called.</strong> Recorded by two@example.org"));
    let calls = paths::person_calls(SLUG, &b);
    assert_eq!(second.post_form(&calls, &[("calls", "allow")]).await.status(), StatusCode::NOT_FOUND, "organisers only");
    assert_eq!(org.post_form(&calls, &[("calls", "maybe")]).await.status(), StatusCode::BAD_REQUEST);
    assert_eq!(org.post_form(&calls, &[("calls", "allow")]).await.status(), StatusCode::SEE_OTHER);
    let page = org.person(SLUG, &b).await;
    assert!(page.body.contains("May be called again") && page.body.contains("They asked not to be called</button>"), "{}", page.body);
    let third = org.post_call_lists(SLUG, &[("name", "Third round"), ("list", &segment), ("callers", &two.to_string())]).await;
    assert!(org.follow(&third).await.body.contains("<strong>0</strong> of 4 called"));
    // Taken out of the group and asked back, a caller has none of their calls.
    let second_round = again.location.unwrap().split("/calls/").nth(1).unwrap()[..36].to_string();
    assert_eq!(first.call_next(SLUG, &second_round).await.status(), StatusCode::OK);
    let scope = app.scope(app.user(&group, "admin@example.org", Role::Admin).await, &group).await;
    let mut tx = app.db.write().await.unwrap();
    tredegar_db::users::remove_membership(&mut tx, &scope, one, chrono::Utc::now()).await.unwrap();
    tx.commit().await.unwrap();
    app.user(&group, "one@example.org", Role::Volunteer).await;
    assert_eq!(first.call_next(SLUG, &second_round).await.status(), StatusCode::NOT_FOUND);
    // Another group's organiser finds neither.
    let other = app.group("Other Branch", None).await;
    let mut stranger = app.signed_in(&other, "b@example.org", Role::Admin).await;
    assert_eq!(stranger.call_list("other-branch", &list).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(stranger.call_list(SLUG, &list).await.status(), StatusCode::NOT_FOUND);
}
