//! A conversation put right or deleted: by whoever held it while they may
//! still act on the person, or by an organiser; nobody else, in this group
//! or another. The listening report follows, and the person's timeline and
//! the audit log say what happened.

use reqwest::StatusCode;
use tredegar_db::people;
use tredegar_domain::Role;
use tredegar_web::paths;

use crate::helpers::{TestApp, audited, count};

crate::on_both_backends!(a_conversation_is_put_right_then_deleted, only_its_holder_and_organisers_change_a_conversation);

const SLUG: &str = "brookfield-estate";

/// The id of the first conversation linked from a page.
fn conversation_on(body: &str) -> String {
    let prefix = format!("/g/{SLUG}/conversations/");
    body.split(&prefix).nth(1).map(|s| s[..36].to_string()).expect("a conversation link")
}

/// How many times a theme is counted on a day, in the listening report's tallies.
const TALLIED: &str = "SELECT CAST(COALESCE(SUM(raised), 0) AS BIGINT) FROM listening_days";

async fn a_conversation_is_put_right_then_deleted(app: TestApp) {
    let group = app.group("Brookfield Estate", None).await;
    let organiser = app.user(&group, "org@example.org", Role::Organiser).await;
    let api = app.api(&app.token(&group, organiser).await);
    let sian = api.person("Siân", "sian@example.org").await;
    let mut org = app.signed_in(&group, "org@example.org", Role::Organiser).await;
    org.new_conversation(SLUG, &sian).await;
    let logged = [("kind", "door_knock"), ("held_at", "2026-11-20T18:30"), ("new_themes", "Damp, Lifts"), ("notes", "Works nigths")];
    let r = org.post_person_conversations(SLUG, &sian, &logged).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", r.body);
    let id = conversation_on(&org.follow(&r).await.body);
    assert_eq!(count(&app, TALLIED).await, 2);

    // Its page offers to change it; the form holds what was recorded, and no assessment or follow-up.
    let shown = org.get(paths::conversation(SLUG, &id)).await;
    assert!(shown.body.contains(&paths::conversation_edit(SLUG, &id)) && shown.body.contains(&paths::conversation_delete(SLUG, &id)));
    let form = org.conversation_edit(SLUG, &id).await;
    assert_eq!(form.status(), StatusCode::OK);
    assert!(form.body.contains("Works nigths") && form.body.contains("value=\"2026-11-20T18:30\""), "{}", form.body);
    assert!(form.body.contains("value=\"Damp\" checked") && !form.body.contains("name=\"follow_up\""), "{}", form.body);
    assert_eq!(audited(&app, &format!("%conversation {id}, to change it%")).await, 1, "the form shows the notes: audited");

    // A bad change is refused, naming the field, and nothing changes.
    let bad = org.post_conversation_edit(SLUG, &id, &[("kind", "door_knock"), ("held_at", "next week"), ("notes", "x")]).await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("held_at") || bad.body.contains("When"), "{}", bad.body);
    assert!(org.get(paths::conversation(SLUG, &id)).await.body.contains("Works nigths"));

    // Put right: the notes, the day, and one issue fewer; the report follows.
    let fixed = [("kind", "door_knock"), ("held_at", "2026-11-19T18:30"), ("themes", "Damp"), ("notes", "Works nights")];
    let r = org.post_conversation_edit(SLUG, &id, &fixed).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", r.body);
    let page = org.follow(&r).await;
    assert!(page.body.contains("Conversation changed.") && page.body.contains("Works nights") && !page.body.contains("nigths"));
    assert!(page.body.contains("Damp") && !page.body.contains(">Lifts<"), "{}", page.body);
    assert_eq!(count(&app, TALLIED).await, 1, "the listening report counts what it raises now");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM listening_days WHERE day = '2026-11-19'").await, 1, "on its new day");
    // Saving it again as it is records nothing.
    let again = org.post_conversation_edit(SLUG, &id, &fixed).await;
    assert!(org.follow(&again).await.body.contains("Nothing was changed."));
    let timeline = org.person(SLUG, &sian).await;
    assert_eq!(timeline.body.matches("Changed the record of a door knock on").count(), 1, "{}", timeline.body);

    // Deleting asks first, says what goes, and then leaves only the timeline's note and the audit entry.
    let ask = org.conversation_delete(SLUG, &id).await;
    assert!(ask.body.contains("Delete the door knock with Siân?") && ask.body.contains("cannot be undone"), "{}", ask.body);
    assert!(org.get(paths::conversation(SLUG, &id)).await.status() == StatusCode::OK, "asking deletes nothing");
    let r = org.post_conversation_delete(SLUG, &id).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", r.body);
    let person = org.follow(&r).await;
    assert!(person.body.contains("Conversation deleted.") && person.body.contains("Deleted the record of a door knock"), "{}", person.body);
    assert!(person.body.contains("<span class=\"badge\">deleted</span>"), "{}", person.body);
    assert_eq!(org.get(paths::conversation(SLUG, &id)).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(count(&app, TALLIED).await, 0);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM conversation_themes").await, 0);
    assert_eq!(audited(&app, &format!("conversation {id}: a door knock on % held by %")).await, 1);
    assert_eq!(org.post_conversation_delete(SLUG, &id).await.status(), StatusCode::NOT_FOUND, "already gone");
}

