//! Tags through the pages: add one, and a duplicate in any case is refused.

use reqwest::StatusCode;
use tredegar_domain::Role;

use tredegar_web::paths;

use crate::helpers::TestApp;

crate::on_both_backends!(add_a_tag_and_refuse_a_duplicate);

async fn add_a_tag_and_refuse_a_duplicate(app: TestApp) {
    let group = app.group("Brookfield Estate", None).await;
    let mut c = app.signed_in(&group, "admin@example.org", Role::Admin).await;
    c.get(paths::tags("brookfield-estate")).await;
    assert_eq!(c.post_form(paths::tags("brookfield-estate"), &[("name", "Block A")]).await.status(), StatusCode::SEE_OTHER);
    let dup = c.post_form(paths::tags("brookfield-estate"), &[("name", "block a")]).await;
    assert_eq!(dup.status(), StatusCode::BAD_REQUEST);
    assert!(dup.body.contains("there is already a tag called"));
    // An empty tag on a person's page is an error beside the tag field, not a dead end.
    let id =
        app.api(&app.token(&group, app.user(&group, "admin@example.org", Role::Admin).await).await).person("Ann", "ann@example.org").await;
    c.get(paths::person("brookfield-estate", &id)).await;
    let r = c.post_form(paths::person_tags("brookfield-estate", &id), &[("name", "  ")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let back = c.follow(&r).await;
    assert!(back.body.contains("Error: type the tag&#39;s name to add it") && back.body.contains("<h1>Ann</h1>"), "{}", back.body);
}
