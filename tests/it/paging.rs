//! Long lists come a page at a time and say how many pages there are: no
//! list of the group's petitions, events, call lists, walk lists, leaders,
//! follow-ups, representatives or landlords stops silently at a cap, and the
//! API's counts are of everything.

use chrono::{Duration, Utc};
use reqwest::StatusCode;
use tredegar_db::assessments;
use tredegar_db::follow_ups::{self, NewFollowUp};
use tredegar_db::walks::{self, Turf};
use tredegar_domain::walks::Cut;
use tredegar_domain::{CampaignId, Level, Role};
use tredegar_web::paths;

use crate::helpers::{Page, TestApp, id_of};

crate::on_both_backends!(long_lists_come_a_page_at_a_time);

const SLUG: &str = "brookfield-estate";

/// Which of `names` a page shows.
fn shown<'a>(page: &Page, names: &'a [String]) -> Vec<&'a str> {
    names.iter().filter(|n| page.body.contains(n.as_str())).map(String::as_str).collect()
}

/// Page one shows the first fifty and links to page two, which shows the rest.
fn paged(first: &Page, second: &Page, names: &[String], next: &str) {
    assert_eq!(first.status(), StatusCode::OK, "{}", first.body);
    assert!(first.body.contains("Page 1 of 2") && first.body.contains(next), "{}", first.body);
    assert!(second.body.contains("Page 2 of 2"), "{}", second.body);
    let (one, two) = (shown(first, names), shown(second, names));
    assert_eq!((one.len(), two.len()), (50, names.len() - 50), "{one:?} {two:?}");
    assert!(one.iter().all(|n| !two.contains(n)), "no row on both pages");
}

