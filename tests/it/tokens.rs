//! API tokens made and revoked on a page: shown once, working at once,
//! revoked at once; each member sees their own, an admin everyone's.

use reqwest::StatusCode;
use tredegar_domain::Role;

use crate::helpers::{Client, TestApp, audited};

crate::on_both_backends!(a_member_makes_a_token_for_a_tool_and_revokes_it, tokens_are_their_makers_and_their_admins);

const SLUG: &str = "riverside-branch";

/// Make a token called `name` on the page; the token, read off the page.
async fn make(c: &mut Client, name: &str) -> String {
    c.api_tokens(SLUG).await;
    let page = c.post_api_tokens(SLUG, &[("name", name)]).await;
    assert_eq!(page.status(), StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("Token made."), "{}", page.body);
    let marker = "class=\"token\">";
    let at = page.body.find(marker).expect("the token is shown") + marker.len();
    page.body[at..][..page.body[at..].find('<').unwrap()].to_string()
}

/// The ids of the tokens a page offers to revoke, in its order.
fn revocable(body: &str) -> Vec<String> {
    body.split("/api-tokens/").skip(1).filter_map(|rest| rest.split_once("/revoke").map(|(id, _)| id.to_string())).collect()
}

async fn a_member_makes_a_token_for_a_tool_and_revokes_it(app: TestApp) {
    let group = app.group("Riverside Branch", None).await;
    let mut organiser = app.signed_in(&group, "org@example.org", Role::Organiser).await;
    let page = organiser.api_tokens(SLUG).await;
    assert!(page.body.contains("None yet.") && page.body.contains("OSDI-API-Token"), "{}", page.body);

    // A token needs a name, and one line of it.
    let empty = organiser.post_api_tokens(SLUG, &[("name", "  ")]).await;
    assert_eq!(empty.status(), StatusCode::BAD_REQUEST);
    assert!(empty.body.contains("must not be empty"), "{}", empty.body);
    let long = "x".repeat(101);
    let too_long = organiser.post_api_tokens(SLUG, &[("name", &long)]).await;
    assert_eq!(too_long.status(), StatusCode::BAD_REQUEST, "{}", too_long.body);
    assert_eq!(revocable(&too_long.body).len(), 0, "nothing made");
    // Nor may a name turn the list, or the audit log, around.
    let backwards = organiser.post_api_tokens(SLUG, &[("name", "abc\u{202E}gnp.exe")]).await;
    assert_eq!(backwards.status(), StatusCode::BAD_REQUEST, "{}", backwards.body);

    let token = make(&mut organiser, "Parsons sync").await;
    let (status, _) = app.api(&token).get("people").await;
    assert_eq!(status, StatusCode::OK, "it works at once");
    // Shown once: the page does not show it again.
    let page = organiser.api_tokens(SLUG).await;
    assert!(page.body.contains("Parsons sync") && !page.body.contains(&token), "{}", page.body);
    let ids = revocable(&page.body);
    assert_eq!(ids.len(), 1);

    // Revoking asks first, and says what it will do.
    let ask = organiser.api_token_revoke(SLUG, &ids[0]).await;
    assert_eq!(ask.status(), StatusCode::OK);
    assert!(ask.body.contains("Revoke the token <bdi>Parsons sync</bdi>?") && ask.body.contains("stops working at once"), "{}", ask.body);
    assert_eq!(app.api(&token).get("people").await.0, StatusCode::OK, "asking revokes nothing");
    let revoked = organiser.post_api_token_revoke(SLUG, &ids[0]).await;
    assert_eq!(revoked.status(), StatusCode::SEE_OTHER);
    assert!(organiser.follow(&revoked).await.body.contains("Token revoked."));
    let (status, _) = app.api(&token).get("people").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "it stops at once");
    assert_eq!(audited(&app, "\"Parsons sync\" made").await, 1);
    assert_eq!(audited(&app, "\"Parsons sync\" of % revoked").await, 1);
    let again = organiser.post_api_token_revoke(SLUG, &ids[0]).await;
    assert_eq!(again.status(), StatusCode::NOT_FOUND, "already gone");

    // Twenty at most, one per tool.
    for n in 0..20 {
        make(&mut organiser, &format!("Tool {n}")).await;
    }
    let one_more = organiser.post_api_tokens(SLUG, &[("name", "Tool 21")]).await;
    assert_eq!(one_more.status(), StatusCode::BAD_REQUEST);
    assert!(one_more.body.contains("you have 20 tokens already"), "{}", one_more.body);
}

async fn tokens_are_their_makers_and_their_admins(app: TestApp) {
    let group = app.group("Riverside Branch", None).await;
    let other = app.group("Elsewhere", None).await;
    let mut admin = app.signed_in(&group, "admin@example.org", Role::Admin).await;
    let mut organiser = app.signed_in(&group, "org@example.org", Role::Organiser).await;
    let mut volunteer = app.signed_in(&group, "vol@example.org", Role::Volunteer).await;
    let mut outsider = app.signed_in(&other, "admin@elsewhere.example.org", Role::Admin).await;

    let organisers = make(&mut organiser, "Organiser sync").await;
    let volunteers = make(&mut volunteer, "Volunteer phone").await;
    // A volunteer's token carries a volunteer's reach: nobody is assigned to them.
    let (status, body) = app.api(&volunteers).get("people").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["total_records"], 0, "{body}");

    // Each sees their own; the admin sees both, with whose they are.
    let seen = volunteer.api_tokens(SLUG).await;
    assert!(seen.body.contains("Volunteer phone") && !seen.body.contains("Organiser sync"), "{}", seen.body);
    let volunteer_ids = revocable(&seen.body);
    let organiser_ids = revocable(&organiser.api_tokens(SLUG).await.body);
    let all = admin.api_tokens(SLUG).await;
    assert_eq!(revocable(&all.body).len(), 2, "{}", all.body);

    // Nobody revokes a token they cannot see: not a volunteer, not another group's admin.
    assert_eq!(volunteer.api_token_revoke(SLUG, &organiser_ids[0]).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(outsider.api_token_revoke("elsewhere", &organiser_ids[0]).await.status(), StatusCode::NOT_FOUND);
    volunteer.api_tokens(SLUG).await;
    assert_eq!(volunteer.post_api_token_revoke(SLUG, &organiser_ids[0]).await.status(), StatusCode::NOT_FOUND);
    outsider.api_tokens("elsewhere").await;
    assert_eq!(outsider.post_api_token_revoke(SLUG, &organiser_ids[0]).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(outsider.post_api_token_revoke("elsewhere", &organiser_ids[0]).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.api(&organisers).get("people").await.0, StatusCode::OK, "still works");

    // The admin can revoke a member's token, told whose it is.
    let ask = admin.api_token_revoke(SLUG, &volunteer_ids[0]).await;
    assert!(ask.body.contains("Volunteer phone</bdi> of <bdi>"), "{}", ask.body);
    admin.api_tokens(SLUG).await;
    assert_eq!(admin.post_api_token_revoke(SLUG, &volunteer_ids[0]).await.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.api(&volunteers).get("people").await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(revocable(&volunteer.api_tokens(SLUG).await.body).len(), 0);
}
