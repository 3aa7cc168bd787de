//! Nobody reads across groups, and volunteers see only their assignments.
//! Every refusal is a 404, so existence does not leak.

use reqwest::StatusCode;
use serde_json::json;
use tredegar_db::{groups, people};
use tredegar_domain::Role;

use tredegar_web::paths;

use crate::helpers::{TestApp, id_of};

crate::on_both_backends!(
    another_group_cannot_reach_people_tags_or_taggings_in_the_pages,
    another_groups_token_cannot_reach_people_tags_or_taggings,
    a_volunteer_sees_only_assigned_people,
    sharing_with_the_parent_is_off_until_turned_on_and_audited,
);

async fn another_group_cannot_reach_people_tags_or_taggings_in_the_pages(app: TestApp) {
    let a = app.group("Group A", None).await;
    let b = app.group("Group B", None).await;
    let mut alice = app.signed_in(&a, "alice@example.org", Role::Admin).await;
    let mut bob = app.signed_in(&b, "bob@example.org", Role::Admin).await;
    alice.new_person("group-a").await;
    let r = alice
        .post_form(
            paths::people("group-a"),
            &[("given_name", "Secret"), ("family_name", "Member"), ("email_0", "secret@example.org"), ("postcode_0", "NP22 3AA")],
        )
        .await;
    let id = r.location.unwrap().split('/').nth(4).unwrap().split('?').next().unwrap().to_string();
    alice.post_person_tags("group-a", &id, &[("name", "Rent strike")]).await;
    let tag_page = alice.tags("group-a").await;
    assert!(tag_page.body.contains("Rent strike"));

    // Bob is not a member of A: every page of A is 404.
    bob.dashboard("group-b").await;
    for path in [
        paths::dashboard("group-a").to_string(),
        paths::people("group-a"),
        format!("{}?q=secret", paths::people("group-a")),
        paths::people_csv("group-a"),
        paths::person("group-a", &id),
        paths::person_edit("group-a", &id),
        paths::tags("group-a"),
        paths::members("group-a"),
        paths::audit("group-a"),
    ] {
        assert_eq!(bob.get(&path).await.status(), StatusCode::NOT_FOUND, "GET {path}");
    }
    for path in [
        paths::person("group-a", &id),
        paths::person_delete("group-a", &id),
        paths::person_tags("group-a", &id),
        paths::people("group-a"),
        paths::tags("group-a"),
    ] {
        let r = bob.post_form(&path, &[("given_name", "Hacked"), ("name", "Hacked")]).await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "POST {path}");
    }
    // Nor through B's own pages, by id or by search.
    for path in [paths::person("group-b", &id), paths::person_edit("group-b", &id), paths::person_merge("group-b", &id)] {
        assert_eq!(bob.get(&path).await.status(), StatusCode::NOT_FOUND, "GET {path}");
    }
    for q in ["secret", "secret@example.org", "np22"] {
        let list = bob.get(&format!("{}?q={q}", paths::people("group-b"))).await;
        assert!(list.body.contains("0 people") && !list.body.contains("Secret"), "search {q}");
    }
    let r = bob.post_person_delete("group-b", &id, &[]).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);

    // Every other route that names a person, a tag or a member, from both sides.
    let alice_id = app.user(&a, "alice@example.org", Role::Admin).await;
    let a_scope = app.scope(alice_id, &a).await;
    let mut tx = app.db.read().await.unwrap();
    let tag = tredegar_db::tags::by_name(&mut tx, &a_scope, "Rent strike").await.unwrap().unwrap().id;
    drop(tx);
    bob.new_person("group-b").await;
    let r = bob.post_people("group-b", &[("given_name", "Bob's contact")]).await;
    let bobs = r.location.unwrap().split('/').nth(4).unwrap().split('?').next().unwrap().to_string();
    for path in [
        paths::person_merge("group-a", &id),
        paths::person_merge_with("group-a", &id, &bobs),
        paths::person_merge_with("group-b", &bobs, &id),
        paths::tags_csv("group-a"),
        paths::settings("group-a"),
    ] {
        assert_eq!(bob.get(&path).await.status(), StatusCode::NOT_FOUND, "GET {path}");
    }
    bob.dashboard("group-b").await;
    for path in [
        paths::person_merge_with("group-a", &id, &bobs),
        paths::person_merge_with("group-b", &bobs, &id),
        paths::person_tags("group-b", &id),
        paths::person_tag_remove("group-a", &id, tag),
        paths::person_tag_remove("group-b", &id, tag),
        paths::person_tag_remove("group-b", &bobs, tag),
        paths::person_assign("group-a", &id),
        paths::person_assign("group-b", &id),
        paths::person_unassign("group-a", &id, alice_id),
        paths::member_role("group-a", alice_id),
        paths::sharing("group-a"),
        paths::fields("group-a"),
    ] {
        let r = bob.post_form(&path, &[("name", "Hacked"), ("user", &alice_id.to_string()), ("role", "volunteer"), ("share", "yes")]).await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "POST {path}");
    }
    // Assigning someone from another group to your own person does nothing.
    let r = bob.post_person_assign("group-b", &bobs, &[("user", &alice_id.to_string())]).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let mine = bob.tags("group-b").await;
    assert!(!mine.body.contains("<span class=\"badge\">Rent strike</span>"));
    let still = alice.person("group-a", &id).await;
    assert!(still.body.contains("Secret Member") && still.body.contains("Rent strike"), "nothing changed");
}

