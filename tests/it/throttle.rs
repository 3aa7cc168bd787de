//! Guessing passwords: the limits hold under parallel guesses, per account,
//! per client address (behind a trusted proxy too) and for the current
//! password on the account page; and signing in returns only to local pages.

use reqwest::StatusCode;
use tredegar_domain::Role;
use tredegar_web::paths;

use crate::helpers::{PASSWORD, TestApp, test_config};

crate::on_both_backends!(
    sixty_parallel_guesses_verify_at_most_five,
    the_address_limit_reads_the_client_behind_a_trusted_proxy,
    wrong_current_passwords_are_limited_too,
    signing_in_returns_only_to_a_local_page,
);

async fn sixty_parallel_guesses_verify_at_most_five(app: TestApp) {
    let group = app.group("Riverside Branch", None).await;
    app.user(&group, "org@example.org", Role::Organiser).await;
    let mut c = app.client();
    c.login().await;
    let guesses = (0..60).map(|i| {
        let (http, url, csrf) = (c.http.clone(), format!("{}{}", app.url, paths::login()), c.csrf.clone());
        tokio::spawn(async move {
            let form = [("email", "org@example.org".to_string()), ("password", format!("wrong guess {i:04}")), ("csrf_token", csrf)];
            let r = http.post(url).form(&form).send().await.unwrap();
            (r.status(), r.headers().get("retry-after").and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok()))
        })
    });
    let answers: Vec<_> = futures_util::future::join_all(guesses).await.into_iter().map(Result::unwrap).collect();
    let checked = answers.iter().filter(|(s, _)| *s == StatusCode::UNAUTHORIZED).count();
    let refused: Vec<_> = answers.iter().filter(|(s, _)| *s == StatusCode::TOO_MANY_REQUESTS).collect();
    assert_eq!(checked + refused.len(), 60, "{answers:?}");
    assert!(checked <= 5, "at most the limit are checked, got {checked}");
    assert!(refused.iter().all(|(_, wait)| wait.is_some_and(|w| (1..=900).contains(&w))), "429 says when to come back: {refused:?}");
    // The right password waits too, until the window ends.
    let r = c.post_login(&[("email", "org@example.org"), ("password", PASSWORD)]).await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
}

async fn the_address_limit_reads_the_client_behind_a_trusted_proxy(app: TestApp) {
    drop(app);
    let config = tredegar_web::Config { trusted_proxies: vec!["127.0.0.1".parse().unwrap()], ..test_config() };
    let app = TestApp::sqlite_with(config).await;
    let group = app.group("Riverside Branch", None).await;
    app.user(&group, "org@example.org", Role::Organiser).await;
    let mut c = app.client();
    c.login().await;
    let attempt = |c: &crate::helpers::Client, email: String, from: &'static str| {
        let form = [("email", email), ("password", "wrong guess!!".to_string()), ("csrf_token", c.csrf.clone())];
        c.http.post(format!("{}{}", app.url, paths::login())).header("X-Forwarded-For", format!("{from}, 127.0.0.1")).form(&form).send()
    };
    // 50 failures from one client address, each for a different account.
    for i in 0..50 {
        let r = attempt(&c, format!("nobody{i}@example.org"), "203.0.113.7").await.unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    }
    let r = attempt(&c, "org@example.org".into(), "203.0.113.7").await.unwrap();
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS, "that client is out of tries");
    let r = attempt(&c, "org@example.org".into(), "203.0.113.8").await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "another client behind the same proxy is not");
}

async fn wrong_current_passwords_are_limited_too(app: TestApp) {
    let group = app.group("Riverside Branch", None).await;
    let mut c = app.signed_in(&group, "org@example.org", Role::Organiser).await;
    c.account().await;
    for _ in 0..5 {
        let r = c.post_account(&[("current_password", "not my password"), ("new_password", "a brand new passphrase")]).await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    }
    let form = [("current_password", PASSWORD), ("new_password", "a brand new passphrase"), ("csrf_token", &c.csrf)];
    let r = c.http.post(format!("{}{}", app.url, paths::account())).form(&form).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = r.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=900).contains(&wait), "the signed-in error page keeps Retry-After: {wait}");
    assert!(r.text().await.unwrap().contains("Sign out"), "inside the layout");
}

async fn signing_in_returns_only_to_a_local_page(app: TestApp) {
    let group = app.group("Riverside Branch", None).await;
    app.user(&group, "org@example.org", Role::Organiser).await;
    let mut c = app.client();
    let asked = c.people("riverside-branch").await;
    assert_eq!(asked.location.as_deref(), Some("/login?next=%2Fg%2Friverside-branch%2Fpeople"));
    let login = c.follow(&asked).await;
    assert!(login.body.contains("name=\"next\" value=\"/g/riverside-branch/people\""), "{}", login.body);
    let r = c.post_login(&[("email", "org@example.org"), ("password", PASSWORD), ("next", "/g/riverside-branch/people")]).await;
    assert_eq!(r.location.as_deref(), Some("/g/riverside-branch/people"));
    for off_site in ["//evil.example/x", "https://evil.example/", "/\\evil.example", "/\t/evil.example", "/\u{1}x", "/\n/evil.example"] {
        let mut c = app.client();
        c.get(format!("{}?next={}", paths::login(), paths::encode(off_site))).await;
        let r = c.post_login(&[("email", "org@example.org"), ("password", PASSWORD), ("next", off_site)]).await;
        assert_eq!(r.location.as_deref(), Some("/"), "{off_site} is not followed");
    }
}
