//! A campaign's dashboard and a representative's public scorecard as people
//! see them, in Chromium at 360 px (a phone) and 1280 px (a desktop): they
//! fit the screen, the figures are there, and the power map moves when an
//! organiser moves someone on it, with no script of ours.

use chrono::{Duration, Utc};
use fantoccini::Locator;
use tredegar_domain::Role;
use tredegar_web::paths;

use crate::browser::Browser;
use crate::helpers::TestApp;
use crate::representatives::{add_campaign, add_rep, vote};

crate::on_both_backends!(the_dashboard_and_a_public_scorecard_on_a_phone_and_a_desktop);

const SLUG: &str = "brookfield-estate";

/// Keep a screenshot where `TREDEGAR_SCREENSHOTS` names a folder, to look at.
async fn keep(b: &Browser, name: &str) {
    if let Ok(dir) = std::env::var("TREDEGAR_SCREENSHOTS") {
        let png = b.client.screenshot().await.unwrap();
        std::fs::write(format!("{dir}/{name}.png"), png).unwrap();
    }
}

async fn the_dashboard_and_a_public_scorecard_on_a_phone_and_a_desktop(app: TestApp) {
    let group = app.group("Brookfield Estate", None).await;
    let organiser = app.user(&group, "org@example.org", Role::Organiser).await;
    let api = app.api(&app.token(&group, organiser).await);
    let mut org = app.signed_in(&group, "org@example.org", Role::Organiser).await;
    let campaign = add_campaign(&mut org, "Stop the demolition of Brookfield Estate", true).await;
    let rep = add_rep(&mut org, "Cllr Dai Morgan", true).await;
    org.representative(SLUG, &rep).await;
    let pledge = [("text", "I will oppose the demolition of Bevan Court"), ("made_on", "2026-02-01"), ("campaign", campaign.as_str())];
    org.post_form(paths::representative_pledges(SLUG, &rep), &pledge).await;
    vote(&mut org, &rep, &campaign, "for", "against", "Full council: the demolition plan").await;
    vote(&mut org, &rep, &campaign, "for", "for", "Cabinet: a ballot of residents").await;
    org.get(paths::campaign_power(SLUG, &campaign)).await;
    let who = format!("representative:{rep}");
    org.post_form(paths::campaign_power(SLUG, &campaign), &[("who", &who), ("influence", "9"), ("stance", "-3"), ("is_target", "on")])
        .await;
    let mut form = crate::events::event_form(Utc::now() + Duration::minutes(30), "");
    form.retain(|(k, _)| *k != "campaign");
    form.push(("campaign", campaign.clone()));
    let event = crate::events::set_up(&mut org, &form).await;
    let body = serde_json::json!({"person": {"email_addresses": [{"address": "ann@example.org"}]}, "attended": true});
    api.post(&format!("events/{event}/attendances"), body).await;
    // It happened an hour ago: who came is known.
    app.execute_at("UPDATE events SET starts_at = $1", Utc::now() - Duration::hours(1)).await;

    // A busy campaign: three more events and three steps of the plan.
    for n in 1..=3 {
        let mut more = crate::events::event_form(Utc::now() + Duration::days(n), "");
        more.retain(|(k, _)| *k != "campaign" && *k != "title");
        more.push(("campaign", campaign.clone()));
        more.push(("title", format!("Street stall {n}")));
        crate::events::set_up(&mut org, &more).await;
        let when = (Utc::now() + Duration::days(7 * n)).format("%Y-%m-%d").to_string();
        let step = [("kind", "letter"), ("title", "Letter to the cabinet"), ("planned_on", when.as_str())];
        org.post_form(paths::campaign_plan(SLUG, &campaign), &step).await;
    }
    for width in [360, 1280] {
        let Some(b) = Browser::start_with(width, false).await else { return };
        // The public scorecard: no login.
        b.client.goto(&format!("{}{}", app.url, paths::public_representative(&rep))).await.unwrap();
        let text = b.text().await;
        assert!(text.contains("Cllr Dai Morgan") && text.contains("1 of 2 votes in line") && text.contains("50%"), "{text}");
        assert!(text.contains("I will oppose the demolition of Bevan Court") && text.contains("Voted a mixture"), "{text}");
        keep(&b, &format!("scorecard-{width}")).await;
        // Its figures sit side by side on a desktop, stacked two a row or more on a phone; never off the screen.
        let tops = b
            .client
            .execute("return [...document.querySelectorAll('.scorecard div')].map(d => d.getBoundingClientRect().top)", vec![])
            .await
            .unwrap();
        let tops: Vec<f64> = tops.as_array().unwrap().iter().map(|t| t.as_f64().unwrap()).collect();
        let rows = tops.iter().fold(Vec::<f64>::new(), |mut seen, t| {
            if !seen.iter().any(|s| (s - t).abs() < 1.0) {
                seen.push(*t);
            }
            seen
        });
        assert!(rows.len() < tops.len(), "the figures share rows at {width}px: {tops:?}");
        if width == 360 {
            b.fits_a_phone().await;
        }

        // The dashboard, signed in.
        crate::browser_aid::sign_in(&b, &app, "org@example.org").await;
        b.client.goto(&format!("{}{}", app.url, paths::campaign_dashboard(SLUG, &campaign))).await.unwrap();
        let text = b.text().await;
        assert!(text.contains("Supporters by level") && text.contains("Event turnout") && text.contains("Brookfield residents"), "{text}");
        assert_eq!(b.client.find_all(Locator::Css("main svg.chart")).await.unwrap().len(), 2, "support and turnout are drawn");
        if width == 360 {
            b.fits_a_phone().await;
        }
        keep(&b, &format!("dashboard-{width}")).await;
        if width == 1280 {
            // On paper it fits one A4 page.
            let pdf = b.client.print(fantoccini::wd::PrintConfiguration::default()).await.unwrap();
            if let Ok(dir) = std::env::var("TREDEGAR_SCREENSHOTS") {
                std::fs::write(format!("{dir}/dashboard.pdf"), &pdf).unwrap();
            }
            let text = String::from_utf8_lossy(&pdf);
            let pages = text.matches("/Type /Page").count() - text.matches("/Type /Pages").count();
            assert_eq!(pages, 1, "the dashboard prints on {pages} pages");
        }

        // The power map: open the councillor's form, move him, and the map moves.
        b.client.goto(&format!("{}{}", app.url, paths::campaign_power(SLUG, &campaign))).await.unwrap();
        let stance = if width == 360 { "2" } else { "4" };
        b.click("main li details summary").await;
        let field = b.client.find(Locator::Css("main li details input[name='stance']")).await.unwrap();
        field.clear().await.unwrap();
        field.send_keys(stance).await.unwrap();
        b.go(Locator::Css("main li details button[type='submit']")).await;
        let drawn = b.client.find(Locator::Css("g.actor")).await.unwrap().attr("data-stance").await.unwrap();
        assert_eq!(drawn.as_deref(), Some(stance));
        if width == 360 {
            b.fits_a_phone().await;
        }
        keep(&b, &format!("power-map-{width}")).await;
    }
}