async fn another_groups_token_cannot_reach_people_tags_or_taggings(app: TestApp) {
    let a = app.group("Group A", None).await;
    let b = app.group("Group B", None).await;
    let alice = app.user(&a, "alice@example.org", Role::Organiser).await;
    let bob = app.user(&b, "bob@example.org", Role::Organiser).await;
    let api_a = app.api(&app.token(&a, alice).await);
    let api_b = app.api(&app.token(&b, bob).await);
    let person = api_a.person("Secret", "secret@example.org").await;
    let (_, tag) = api_a.post("tags", json!({"name": "Rent strike"})).await;
    let tag = id_of(&tag);
    let person_href = format!("{}/people/{person}", api_a.base);
    let (s, tagging) = api_a.post(&format!("tags/{tag}/taggings"), json!({"_links": {"osdi:person": {"href": person_href}}})).await;
    assert_eq!(s, StatusCode::OK);
    let tagging = id_of(&tagging);

    for path in [
        format!("people/{person}"),
        format!("people/{person}/taggings"),
        format!("tags/{tag}"),
        format!("tags/{tag}/taggings"),
        format!("tags/{tag}/taggings/{tagging}"),
    ] {
        let (s, body) = api_b.get(&path).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "GET {path}: {body}");
        assert!(body["error"].as_str().unwrap().starts_with("Couldn't find"));
    }
    let (s, _) = api_b.put(&format!("people/{person}"), json!({"given_name": "Hacked"})).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = api_b.delete(&format!("tags/{tag}/taggings/{tagging}")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = api_b.post(&format!("tags/{tag}/taggings"), json!({"_links": {"osdi:person": {"href": person_href}}})).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (_, own_tag) = api_b.post("tags", json!({"name": "Mine"})).await;
    let (s, _) = api_b.post(&format!("tags/{}/taggings", id_of(&own_tag)), json!({"_links": {"osdi:person": {"href": person_href}}})).await;
    assert_eq!(s, StatusCode::NOT_FOUND, "B's tag on A's person");
    let (_, list) = api_b.get("people?filter=email_address+eq+'secret@example.org'").await;
    assert_eq!(list["total_records"], 0);
    let (_, tags) = api_b.get("tags").await;
    assert_eq!(tags["total_records"], 1, "only B's own tag");
    // Upserting A's email from B makes B's own person; A's is untouched.
    let (s, created) = api_b
        .post("people", json!({"person": {"given_name": "Bob's contact", "email_addresses": [{"address": "secret@example.org"}]}}))
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_ne!(id_of(&created), person);
    let (_, still) = api_a.get(&format!("people/{person}")).await;
    assert_eq!(still["given_name"], "Secret");
    let (_, taggings) = api_a.get(&format!("tags/{tag}/taggings")).await;
    assert_eq!(taggings["total_records"], 1);
}

