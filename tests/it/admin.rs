//! Running a group and your own account: passwords, removing members, child groups.

use reqwest::StatusCode;
use tredegar_domain::Role;

use tredegar_web::paths;

use crate::helpers::{PASSWORD, TestApp};

crate::on_both_backends!(
    changing_your_password_signs_you_out_elsewhere,
    removing_a_member_revokes_their_access,
    an_admin_makes_a_group_inside_theirs,
    deleting_a_custom_field_says_how_many_values_go_first,
);

async fn changing_your_password_signs_you_out_elsewhere(app: TestApp) {
    let group = app.group("Riverside Branch", None).await;
    let mut here = app.signed_in(&group, "org@example.org", Role::Organiser).await;
    let mut phone = app.client();
    phone.login().await;
    phone.post_login(&[("email", "org@example.org"), ("password", PASSWORD)]).await;

    let page = here.account().await;
    assert!(page.body.contains("org@example.org"));
    let wrong = here.post_account(&[("current_password", "not my password"), ("new_password", "a brand new passphrase")]).await;
    assert_eq!(wrong.status(), StatusCode::BAD_REQUEST);
    assert!(wrong.body.contains("Current password: is not your current password"));
    let short = here.post_account(&[("current_password", PASSWORD), ("new_password", "short")]).await;
    assert!(short.body.contains("New password: must be at least 12 characters"));
    let ok = here.post_account(&[("current_password", PASSWORD), ("new_password", "a brand new passphrase")]).await;
    assert_eq!(ok.status(), StatusCode::SEE_OTHER);
    assert!(here.follow(&ok).await.body.contains("Saved."), "this browser stays signed in");
    assert_eq!(
        phone.dashboard("riverside-branch").await.location.as_deref(),
        Some("/login?next=%2Fg%2Friverside-branch"),
        "the other session ended"
    );

    let mut c = app.client();
    c.login().await;
    assert_eq!(c.post_login(&[("email", "org@example.org"), ("password", PASSWORD)]).await.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(c.post_login(&[("email", "org@example.org"), ("password", "a brand new passphrase")]).await.status(), StatusCode::SEE_OTHER);
}

async fn removing_a_member_revokes_their_access(app: TestApp) {
    let group = app.group("Riverside Branch", None).await;
    let mut admin = app.signed_in(&group, "admin@example.org", Role::Admin).await;
    let mut vol = app.signed_in(&group, "vol@example.org", Role::Volunteer).await;
    let vol_id = app.user(&group, "vol@example.org", Role::Volunteer).await;
    let admin_id = app.user(&group, "admin@example.org", Role::Admin).await;
    let api = app.api(&app.token(&group, vol_id).await);
    assert_eq!(api.get("people").await.0, StatusCode::OK);

    let confirm = admin.member_remove("riverside-branch", vol_id).await;
    assert!(confirm.body.contains("will no longer be able to see this group"));
    assert_eq!(admin.member_remove("riverside-branch", admin_id).await.status(), StatusCode::BAD_REQUEST, "not yourself");
    let r = admin.post_member_remove("riverside-branch", vol_id, &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(admin.follow(&r).await.body.contains("Removed."));

    assert_eq!(vol.dashboard("riverside-branch").await.status(), StatusCode::NOT_FOUND);
    assert_eq!(api.get("people").await.0, StatusCode::UNAUTHORIZED, "their token stops working");
    let audit = admin.audit("riverside-branch").await;
    assert!(audit.body.contains("removed from the group (was volunteer)"));
    let again = admin.post_member_remove("riverside-branch", vol_id, &[]).await;
    assert_eq!(again.status(), StatusCode::NOT_FOUND);
}

async fn an_admin_makes_a_group_inside_theirs(app: TestApp) {
    let group = app.group("Tredegar Borough", None).await;
    let mut admin = app.signed_in(&group, "admin@example.org", Role::Admin).await;
    let mut organiser = app.signed_in(&group, "org@example.org", Role::Organiser).await;
    organiser.dashboard("tredegar-borough").await;
    assert_eq!(organiser.post_child_groups("tredegar-borough", &[("name", "Sneaky")]).await.status(), StatusCode::NOT_FOUND);

    admin.settings("tredegar-borough").await;
    let bad = admin.post_child_groups("tredegar-borough", &[("name", "!!!")]).await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("Sign out") && bad.body.contains("<a href=\"#name\">"), "an inline error on the same page");
    let r = admin.post_child_groups("tredegar-borough", &[("name", "Brookfield Estate")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.location, Some(format!("{}?notice=added", paths::settings("tredegar-borough-brookfield-estate"))));
    let child = admin.follow(&r).await;
    assert!(child.body.contains("Off.") && child.body.contains("Share this group"), "sharing starts off");
    let parent = admin.settings("tredegar-borough").await;
    assert!(parent.body.contains("Brookfield Estate</a>: does not share its people"));
    // A name taken elsewhere on the instance is neither refused nor revealed.
    app.group("Secret Branch", None).await;
    let r = admin.post_child_groups("tredegar-borough", &[("name", "Secret Branch")]).await;
    assert_eq!(r.location, Some(format!("{}?notice=added", paths::settings("tredegar-borough-secret-branch"))));
    assert_eq!(
        organiser.dashboard("tredegar-borough-brookfield-estate").await.status(),
        StatusCode::NOT_FOUND,
        "the parent's organisers are not members of the child"
    );
}

async fn deleting_a_custom_field_says_how_many_values_go_first(app: TestApp) {
    let group = app.group("Brookfield Estate", None).await;
    let admin = app.user(&group, "admin@example.org", Role::Admin).await;
    let api = app.api(&app.token(&group, admin).await);
    for (i, tenancy) in ["council", "private"].iter().enumerate() {
        let body = serde_json::json!({"person": {"email_addresses": [{"address": format!("p{i}@example.org")}], "custom_fields": {"tenancy": tenancy}}});
        assert_eq!(api.post("people", body).await.0, StatusCode::OK);
    }
    let mut c = app.signed_in(&group, "admin@example.org", Role::Admin).await;
    let settings = c.settings("brookfield-estate").await;
    let at = settings.body.find("/fields/").unwrap() + "/fields/".len();
    let id = &settings.body[at..at + 36];
    let confirm = c.field_delete("brookfield-estate", id).await;
    assert_eq!(confirm.status(), StatusCode::OK);
    assert!(confirm.body.contains("2 people have a value for tenancy") && confirm.body.contains("cannot be undone"), "{}", confirm.body);
    let r = c.post_field_delete("brookfield-estate", id, &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, p) = api.get("people").await;
    assert_eq!(p["_embedded"]["osdi:people"][0]["custom_fields"], serde_json::json!({}), "the values went with it");
}