async fn long_lists_come_a_page_at_a_time(app: TestApp) {
    let group = app.group("Brookfield Estate", None).await;
    let organiser = app.user(&group, "org@example.org", Role::Organiser).await;
    let caller = app.user(&group, "caller@example.org", Role::Volunteer).await;
    let mut org = app.signed_in(&group, "org@example.org", Role::Organiser).await;
    let api = app.api(&app.token(&group, organiser).await);

    // Petitions, newest first; the API counts all 51.
    let petitions: Vec<String> = (0..51).map(|n| format!("Rent cap petition {n:02}.")).collect();
    org.petitions(SLUG).await;
    for title in &petitions {
        let made = org
            .post_petitions(
                SLUG,
                &[
                    ("title", title),
                    ("target", "The council"),
                    ("body", "Cap the rent."),
                    ("goal", "100"),
                    ("consent_wording", "Keep me posted"),
                ],
            )
            .await;
        assert_eq!(made.status(), StatusCode::SEE_OTHER, "{}", made.body);
    }
    let first = org.petitions(SLUG).await;
    let second = org.get(format!("{}?page=2", paths::petitions(SLUG))).await;
    paged(&first, &second, &petitions, "?page=2\" rel=\"next\">Older");
    assert!(second.body.contains(&petitions[0]), "the oldest is last");
    let (_, all) = api.get("petitions?per_page=25&page=3").await;
    assert_eq!((all["total_records"].as_i64(), all["_embedded"]["osdi:petitions"].as_array().map(Vec::len)), (Some(51), Some(1)), "{all}");

    // Events, soonest first: the furthest off is on page two.
    let events: Vec<String> = (1..=51).map(|n| format!("Block meeting {n:02}.")).collect();
    org.events(SLUG).await;
    for (n, title) in events.iter().enumerate() {
        let mut form = crate::events::event_form(Utc::now() + Duration::days(i64::try_from(n).unwrap() + 1), "");
        form[0].1 = title.clone();
        let made = org.post_events(SLUG, &crate::events::fields(&form)).await;
        assert_eq!(made.status(), StatusCode::SEE_OTHER, "{}", made.body);
    }
    let first = org.events(SLUG).await;
    let second = org.get(format!("{}?page=2", paths::events(SLUG))).await;
    paged(&first, &second, &events, "?page=2\" rel=\"next\">Next");
    assert!(second.body.contains(&events[50]), "{}", second.body);

    // Call lists, newest first, for the organiser; the dashboard shows the newest open ones and links to all.
    let (_, tag) = api.post("tags", serde_json::json!({"name": "Tenants"})).await;
    let tag = id_of(&tag);
    let ann = serde_json::json!({"person": {"given_name": "Ann", "phone_numbers": [{"number": "07700 900001"}]}, "add_tags": ["Tenants"]});
    assert_eq!(api.post("people", ann).await.0, StatusCode::OK);
    let segment = org.save_tag_segment(SLUG, "Tenants", &tag).await;
    let calls: Vec<String> = (0..51).map(|n| format!("Ring round {n:02}.")).collect();
    org.call_lists(SLUG).await;
    for name in &calls {
        let made = org.post_call_lists(SLUG, &[("name", name), ("list", &segment), ("callers", &caller.to_string())]).await;
        assert_eq!(made.status(), StatusCode::SEE_OTHER, "{}", made.body);
    }
    let first = org.call_lists(SLUG).await;
    let second = org.get(format!("{}?page=2", paths::call_lists(SLUG))).await;
    paged(&first, &second, &calls, "?page=2\" rel=\"next\">Older");
    let dashboard = org.get(paths::dashboard(SLUG)).await;
    assert_eq!(shown(&dashboard, &calls).len(), 10, "{}", dashboard.body);
    assert!(dashboard.body.contains("All 51 open call lists"), "{}", dashboard.body);

    // Walk lists, cut until there are more than a page of them; the API pages them too.
    let scope = app.scope(organiser, &group).await;
    let mut ids = Vec::new();
    for (name, email) in [("Bea", "bea@example.org"), ("Cy", "cy@example.org"), ("Di", "di@example.org")] {
        ids.push(api.person(name, email).await);
    }
    let estate = crate::walks::estate(&app, &scope, [&ids[0], &ids[1], &ids[2]]).await;
    let mut walk_lists = Vec::new();
    let mut tx = app.db.write().await.unwrap();
    for n in 0..51 {
        let turf = Turf { buildings: vec![estate.bevan], cut: Cut::check("6", "", false).unwrap(), campaign: None, segment: None };
        let name = format!("Bevan Court round {n:02}.");
        assert_eq!(walks::cut(&mut tx, &scope, &name, &turf, &[], Utc::now()).await.unwrap().len(), 1);
        walk_lists.push(name);
    }
    tx.commit().await.unwrap();
    let first = org.get(paths::walk_lists(SLUG)).await;
    let second = org.get(format!("{}?page=2", paths::walk_lists(SLUG))).await;
    paged(&first, &second, &walk_lists, "?page=2\" rel=\"next\">Older");
    let (_, all) = api.get("walk_lists?per_page=25&page=3").await;
    assert_eq!(
        (all["total_records"].as_i64(), all["_embedded"]["tredegar:walk_lists"].as_array().map(Vec::len)),
        (Some(51), Some(1)),
        "{all}"
    );

    // Leaders to develop: everyone assessed 1.
    let made = org.post_campaigns(SLUG, &[("title", "Fix the damp"), ("status", "active")]).await;
    let campaign: CampaignId = crate::places::made(&made).parse().unwrap();
    let mut leaders = Vec::new();
    for n in 0..51 {
        let name = format!("Leader{n:02}x");
        leaders.push(name.clone());
        let id = api.person(&name, &format!("leader{n}@example.org")).await;
        let mut tx = app.db.write().await.unwrap();
        assessments::set(&mut tx, &scope, id.parse().unwrap(), campaign, Level::parse("level", "1").unwrap(), "", Utc::now())
            .await
            .unwrap();
        tx.commit().await.unwrap();
    }
    let first = org.ladder(SLUG).await;
    let second = org.get(format!("{}?days=90&page=2", paths::ladder(SLUG))).await;
    paged(&first, &second, &leaders, "page=2#leaders\" rel=\"next\">Next");

    // My follow-ups, a hundred a page, oldest due first; the dashboard shows those due this week and counts the rest.
    let ann = api.person("Ann", "ann@example.org").await;
    let today = Utc::now().with_timezone(&chrono_tz::Europe::London).date_naive();
    let mut tasks = Vec::new();
    let mut tx = app.db.write().await.unwrap();
    for n in 0..101 {
        let what = format!("Ring back about repair {n:03}.");
        let f = NewFollowUp {
            person: ann.parse().unwrap(),
            conversation: None,
            assignee: organiser,
            what: &what,
            due_on: today + Duration::days(n),
        };
        follow_ups::add(&mut tx, &scope, &f, Utc::now()).await.unwrap();
        tasks.push(what);
    }
    tx.commit().await.unwrap();
    let first = org.get(paths::follow_ups(SLUG)).await;
    let second = org.get(format!("{}?page=2", paths::follow_ups(SLUG))).await;
    assert!(first.body.contains("Page 1 of 2") && second.body.contains("Page 2 of 2"), "{}", first.body);
    assert_eq!((shown(&first, &tasks).len(), shown(&second, &tasks)), (100, vec![tasks[100].as_str()]));
    let dashboard = org.get(paths::dashboard(SLUG)).await;
    // Unless London's midnight fell in between, which moves every due date a day nearer.
    if Utc::now().with_timezone(&chrono_tz::Europe::London).date_naive() == today {
        assert_eq!(shown(&dashboard, &tasks).len(), 8, "due today and the next seven days");
        assert!(dashboard.body.contains("(93 more)"), "{}", dashboard.body);
    }

    // Representatives and landlords, a hundred a page, by name.
    let representatives: Vec<String> = (0..101).map(|n| format!("Cllr Rep {n:03}.")).collect();
    let landlords: Vec<String> = (0..101).map(|n| format!("Homes Ltd {n:03}.")).collect();
    org.get(paths::representatives(SLUG)).await;
    for (rep, landlord) in representatives.iter().zip(&landlords) {
        let made = org.post_form(paths::representatives(SLUG), &[("name", rep), ("kind", "councillor")]).await;
        assert_eq!(made.status(), StatusCode::SEE_OTHER, "{}", made.body);
        let made = org.post_form(paths::landlords(SLUG), &[("name", landlord), ("kind", "landlord")]).await;
        assert_eq!(made.status(), StatusCode::SEE_OTHER, "{}", made.body);
    }
    for (list, names) in [(paths::representatives(SLUG), &representatives), (paths::landlords(SLUG), &landlords)] {
        let first = org.get(&list).await;
        let second = org.get(format!("{list}?page=2")).await;
        assert!(first.body.contains("Page 1 of 2") && second.body.contains("Page 2 of 2"), "{}", first.body);
        assert_eq!((shown(&first, names).len(), shown(&second, names)), (100, vec![names[100].as_str()]));
    }
}
