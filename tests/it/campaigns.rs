//! Campaigns through the pages: add, show, list, and bad input named.

use reqwest::StatusCode;
use tredegar_domain::Role;

use tredegar_web::paths;

use crate::helpers::TestApp;

crate::on_both_backends!(add_and_list_campaigns);

async fn add_and_list_campaigns(app: TestApp) {
    let group = app.group("Brookfield Estate", None).await;
    let mut c = app.signed_in(&group, "admin@example.org", Role::Admin).await;
    c.new_campaign("brookfield-estate").await;
    let bad = c.post_campaigns("brookfield-estate", &[("title", ""), ("status", "winning")]).await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("Title: must not be empty") && bad.body.contains("Status: must be one of"));
    let r = c
        .post_form(
            paths::campaigns("brookfield-estate"),
            &[("title", "Stop the demolition"), ("description", "Refurbish, don't demolish."), ("status", "active")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let show = c.follow(&r).await;
    assert!(show.body.contains("Stop the demolition") && show.body.contains("Active"));
    let list = c.campaigns("brookfield-estate").await;
    assert!(list.body.contains("Stop the demolition"));
    // A description that breaks the rules is refused, never saved empty.
    let long = "d".repeat(10_001);
    let bad = c.post_campaigns("brookfield-estate", &[("title", "Too long"), ("description", &long), ("status", "active")]).await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("Description: is too long"));
}
