//! Campaigns through the pages: add, show, list, and bad input named; a
//! campaign's goals, the structure tests it aims to pass.

use chrono::Utc;
use reqwest::StatusCode;
use tredegar_db::{assessments, goals};
use tredegar_domain::{CampaignId, Level, Role};

use tredegar_web::paths;

use crate::helpers::{Client, Page, TestApp};
use crate::places::made;

crate::on_both_backends!(add_and_list_campaigns, a_campaign_makes_a_structure_test_its_goal);

impl Client {
    async fn post_campaign_goals(&mut self, slug: &str, id: &str, fields: &[(&str, &str)]) -> Page {
        self.post_form(paths::campaign_goals(slug, id), fields).await
    }
    async fn post_campaign_goal_remove(&mut self, slug: &str, id: &str, goal: &str) -> Page {
        self.post_form(paths::campaign_goal_remove(slug, id, goal), &[]).await
    }
}

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

async fn a_campaign_makes_a_structure_test_its_goal(app: TestApp) {
    const SLUG: &str = "brookfield-estate";
    let group = app.group("Brookfield Estate", None).await;
    let organiser = app.user(&group, "org@example.org", Role::Organiser).await;
    let api = app.api(&app.token(&group, organiser).await);
    let [ann, bob, cai] = [
        api.person("Ann", "ann@example.org").await,
        api.person("Bob", "bob@example.org").await,
        api.person("Cai", "cai@example.org").await,
    ];
    let scope = app.scope(organiser, &group).await;
    // Six flats in Bevan Court (Ann, Bob and Cai in three) and eight houses on Heol Las.
    let estate = crate::walks::estate(&app, &scope, [&ann, &bob, &cai]).await;
    let bevan = format!("building:{}", estate.bevan);
    let mut org = app.signed_in(&group, "org@example.org", Role::Organiser).await;
    org.campaigns(SLUG).await;
    let damp = made(&org.post_campaigns(SLUG, &[("title", "Fix the damp"), ("status", "active")]).await);
    let other = made(&org.post_campaigns(SLUG, &[("title", "Save the library"), ("status", "active")]).await);
    let page = org.campaign(SLUG, &damp).await;
    assert!(page.body.contains("No goals yet") && page.body.contains("Bevan Court (NP22 3AB)"), "{}", page.body);

    // Bad input names each field; nothing is stored.
    let bad = org.post_campaign_goals(SLUG, &damp, &[("place", ""), ("target_percent", "0"), ("by", "soon")]).await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    for said in
        ["Place: choose an area or a building", "Target, % of units: must be a whole number from 1 to 100", "Reach it by: must be a date"]
    {
        assert!(bad.body.contains(said), "{said}: {}", bad.body);
    }
    let elsewhere = app.group("Heol Las Tenants", None).await;
    let their_org = app.user(&elsewhere, "theirs@example.org", Role::Organiser).await;
    let their_api = app.api(&app.token(&elsewhere, their_org).await);
    let dee = their_api.person("Dee", "dee@example.org").await;
    let theirs = crate::walks::estate(&app, &app.scope(their_org, &elsewhere).await, [&dee, &dee, &dee]).await;
    let foreign = org.post_campaign_goals(SLUG, &damp, &[("place", &format!("building:{}", theirs.bevan))]).await;
    assert!(
        foreign.status() == StatusCode::BAD_REQUEST && foreign.body.contains("Place: is not one of this group&#39;s places"),
        "{}",
        foreign.body
    );
    let mut tx = app.db.read().await.unwrap();
    assert!(goals::of_campaign(&mut tx, &scope, damp.parse().unwrap()).await.unwrap().is_empty());
    drop(tx);

    // The goal takes the block's own target (50%) when none is given.
    let set = org.post_campaign_goals(SLUG, &damp, &[("place", &bevan), ("target_percent", ""), ("by", "2027-03-01")]).await;
    assert_eq!(set.status(), StatusCode::SEE_OTHER, "{}", set.body);
    let page = org.follow(&set).await;
    assert!(page.body.contains("0 of 6 units have a supporter (0%)"), "{}", page.body);
    assert!(page.body.contains("against a goal of 50% by 1 Mar 2027") && page.body.contains("3 more needed"), "{}", page.body);

    // Supporters of this campaign count; a supporter of another campaign does not.
    let (damp_id, other_id): (CampaignId, CampaignId) = (damp.parse().unwrap(), other.parse().unwrap());
    let mut tx = app.db.write().await.unwrap();
    for (who, campaign) in [(&ann, damp_id), (&bob, damp_id), (&cai, other_id)] {
        let level = Level::parse("level", "1").unwrap();
        assessments::set(&mut tx, &scope, who.parse().unwrap(), campaign, level, "door knock", Utc::now()).await.unwrap();
    }
    tx.commit().await.unwrap();
    let page = org.campaign(SLUG, &damp).await;
    assert!(page.body.contains("2 of 6 units have a supporter (33%)") && page.body.contains("1 more needed"), "{}", page.body);

    // One goal a place: setting it again replaces it. The estate as a whole is a second goal.
    org.post_campaign_goals(SLUG, &damp, &[("place", &bevan), ("target_percent", "30")]).await;
    let area = org.post_campaign_goals(SLUG, &damp, &[("place", &format!("area:{}", estate.area)), ("target_percent", "10%")]).await;
    assert_eq!(area.status(), StatusCode::SEE_OTHER, "{}", area.body);
    let page = org.campaign(SLUG, &damp).await;
    assert!(page.body.contains("against a goal of 30%:") && !page.body.contains("goal of 50%"), "{}", page.body);
    assert!(page.body.contains("2 of 14 units have a supporter (14%)") && page.body.matches("Goal met").count() == 2, "{}", page.body);

    // The block's structure test, for this campaign, is measured against the goal.
    let block = org.get(format!("{}?campaign={damp}", paths::building(SLUG, estate.bevan))).await;
    assert!(block.body.contains("against the campaign's goal of 30%") && block.body.contains("Campaign goals here"), "{}", block.body);

    // A volunteer cannot see or set goals; another group cannot reach them.
    app.user(&group, "vol@example.org", Role::Volunteer).await;
    let mut vol = app.signed_in(&group, "vol@example.org", Role::Volunteer).await;
    assert_eq!(vol.campaign(SLUG, &damp).await.status(), StatusCode::NOT_FOUND);
    vol.get(paths::dashboard(SLUG)).await;
    assert_eq!(vol.post_campaign_goals(SLUG, &damp, &[("place", &bevan)]).await.status(), StatusCode::NOT_FOUND);
    let mut tx = app.db.read().await.unwrap();
    let set = goals::of_campaign(&mut tx, &scope, damp_id).await.unwrap();
    drop(tx);
    assert_eq!(set.len(), 2);
    let bevan_goal = set.iter().find(|g| g.building_id == Some(estate.bevan)).unwrap().id.to_string();
    let mut them = app.signed_in(&elsewhere, "theirs@example.org", Role::Organiser).await;
    them.get(paths::dashboard("heol-las-tenants")).await;
    assert_eq!(them.post_campaign_goal_remove("heol-las-tenants", &damp, &bevan_goal).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(vol.post_campaign_goal_remove(SLUG, &damp, &bevan_goal).await.status(), StatusCode::NOT_FOUND);

    // Dropped, it is gone; the other goal stays.
    let dropped = org.post_campaign_goal_remove(SLUG, &damp, &bevan_goal).await;
    assert_eq!(dropped.status(), StatusCode::SEE_OTHER);
    let page = org.campaign(SLUG, &damp).await;
    assert!(!page.body.contains("against a goal of 30%") && page.body.contains("2 of 14 units"), "{}", page.body);
    assert_eq!(org.post_campaign_goal_remove(SLUG, &damp, &bevan_goal).await.status(), StatusCode::NOT_FOUND);
}
