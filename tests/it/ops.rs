//! Health, metrics, security headers, and the OpenAPI document.

use reqwest::StatusCode;

use tredegar_domain::Role;

use crate::helpers::{METRICS_TOKEN, TestApp, test_config};

crate::on_both_backends!(
    health_metrics_and_headers,
    a_page_body_renders_alone_as_a_partial,
    metrics_are_not_served_without_a_token,
    a_signed_in_error_page_keeps_the_group_header
);

async fn health_metrics_and_headers(app: TestApp) {
    let http = reqwest::Client::new();
    let r = http.get(format!("{}/healthz", app.url)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let login = http.get(format!("{}/login", app.url)).send().await.unwrap();
    let csp = login.headers()["content-security-policy"].to_str().unwrap().to_string();
    assert!(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"), "{csp}");
    assert!(login.headers().contains_key("x-request-id"));
    assert_eq!(login.headers()["cache-control"], "no-store");
    let body = login.text().await.unwrap();
    let scripts: Vec<&str> = body.split("<script").skip(1).collect();
    assert!(scripts.iter().all(|s| s.trim_start().starts_with("src=")) && !body.contains("style=\""), "no inline script or style");
    let css = http.get(format!("{}/static/app.css", app.url)).send().await.unwrap();
    assert_eq!(css.status(), StatusCode::OK);
    let odd = http.request(reqwest::Method::from_bytes(b"BREW").unwrap(), format!("{}/people/12345/tea", app.url)).send().await.unwrap();
    assert_eq!(odd.status(), StatusCode::NOT_FOUND);
    assert_eq!(http.get(format!("{}/metrics", app.url)).send().await.unwrap().status(), StatusCode::UNAUTHORIZED);
    let wrong = http.get(format!("{}/metrics", app.url)).bearer_auth("guess").send().await.unwrap();
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    let metrics = http.get(format!("{}/metrics", app.url)).bearer_auth(METRICS_TOKEN).send().await.unwrap().text().await.unwrap();
    assert!(metrics.contains("http_requests_total") && metrics.contains("path=\"/login\""), "{metrics}");
    assert!(metrics.contains("method=\"other\"") && !metrics.contains("BREW"), "methods from a fixed set: {metrics}");
    assert!(!metrics.contains("/people/12345"), "routes, never raw paths: {metrics}");
    let doc: serde_json::Value = http.get(format!("{}/api/openapi.json", app.url)).send().await.unwrap().json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for path in ["/api/v2/people", "/api/v2/people/{id}", "/api/v2/tags", "/api/v2/tags/{id}/taggings/{tagging}"] {
        assert!(doc["paths"].get(path).is_some(), "{path} documented");
    }
    // Every operation says what its 200 body is, and what an error looks like.
    for (path, methods) in doc["paths"].as_object().unwrap() {
        for (method, op) in methods.as_object().unwrap() {
            let ok = &op["responses"]["200"]["content"]["application/json"]["schema"];
            assert!(ok.get("$ref").is_some(), "{method} {path} documents its body: {op}");
            assert!(op["responses"].get("401").is_some(), "{method} {path} documents the error body");
        }
    }
    let person = doc["components"]["schemas"]["PersonResource"].to_string();
    assert!(person.contains("\"required\":[") && person.contains("\"custom_fields\""), "{person}");
    let people = doc["components"]["schemas"]["PeopleEmbedded"].to_string();
    assert!(people.contains("osdi:people"), "{people}");
    let missing = http.get(format!("{}/no/such/page", app.url)).send().await.unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    let id = missing.headers()["x-request-id"].to_str().unwrap().to_string();
    let page = missing.text().await.unwrap();
    assert!(page.contains("Page not found") && page.contains(&id), "the error page shows the request id {id}");
}

async fn a_page_body_renders_alone_as_a_partial(app: TestApp) {
    let group = app.group("Brookfield Estate", None).await;
    let c = app.signed_in(&group, "org@example.org", Role::Organiser).await;
    let url = format!("{}/g/brookfield-estate/people", app.url);
    let whole = c.http.get(&url).send().await.unwrap();
    assert_eq!(whole.headers()["vary"], "HX-Request");
    let whole = whole.text().await.unwrap();
    assert!(whole.contains("<html") && whole.contains("<h1>People</h1>"), "{whole}");
    let partial = c.http.get(&url).header("HX-Request", "true").send().await.unwrap();
    assert_eq!(partial.status(), StatusCode::OK);
    assert_eq!(partial.headers()["cache-control"], "no-store");
    let partial = partial.text().await.unwrap();
    assert!(!partial.contains("<html") && !partial.contains("Sign out"), "no layout in a partial: {partial}");
    assert!(partial.contains("<h1>People</h1>"), "{partial}");
}

async fn metrics_are_not_served_without_a_token(app: TestApp) {
    drop(app);
    let app = TestApp::sqlite_with(tredegar_web::Config { metrics_token: None, ..test_config() }).await;
    let r = reqwest::get(format!("{}/metrics", app.url)).await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}

async fn a_signed_in_error_page_keeps_the_group_header(app: TestApp) {
    let group = app.group("Riverside Branch", None).await;
    let mut c = app.signed_in(&group, "org@example.org", Role::Organiser).await;
    let missing = c.get("/g/riverside-branch/no-such-page").await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert!(missing.body.contains("Riverside Branch") && missing.body.contains("Sign out"), "{}", missing.body);
    let main = missing.body.split("<main").nth(1).unwrap();
    assert_eq!(main.matches("Page not found").count(), 1, "said once: {main}");
    let not_theirs = c.person("riverside-branch", "01a21772-9d33-7392-8709-588129778194").await;
    assert_eq!(not_theirs.status(), StatusCode::NOT_FOUND);
    assert!(not_theirs.body.contains("Sign out"));
    // Anyone else gets the plain page.
    let r = reqwest::get(format!("{}/no/such/page", app.url)).await.unwrap().text().await.unwrap();
    assert!(r.contains("Page not found") && !r.contains("Sign out"));
}
