//! A campaign's power map and dashboard: actors placed on the grid and the
//! SVG drawn from what is stored, every move kept and the map replayed as it
//! stood; who influences whom; the escalation plan and the dashboard's
//! figures from real events; and nobody else's campaign reachable.

use chrono::{Duration, Utc};
use reqwest::StatusCode;
use tredegar_domain::Role;
use tredegar_web::paths;

use crate::helpers::{Client, TestApp, count};
use crate::places::made;

crate::on_both_backends!(
    the_power_map_draws_what_is_stored_and_replays_it,
    the_dashboard_and_plan_come_from_real_data,
    merging_people_keeps_their_places_and_a_theme_counts_once,
    the_timeline_keeps_wins_and_documents
);

const SLUG: &str = "brookfield-estate";

async fn campaign(org: &mut Client) -> String {
    org.campaigns(SLUG).await;
    made(&org.post_campaigns(SLUG, &[("title", "Stop the demolition"), ("status", "active")]).await)
}

/// Each actor drawn: (name, influence, stance, x, y) read from the SVG.
fn drawn(svg: &str) -> Vec<(String, i64, i64, f64, f64)> {
    svg.split("<g class=\"actor\"")
        .skip(1)
        .map(|g| {
            let attr = |name: &str| g.split(&format!("{name}=\"")).nth(1).and_then(|s| s.split('"').next()).unwrap().to_string();
            let (x, y) = if g.contains("<rect") {
                (attr("x").parse::<f64>().unwrap() + 9.0, attr("y").parse::<f64>().unwrap() + 9.0)
            } else {
                (attr("cx").parse().unwrap(), attr("cy").parse().unwrap())
            };
            // The full name is in the title; the label may be cut short.
            let name = g.split("<title>").nth(1).and_then(|s| s.split(": influence").next()).unwrap().to_string();
            (name, attr("data-influence").parse().unwrap(), attr("data-stance").parse().unwrap(), x, y)
        })
        .collect()
}

