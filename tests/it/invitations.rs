//! Adding a member is an invitation: a single-use link that expires. A new
//! person registers with the invited address; an existing account signs in
//! as it. Until then the group learns nothing about any account.

use reqwest::StatusCode;
use tredegar_domain::Role;
use tredegar_web::paths;

use crate::helpers::{Client, PASSWORD, TestApp};

crate::on_both_backends!(
    a_new_person_accepts_with_the_invited_address,
    an_existing_account_accepts_signed_in_and_keeps_its_password,
    invitations_are_listed_revoked_and_single_use,
    the_last_admin_stays,
);

/// Invite `email` as `role`, and read the link off the page.
async fn invite(admin: &mut Client, email: &str, role: &str) -> String {
    admin.members("riverside-branch").await;
    let page = admin.post_invitations("riverside-branch", &[("email", email), ("role", role)]).await;
    assert_eq!(page.status(), StatusCode::OK, "{}", page.body);
    let at = page.body.find("id=\"new-link\" readonly value=\"").expect("the link is shown") + "id=\"new-link\" readonly value=\"".len();
    let link = &page.body[at..];
    link[..link.find('"').unwrap()].to_string()
}

/// The path of an invitation link (its host is the configured public URL).
fn path_of(link: &str, app: &TestApp) -> String {
    link.strip_prefix(&app.url).expect("links start with the public URL").to_string()
}

async fn a_new_person_accepts_with_the_invited_address(app: TestApp) {
    let group = app.group("Riverside Branch", None).await;
    let mut admin = app.signed_in(&group, "admin@example.org", Role::Admin).await;
    let link = path_of(&invite(&mut admin, "Newcomer@Example.org", "organiser").await, &app);
    let mut stranger = app.client();
    let page = stranger.get(&link).await;
    assert!(page.body.contains("Join Riverside Branch") && page.body.contains("as an organiser"), "{}", page.body);
    // A forwarded link admits nobody else.
    let register = format!("{link}/register");
    let wrong =
        stranger.post_form(&register, &[("email", "forwarded@example.org"), ("name", "Someone Else"), ("password", PASSWORD)]).await;
    assert_eq!(wrong.status(), StatusCode::BAD_REQUEST);
    assert!(wrong.body.contains("is not the address this invitation was sent to"));
    let ok = stranger.post_form(&register, &[("email", "newcomer@example.org"), ("name", "Nia Newcomer"), ("password", PASSWORD)]).await;
    assert_eq!(ok.status(), StatusCode::SEE_OTHER, "{}", ok.body);
    let dash = stranger.follow(&ok).await;
    assert!(dash.body.contains("You are now a member of this group"), "{}", dash.body);
    assert_eq!(stranger.tags("riverside-branch").await.status(), StatusCode::OK, "an organiser");
    // Used once.
    let mut other = app.client();
    assert_eq!(other.get(&link).await.status(), StatusCode::NOT_FOUND);
    let members = admin.members("riverside-branch").await;
    assert!(members.body.contains("Nia Newcomer") && members.body.contains("None."), "listed, and no longer pending");
    let audit = admin.audit("riverside-branch").await;
    assert!(audit.body.contains("joined as Organiser by invitation"), "{}", audit.body);
}

