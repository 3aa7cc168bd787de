//! The listening report: issues ranked over a period with the change from the
//! period before, counted by area, a drill-down, and a CSV.

use reqwest::StatusCode;
use tredegar_domain::Role;
use tredegar_web::paths;

use crate::helpers::TestApp;

crate::on_both_backends!(what_people_raise_and_where);

const SLUG: &str = "brookfield-estate";

async fn what_people_raise_and_where(app: TestApp) {
    let group = app.group("Brookfield Estate", None).await;
    let organiser = app.user(&group, "org@example.org", Role::Organiser).await;
    let api = app.api(&app.token(&group, organiser).await);
    let mut ids = Vec::new();
    for (name, postcode) in [("Ann", "CF10 1AA"), ("Bob", "CF10 2BB"), ("Cai", "NP22 3CC")] {
        let body = serde_json::json!({"person": {"given_name": name, "email_addresses": [{"address": format!("{name}@example.org")}],
            "postal_addresses": [{"address_lines": ["1 High Street"], "postal_code": postcode}]}});
        let (_, p) = api.post("people", body).await;
        ids.push(crate::helpers::id_of(&p));
    }
    let mut org = app.signed_in(&group, "org@example.org", Role::Organiser).await;
    org.new_conversation(SLUG, &ids[0]).await;
    // In November: damp three times (two in CF10, one in NP22), lifts once. In October: lifts twice.
    let logged = [
        (0, "2026-11-10T10:00", "Damp, Lifts"),
        (1, "2026-11-11T10:00", "damp"),
        (2, "2026-11-12T10:00", "Damp"),
        (0, "2026-10-10T10:00", "Lifts"),
        (1, "2026-10-11T10:00", "Lifts"),
    ];
    for (who, at, themes) in logged {
        let r = org
            .post_person_conversations(
                SLUG,
                &ids[who],
                &[("kind", "door_knock"), ("held_at", at), ("new_themes", themes), ("self_interest", "The mould")],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", r.body);
    }
    let period = "from=2026-11-01&to=2026-11-30";
    let report = org.get(format!("{}?{period}", paths::listening(SLUG))).await;
    let row = |theme: &str, n: i64, before: i64, change: &str| {
        format!(
            "{theme}</a></td><td data-label=\"Conversations\">{n}</td><td data-label=\"Period before\">{before}</td><td data-label=\"Change\">{change}</td>"
        )
    };
    assert!(report.body.contains(&row("Damp", 3, 0, "+3")), "{}", report.body);
    assert!(report.body.contains(&row("Lifts", 1, 2, "-1")), "{}", report.body);
    assert!(report.body.find(">Damp</a>") < report.body.find(">Lifts</a>"), "ranked, most raised first");
    assert!(report.body.contains("<svg class=\"chart\""));
    for (area, theme, n) in [("CF10", "Damp", 2), ("NP22", "Damp", 1), ("CF10", "Lifts", 1)] {
        let cells = format!("<td data-label=\"Area\">{area}</td><td data-label=\"Issue\"><a href=");
        assert!(report.body.contains(&cells), "{area}");
        assert!(report.body.contains(&format!("{theme}</a></td><td data-label=\"Conversations\">{n}</td>")), "{area} {theme}");
    }
    // The drill-down lists who raised it in an area, and is audited.
    let damp = report.body.split(&format!("{}/", paths::listening(SLUG))).nth(1).unwrap()[..36].to_string();
    let drill = org.get(format!("{}?{period}&area=CF10", paths::listening_theme(SLUG, &damp))).await;
    assert!(
        drill.body.contains("2 conversations")
            && drill.body.contains("with Ann")
            && drill.body.contains("with Bob")
            && !drill.body.contains("with Cai"),
        "{}",
        drill.body
    );
    let csv = org.get(format!("{}?{period}", paths::listening_csv(SLUG))).await;
    assert!(csv.body.trim_start_matches('\u{feff}').starts_with("theme,area,conversations,previous period,period"), "{}", csv.body);
    assert!(csv.body.contains("Damp,all areas,3,0,2026-11-01 to 2026-11-30") && csv.body.contains("Damp,NP22,1"), "{}", csv.body);
    let mut admin = app.signed_in(&group, "admin@example.org", Role::Admin).await;
    let audit = admin.audit(SLUG).await;
    assert!(audit.body.contains("listening report: who raised Damp") && audit.body.contains("listening report 2026-11-01 to 2026-11-30"));
    // A bad period is named; volunteers and other groups see none of it.
    let bad = org.get(format!("{}?from=2026-12-01&to=2026-11-01", paths::listening(SLUG))).await;
    assert!(bad.status() == StatusCode::BAD_REQUEST && bad.body.contains("From: must be on or before"), "{}", bad.body);
    assert!(bad.body.contains("id=\"from\" name=\"from\" type=\"date\""), "the form comes back to fix it");
    let mut vol = app.signed_in(&group, "vol@example.org", Role::Volunteer).await;
    for path in [paths::listening(SLUG), paths::listening_csv(SLUG), paths::listening_theme(SLUG, &damp)] {
        assert_eq!(vol.get(&path).await.status(), StatusCode::NOT_FOUND, "{path}");
    }
    let other = app.group("Other Branch", None).await;
    let mut stranger = app.signed_in(&other, "b@example.org", Role::Admin).await;
    let theirs = stranger.get(format!("{}?{period}", paths::listening_theme("other-branch", &damp))).await;
    assert_eq!(theirs.status(), StatusCode::NOT_FOUND);
}
