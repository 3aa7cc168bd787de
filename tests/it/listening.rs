//! The listening report: issues ranked over a period with the change from the
//! period before, counted by area, a drill-down, and a CSV.

use reqwest::StatusCode;
use tredegar_domain::Role;
use tredegar_web::paths;

use crate::helpers::{Dice, TestApp};

crate::on_both_backends!(what_people_raise_and_where, the_kept_counts_agree_with_every_raising);

const SLUG: &str = "brookfield-estate";

/// People at postcodes, made through the API; their ids.
async fn living_at(api: &crate::helpers::Api, people: [(&str, &str); 3]) -> Vec<String> {
    let mut ids = Vec::new();
    for (name, postcode) in people {
        let body = serde_json::json!({"person": {"given_name": name, "email_addresses": [{"address": format!("{name}@example.org")}],
            "postal_addresses": [{"address_lines": ["1 High Street"], "postal_code": postcode}]}});
        let (_, p) = api.post("people", body).await;
        ids.push(crate::helpers::id_of(&p));
    }
    ids
}

async fn what_people_raise_and_where(app: TestApp) {
    let group = app.group("Brookfield Estate", None).await;
    let organiser = app.user(&group, "org@example.org", Role::Organiser).await;
    let api = app.api(&app.token(&group, organiser).await);
    let ids = living_at(&api, [("Ann", "CF10 1AA"), ("Bob", "CF10 2BB"), ("Cai", "NP22 3CC")]).await;
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
            "{theme}</a></td><td data-label=\"Times raised\">{n}</td><td data-label=\"Period before\">{before}</td><td data-label=\"Change\">{change}</td>"
        )
    };
    assert!(report.body.contains(&row("Damp", 3, 0, "+3")), "{}", report.body);
    assert!(report.body.contains(&row("Lifts", 1, 2, "-1")), "{}", report.body);
    assert!(report.body.find(">Damp</a>") < report.body.find(">Lifts</a>"), "ranked, most raised first");
    assert!(report.body.contains("<svg class=\"chart\""));
    for (area, theme, n) in [("CF10", "Damp", 2), ("NP22", "Damp", 1), ("CF10", "Lifts", 1)] {
        let cells = format!("<td data-label=\"Area\">{area}</td><td data-label=\"Issue\"><a href=");
        assert!(report.body.contains(&cells), "{area}");
        assert!(report.body.contains(&format!("{theme}</a></td><td data-label=\"Times raised\">{n}</td>")), "{area} {theme}");
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
    assert!(csv.body.trim_start_matches('\u{feff}').starts_with("issue,area,times raised,previous period,period"), "{}", csv.body);
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

/// The report reads counts kept by triggers for whole days and months, and
/// the raisings for the part-days at a period's edges. Over random periods,
/// and after an erasure and a deleted theme, it must equal a count of the
/// raisings themselves.
async fn the_kept_counts_agree_with_every_raising(app: TestApp) {
    use chrono::{DateTime, Duration, TimeZone, Utc};
    use tredegar_db::conversations::{self, NewConversation};
    use tredegar_db::listening;
    use tredegar_db::sql::Sql;
    use tredegar_domain::ThemeId;
    use tredegar_domain::conversations::ConversationKind;

    let group = app.group("Brookfield Estate", None).await;
    let organiser = app.user(&group, "org@example.org", Role::Organiser).await;
    let scope = app.scope(organiser, &group).await;
    let api = app.api(&app.token(&group, organiser).await);
    let people: Vec<tredegar_domain::PersonId> =
        living_at(&api, [("Ann", "CF10 1AA"), ("Bob", "NP22 3CC"), ("Cai", "")]).await.iter().map(|id| id.parse().unwrap()).collect();
    let mut dice = Dice(11);
    let year = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    let minute = |d: &mut Dice| year + Duration::minutes(d.roll(365 * 24 * 60) as i64);
    let themes = ["Damp", "Lifts", "Rent", "Bins", "Heating"];
    let mut tx = app.db.write().await.unwrap();
    for _ in 0..400 {
        let picked: Vec<String> = themes.iter().filter(|_| dice.roll(3) == 0).map(|t| t.to_string()).collect();
        let c = NewConversation {
            kind: ConversationKind::DoorKnock,
            held_at: minute(&mut dice),
            place: String::new(),
            self_interest: String::new(),
            themes: picked,
            ask: String::new(),
            answer: None,
            commitments: String::new(),
            notes: String::new(),
        };
        conversations::log(&mut tx, &scope, people[dice.roll(3) as usize], &c, Utc::now()).await.unwrap();
    }
    tx.commit().await.unwrap();

    let check = |from: DateTime<Utc>, to: DateTime<Utc>| {
        let (app, scope) = (&app, &scope);
        async move {
            let mut tx = app.db.read().await.unwrap();
            let mut q = Sql::new("SELECT theme_id, area, COUNT(*) FROM conversation_themes WHERE group_id = ");
            q.bind(scope.group_id()).push(" AND held_at >= ").bind(from).push(" AND held_at < ").bind(to);
            q.push(" GROUP BY theme_id, area");
            let mut raw: Vec<(ThemeId, String, i64)> = q.fetch_all(&mut tx).await.unwrap();
            raw.sort();
            let listening::Report { ranking: ranked, areas } = listening::report(&mut tx, scope, from, to).await.unwrap();
            let mut kept: Vec<(ThemeId, String, i64)> = areas.into_iter().map(|a| (a.theme_id, a.area, a.count)).collect();
            kept.sort();
            assert_eq!(kept, raw, "by area from {from} to {to}");
            for (theme, _, _) in &raw {
                let n: i64 = raw.iter().filter(|r| r.0 == *theme).map(|r| r.2).sum();
                assert!(ranked.iter().any(|r| r.theme_id == *theme && r.count == n), "ranking from {from} to {to}");
            }
            assert_eq!(ranked.iter().map(|r| r.count).sum::<i64>(), raw.iter().map(|r| r.2).sum::<i64>());
        }
    };
    // Periods of every shape: part-days, whole days, across months, the year.
    check(year, year + Duration::days(365)).await;
    // A drill-down pages through every conversation that raised a theme, each once, newest first.
    let mut tx = app.db.read().await.unwrap();
    let lifts = conversations::themes(&mut tx, &scope).await.unwrap().into_iter().find(|t| t.name == "Lifts").unwrap();
    let mut q = Sql::new("SELECT COUNT(*) FROM conversation_themes WHERE theme_id = ");
    let raised = q.bind(lifts.id).count(&mut tx).await.unwrap();
    let drill = listening::Drill { theme: lifts.id, area: None, from: year, to: year + Duration::days(365) };
    let (mut shown, total) = listening::conversations(&mut tx, &scope, &drill, tredegar_db::Page::new(1, 100)).await.unwrap();
    let (second, again) = listening::conversations(&mut tx, &scope, &drill, tredegar_db::Page::new(2, 100)).await.unwrap();
    drop(tx);
    assert!(raised > 100 && raised <= 200, "two pages of them: {raised}");
    assert_eq!((total, again), (raised, raised), "the count is of them all, not of a page");
    assert_eq!(shown.len(), 100);
    shown.extend(second);
    assert!(shown.windows(2).all(|w| w[0].held_at >= w[1].held_at), "newest first across the pages");
    let mut ids: Vec<_> = shown.iter().map(|c| c.id).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len() as i64, raised, "each once");
    let mut org = app.signed_in(&group, "org@example.org", Role::Organiser).await;
    let drill = format!("{}?from=2026-01-01&to=2026-12-31", paths::listening_theme(SLUG, lifts.id));
    let first = org.get(&drill).await;
    assert!(first.body.contains(&format!("{raised} conversations from")), "the lead counts them all: {}", first.body);
    assert!(first.body.contains("Page 1 of 2") && first.body.contains("rel=\"next\""), "{}", first.body);
    let second = org.get(format!("{drill}&page=2")).await;
    assert!(second.body.contains("Page 2 of 2") && second.body.contains("rel=\"prev\""), "{}", second.body);
    for _ in 0..60 {
        let (a, b) = (minute(&mut dice), minute(&mut dice));
        check(a.min(b), a.max(b)).await;
    }
    // Erasure's cascades and a deleted theme lower the kept counts too.
    let mut tx = app.db.write().await.unwrap();
    tredegar_db::people::delete(&mut tx, &scope, people[0]).await.unwrap();
    let damp = conversations::themes(&mut tx, &scope).await.unwrap().into_iter().find(|t| t.name == "Damp").unwrap();
    conversations::delete_theme(&mut tx, &scope, damp.id).await.unwrap();
    tx.commit().await.unwrap();
    check(year, year + Duration::days(365)).await;
    for _ in 0..20 {
        let (a, b) = (minute(&mut dice), minute(&mut dice));
        check(a.min(b), a.max(b)).await;
    }
}
