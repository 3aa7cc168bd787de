//! First-run setup, signing in and out, CSRF, and the login rate limit.

use reqwest::StatusCode;
use tredegar_db::users;
use tredegar_domain::Role;

use tredegar_web::paths;

use crate::helpers::{PASSWORD, TestApp};

crate::on_both_backends!(
    first_run_setup_makes_the_group_and_admin_then_is_gone,
    sign_in_gives_a_fresh_session_and_sign_out_ends_it,
    a_stale_csrf_token_is_refused_and_changes_nothing,
    repeated_wrong_passwords_are_rate_limited,
    a_csrf_token_works_only_with_its_own_session,
);

/// Over https, cookies are named `__Host-` so the browser keeps them to this host.
#[tokio::test]
async fn cookies_are_host_only_over_https() {
    let app = TestApp::sqlite_with(tredegar_web::Config { secure_cookies: true, ..crate::helpers::test_config() }).await;
    let r = reqwest::get(format!("{}{}", app.url, paths::login())).await.unwrap();
    let set = r.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_string()).collect::<Vec<_>>();
    assert!(set.iter().any(|c| c.starts_with("__Host-tredegar_csrf=") && c.contains("Secure") && c.contains("Path=/")), "{set:?}");
}

async fn user_count(app: &TestApp) -> i64 {
    let mut tx = app.db.read().await.unwrap();
    users::count(&mut tx).await.unwrap()
}

async fn first_run_setup_makes_the_group_and_admin_then_is_gone(app: TestApp) {
    let mut c = app.client();
    let home = c.get("/").await;
    assert_eq!(home.status(), StatusCode::SEE_OTHER);
    assert_eq!(home.location.as_deref(), Some("/setup"));
    let page = c.setup().await;
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page.body.contains("<label for=\"group_name\">"), "labelled fields");

    // Bad input: every field named, nothing created.
    let bad = c.post_setup(&[("group_name", "  "), ("name", "Ann"), ("email", "ann-at-example"), ("password", "too short")]).await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("There is a problem"));
    assert!(bad.body.contains("href=\"#group_name\""), "{}", bad.body);
    assert!(bad.body.contains("Email: must look like name@example.org"));
    assert!(bad.body.contains("Password: must be at least 12 characters"));
    assert_eq!(user_count(&app).await, 0);

    let ok = c
        .post_setup(&[
            ("group_name", "Brookfield Tenants"),
            ("name", "Ann Organiser"),
            ("email", "ann@example.org"),
            ("password", PASSWORD),
        ])
        .await;
    assert_eq!(ok.status(), StatusCode::SEE_OTHER);
    assert_eq!(ok.location, Some(format!("{}?notice=welcome", paths::dashboard("brookfield-tenants"))));
    let dash = c.follow(&ok).await;
    assert_eq!(dash.status(), StatusCode::OK);
    assert!(dash.body.contains("Brookfield Tenants"));
    assert!(dash.body.contains("Welcome."));

    // Once anyone exists, the setup page does not.
    assert_eq!(c.setup().await.status(), StatusCode::NOT_FOUND);
    let mut stranger = app.client();
    stranger.login().await;
    let again =
        stranger.post_setup(&[("group_name", "Takeover"), ("name", "Eve"), ("email", "eve@example.org"), ("password", PASSWORD)]).await;
    assert_eq!(again.status(), StatusCode::NOT_FOUND);
    assert_eq!(user_count(&app).await, 1);
}

async fn sign_in_gives_a_fresh_session_and_sign_out_ends_it(app: TestApp) {
    let group = app.group("Riverside Branch", None).await;
    app.user(&group, "org@example.org", Role::Organiser).await;
    let mut c = app.client();
    c.login().await;
    let r = c
        .http
        .post(format!("{}/login", app.url))
        .form(&[("email", "org@example.org"), ("password", PASSWORD), ("csrf_token", &c.csrf)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let cookies: Vec<String> = r.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_string()).collect();
    let session = cookies.iter().find(|c| c.starts_with("tredegar_session=")).expect("a session cookie");
    assert!(session.contains("HttpOnly") && session.contains("SameSite=Lax"), "{session}");
    assert!(!session.contains("Secure"), "plain http in tests");
    assert!(cookies.iter().any(|c| c.starts_with("tredegar_csrf=")), "a new CSRF token at sign-in");

    let dash = c.dashboard("riverside-branch").await;
    assert_eq!(dash.status(), StatusCode::OK);
    assert!(dash.body.contains("Sign out"));

    let out = c.post_logout(&[]).await;
    assert_eq!(out.status(), StatusCode::SEE_OTHER);
    assert!(c.follow(&out).await.body.contains("You have signed out."));
    let after = c.dashboard("riverside-branch").await;
    assert_eq!(after.status(), StatusCode::SEE_OTHER);
    assert_eq!(after.location.as_deref(), Some("/login?next=%2Fg%2Friverside-branch"), "back here after signing in");
}

async fn a_stale_csrf_token_is_refused_and_changes_nothing(app: TestApp) {
    let group = app.group("Riverside Branch", None).await;
    let mut c = app.signed_in(&group, "org@example.org", Role::Organiser).await;
    c.new_person("riverside-branch").await;
    c.csrf = "0".repeat(64);
    let r = c.post_people("riverside-branch", &[("given_name", "Dai"), ("email_0", "dai@example.org")]).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(r.body.contains("form has expired"), "{}", r.body);

    // A token from before signing in again is stale too.
    c.new_person("riverside-branch").await;
    let old = c.csrf.clone();
    c.post_logout(&[]).await;
    c.login().await;
    c.post_login(&[("email", "org@example.org"), ("password", PASSWORD)]).await;
    c.csrf = old;
    let r = c.post_people("riverside-branch", &[("given_name", "Dai"), ("email_0", "dai@example.org")]).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    c.people("riverside-branch").await;
    let list = c.people("riverside-branch").await;
    assert!(list.body.contains("0 people"), "nothing was saved");
}

async fn repeated_wrong_passwords_are_rate_limited(app: TestApp) {
    let group = app.group("Riverside Branch", None).await;
    app.user(&group, "org@example.org", Role::Organiser).await;
    let mut c = app.client();
    c.login().await;
    for _ in 0..5 {
        let r = c.post_login(&[("email", "org@example.org"), ("password", "wrong password!")]).await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
        assert!(r.body.contains("the email or password is wrong"));
    }
    // Now even the right password waits.
    let r = c.post_login(&[("email", "ORG@example.org"), ("password", PASSWORD)]).await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(r.body.contains("too many failed sign-ins"));
    // Another account is not locked by it.
    app.user(&group, "other@example.org", Role::Volunteer).await;
    let r = c.post_login(&[("email", "other@example.org"), ("password", PASSWORD)]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
}

async fn a_csrf_token_works_only_with_its_own_session(app: TestApp) {
    let group = app.group("Riverside Branch", None).await;
    let mut ann = app.signed_in(&group, "ann@example.org", Role::Organiser).await;
    let mut bob = app.signed_in(&group, "bob@example.org", Role::Organiser).await;
    ann.new_person("riverside-branch").await;
    bob.new_person("riverside-branch").await;
    assert_ne!(ann.csrf, bob.csrf, "each session has its own token");
    // Bob's browser with Ann's token: refused, and nothing is stored.
    bob.csrf = ann.csrf.clone();
    let r = bob.post_people("riverside-branch", &[("given_name", "Forged")]).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = ann.post_people("riverside-branch", &[("given_name", "Real")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let list = ann.people("riverside-branch").await;
    assert!(list.body.contains("Real") && !list.body.contains("Forged"));
}
