//! Relationships: typed links with a strength, the group's own kinds, the
//! network drawn around a person, and the paths from people we know.

use reqwest::StatusCode;
use tredegar_db::people;
use tredegar_domain::Role;

use crate::helpers::TestApp;

crate::on_both_backends!(link_people_and_find_who_knows_whom);

const SLUG: &str = "brookfield-estate";

async fn link_people_and_find_who_knows_whom(app: TestApp) {
    let group = app.group("Brookfield Estate", None).await;
    let organiser = app.user(&group, "org@example.org", Role::Organiser).await;
    let api = app.api(&app.token(&group, organiser).await);
    let mut ids = Vec::new();
    for name in ["Ann", "Bob", "Cai", "Dee"] {
        ids.push(api.person(name, &format!("{name}@example.org")).await);
    }
    let [ann, bob, cai, dee] = [&ids[0], &ids[1], &ids[2], &ids[3]];
    let mut admin = app.signed_in(&group, "admin@example.org", Role::Admin).await;
    admin.settings(SLUG).await;
    assert_eq!(admin.post_relationship_kinds(SLUG, &[("kind", "Same union branch")]).await.status(), StatusCode::SEE_OTHER);
    let mut org = app.signed_in(&group, "org@example.org", Role::Organiser).await;
    // Ann leads on a campaign: she is someone "we know".
    org.new_campaign(SLUG).await;
    let c = org.post_campaigns(SLUG, &[("title", "Fix the lifts"), ("status", "active")]).await;
    let campaign = c.location.unwrap().rsplit('/').next().unwrap().split('?').next().unwrap().to_string();
    org.person(SLUG, ann).await;
    org.post_person_assessments(SLUG, ann, &[("campaign", &campaign), ("level", "1")]).await;
    let found = org.get(format!("{}?q=bob", tredegar_web::paths::person_relationships(SLUG, ann))).await;
    assert!(found.body.contains("Bob") && found.body.contains("Same union branch"), "{}", found.body);
    assert_eq!(crate::helpers::audited(&app, "found to link to a relationship").await, 1, "the search's people are audited");
    for (from, to, kind) in [(ann, bob, "friend"), (bob, cai, "neighbour"), (cai, dee, "Same union branch")] {
        let r = org.post_person_relationships(SLUG, from, &[("other", to), ("kind", kind), ("strength", "4")]).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", r.body);
    }
    for (fields, problem) in [
        (vec![("other", dee.as_str()), ("kind", "friend"), ("strength", "9")], "Strength: must be from 1 (slight) to 5 (close)"),
        (vec![("other", dee.as_str()), ("kind", "enemy"), ("strength", "2")], "Kind: is not one of the group"),
        (vec![("other", ann.as_str()), ("kind", "friend"), ("strength", "2")], "is this person"),
    ] {
        let r = org.post_person_relationships(SLUG, ann, &fields).await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        assert!(r.body.contains(problem), "{problem}: {}", r.body);
    }
    let page = org.person(SLUG, cai).await;
    assert!(page.body.contains("Bob is a neighbour of Cai") && page.body.contains("Cai is “Same union branch” to Dee"), "{}", page.body);
    assert!(
        page.body.contains("<svg class=\"chart network\"") && page.body.contains(">Ann</text>"),
        "two steps out reaches Ann: {}",
        page.body
    );
    let paths = org.who_knows(SLUG, dee).await;
    assert!(paths.body.contains(">Ann</a> → <a") && paths.body.contains(">Dee</a></li>"), "{}", paths.body);
    assert_eq!(paths.body.matches(" → ").count(), 3, "Ann → Bob → Cai → Dee");
    // Both pages name others and their links: reading them is audited, naming each by id.
    for (how, who) in [("in the network on another person's page", ann), ("on a path on the “who knows” page", bob)] {
        assert_eq!(crate::helpers::audited(&app, &format!("{how}%{who}%")).await, 1, "{how}");
    }

    // A volunteer sees only the people assigned to them, in the network too.
    let volunteer = app.user(&group, "vol@example.org", Role::Volunteer).await;
    let scope = app.scope(organiser, &group).await;
    let mut tx = app.db.write().await.unwrap();
    people::assign(&mut tx, &scope, cai.parse().unwrap(), volunteer, chrono::Utc::now()).await.unwrap();
    tx.commit().await.unwrap();
    let mut vol = app.signed_in(&group, "vol@example.org", Role::Volunteer).await;
    let theirs = vol.person(SLUG, cai).await;
    assert_eq!(theirs.status(), StatusCode::OK);
    assert!(!theirs.body.contains("Bob") && !theirs.body.contains("Ann") && !theirs.body.contains("Dee"), "{}", theirs.body);
    assert_eq!(vol.who_knows(SLUG, dee).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        vol.post_person_relationships(SLUG, cai, &[("other", dee), ("kind", "friend"), ("strength", "2")]).await.status(),
        StatusCode::NOT_FOUND
    );
    // Nor may they undo Cai's link to Dee, whom they cannot see.
    let mut tx = app.db.read().await.unwrap();
    let mut q = tredegar_db::sql::Sql::new("SELECT id FROM relationships WHERE other_id = ");
    q.bind(dee.parse::<tredegar_domain::PersonId>().unwrap());
    let (link,): (tredegar_domain::RelationshipId,) = q.fetch_all(&mut tx).await.unwrap()[0];
    drop(tx);
    assert_eq!(vol.post_form(tredegar_web::paths::relationship_remove(SLUG, link), &[]).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(crate::helpers::count(&app, "SELECT COUNT(*) FROM relationships").await, 3);
    // Another group links nobody here.
    let other = app.group("Other Branch", None).await;
    let mut stranger = app.signed_in(&other, "b@example.org", Role::Admin).await;
    stranger.dashboard("other-branch").await;
    assert_eq!(
        stranger.post_person_relationships("other-branch", ann, &[("other", bob), ("kind", "friend"), ("strength", "2")]).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(stranger.who_knows(SLUG, dee).await.status(), StatusCode::NOT_FOUND);
}