async fn only_its_holder_and_organisers_change_a_conversation(app: TestApp) {
    let group = app.group("Brookfield Estate", None).await;
    let organiser = app.user(&group, "org@example.org", Role::Organiser).await;
    let volunteer = app.user(&group, "vol@example.org", Role::Volunteer).await;
    let api = app.api(&app.token(&group, organiser).await);
    let mine = api.person("Assigned", "assigned@example.org").await;
    let scope = app.scope(organiser, &group).await;
    let mut tx = app.db.write().await.unwrap();
    people::assign(&mut tx, &scope, mine.parse().unwrap(), volunteer, chrono::Utc::now()).await.unwrap();
    tx.commit().await.unwrap();

    // The volunteer logs one with the person assigned to them, and may put it right.
    let mut vol = app.signed_in(&group, "vol@example.org", Role::Volunteer).await;
    vol.new_conversation(SLUG, &mine).await;
    let r = vol
        .post_person_conversations(SLUG, &mine, &[("kind", "phone_call"), ("held_at", "2026-11-21T10:00"), ("notes", "Ring back")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", r.body);
    let id = conversation_on(&vol.follow(&r).await.body);
    assert_eq!(vol.conversation_edit(SLUG, &id).await.status(), StatusCode::OK);

    // Another volunteer assigned the same person may read it, not change it.
    let other = app.user(&group, "vol2@example.org", Role::Volunteer).await;
    let mut tx = app.db.write().await.unwrap();
    people::assign(&mut tx, &scope, mine.parse().unwrap(), other, chrono::Utc::now()).await.unwrap();
    tx.commit().await.unwrap();
    let mut vol2 = app.signed_in(&group, "vol2@example.org", Role::Volunteer).await;
    let read = vol2.get(paths::conversation(SLUG, &id)).await;
    assert_eq!(read.status(), StatusCode::OK);
    assert!(!read.body.contains(&paths::conversation_edit(SLUG, &id)), "no link to change it");
    assert_eq!(vol2.conversation_edit(SLUG, &id).await.status(), StatusCode::NOT_FOUND);
    vol2.get(paths::conversation(SLUG, &id)).await;
    assert_eq!(
        vol2.post_conversation_edit(SLUG, &id, &[("kind", "meeting"), ("held_at", "2026-11-21T10:00"), ("notes", "Mine now")])
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(vol2.post_conversation_delete(SLUG, &id).await.status(), StatusCode::NOT_FOUND);

    // Another group's admin, by either group's address: nothing.
    let elsewhere = app.group("Other Branch", None).await;
    let mut stranger = app.signed_in(&elsewhere, "b@example.org", Role::Admin).await;
    for slug in [SLUG, "other-branch"] {
        assert_eq!(stranger.conversation_edit(slug, &id).await.status(), StatusCode::NOT_FOUND);
        assert_eq!(stranger.conversation_delete(slug, &id).await.status(), StatusCode::NOT_FOUND);
        stranger.get(paths::dashboard("other-branch")).await;
        assert_eq!(stranger.post_conversation_delete(slug, &id).await.status(), StatusCode::NOT_FOUND);
    }

    // Once the person is no longer theirs, the volunteer cannot change it either.
    let mut tx = app.db.write().await.unwrap();
    people::unassign(&mut tx, &scope, mine.parse().unwrap(), volunteer).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(vol.conversation_edit(SLUG, &id).await.status(), StatusCode::NOT_FOUND);
    // An organiser may, whoever held it.
    let mut org = app.signed_in(&group, "org@example.org", Role::Organiser).await;
    assert_eq!(org.conversation_edit(SLUG, &id).await.status(), StatusCode::OK);
    assert_eq!(org.post_conversation_delete(SLUG, &id).await.status(), StatusCode::SEE_OTHER);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM conversations").await, 0);
}
