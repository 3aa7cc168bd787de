//! The ladder of engagement: rungs earned by rules as the record grows, one
//! set by hand with a reason, the funnel with its movement, leaders to
//! develop, and a segment of one rung.

use reqwest::StatusCode;
use tredegar_domain::Role;

use crate::helpers::TestApp;

crate::on_both_backends!(people_climb_the_ladder);

const SLUG: &str = "brookfield-estate";

async fn people_climb_the_ladder(app: TestApp) {
    let group = app.group("Brookfield Estate", None).await;
    let organiser = app.user(&group, "org@example.org", Role::Organiser).await;
    let api = app.api(&app.token(&group, organiser).await);
    let ann = api.person("Ann", "ann@example.org").await;
    let bob = api.person("Bob", "bob@example.org").await;
    let mut admin = app.signed_in(&group, "admin@example.org", Role::Admin).await;
    let mut org = app.signed_in(&group, "org@example.org", Role::Organiser).await;
    admin.ladder(SLUG).await;
    let bad = admin.post_ladder_rungs(SLUG, &[("name", "Came to meetings"), ("rule", "meetings"), ("number", "0")]).await;
    assert!(bad.status() == StatusCode::BAD_REQUEST && bad.body.contains("Number: must be a whole number from 1 to 1000"), "{}", bad.body);
    for (name, rule, number) in [
        ("Contacted", "conversations", "1"),
        ("Came to 2 meetings", "meetings", "2"),
        ("Brought others", "recruited", "1"),
        ("Leader", "by_hand", ""),
    ] {
        let r = admin.post_ladder_rungs(SLUG, &[("name", name), ("rule", rule), ("number", number)]).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", r.body);
    }
    org.person(SLUG, &ann).await;
    assert_eq!(
        org.post_ladder_rungs(SLUG, &[("name", "Sneaky"), ("rule", "by_hand")]).await.status(),
        StatusCode::NOT_FOUND,
        "admins set the rungs"
    );
    // The record earns the rungs.
    org.new_conversation(SLUG, &ann).await;
    for at in ["2026-11-01T19:00", "2026-11-08T19:00"] {
        let r = org.post_person_conversations(SLUG, &ann, &[("kind", "meeting"), ("held_at", at), ("notes", "Came to the meeting")]).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", r.body);
        if at.starts_with("2026-11-01") {
            assert!(org.person(SLUG, &ann).await.body.contains("<strong>Contacted</strong>"), "one meeting: contacted");
        }
    }
    let page = org.person(SLUG, &ann).await;
    assert!(
        page.body.contains("<strong>Came to 2 meetings</strong>") && page.body.contains("Contacted → Came to 2 meetings"),
        "{}",
        page.body
    );
    // Bob was recruited by Ann: she brought someone in.
    org.post_person_relationships(SLUG, &bob, &[("other", &ann), ("kind", "recruited_by"), ("strength", "4")]).await;
    assert!(org.person(SLUG, &ann).await.body.contains("<strong>Brought others</strong>"));
    // Set by hand, with why; the rules no longer move her until handed back.
    let leader = page.body.split("<option value=\"").find(|s| s.contains("\">Leader<")).unwrap()[..36].to_string();
    let no_reason = org.post_person_rung(SLUG, &ann, &[("rung", &leader), ("reason", "")]).await;
    assert!(no_reason.status() == StatusCode::BAD_REQUEST && no_reason.body.contains("Reason: must not be empty"));
    assert_eq!(
        org.post_person_rung(SLUG, &ann, &[("rung", &leader), ("reason", "Chairs the tenants' committee")]).await.status(),
        StatusCode::SEE_OTHER
    );
    let page = org.person(SLUG, &ann).await;
    assert!(page.body.contains("<strong>Leader</strong> · set by hand: Chairs the tenants&#39; committee"), "{}", page.body);
    // The funnel counts each rung now, and the moves in the period.
    let funnel = org.ladder(SLUG).await;
    let row = |rung: &str, now: i64, up: i64| {
        format!("<td data-label=\"Rung\">{rung}</td><td data-label=\"People now\">{now}</td><td data-label=\"Moved up onto it\">{up}</td>")
    };
    assert!(funnel.body.contains(&row("Leader", 1, 1)) && funnel.body.contains(&row("Contacted", 0, 1)), "{}", funnel.body);
    assert!(funnel.body.contains("<svg class=\"chart\"") && funnel.body.contains(">Ann</a> · brought in 1"), "{}", funnel.body);
    // A volunteer has no ladder page; another group none of ours.
    let mut vol = app.signed_in(&group, "vol@example.org", Role::Volunteer).await;
    assert_eq!(vol.ladder(SLUG).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(vol.post_person_rung(SLUG, &ann, &[("rung", &leader), ("reason", "x")]).await.status(), StatusCode::NOT_FOUND);
    let other = app.group("Other Branch", None).await;
    let mut stranger = app.signed_in(&other, "b@example.org", Role::Admin).await;
    stranger.dashboard("other-branch").await;
    let theirs = stranger.post_person_rung("other-branch", &ann, &[("rung", &leader), ("reason", "x")]).await;
    assert_eq!(theirs.status(), StatusCode::NOT_FOUND);
    assert_eq!(stranger.post_ladder_rung_delete(SLUG, &leader, &[]).await.status(), StatusCode::NOT_FOUND);
    // Taking the rung away puts her back where the rules say.
    assert_eq!(admin.post_ladder_rung_delete(SLUG, &leader, &[]).await.status(), StatusCode::SEE_OTHER);
    assert!(org.person(SLUG, &ann).await.body.contains("<strong>Brought others</strong> · by the ladder"));
}
