//! Places: areas, buildings and units; residency with its history; landlords
//! with ownership over time, and the issues raised at a building following
//! it across a sale; the structure test, against a brute-force count.

use chrono::{Duration, NaiveDate, Utc};
use reqwest::StatusCode;
use serde_json::json;
use tredegar_db::conversations::{self, NewConversation};
use tredegar_db::structure::{self, Figures, Place};
use tredegar_db::{assessments, people, places, residents};
use tredegar_domain::places::{Building, BuildingKind, Unit};
use tredegar_domain::{BuildingId, CampaignId, ConversationKind, Level, PersonId, Postcode, Role, UnitId};
use tredegar_web::paths;

use crate::helpers::{Client, Dice, Page, TestApp};

crate::on_both_backends!(estates_blocks_flats_and_landlords, structure_test_matches_a_brute_force_count);

const SLUG: &str = "brookfield-estate";

/// The places pages, named after their routes.
impl Client {
    async fn places(&mut self) -> Page {
        self.get(paths::places(SLUG)).await
    }
    async fn post_places(&mut self, fields: &[(&str, &str)]) -> Page {
        self.post_form(paths::places(SLUG), fields).await
    }
    async fn post_buildings(&mut self, fields: &[(&str, &str)]) -> Page {
        self.post_form(paths::buildings(SLUG), fields).await
    }
    async fn building(&mut self, id: &str) -> Page {
        self.get(paths::building(SLUG, id)).await
    }
    async fn post_building_units(&mut self, id: &str, fields: &[(&str, &str)]) -> Page {
        self.post_form(paths::building_units(SLUG, id), fields).await
    }
    async fn post_building_owners(&mut self, id: &str, fields: &[(&str, &str)]) -> Page {
        self.post_form(paths::building_owners(SLUG, id), fields).await
    }
    async fn unit(&mut self, id: &str, q: &str) -> Page {
        self.get(format!("{}?q={q}", paths::unit(SLUG, id))).await
    }
    async fn post_unit_residents(&mut self, id: &str, fields: &[(&str, &str)]) -> Page {
        self.post_form(paths::unit_residents(SLUG, id), fields).await
    }
    async fn post_residency_move_out(&mut self, id: &str, fields: &[(&str, &str)]) -> Page {
        self.post_form(paths::residency_move_out(SLUG, id), fields).await
    }
    async fn post_residency_remove(&mut self, id: &str) -> Page {
        self.post_form(paths::residency_remove(SLUG, id), &[]).await
    }
    async fn landlord(&mut self, id: &str) -> Page {
        self.get(paths::landlord(SLUG, id)).await
    }
    async fn post_landlords(&mut self, fields: &[(&str, &str)]) -> Page {
        self.post_form(paths::landlords(SLUG), fields).await
    }
}

/// The id at the end of a redirect's path.
pub(crate) fn made(p: &Page) -> String {
    let to = p.location.clone().unwrap_or_else(|| panic!("a redirect, got {}: {}", p.status(), p.body));
    to.split('?').next().and_then(|t| t.rsplit('/').next()).unwrap_or_default().to_string()
}

fn conversation(held_at: chrono::DateTime<Utc>, theme: &str) -> NewConversation {
    NewConversation {
        kind: ConversationKind::DoorKnock,
        held_at,
        place: String::new(),
        self_interest: "The damp in the children's room".into(),
        themes: vec![theme.into()],
        ask: String::new(),
        answer: None,
        commitments: String::new(),
        notes: String::new(),
    }
}

