//! The ranking of volunteers for needs, two ways: a need's page asks the
//! database for one need's candidates; the matcher ranks every open need at
//! once with a spatial index. On generated data (places near and far,
//! declines, loads, pauses, safeguarding) they must agree need by need.

use chrono::{Duration, Utc};
use tredegar_db::aid::offers::{self, Rules};
use tredegar_db::aid::{self, matching};
use tredegar_domain::aid::{Need, NeedSource, NeedStatus, Offer, Urgency};
use tredegar_domain::{Phone, Postcode, Role};

use crate::helpers::{Dice, TestApp};

crate::on_both_backends!(the_matcher_agrees_with_each_needs_own_ranking);

async fn the_matcher_agrees_with_each_needs_own_ranking(app: TestApp) {
    let mut dice = Dice(7);
    let group = app.group("Brookfield Estate", None).await;
    let coordinator = app.scope(app.user(&group, "org@example.org", Role::Organiser).await, &group).await;
    let now = Utc::now();
    // Postcodes spread over some 10 km, and one that is not on the map.
    let mut codes = Vec::new();
    let mut places = Vec::new();
    for i in 0..20u64 {
        let code = format!("NP22 {}AB", i % 10);
        let code = if i >= 10 { code.replace("AB", "CD") } else { code };
        let postcode = Postcode::parse("postcode", &code).unwrap();
        places.push((postcode.key(), 51.72 + dice.roll(100) as f64 / 1000.0, -3.30 + dice.roll(120) as f64 / 1000.0));
        codes.push(postcode);
    }
    codes.push(Postcode::parse("postcode", "NP23 9ZZ").unwrap());
    let mut tx = app.db.write().await.unwrap();
    offers::load_postcodes(&mut tx, &places).await.unwrap();
    let mut kinds = Vec::new();
    for (name, check) in [("Groceries", false), ("Lifts", false), ("Befriending", true)] {
        kinds.push(offers::add_category(&mut tx, &coordinator, name, Rules { needs_check: check, auto_match: false }, now).await.unwrap());
    }
    tx.commit().await.unwrap();

    let mut volunteers = Vec::new();
    for v in 0..40 {
        let user = app.user(&group, &format!("v{v}@example.org"), Role::Volunteer).await;
        let scope = app.scope(user, &group).await;
        let mine: Vec<_> = kinds.iter().copied().filter(|_| dice.roll(2) == 0).collect();
        let offer = Offer {
            categories: Vec::new(),
            postcode: (dice.roll(6) > 0).then(|| codes[dice.roll(codes.len() as u64) as usize].clone()),
            radius_km: 1 + dice.roll(8) as i64,
            days: 1 + dice.roll(127) as i64,
            from_hour: 9,
            to_hour: 17,
            transport: false,
            paused: dice.roll(8) == 0,
            per_week: 1 + dice.roll(3) as i64,
        };
        let mut tx = app.db.write().await.unwrap();
        offers::save(&mut tx, &scope, &offer, &mine, now).await.unwrap();
        if dice.roll(2) == 0 {
            offers::set_checked(&mut tx, &coordinator, user, true, now).await.unwrap();
        }
        tx.commit().await.unwrap();
        volunteers.push((user, scope));
    }
    let mut needs = Vec::new();
    for n in 0..30 {
        let need = Need {
            category: String::new(),
            description: "Help".into(),
            urgency: Urgency::ThisWeek,
            from_on: None,
            to_on: (dice.roll(3) == 0).then(|| now.date_naive() + Duration::days(dice.roll(5) as i64)),
            name: format!("Resident {n}"),
            address: "Somewhere".into(),
            postcode: codes[dice.roll(codes.len() as u64) as usize].clone(),
            phone: Some(Phone::parse("phone", &format!("07700 9{n:05}")).unwrap()),
            email: None,
            how_to_contact: String::new(),
            asked_by: String::new(),
            repeats: tredegar_domain::aid::Repeats::Never,
            same_volunteer: false,
            involve: false,
        };
        let kind = kinds[dice.roll(kinds.len() as u64) as usize];
        let mut tx = app.db.write().await.unwrap();
        needs.push(aid::add(&mut tx, &coordinator, &need, kind, NeedSource::Coordinator, now).await.unwrap());
        tx.commit().await.unwrap();
    }
    // Some needs offered and declined, some offered and waiting: loads and declines to count.
    for need in needs.iter().step_by(3) {
        let mut tx = app.db.write().await.unwrap();
        let row = aid::get(&mut tx, &coordinator, *need).await.unwrap().unwrap();
        let best =
            offers::candidates(&mut tx, &coordinator, &row, now, now.date_naive()).await.unwrap().into_iter().find(|r| r.rank.is_ok());
        if let Some(best) = best {
            aid::change(&mut tx, &coordinator, *need, NeedStatus::Offered, Some(best.user_id), "", now).await.unwrap();
            if dice.roll(2) == 0 {
                let scope = &volunteers.iter().find(|(u, _)| *u == best.user_id).unwrap().1;
                aid::change(&mut tx, scope, *need, NeedStatus::Triaged, None, "declined", now).await.unwrap();
            }
        }
        tx.commit().await.unwrap();
    }

    let mut tx = app.db.read().await.unwrap();
    let all = matching::best_for_all(&mut tx, &coordinator, 5, now, now.date_naive()).await.unwrap();
    let (open, _) =
        aid::list(&mut tx, &coordinator, &[NeedStatus::New, NeedStatus::Triaged], tredegar_db::Page::new(1, 500)).await.unwrap();
    assert_eq!(all.len(), open.len());
    assert!(all.iter().any(|b| b.offers.len() >= 2), "the data gives needs several candidates");
    for best in &all {
        let need = open.iter().find(|n| n.id == best.need).unwrap();
        let one = offers::candidates(&mut tx, &coordinator, need, now, now.date_naive()).await.unwrap();
        let expected: Vec<_> = one.into_iter().filter(|r| r.rank.is_ok()).take(5).map(|r| (r.user_id, r.score())).collect();
        assert_eq!(best.offers.len(), expected.len(), "need {}: {:?} against {:?}", need.id, best.offers, expected);
        for ((u, s), (eu, es)) in best.offers.iter().zip(&expected) {
            assert!(u == eu && (s - es).abs() < 1e-9, "need {}: {:?} against {:?}", need.id, best.offers, expected);
        }
    }
}