async fn a_volunteer_sees_only_assigned_people(app: TestApp) {
    let group = app.group("Brookfield Estate", None).await;
    let organiser = app.user(&group, "org@example.org", Role::Organiser).await;
    let volunteer = app.user(&group, "vol@example.org", Role::Volunteer).await;
    let api = app.api(&app.token(&group, organiser).await);
    let assigned = api.person("Assigned", "assigned@example.org").await;
    let hidden = api.person("Hidden", "hidden@example.org").await;
    let (_, tag) = api.post("tags", json!({"name": "Door knock"})).await;
    let tag = id_of(&tag);
    for p in [&assigned, &hidden] {
        api.post(&format!("tags/{tag}/taggings"), json!({"_links": {"osdi:person": {"href": format!("{}/people/{p}", api.base)}}})).await;
    }
    let scope = app.scope(organiser, &group).await;
    let mut tx = app.db.write().await.unwrap();
    people::assign(&mut tx, &scope, assigned.parse().unwrap(), volunteer, chrono::Utc::now()).await.unwrap();
    tx.commit().await.unwrap();

    let mut vol = app.client();
    vol.login().await;
    vol.post_login(&[("email", "vol@example.org"), ("password", crate::helpers::PASSWORD)]).await;
    let list = vol.people("brookfield-estate").await;
    assert!(list.body.contains("1 person") && list.body.contains("Assigned") && !list.body.contains("Hidden"), "{}", list.body);
    assert!(!vol.get(format!("{}?q=hidden", paths::people("brookfield-estate"))).await.body.contains("Hidden"));
    assert_eq!(vol.person("brookfield-estate", &assigned).await.status(), StatusCode::OK);
    for path in [
        paths::person("brookfield-estate", &hidden),
        paths::person_edit("brookfield-estate", &hidden),
        paths::people_csv("brookfield-estate"),
        paths::tags("brookfield-estate"),
    ] {
        assert_eq!(vol.get(&path).await.status(), StatusCode::NOT_FOUND, "GET {path}");
    }
    for path in [paths::person("brookfield-estate", &hidden), paths::person_delete("brookfield-estate", &hidden)] {
        assert_eq!(vol.post_form(&path, &[("given_name", "Changed")]).await.status(), StatusCode::NOT_FOUND, "POST {path}");
    }

    let vapi = app.api(&app.token(&group, volunteer).await);
    let (_, list) = vapi.get("people").await;
    assert_eq!(list["total_records"], 1);
    assert_eq!(list["_embedded"]["osdi:people"][0]["given_name"], "Assigned");
    let (s, _) = vapi.get(&format!("people/{hidden}")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = vapi.put(&format!("people/{hidden}"), json!({"given_name": "Changed"})).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = vapi.put(&format!("people/{assigned}"), json!({"given_name": "Changed"})).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "volunteers read; they do not edit");
    // The group's tags are not a volunteer's to read; their own people's taggings are.
    let (s, _) = vapi.get(&format!("tags/{tag}/taggings")).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (_, taggings) = vapi.get(&format!("people/{assigned}/taggings")).await;
    assert_eq!(taggings["total_records"], 1, "the assigned person's tagging");
    let (s, _) = vapi.get(&format!("people/{hidden}/taggings")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let hidden_tagging = api.get(&format!("people/{hidden}/taggings")).await.1["_embedded"]["osdi:taggings"][0].clone();
    let (s, _) = vapi.delete(&format!("tags/{tag}/taggings/{}", id_of(&hidden_tagging))).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}

async fn sharing_with_the_parent_is_off_until_turned_on_and_audited(app: TestApp) {
    let national = app.group("National", None).await;
    let branch = app.group("Riverside Branch", Some(national.id)).await;
    let national_org = app.user(&national, "nat@example.org", Role::Organiser).await;
    let branch_org = app.user(&branch, "branch@example.org", Role::Organiser).await;
    let branch_api = app.api(&app.token(&branch, branch_org).await);
    let national_api = app.api(&app.token(&national, national_org).await);
    let person = branch_api.person("Local", "local@example.org").await;

    let (s, _) = national_api.get(&format!("people/{person}")).await;
    assert_eq!(s, StatusCode::NOT_FOUND, "off by default");
    let mut admin = app.signed_in(&branch, "branchadmin@example.org", Role::Admin).await;
    let settings = admin.settings("riverside-branch").await;
    assert!(settings.body.contains("Off."));
    let r = admin.post_sharing("riverside-branch", &[("share", "yes")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);

    let (s, p) = national_api.get(&format!("people/{person}")).await;
    assert_eq!(s, StatusCode::OK, "shared: {p}");
    let (_, list) = national_api.get("people").await;
    assert_eq!(list["total_records"], 1);
    let (s, _) = national_api.put(&format!("people/{person}"), json!({"given_name": "Changed"})).await;
    assert_eq!(s, StatusCode::NOT_FOUND, "a parent reads shared people; it does not change them");
    // The parent's own people are not shared downwards.
    national_api.person("Head office", "hq@example.org").await;
    let (_, branch_list) = branch_api.get("people").await;
    assert_eq!(branch_list["total_records"], 1);

    admin.post_sharing("riverside-branch", &[("share", "no")]).await;
    let (s, _) = national_api.get(&format!("people/{person}")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let audit = admin.audit("riverside-branch").await;
    assert!(audit.body.contains("people are now shared with the parent group") && audit.body.contains("people are no longer shared"));
    // The child's log shows who used the sharing, and whom they read, by name while they exist.
    assert!(audit.body.contains("through sharing with the parent group"), "{}", audit.body);
    assert!(audit.body.contains("nat@example.org of National"), "{}", audit.body);
    assert!(audit.body.contains(&format!("<a href=\"{}\">Local</a>", paths::person("riverside-branch", &person))), "{}", audit.body);
    let mut tx = app.db.read().await.unwrap();
    assert!(!groups::by_slug(&mut tx, "riverside-branch").await.unwrap().unwrap().share_with_parent);
}
