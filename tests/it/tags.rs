//! Tags through the pages: add one, and a duplicate in any case is refused.

use reqwest::StatusCode;
use tredegar_domain::Role;

use tredegar_web::paths;

use crate::helpers::TestApp;

crate::on_both_backends!(add_a_tag_and_refuse_a_duplicate, a_tag_lists_who_has_it);

async fn add_a_tag_and_refuse_a_duplicate(app: TestApp) {
    let group = app.group("Brookfield Estate", None).await;
    let mut c = app.signed_in(&group, "admin@example.org", Role::Admin).await;
    c.tags("brookfield-estate").await;
    assert_eq!(c.post_tags("brookfield-estate", &[("name", "Block A")]).await.status(), StatusCode::SEE_OTHER);
    let dup = c.post_tags("brookfield-estate", &[("name", "block a")]).await;
    assert_eq!(dup.status(), StatusCode::BAD_REQUEST);
    assert!(dup.body.contains("there is already a tag called"));
    // An empty tag on a person's page is an error beside the tag field, not a dead end.
    let id =
        app.api(&app.token(&group, app.user(&group, "admin@example.org", Role::Admin).await).await).person("Ann", "ann@example.org").await;
    c.person("brookfield-estate", &id).await;
    let r = c.post_person_tags("brookfield-estate", &id, &[("name", "  ")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let back = c.follow(&r).await;
    assert!(back.body.contains("Error: type the tag&#39;s name to add it") && back.body.contains("<h1>Ann</h1>"), "{}", back.body);
}

async fn a_tag_lists_who_has_it(app: TestApp) {
    let group = app.group("Brookfield Estate", None).await;
    let api = app.api(&app.token(&group, app.user(&group, "admin@example.org", Role::Admin).await).await);
    let (_, tag) = api.post("tags", serde_json::json!({"name": "Rent strike"})).await;
    let tag = crate::helpers::id_of(&tag);
    for (name, tagged) in [("Ann", true), ("Bob", true), ("Cai", false)] {
        let add: Vec<&str> = if tagged { vec!["Rent strike"] } else { vec![] };
        let body = serde_json::json!({"person": {"given_name": name, "email_addresses": [{"address": format!("{name}@example.org")}]}, "add_tags": add});
        assert_eq!(api.post("people", body).await.0, StatusCode::OK);
    }
    let mut c = app.signed_in(&group, "admin@example.org", Role::Admin).await;
    let tags = c.tags("brookfield-estate").await;
    let link = format!("{}?tag={tag}", paths::people("brookfield-estate"));
    assert!(tags.body.contains(&link), "each tag leads to who has it");
    let list = c.get(&link).await;
    assert!(
        list.body.contains("2 people tagged") && list.body.contains("Ann") && list.body.contains("Bob") && !list.body.contains("Cai"),
        "{}",
        list.body
    );
    let csv =
        c.http.get(format!("{}{}?tag={tag}", app.url, paths::people_csv("brookfield-estate"))).send().await.unwrap().text().await.unwrap();
    assert_eq!(csv.lines().count(), 3, "header and the two tagged: {csv}");
    // Another group's tag is not found here.
    let other = app.group("Other Branch", None).await;
    let theirs = app.api(&app.token(&other, app.user(&other, "b@example.org", Role::Admin).await).await);
    let (_, their_tag) = theirs.post("tags", serde_json::json!({"name": "Secret"})).await;
    let r = c.get(format!("{}?tag={}", paths::people("brookfield-estate"), crate::helpers::id_of(&their_tag))).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}