async fn an_existing_account_accepts_signed_in_and_keeps_its_password(app: TestApp) {
    let group = app.group("Riverside Branch", None).await;
    let other_group = app.group("Elsewhere", None).await;
    app.user(&other_group, "veteran@example.org", Role::Organiser).await;
    let mut admin = app.signed_in(&group, "admin@example.org", Role::Admin).await;
    let link = path_of(&invite(&mut admin, "veteran@example.org", "volunteer").await, &app);
    // The group learns nothing about the account before it accepts.
    let members = admin.members("riverside-branch").await;
    assert!(members.body.contains("veteran@example.org") && !members.body.contains("Elsewhere"));
    assert!(!members.body.contains("<td data-label=\"Email\">veteran@example.org"), "only as a pending invitation");
    assert!(!members.body.contains("already has an account"));
    // Registering anew with that address is not how they join.
    let mut v = app.client();
    v.get(&link).await;
    let dup = v
        .post_form(
            format!("{link}/register"),
            &[("email", "veteran@example.org"), ("name", "Imposter"), ("password", "another password here")],
        )
        .await;
    assert_eq!(dup.status(), StatusCode::BAD_REQUEST);
    // Signed in as someone else, the link does nothing.
    let mut wrong = app.signed_in(&other_group, "someone@example.org", Role::Volunteer).await;
    let page = wrong.get(&link).await;
    assert!(page.body.contains("sent to a different email address"));
    assert_eq!(wrong.post_form(&link, &[]).await.status(), StatusCode::FORBIDDEN);
    // Signed in as the invited address, they join.
    let mut v = app.client();
    let asked = v.get(&link).await;
    let login = format!("{}?next={}", paths::login(), paths::encode(&link));
    assert!(asked.body.contains(&login.replace('&', "&amp;")) || asked.body.contains(&login), "{}", asked.body);
    v.get(&login).await;
    let signed_in = v.post_login(&[("email", "veteran@example.org"), ("password", PASSWORD), ("next", &link)]).await;
    assert_eq!(signed_in.location.as_deref(), Some(link.as_str()));
    let page = v.follow(&signed_in).await;
    assert!(page.body.contains("Join Riverside Branch</button>"), "{}", page.body);
    let joined = v.post_form(&link, &[]).await;
    assert_eq!(joined.status(), StatusCode::SEE_OTHER);
    assert_eq!(v.people("riverside-branch").await.status(), StatusCode::OK);
    let mut again = app.client();
    again.login().await;
    let r = again.post_login(&[("email", "veteran@example.org"), ("password", PASSWORD)]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "the password is unchanged");
}

async fn invitations_are_listed_revoked_and_single_use(app: TestApp) {
    let group = app.group("Riverside Branch", None).await;
    let mut admin = app.signed_in(&group, "admin@example.org", Role::Admin).await;
    admin.members("riverside-branch").await;
    let bad = admin.post_invitations("riverside-branch", &[("email", "not an email"), ("role", "boss")]).await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("Role: must be admin, organiser or volunteer"));
    let stale = path_of(&invite(&mut admin, "maybe@example.org", "organiser").await, &app);
    let link = path_of(&invite(&mut admin, "maybe@example.org", "volunteer").await, &app);
    assert_eq!(app.client().get(&stale).await.status(), StatusCode::NOT_FOUND, "a new link for the same address replaces the old");
    let member = admin.post_invitations("riverside-branch", &[("email", "admin@example.org"), ("role", "volunteer")]).await;
    assert!(member.body.contains("is already a member of this group"), "{}", member.body);
    let members = admin.members("riverside-branch").await;
    assert!(members.body.contains("maybe@example.org") && members.body.contains("Withdraw"));
    let mut tx = app.db.read().await.unwrap();
    let scope = app.scope(app.user(&group, "admin@example.org", Role::Admin).await, &group).await;
    let pending = tredegar_db::invitations::pending(&mut tx, &scope, chrono::Utc::now()).await.unwrap();
    drop(tx);
    let id = pending[0].id;
    let r = admin.post_invitation_revoke("riverside-branch", id, &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let mut c = app.client();
    let gone = c.get(&link).await;
    assert_eq!(gone.status(), StatusCode::NOT_FOUND);
    assert!(gone.body.contains("expired, been used or been withdrawn"));
    // Another group's admin cannot withdraw this group's invitations.
    let b = app.group("Other Branch", None).await;
    let mut other = app.signed_in(&b, "b@example.org", Role::Admin).await;
    invite(&mut admin, "later@example.org", "volunteer").await;
    let mut tx = app.db.read().await.unwrap();
    let id = tredegar_db::invitations::pending(&mut tx, &scope, chrono::Utc::now()).await.unwrap()[0].id;
    drop(tx);
    other.members("other-branch").await;
    let r = other.post_invitation_revoke("other-branch", id, &[]).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}

async fn the_last_admin_stays(app: TestApp) {
    let group = app.group("Riverside Branch", None).await;
    let mut admin = app.signed_in(&group, "admin@example.org", Role::Admin).await;
    let other = app.user(&group, "second@example.org", Role::Admin).await;
    admin.members("riverside-branch").await;
    // Two admins: one may step down the other.
    let r = admin.post_member_role("riverside-branch", other, &[("role", "organiser")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    // Now the last admin cannot be demoted through any door: the db refuses it.
    let me = app.user(&group, "admin@example.org", Role::Admin).await;
    let mut tx = app.db.write().await.unwrap();
    let refused = tredegar_db::users::set_membership(&mut tx, group.id, me, Role::Volunteer, chrono::Utc::now()).await;
    assert!(refused.is_err_and(|e| e.to_string().contains("at least one admin")));
}