async fn the_power_map_draws_what_is_stored_and_replays_it(app: TestApp) {
    let group = app.group("Brookfield Estate", None).await;
    let organiser = app.user(&group, "org@example.org", Role::Organiser).await;
    let api = app.api(&app.token(&group, organiser).await);
    api.person("Sian", "sian@example.org").await;
    let mut org = app.signed_in(&group, "org@example.org", Role::Organiser).await;
    let id = campaign(&mut org).await;
    org.get(paths::representatives(SLUG)).await;
    let rep = made(&org.post_form(paths::representatives(SLUG), &[("name", "Cllr Dai Morgan"), ("kind", "councillor")]).await);
    let page = org.get(paths::campaign_power(SLUG, &id)).await;
    assert!(page.body.contains("Nobody on the map yet"), "{}", page.body);

    // Bad input names each field, and puts nobody on the map.
    let bad = org.post_form(paths::campaign_power(SLUG, &id), &[("influence", "11"), ("stance", "-6")]).await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    for said in ["give a name, or choose who they are", "from 0 to 10", "from -5 to 5"] {
        assert!(bad.body.contains(said), "{said}: {}", bad.body);
    }
    let who = format!("representative:{rep}");
    let adds: [&[(&str, &str)]; 3] = [
        &[("who", &who), ("role", "Cabinet member for housing"), ("influence", "9"), ("stance", "-3"), ("is_target", "on")],
        &[("person_email", "sian@example.org"), ("role", "Tenants' chair"), ("influence", "4"), ("stance", "+5")],
        &[("name", "South Wales Argus"), ("influence", "6"), ("stance", "0"), ("note", "Ran the council's line")],
    ];
    for fields in adds {
        let r = org.post_form(paths::campaign_power(SLUG, &id), fields).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", r.body);
    }
    // Every change so far happened ten days ago.
    app.execute_at("UPDATE actor_changes SET changed_at = $1", Utc::now() - Duration::days(10)).await;

    let page = org.get(paths::campaign_power(SLUG, &id)).await;
    let mut shown = drawn(&page.body);
    shown.sort_by(|a, b| a.0.cmp(&b.0));
    let names: Vec<&str> = shown.iter().map(|s| s.0.as_str()).collect();
    assert_eq!(names, ["Cllr Dai Morgan", "Sian", "South Wales Argus"]);
    for (name, influence, stance, x, y) in &shown {
        let (px, py) = tredegar_web::charts::map_point(*stance, *influence);
        assert!((x - px).abs() < 0.11 && (y - py).abs() < 0.11, "{name} drawn at {x},{y}, not {px},{py}");
    }
    assert_eq!((shown[0].1, shown[0].2, shown[1].1, shown[1].2), (9, -3, 4, 5));
    assert!(page.body.contains("<rect class=\"series-4\""), "the target is a square");

    // Move the councillor; link Sian to him.
    let actor = |body: &str, name: &str| -> String {
        let at = body.find(&format!("<strong>{name}</strong>")).unwrap();
        body[at..].split("/power/actors/").nth(1).unwrap().chars().take(36).collect()
    };
    let dai = actor(&page.body, "Cllr Dai Morgan");
    let sian = actor(&page.body, "Sian");
    let bad = org.post_form(paths::campaign_actor(SLUG, &id, &dai), &[("influence", "x"), ("stance", "2")]).await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    let r =
        org.post_form(paths::campaign_actor(SLUG, &id, &dai), &[("influence", "9"), ("stance", "2"), ("note", "Backed the ballot")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = org.post_form(paths::campaign_actor_links(SLUG, &id), &[("from", &sian), ("to", &dai), ("note", "Same chapel")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        org.post_form(paths::campaign_actor_links(SLUG, &id), &[("from", &sian), ("to", &sian)]).await.status(),
        StatusCode::BAD_REQUEST
    );
    let page = org.get(paths::campaign_power(SLUG, &id)).await;
    let now: Vec<_> = drawn(&page.body).into_iter().filter(|d| d.0 == "Cllr Dai Morgan").collect();
    assert_eq!((now[0].1, now[0].2), (9, 2));
    assert!(page.body.contains("Sian influences Cllr Dai Morgan"));
    // The history keeps both placings, latest first.
    let moved = page.body.find("at influence 9, stance 2 (Backed the ballot)").unwrap();
    let first = page.body.find("at influence 9, stance -3").unwrap();
    assert!(moved < first);
    // Replayed five days ago, he stood where he was first placed.
    let day = (Utc::now() - Duration::days(5)).format("%Y-%m-%d");
    let then = org.get(format!("{}?on={day}", paths::campaign_power(SLUG, &id))).await;
    let was: Vec<_> = drawn(&then.body).into_iter().filter(|d| d.0 == "Cllr Dai Morgan").collect();
    assert_eq!((was[0].1, was[0].2), (9, -3), "{}", then.body);
    let before = org.get(format!("{}?on={}", paths::campaign_power(SLUG, &id), (Utc::now() - Duration::days(20)).format("%Y-%m-%d"))).await;
    assert!(drawn(&before.body).is_empty());
    // Taken off the map: gone today, still there in the replay.
    org.post_form(paths::campaign_actor_remove(SLUG, &id, &sian), &[]).await;
    assert!(!drawn(&org.get(paths::campaign_power(SLUG, &id)).await.body).iter().any(|d| d.0 == "Sian"));
    assert!(drawn(&then.body).iter().any(|d| d.0 == "Sian"));

    // A volunteer and another group find nothing.
    app.user(&group, "vol@example.org", Role::Volunteer).await;
    let mut vol = app.signed_in(&group, "vol@example.org", Role::Volunteer).await;
    assert_eq!(vol.get(paths::campaign_power(SLUG, &id)).await.status(), StatusCode::NOT_FOUND);
    let other = app.group("Heol Las Tenants", None).await;
    let mut them = app.signed_in(&other, "theirs@example.org", Role::Organiser).await;
    assert_eq!(them.get(paths::campaign_power("heol-las-tenants", &id)).await.status(), StatusCode::NOT_FOUND);
    them.campaigns("heol-las-tenants").await;
    let r = them.post_form(paths::campaign_actor("heol-las-tenants", &id, &dai), &[("influence", "0"), ("stance", "0")]).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = them.post_form(paths::campaign_power("heol-las-tenants", &id), &[("who", &who), ("influence", "1"), ("stance", "1")]).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}

async fn the_dashboard_and_plan_come_from_real_data(app: TestApp) {
    let group = app.group("Brookfield Estate", None).await;
    let organiser = app.user(&group, "org@example.org", Role::Organiser).await;
    let api = app.api(&app.token(&group, organiser).await);
    let mut org = app.signed_in(&group, "org@example.org", Role::Organiser).await;
    let id = campaign(&mut org).await;
    let page = org.get(paths::campaign_dashboard(SLUG, &id)).await;
    assert!(page.body.contains("Nothing planned") && page.body.contains("No event carries this campaign yet"), "{}", page.body);

    // An event on the campaign: three going, two came.
    let mut form = crate::events::event_form(Utc::now() + Duration::minutes(30), "");
    form.retain(|(k, _)| *k != "campaign");
    form.push(("campaign", id.clone()));
    let event = crate::events::set_up(&mut org, &form).await;
    for (email, came) in [("a@example.org", true), ("b@example.org", true), ("c@example.org", false)] {
        let body = serde_json::json!({"person": {"email_addresses": [{"address": email}]}, "attended": came});
        assert_eq!(api.post(&format!("events/{event}/attendances"), body).await.0, StatusCode::OK);
    }
    // A step of the plan: bad input named, then one carried by the event.
    org.get(paths::campaign_dashboard(SLUG, &id)).await;
    let bad = org
        .post_form(paths::campaign_plan(SLUG, &id), &[("kind", "sit-in"), ("title", ""), ("planned_on", "soon"), ("carried_by", "event:x")])
        .await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    for said in ["Kind: must be one of", "Title: must not be empty", "must be a date", "is not one of the group"] {
        assert!(bad.body.contains(said), "{said}: {}", bad.body);
    }
    let when = (Utc::now() + Duration::days(7)).format("%Y-%m-%d").to_string();
    let carried = format!("event:{event}");
    let r = org
        .post_form(
            paths::campaign_plan(SLUG, &id),
            &[("kind", "deputation"), ("title", "Deputation to full council"), ("planned_on", &when), ("carried_by", &carried)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", r.body);
    let page = org.get(paths::campaign_dashboard(SLUG, &id)).await;
    assert!(page.body.contains("Deputation, Deputation to full council") && page.body.contains("Carried by the event"), "{}", page.body);
    // The turnout table: going 3; who came is not known before it starts.
    let row = page.body.split("<td data-label=\"Event\">Brookfield residents").nth(1).unwrap();
    assert!(row.contains("<td data-label=\"Going\">3</td><td data-label=\"Came\">not yet</td>"), "{row}");
    assert_eq!(page.body.matches("<svg class=\"chart").count(), 1, "only support is drawn: no event has happened");
    // Once it has happened: going 3, came 2, and its turnout drawn.
    app.execute_at("UPDATE events SET starts_at = $1", Utc::now() - Duration::hours(1)).await;
    let page = org.get(paths::campaign_dashboard(SLUG, &id)).await;
    let row = page.body.split("<td data-label=\"Event\">Brookfield residents").nth(1).unwrap();
    assert!(row.contains("<td data-label=\"Going\">3</td><td data-label=\"Came\">2</td>"), "{row}");
    assert_eq!(page.body.matches("<svg class=\"chart").count(), 2, "support and turnout are drawn");
    // Done: no longer next on the plan.
    let step: String = page.body.split("/plan/").nth(1).unwrap().chars().take(36).collect();
    org.post_form(paths::campaign_step_done(SLUG, &id, &step), &[("done_on", &Utc::now().format("%Y-%m-%d").to_string())]).await;
    let page = org.get(paths::campaign_dashboard(SLUG, &id)).await;
    assert!(page.body.contains("Nothing planned") && page.body.contains("Done "), "{}", page.body);
    // Taken off the plan altogether.
    assert_eq!(org.post_form(paths::campaign_step_delete(SLUG, &id, &step), &[]).await.status(), StatusCode::SEE_OTHER);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM plan_steps").await, 0);
    let other = app.group("Heol Las Tenants", None).await;
    let mut them = app.signed_in(&other, "theirs@example.org", Role::Organiser).await;
    assert_eq!(them.get(paths::campaign_dashboard("heol-las-tenants", &id)).await.status(), StatusCode::NOT_FOUND);
}

async fn merging_people_keeps_their_places_and_a_theme_counts_once(app: TestApp) {
    let group = app.group("Brookfield Estate", None).await;
    let organiser = app.user(&group, "org@example.org", Role::Organiser).await;
    let api = app.api(&app.token(&group, organiser).await);
    let keep = api.person("Dafydd", "dafydd@example.org").await;
    let other = api.person("Bronwen", "bronwen@example.org").await;
    let mut org = app.signed_in(&group, "org@example.org", Role::Organiser).await;
    let id = campaign(&mut org).await;
    org.get(paths::representatives(SLUG)).await;
    let rep = made(&org.post_form(paths::representatives(SLUG), &[("name", "Cllr Bronwen Jones"), ("kind", "councillor")]).await);
    org.representative(SLUG, &rep).await;
    org.post_form(paths::representative_person(SLUG, &rep), &[("email", "bronwen@example.org")]).await;
    // One person is one representative at most.
    let second = made(&org.post_form(paths::representatives(SLUG), &[("name", "Bronwen again"), ("kind", "other")]).await);
    let r = org.post_form(paths::representative_person(SLUG, &second), &[("email", "bronwen@example.org")]).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(r.body.contains("is already linked to another representative"), "{}", r.body);
    org.get(paths::campaign_power(SLUG, &id)).await;
    let r = org
        .post_form(paths::campaign_power(SLUG, &id), &[("person_email", "bronwen@example.org"), ("influence", "5"), ("stance", "4")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);

    // Bronwen turns out to be Dafydd's record under another name: merged, her places stay.
    org.person(SLUG, &keep).await;
    assert_eq!(org.post_person_merge_with(SLUG, &keep, &other, &[]).await.status(), StatusCode::SEE_OTHER);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM representatives WHERE person_id IS NOT NULL").await, 1);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM actors WHERE person_id IS NOT NULL").await, 1);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM actor_changes").await, 1);

    // A theme sent twice on the campaign form is one theme.
    let scope = app.scope(organiser, &group).await;
    let mut tx = app.db.write().await.unwrap();
    let theme = tredegar_db::conversations::theme(&mut tx, &scope, "Demolition", Utc::now()).await.unwrap().to_string();
    tx.commit().await.unwrap();
    org.campaign(SLUG, &id).await;
    let fields = [("title", "Stop the demolition"), ("status", "active"), ("themes", theme.as_str()), ("themes", theme.as_str())];
    assert_eq!(org.post_form(paths::campaign(SLUG, &id), &fields).await.status(), StatusCode::SEE_OTHER);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM campaign_themes").await, 1);
}

async fn the_timeline_keeps_wins_and_documents(app: TestApp) {
    let group = app.group("Brookfield Estate", None).await;
    let admin = app.user(&group, "admin@example.org", Role::Admin).await;
    let mut org = app.signed_in(&group, "admin@example.org", Role::Admin).await;
    let id = campaign(&mut org).await;
    org.campaign(SLUG, &id).await;
    org.post_form(paths::campaign_demands(SLUG, &id), &[("text", "A ballot before any demolition")]).await;
    let page = org.get(paths::campaign_timeline(SLUG, &id)).await;
    let demand: String = page.body.split("<option value=\"").nth(2).unwrap().chars().take(36).collect();

    // Bad input names each field; too large a document is refused; nothing is kept.
    let bad = org
        .post_multipart(paths::campaign_timeline(SLUG, &id), &[("happened_on", "2199-01-01"), ("title", ""), ("demand", "x")], None)
        .await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    for said in ["When it happened: is in the future", "Title: must not be empty", "Demand: is not one of"] {
        assert!(bad.body.contains(said), "{said}: {}", bad.body);
    }
    let today = Utc::now().format("%Y-%m-%d").to_string();
    let big = vec![b'x'; 10 * 1024 * 1024 + 1];
    let r = org
        .post_multipart(paths::campaign_timeline(SLUG, &id), &[("happened_on", &today), ("title", "Minutes")], Some(("minutes.pdf", big)))
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(r.body.contains("is larger than 10 MB"), "{}", r.body);
    // Text fields are small, and the form has no others.
    let long = "t".repeat(50_000);
    let r = org.post_multipart(paths::campaign_timeline(SLUG, &id), &[("happened_on", &today), ("title", &long)], None).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let r = org.post_multipart(paths::campaign_timeline(SLUG, &id), &[("happened_on", &today), ("junk", "x")], None).await;
    assert!(r.status() == StatusCode::BAD_REQUEST && r.body.contains("a field it does not know"), "{}", r.body);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM documents").await, 0);

    // A letter with its document; then the win.
    let letter = b"%PDF-1.4 The council's reply".to_vec();
    let r = org
        .post_multipart(
            paths::campaign_timeline(SLUG, &id),
            &[("happened_on", &today), ("title", "The council replied"), ("win", "won")],
            Some(("reply.pdf", letter.clone())),
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", r.body);
    let fields = [
        ("happened_on", today.as_str()),
        ("title", "Cabinet agreed a ballot"),
        ("demand", demand.as_str()),
        ("win", "won"),
        ("evidence_url", "council.example.org/cabinet"),
    ];
    assert_eq!(org.post_multipart(paths::campaign_timeline(SLUG, &id), &fields, None).await.status(), StatusCode::SEE_OTHER);
    let page = org.get(paths::campaign_timeline(SLUG, &id)).await;
    assert!(page.body.contains("Win</span>: Cabinet agreed a ballot") && page.body.contains("reply.pdf"), "{}", page.body);
    // The win moved its demand, with the win as the reason.
    let show = org.campaign(SLUG, &id).await;
    assert!(show.body.contains("Cabinet agreed a ballot") && show.body.contains(">Won</span>"), "{}", show.body);
    // The document downloads as it was, and is in the export as a file.
    let doc: String = page.body.split("/documents/").nth(1).unwrap().chars().take(36).collect();
    let got = org.http.get(format!("{}{}", org.base, paths::document(SLUG, &doc))).send().await.unwrap();
    assert_eq!(got.headers()["content-disposition"], "attachment; filename=\"reply.pdf\"");
    assert_eq!(got.bytes().await.unwrap().to_vec(), letter);
    let scope = app.scope(admin, &group).await;
    let mut tx = app.db.read().await.unwrap();
    let zip = tredegar_db::export::write_archive(&mut tx, &scope, std::io::Cursor::new(Vec::new()), Utc::now()).await.unwrap();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip.into_inner())).unwrap();
    let name = format!("documents/{doc}-reply.pdf");
    let mut file = archive.by_name(&name).unwrap();
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut file, &mut bytes).unwrap();
    assert_eq!(bytes, letter);
    drop(tx);

    // The document is evidence for a pledge and for a demand's status.
    org.get(paths::representatives(SLUG)).await;
    let rep = made(&org.post_form(paths::representatives(SLUG), &[("name", "Cllr Dai Morgan"), ("kind", "councillor")]).await);
    org.representative(SLUG, &rep).await;
    let fields = [("text", "I will back the ballot"), ("made_on", today.as_str()), ("document", doc.as_str())];
    assert_eq!(org.post_form(paths::representative_pledges(SLUG, &rep), &fields).await.status(), StatusCode::SEE_OTHER);
    let page = org.representative(SLUG, &rep).await;
    assert!(page.body.contains(&format!("{}\">reply.pdf</a>", paths::document(SLUG, &doc))), "{}", page.body);
    org.campaign(SLUG, &id).await;
    let change = [("status", "partly_won"), ("reason", "Only a consultation"), ("document", doc.as_str())];
    assert_eq!(org.post_form(paths::campaign_demand(SLUG, &id, &demand), &change).await.status(), StatusCode::SEE_OTHER);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM demand_changes WHERE document_id IS NOT NULL").await, 1);

    // Another group reaches neither the timeline nor the document, nor cites it.
    let other = app.group("Heol Las Tenants", None).await;
    let mut them = app.signed_in(&other, "theirs@example.org", Role::Organiser).await;
    assert_eq!(them.get(paths::document("heol-las-tenants", &doc)).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(them.get(paths::campaign_timeline("heol-las-tenants", &id)).await.status(), StatusCode::NOT_FOUND);
    them.get(paths::representatives("heol-las-tenants")).await;
    let theirs = made(&them.post_form(paths::representatives("heol-las-tenants"), &[("name", "Cllr Other"), ("kind", "councillor")]).await);
    let fields = [("text", "Borrowed evidence"), ("made_on", today.as_str()), ("document", doc.as_str())];
    let r = them.post_form(paths::representative_pledges("heol-las-tenants", &theirs), &fields).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(
        r.body.contains("is not one of the group&#39;s documents") || r.body.contains("is not one of the group's documents"),
        "{}",
        r.body
    );
}