async fn estates_blocks_flats_and_landlords(app: TestApp) {
    let group = app.group("Brookfield Estate", None).await;
    let organiser = app.user(&group, "org@example.org", Role::Organiser).await;
    let api = app.api(&app.token(&group, organiser).await);
    let [ann, bob, cai] = [
        api.person("Ann", "ann@example.org").await,
        api.person("Bob", "bob@example.org").await,
        api.person("Cai", "cai@example.org").await,
    ];
    let mut org = app.signed_in(&group, "org@example.org", Role::Organiser).await;
    org.places().await;

    // Bad input names the field; nothing is stored.
    let bad = org.post_places(&[("name", "Brookfield"), ("kind", "castle")]).await;
    assert!(
        bad.status() == StatusCode::BAD_REQUEST && bad.body.contains("Kind") && bad.body.contains("ward, estate, neighbourhood"),
        "{}",
        bad.body
    );
    let area = made(&org.post_places(&[("name", "Brookfield Estate"), ("kind", "estate"), ("target_percent", "50")]).await);
    let bad = org.post_buildings(&[("area", &area), ("name", "Bevan Court"), ("kind", "block"), ("postcode", "!!")]).await;
    assert!(bad.status() == StatusCode::BAD_REQUEST && bad.body.contains("Postcode"), "{}", bad.body);
    let built = org
        .post_buildings(&[("area", &area), ("name", "Bevan Court"), ("kind", "block"), ("postcode", "np22 3ab"), ("target_percent", "50")])
        .await;
    let bevan = made(&built);
    for (flat, floor) in [("Flat 1", "0"), ("Flat 2", "0"), ("Flat 3", "1"), ("Flat 4", "1")] {
        assert_eq!(org.post_building_units(&bevan, &[("unit", flat), ("floor", floor)]).await.status(), StatusCode::SEE_OTHER);
    }
    let twice = org.post_building_units(&bevan, &[("unit", "flat  1"), ("floor", "0")]).await;
    assert!(twice.status() == StatusCode::CONFLICT && twice.body.contains("already has a unit called"), "{}", twice.body);
    assert_eq!(org.post_building_units(&bevan, &[("unit", "Flat 5"), ("floor", "top")]).await.status(), StatusCode::BAD_REQUEST);

    // Floor by floor, top first.
    let scope = app.scope(organiser, &group).await;
    let bevan_id: BuildingId = bevan.parse().unwrap();
    let mut tx = app.db.read().await.unwrap();
    let units = places::units(&mut tx, &scope, bevan_id).await.unwrap();
    drop(tx);
    assert_eq!(units.iter().map(|u| u.label.as_str()).collect::<Vec<_>>(), ["Flat 3", "Flat 4", "Flat 1", "Flat 2"]);
    let flat = |label: &str| units.iter().find(|u| u.label == label).map(|u| u.id.to_string()).unwrap();

    // A flat added on the wrong floor is put right; one nobody lived in can go.
    org.post_building_units(&bevan, &[("unit", "Flat 9"), ("floor", "3")]).await;
    let mut tx = app.db.read().await.unwrap();
    let extra = places::units(&mut tx, &scope, bevan_id).await.unwrap().into_iter().find(|u| u.label == "Flat 9").unwrap().id.to_string();
    drop(tx);
    let wrong = org.post_form(paths::unit(SLUG, &extra), &[("unit", "Flat 9a"), ("floor", "0"), ("address_lines", "")]).await;
    assert_eq!(wrong.status(), StatusCode::SEE_OTHER, "{}", wrong.body);
    assert!(org.unit(&extra, "").await.body.contains("Flat 9a, Bevan Court"));
    assert_eq!(org.post_form(paths::unit_remove(SLUG, &extra), &[]).await.status(), StatusCode::SEE_OTHER);
    assert_eq!(org.unit(&extra, "").await.status(), StatusCode::NOT_FOUND);

    // Residents: found by name on the flat's page, moved in with a date.
    let found = org.unit(&flat("Flat 1"), "ann").await;
    assert!(found.body.contains("Ann") && found.body.contains("Lives here"), "{}", found.body);
    for (who, label) in [(&ann, "Flat 1"), (&bob, "Flat 2"), (&cai, "Flat 3")] {
        let r = org.post_unit_residents(&flat(label), &[("person", who), ("moved_in", "2020-03-01")]).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", r.body);
    }
    let again = org.post_unit_residents(&flat("Flat 3"), &[("person", &cai)]).await;
    assert!(again.status() == StatusCode::BAD_REQUEST && again.body.contains("already lives here"), "{}", again.body);
    let nobody = org.post_unit_residents(&flat("Flat 3"), &[("person", "")]).await;
    assert!(nobody.status() == StatusCode::BAD_REQUEST && nobody.body.contains("Person: choose who lives here"), "{}", nobody.body);
    let backwards =
        org.post_unit_residents(&flat("Flat 4"), &[("person", &ann), ("moved_in", "2024-05-01"), ("moved_out", "2023-01-01")]).await;
    assert!(backwards.status() == StatusCode::BAD_REQUEST && backwards.body.contains("Moved out"), "{}", backwards.body);

    // Ann backs the campaign and raised the damp: the structure test and the issues show it.
    let campaign = made(&org.post_campaigns(SLUG, &[("title", "Fix the damp"), ("status", "active")]).await);
    let campaign_id: CampaignId = campaign.parse().unwrap();
    let ann_id: PersonId = ann.parse().unwrap();
    let mut tx = app.db.write().await.unwrap();
    assessments::set(&mut tx, &scope, ann_id, campaign_id, Level::parse("level", "1").unwrap(), "door knock", Utc::now()).await.unwrap();
    conversations::log(&mut tx, &scope, ann_id, &conversation(Utc::now(), "Damp and mould"), Utc::now()).await.unwrap();
    tx.commit().await.unwrap();
    let page = org.building(&bevan).await;
    assert!(page.body.contains("Ann") && page.body.contains("Floor 1") && page.body.contains("Ground floor"), "{}", page.body);
    assert!(page.body.contains("1 of 4 units have a supporter (25%)") && page.body.contains("Not there yet"), "{}", page.body);
    assert!(page.body.contains("Damp and mould") && page.body.contains("(Supporter)"), "{}", page.body);
    assert!(page.body.contains("<svg"), "the chart over time");

    // Landlords: the council sold it; the issues raised follow the building.
    let cadwyn = made(&org.post_landlords(&[("name", "Cadwyn Homes"), ("kind", "housing association")]).await);
    let northgate = made(&org.post_landlords(&[("name", "Northgate Capital"), ("kind", "developer")]).await);
    let dup = org.post_landlords(&[("name", "cadwyn homes"), ("kind", "landlord")]).await;
    assert_eq!(dup.status(), StatusCode::CONFLICT, "{}", dup.body);
    let bad = org.post_building_owners(&bevan, &[("organisation", &cadwyn), ("from_on", "2025-07-01"), ("to_on", "2021-04-01")]).await;
    assert!(bad.status() == StatusCode::BAD_REQUEST && bad.body.contains("Until"), "{}", bad.body);
    for (who, from, to) in [(&cadwyn, "2021-04-01", "2025-06-30"), (&northgate, "2025-06-30", "")] {
        let r = org.post_building_owners(&bevan, &[("organisation", who), ("from_on", from), ("to_on", to)]).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", r.body);
    }
    let before = org.landlord(&cadwyn).await;
    assert!(
        before.body.contains("Bevan Court") && before.body.contains("Held before") && before.body.contains("Damp and mould (1)"),
        "{}",
        before.body
    );
    let now = org.landlord(&northgate).await;
    assert!(now.body.contains("Holds now") && now.body.contains("Damp and mould (1)"), "{}", now.body);

    // Moving out keeps the history, on the person's page and their timeline.
    let mut tx = app.db.read().await.unwrap();
    let ann_home = residents::of_person(&mut tx, &scope, ann_id).await.unwrap();
    drop(tx);
    let moved = org.post_residency_move_out(&ann_home[0].id.to_string(), &[("moved_out", "2026-01-01")]).await;
    assert_eq!(moved.status(), StatusCode::SEE_OTHER, "{}", moved.body);
    let person = org.person(SLUG, &ann).await;
    assert!(person.body.contains("Flat 1, Bevan Court") && person.body.contains("until 1 Jan 2026"), "{}", person.body);
    assert!(person.body.contains("Moved out of Flat 1, Bevan Court on 1 Jan 2026"), "{}", person.body);
    let page = org.building(&bevan).await;
    assert!(!page.body.contains(">Ann<") && page.body.contains("0 of 4 units have a supporter"), "{}", page.body);
    let kept = org.post_form(paths::unit_remove(SLUG, flat("Flat 1")), &[]).await;
    assert!(kept.status() == StatusCode::BAD_REQUEST && kept.body.contains("has had residents"), "{}", kept.body);
    let mut admin = app.signed_in(&group, "admin@example.org", Role::Admin).await;
    assert!(admin.audit(SLUG).await.body.contains("the residents of Bevan Court"), "reading who lives where is audited");

    // A volunteer sees the block and the residents assigned to them, nothing more.
    let volunteer = app.user(&group, "vol@example.org", Role::Volunteer).await;
    let mut tx = app.db.write().await.unwrap();
    people::assign(&mut tx, &scope, bob.parse().unwrap(), volunteer, Utc::now()).await.unwrap();
    tx.commit().await.unwrap();
    // Cai is on the volunteer's call list: they may record a call, not rewrite Cai's home.
    assert_eq!(api.put(&format!("people/{cai}"), json!({"phone_numbers": [{"number": "07700 900456"}]})).await.0, StatusCode::OK);
    let mut tx = app.db.write().await.unwrap();
    let list =
        tredegar_db::lists::create(&mut tx, &scope, "Block", tredegar_domain::segments::ListKind::Static, &Default::default(), Utc::now())
            .await
            .unwrap();
    tredegar_db::lists::add_people(&mut tx, &scope, list, &[cai.parse().unwrap()], Utc::now()).await.unwrap();
    let people = tredegar_domain::segments::Node::Rule(tredegar_domain::segments::Rule::OnList { list });
    tredegar_db::calls::create(&mut tx, &scope, "Block ring-round", "", people, &[volunteer], Utc::now()).await.unwrap();
    let cai_home = residents::of_person(&mut tx, &scope, cai.parse().unwrap()).await.unwrap()[0].id.to_string();
    tx.commit().await.unwrap();
    let mut vol = app.signed_in(&group, "vol@example.org", Role::Volunteer).await;
    vol.places().await;
    assert_eq!(vol.post_residency_remove(&cai_home).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(vol.post_residency_move_out(&cai_home, &[("moved_out", "2026-01-02")]).await.status(), StatusCode::NOT_FOUND);
    let theirs = vol.building(&bevan).await;
    assert!(theirs.status() == StatusCode::OK && theirs.body.contains("Bob"), "{}", theirs.body);
    assert!(!theirs.body.contains("Cai") && !theirs.body.contains("Structure test") && !theirs.body.contains("Damp"), "{}", theirs.body);
    assert!(!vol.unit(&flat("Flat 3"), "").await.body.contains("Cai"));
    assert_eq!(vol.post_unit_residents(&flat("Flat 4"), &[("person", &cai)]).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(vol.post_unit_residents(&flat("Flat 4"), &[("person", &bob)]).await.status(), StatusCode::SEE_OTHER);
    assert_eq!(vol.post_places(&[("name", "Elsewhere"), ("kind", "ward")]).await.status(), StatusCode::NOT_FOUND);
    assert!(!vol.landlord(&cadwyn).await.body.contains("Damp"), "what residents raise is for organisers");

    // A home recorded by mistake comes off; the timeline says so.
    let taken = org.post_residency_remove(&cai_home).await;
    assert_eq!(taken.status(), StatusCode::SEE_OTHER, "{}", taken.body);
    assert!(org.person(SLUG, &cai).await.body.contains("Home at Flat 3, Bevan Court taken off (recorded by mistake)"));

    // Another group sees none of it.
    let other = app.group("Other Branch", None).await;
    let mut stranger = app.signed_in(&other, "b@example.org", Role::Admin).await;
    stranger.dashboard("other-branch").await;
    for path in [
        paths::building("other-branch", &bevan),
        paths::area("other-branch", &area),
        paths::landlord("other-branch", &cadwyn),
        paths::unit("other-branch", flat("Flat 1")),
    ] {
        assert_eq!(stranger.get(&path).await.status(), StatusCode::NOT_FOUND, "{path}");
    }
    let theirs = stranger.post_form(paths::building_units("other-branch", &bevan), &[("unit", "Flat 9")]).await;
    assert_eq!(theirs.status(), StatusCode::NOT_FOUND);
    // Nor learns, by trying to remove it, that someone has lived in one of our flats.
    assert_eq!(stranger.post_form(paths::unit_remove("other-branch", flat("Flat 1")), &[]).await.status(), StatusCode::NOT_FOUND);

    // The API: organisers' tokens read and add places; a volunteer's token
    // reads and records only its people's homes.
    let (status, list) = api.get("buildings").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(list["_embedded"]["tredegar:buildings"][0]["units"], 4, "{list}");
    let (status, unit) = api.post(&format!("buildings/{bevan}/units"), json!({"unit": "Flat 5", "floor": 2})).await;
    assert_eq!(status, StatusCode::OK, "{unit}");
    // Its five flats, two to a page: pages of two, two and one, linked in turn.
    let (_, first) = api.get(&format!("buildings/{bevan}/units?per_page=2")).await;
    assert_eq!((first["total_records"].as_i64(), first["total_pages"].as_i64()), (Some(5), Some(3)), "{first}");
    let (_, last) = api.get(&format!("buildings/{bevan}/units?per_page=2&page=3")).await;
    assert_eq!(last["_embedded"]["tredegar:units"].as_array().map(Vec::len), Some(1), "{last}");
    assert!(last["_links"].get("next").is_none() && first["_links"]["next"]["href"].as_str().is_some_and(|h| h.contains("page=2")));
    assert_eq!(api.get(&format!("buildings/{bevan}/units?page=0")).await.0, StatusCode::BAD_REQUEST);
    let (status, bad) = api.post(&format!("buildings/{bevan}/units"), json!({"floor": 2})).await;
    assert!(status == StatusCode::BAD_REQUEST && bad.to_string().contains("unit"), "{bad}");
    let (status, area_made) = api.post("areas", json!({"name": "Sirhowy ward", "kind": "ward", "target_percent": 60})).await;
    assert!(status == StatusCode::OK && area_made["target_percent"] == 60, "{area_made}");
    let link = area_made["_links"]["self"]["href"].as_str().unwrap_or_default().rsplit("/api/v2/").next().unwrap_or_default().to_string();
    assert_eq!(api.get(&link).await.1["name"], "Sirhowy ward", "its self link answers");
    // A person's address is linked to the flat at the same postcode and first line.
    let address =
        json!({"postal_addresses": [{"address_lines": ["flat 2,  Bevan Court", "Brookfield Estate"], "postal_code": "NP22 3AB"}]});
    let (status, updated) = api.put(&format!("people/{bob}"), address).await;
    assert_eq!(status, StatusCode::OK, "{updated}");
    assert_eq!(updated["postal_addresses"][0]["unit_id"], flat("Flat 2"), "{updated}");
    assert!(api.get(&format!("people/{ann}")).await.1["postal_addresses"].as_array().is_some_and(Vec::is_empty));
    let (_, homes) = api.get(&format!("people/{ann}/residencies")).await;
    assert_eq!(homes["_embedded"]["tredegar:residencies"][0]["moved_out"], "2026-01-01", "{homes}");
    let vol_api = app.api(&app.token(&group, volunteer).await);
    assert_eq!(vol_api.get("buildings").await.0, StatusCode::FORBIDDEN);
    assert_eq!(vol_api.get(&format!("people/{cai}/residencies")).await.0, StatusCode::NOT_FOUND);
    let (status, bobs) = vol_api.get(&format!("people/{bob}/residencies")).await;
    assert!(status == StatusCode::OK && bobs["total_records"] == 2, "{bobs}");
}

/// One resident as generated: from, until, when we spoke with them, and
/// each change of their assessment (when, on what campaign, to what level).
type Generated = (Option<NaiveDate>, Option<NaiveDate>, Vec<chrono::DateTime<Utc>>, Vec<(chrono::DateTime<Utc>, CampaignId, i64)>);

/// What the generator made for one unit, to count by brute force.
struct Made {
    unit: UnitId,
    building: BuildingId,
    residents: Vec<Generated>,
}

async fn structure_test_matches_a_brute_force_count(app: TestApp) {
    let group = app.group("Brookfield Estate", None).await;
    let organiser = app.user(&group, "org@example.org", Role::Organiser).await;
    let scope = app.scope(organiser, &group).await;
    let mut dice = Dice(7);
    let now = Utc::now();
    let today = now.date_naive();
    let mut tx = app.db.write().await.unwrap();
    let area = places::add_area(
        &mut tx,
        &scope,
        &tredegar_domain::places::Area {
            name: "Estate".into(),
            kind: tredegar_domain::places::AreaKind::Estate,
            boundary: None,
            target_percent: 51,
        },
        now,
    )
    .await
    .unwrap();
    let mut campaigns = Vec::new();
    for title in ["Damp", "Demolition"] {
        let id = CampaignId::new();
        let text = tredegar_db::campaigns::CampaignText {
            title,
            description: "",
            status: tredegar_domain::CampaignStatus::Active,
            is_public: false,
            themes: &[],
        };
        tredegar_db::campaigns::save(&mut tx, &scope, id, &text, now, true).await.unwrap();
        campaigns.push(id);
    }
    let mut made = Vec::new();
    for b in 0..3 {
        let building = Building {
            name: format!("Block {b}"),
            kind: BuildingKind::Block,
            postcode: Postcode::parse("postcode", "NP22 3AA").unwrap(),
            target_percent: 51,
        };
        let building_id = places::add_building(&mut tx, &scope, Some(area), &building, now).await.unwrap();
        for f in 0..12 {
            let unit = Unit { label: format!("Flat {f}"), floor: Some(i64::from(f / 4)), address_lines: String::new() };
            let unit_id = places::add_unit(&mut tx, &scope, building_id, &unit, now).await.unwrap();
            let mut here = Made { unit: unit_id, building: building_id, residents: Vec::new() };
            for _ in 0..dice.roll(3) {
                let person = PersonId::new();
                let details =
                    tredegar_domain::people::PersonDetails { given_name: Some(format!("P{}", dice.roll(1000))), ..Default::default() };
                people::save(&mut tx, &scope, person, &details, now, true).await.unwrap();
                let from = (dice.roll(3) > 0).then(|| today - Duration::days(i64::try_from(dice.roll(700)).unwrap()));
                let until = (dice.roll(4) == 0).then(|| today - Duration::days(i64::try_from(dice.roll(200)).unwrap()));
                let until = match (from, until) {
                    (Some(a), Some(b)) if b < a => None,
                    (_, u) => u,
                };
                residents::move_in(&mut tx, &scope, person, unit_id, (from, until), now).await.unwrap();
                let mut talks = Vec::new();
                for _ in 0..dice.roll(3) {
                    let at = now - Duration::days(i64::try_from(dice.roll(400)).unwrap());
                    conversations::log(&mut tx, &scope, person, &conversation(at, "Damp"), at).await.unwrap();
                    talks.push(at);
                }
                // Assessments change forward in time; setting the level it has already is no change.
                let mut times: Vec<_> = (0..dice.roll(4))
                    .map(|_| {
                        now - Duration::days(i64::try_from(dice.roll(400)).unwrap())
                            - Duration::seconds(i64::try_from(dice.roll(5000)).unwrap())
                    })
                    .collect();
                times.sort();
                let mut changes = Vec::new();
                for at in times {
                    let campaign = campaigns[usize::try_from(dice.roll(2)).unwrap()];
                    let level = i64::try_from(dice.roll(5)).unwrap() + 1;
                    let to = Level::parse("level", &level.to_string()).unwrap();
                    if assessments::set(&mut tx, &scope, person, campaign, to, "", at).await.unwrap() {
                        changes.push((at, campaign, level));
                    }
                }
                here.residents.push((from, until, talks, changes));
            }
            made.push(here);
        }
    }
    tx.commit().await.unwrap();

    // The same rules, counted by hand: living there at the end of the day;
    // spoken with by then; latest assessment by then (in that campaign) at 1–2.
    let brute = |day: NaiveDate, campaign: Option<CampaignId>, units: &mut dyn Iterator<Item = &Made>| {
        let end = (day + Duration::days(1)).and_hms_opt(0, 0, 0).unwrap().and_utc();
        units.fold(Figures::default(), |f, m| {
            let living: Vec<_> =
                m.residents.iter().filter(|(from, until, ..)| from.is_none_or(|a| a <= day) && until.is_none_or(|b| b > day)).collect();
            let spoken = living.iter().any(|(_, _, talks, _)| talks.iter().any(|t| *t < end));
            let supporter = living.iter().any(|(.., changes)| {
                [campaigns[0], campaigns[1]].iter().filter(|c| campaign.is_none_or(|x| x == **c)).any(|c| {
                    changes
                        .iter()
                        .filter(|(at, cc, _)| cc == c && *at < end)
                        .max_by_key(|(at, ..)| *at)
                        .is_some_and(|(_, _, level)| *level <= 2)
                })
            });
            Figures {
                units: f.units + 1,
                known: f.known + i64::from(!living.is_empty()),
                spoken: f.spoken + i64::from(spoken),
                supporters: f.supporters + i64::from(supporter),
            }
        })
    };
    let mut tx = app.db.read().await.unwrap();
    for day in [today, today - Duration::days(90), today - Duration::days(365)] {
        for campaign in [None, Some(campaigns[0]), Some(campaigns[1])] {
            let all = structure::units(&mut tx, &scope, Place::Area(area), campaign, day).await.unwrap();
            assert_eq!(Figures::of(&all), brute(day, campaign, &mut made.iter()), "area on {day}, campaign {campaign:?}");
            let first = made[0].building;
            let one = structure::units(&mut tx, &scope, Place::Building(first), campaign, day).await.unwrap();
            assert_eq!(Figures::of(&one), brute(day, campaign, &mut made.iter().filter(|m| m.building == first)), "building on {day}");
            for m in made.iter().take(5) {
                let found = all.iter().find(|u| u.unit_id == m.unit).expect("every unit is counted");
                assert_eq!(i64::from(found.supporter), brute(day, campaign, &mut std::iter::once(m)).supporters);
            }
        }
    }
    assert!(
        Figures::of(&structure::units(&mut tx, &scope, Place::Area(area), None, today).await.unwrap()).supporters > 0,
        "the data has supporters to count"
    );
}
