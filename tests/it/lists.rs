//! Segments and static lists through the pages and the OSDI API: build one
//! rule at a time with the count shown, save, open as people and CSV; put
//! people on a list; and nobody but the group's organisers sees them.

use reqwest::StatusCode;
use tredegar_domain::Role;
use tredegar_web::paths;

use crate::helpers::{TestApp, id_of};

crate::on_both_backends!(build_a_segment_and_keep_a_list);

const SLUG: &str = "brookfield-estate";

async fn build_a_segment_and_keep_a_list(app: TestApp) {
    let group = app.group("Brookfield Estate", None).await;
    let organiser = app.user(&group, "org@example.org", Role::Organiser).await;
    let api = app.api(&app.token(&group, organiser).await);
    let (_, tag) = api.post("tags", serde_json::json!({"name": "Rent strike"})).await;
    let tag = id_of(&tag);
    for (name, postcode, tagged) in [("Ann", "CF10 1AA", true), ("Bob", "CF11 2BB", true), ("Cai", "CF10 3CC", false)] {
        let add: Vec<&str> = if tagged { vec!["Rent strike"] } else { vec![] };
        let body = serde_json::json!({"person": {"given_name": name, "email_addresses": [{"address": format!("{name}@example.org")}],
            "postal_addresses": [{"address_lines": ["1 High St"], "postal_code": postcode}]}, "add_tags": add});
        assert_eq!(api.post("people", body).await.0, StatusCode::OK);
    }
    let mut org = app.signed_in(&group, "org@example.org", Role::Organiser).await;
    let page = org.new_segment(SLUG).await;
    assert!(page.body.contains("No rules yet: everyone in the group") && page.body.contains("<strong>3</strong> people match"));
    // A step at a time, for a phone: the kind of rule first, then only what it needs.
    assert!(!page.body.contains("name=\"tag\"") && page.body.contains("value=\"choose\""), "{}", page.body);
    let chosen = org.post_new_segment(SLUG, &[("action", "choose"), ("kind", "tag"), ("combine", "all")]).await;
    assert!(chosen.body.contains("name=\"tag\"") && !chosen.body.contains("name=\"postcode\""), "{}", chosen.body);
    assert!(chosen.body.contains("Add the rule") && chosen.body.contains("<strong>3</strong> people match"), "{}", chosen.body);
    // A rule without what it needs is named; nothing is lost.
    let bad = org.post_new_segment(SLUG, &[("action", "add"), ("kind", "tag"), ("combine", "all")]).await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("Tag: choose a tag"), "{}", bad.body);
    let bad = org.post_new_segment(SLUG, &[("action", "add"), ("kind", "not_contacted_in_days"), ("days", "0"), ("combine", "all")]).await;
    assert!(bad.status() == StatusCode::BAD_REQUEST && bad.body.contains("Days: must be a number of days from 1 to 3650"), "{}", bad.body);
    // The rules sent back in the form are checked as new ones are.
    let sent = r#"[{"not":false,"rule":{"rule":"contacted_in_days","days":1000000000}}]"#;
    let bad = org.post_new_segment(SLUG, &[("action", "count"), ("combine", "all"), ("parts", sent)]).await;
    assert!(bad.status() == StatusCode::BAD_REQUEST && bad.body.contains("Days: must be a number of days from 1 to 3650"), "{}", bad.body);
    let recent =
        org.post_new_segment(SLUG, &[("action", "add"), ("kind", "not_contacted_in_days"), ("days", "30"), ("combine", "all")]).await;
    assert!(
        recent.body.contains("has not been spoken to in the last 30 days (or never)")
            && recent.body.contains("<strong>3</strong> people match")
    );
    let one = org.post_new_segment(SLUG, &[("action", "add"), ("kind", "tag"), ("tag", &tag), ("combine", "all")]).await;
    assert!(one.body.contains("has the tag “Rent strike”") && one.body.contains("<strong>2</strong> people match"), "{}", one.body);
    assert!(!one.body.contains("name=\"tag\""), "once added, the next kind is chosen afresh");
    let parts = hidden(&one.body, "parts");
    let two = org
        .post_new_segment(
            SLUG,
            &[("action", "add"), ("kind", "postcode"), ("postcode", "cf11"), ("negate", "yes"), ("combine", "all"), ("parts", &parts)],
        )
        .await;
    assert!(
        two.body.contains("not: lives in a postcode starting CF11") && two.body.contains("<strong>1</strong> person matches"),
        "{}",
        two.body
    );
    let parts = hidden(&two.body, "parts");
    let unnamed = org.post_new_segment(SLUG, &[("action", "save"), ("combine", "all"), ("parts", &parts)]).await;
    assert!(unnamed.status() == StatusCode::BAD_REQUEST && unnamed.body.contains("Name: must not be empty"));
    let saved =
        org.post_new_segment(SLUG, &[("action", "save"), ("name", "Strikers in CF10"), ("combine", "all"), ("parts", &parts)]).await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let show = org.follow(&saved).await;
    assert!(show.body.contains("<strong>1</strong> person") && show.body.contains("has the tag “Rent strike”"), "{}", show.body);
    let segment = saved.location.unwrap().split("/lists/").nth(1).unwrap()[..36].to_string();
    let people = org.get(format!("{}?list={segment}", paths::people(SLUG))).await;
    assert!(people.body.contains("Ann") && !people.body.contains("Bob") && !people.body.contains("Cai"), "{}", people.body);
    let csv = org.get(format!("{}?list={segment}", paths::people_csv(SLUG))).await;
    assert_eq!(csv.body.lines().count(), 2, "header and Ann: {}", csv.body);
    // "Any" of the same two rules: the tagged, or those outside CF11.
    let edit = org.list_edit(SLUG, &segment).await;
    let parts = hidden(&edit.body, "parts");
    let any = org
        .post_list_edit(SLUG, &segment, &[("action", "save"), ("name", "Strikers or not CF11"), ("combine", "any"), ("parts", &parts)])
        .await;
    assert!(org.follow(&any).await.body.contains("<strong>3</strong> people"));

    // A static list, filled from a search, and one person taken off.
    assert_eq!(org.post_lists(SLUG, &[("name", "Committee")]).await.status(), StatusCode::SEE_OTHER);
    let search = org.get(format!("{}?q=cf10", paths::people(SLUG))).await;
    let committee = search.body.split("<option value=\"").find(|s| s.contains("\">Committee<")).unwrap()[..36].to_string();
    let put = org.post_put_on_list(SLUG, &[("to", &committee), ("q", "cf10")]).await;
    assert_eq!(put.status(), StatusCode::SEE_OTHER);
    let list = org.follow(&put).await;
    assert!(
        list.body.contains("<strong>2</strong> people on this list") && list.body.contains("Ann") && list.body.contains("Cai"),
        "{}",
        list.body
    );
    let cai = list.body.split(&format!("/g/{SLUG}/people/")).find(|s| s.contains("Cai")).unwrap()[..36].to_string();
    let shown = crate::helpers::audited(&app, &format!("on the page of the list “Committee”%{cai}%")).await;
    assert!(shown >= 1, "the list's people shown are audited");
    assert_eq!(org.post_list_person_remove(SLUG, &committee, &cai, &[]).await.status(), StatusCode::SEE_OTHER);
    assert!(org.list(SLUG, &committee).await.body.contains("<strong>1</strong> person on this list"));

    // The OSDI lists API.
    let (s, all) = api.get("lists").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(all["total_records"], 2);
    let (_, one) = api.get(&format!("lists/{segment}")).await;
    assert_eq!(one["total_items"], 3);
    assert_eq!(one["list_type"], "segment");
    let (_, items) = api.get(&format!("lists/{committee}/items")).await;
    assert_eq!(items["total_records"], 1);
    let item = &items["_embedded"]["osdi:items"][0];
    assert_eq!(item["item_type"], "osdi:person");
    let person = item["_links"]["osdi:person"]["href"].as_str().unwrap().rsplit('/').next().unwrap().to_string();
    assert_eq!(api.get(&format!("lists/{committee}/items/{person}")).await.0, StatusCode::OK);
    assert_eq!(api.get(&format!("lists/{committee}/items/{cai}")).await.0, StatusCode::NOT_FOUND, "Cai is off the list");

    // Volunteers and other groups see no list, by page or API.
    let volunteer = app.user(&group, "vol@example.org", Role::Volunteer).await;
    let vapi = app.api(&app.token(&group, volunteer).await);
    for path in
        ["lists".to_string(), format!("lists/{segment}"), format!("lists/{committee}/items"), format!("lists/{committee}/items/{person}")]
    {
        assert_eq!(vapi.get(&path).await.0, StatusCode::FORBIDDEN, "{path}");
    }
    let mut vol = app.signed_in(&group, "vol@example.org", Role::Volunteer).await;
    for path in [paths::lists(SLUG), paths::list(SLUG, &segment), format!("{}?list={segment}", paths::people(SLUG))] {
        assert_eq!(vol.get(&path).await.status(), StatusCode::NOT_FOUND, "{path}");
    }
    let other = app.group("Other Branch", None).await;
    let theirs = app.api(&app.token(&other, app.user(&other, "b@example.org", Role::Admin).await).await);
    assert_eq!(theirs.get(&format!("lists/{segment}")).await.0, StatusCode::NOT_FOUND);
    assert_eq!(theirs.get("lists").await.1["total_records"], 0);
    let mut stranger = app.signed_in(&other, "b@example.org", Role::Admin).await;
    assert_eq!(stranger.get(format!("{}?list={segment}", paths::people("other-branch"))).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(stranger.post_put_on_list("other-branch", &[("to", &committee), ("q", "ann")]).await.status(), StatusCode::NOT_FOUND);
    // Nor can name it in a segment of their own.
    stranger.new_segment("other-branch").await;
    let borrowed = [("action", "add"), ("kind", "on_list"), ("list", committee.as_str()), ("combine", "all")];
    let parts = hidden(&stranger.post_new_segment("other-branch", &borrowed).await.body, "parts");
    let saved =
        stranger.post_new_segment("other-branch", &[("action", "save"), ("name", "Borrowed"), ("combine", "all"), ("parts", &parts)]).await;
    assert!(saved.status() == StatusCode::BAD_REQUEST && saved.body.contains("is not one of this group&#39;s lists"), "{}", saved.body);
}

/// A hidden field's value, as the page wrote it.
fn hidden(body: &str, name: &str) -> String {
    let start = format!("name=\"{name}\" value=\"");
    let v = body.split(&start).nth(1).and_then(|s| s.split('"').next()).unwrap_or_default();
    v.replace("&quot;", "\"").replace("&#34;", "\"").replace("&amp;", "&").replace("&#39;", "'")
}
