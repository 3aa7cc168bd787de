//! Health, metrics, security headers, and the OpenAPI document.

use reqwest::StatusCode;

use crate::helpers::TestApp;

crate::on_both_backends!(health_metrics_and_headers);

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
    assert!(!body.contains("<script") && !body.contains("style=\""), "no inline script or style");
    let css = http.get(format!("{}/static/app.css", app.url)).send().await.unwrap();
    assert_eq!(css.status(), StatusCode::OK);
    let metrics = http.get(format!("{}/metrics", app.url)).send().await.unwrap().text().await.unwrap();
    assert!(metrics.contains("http_requests_total") && metrics.contains("path=\"/login\""), "{metrics}");
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
