//! Walk lists: turf cut into lists in walking order, with filters and
//! survey questions; walked door by door, a record sent twice kept once;
//! two walkers' records of one door both kept; walkers see only their open
//! lists; erasing a person takes their door records with them.

use chrono::Utc;
use reqwest::StatusCode;
use serde_json::json;
use tredegar_db::walks::{self, Turf};
use tredegar_db::{people, places, residents};
use tredegar_domain::places::{Building, BuildingKind, Unit};
use tredegar_domain::walks::{Cut, Question};
use tredegar_domain::{PersonId, Postcode, Role};
use tredegar_web::paths;

use crate::helpers::{Client, Page, TestApp, count};

crate::on_both_backends!(turf_is_cut_walked_and_kept_to_its_walkers, walk_lists_in_the_api);

const SLUG: &str = "brookfield-estate";

impl Client {
    async fn walk_lists(&mut self) -> Page {
        self.get(paths::walk_lists(SLUG)).await
    }
    async fn walk_cut(&mut self, area: &str) -> Page {
        self.get(format!("{}?area={area}", paths::walk_cut(SLUG))).await
    }
    async fn post_walk_cut(&mut self, fields: &[(&str, &str)]) -> Page {
        self.post_form(paths::walk_cut(SLUG), fields).await
    }
    async fn walk_list(&mut self, id: &str) -> Page {
        self.get(paths::walk_list(SLUG, id)).await
    }
    async fn walk_door(&mut self, id: &str, unit: &str) -> Page {
        self.get(paths::walk_door(SLUG, id, unit)).await
    }
    async fn post_walk_door(&mut self, id: &str, unit: &str, fields: &[(&str, &str)]) -> Page {
        self.post_form(paths::walk_door(SLUG, id, unit), fields).await
    }
}

/// The values of `name="…" value="…"` inputs on a page, in order.
fn values_of(body: &str, name: &str) -> Vec<String> {
    let at = format!("name=\"{name}\" value=\"");
    body.split(&at).skip(1).filter_map(|s| s.split('"').next()).map(str::to_string).collect()
}

/// The doors of a walk list page, as "label, building", in order.
fn doors_on(body: &str) -> Vec<String> {
    body.split("/doors/")
        .skip(1)
        .filter_map(|s| s.split_once("\">").and_then(|(_, rest)| rest.split('<').next()))
        .map(str::to_string)
        .collect()
}

async fn turf_is_cut_walked_and_kept_to_its_walkers(app: TestApp) {
    let group = app.group("Brookfield Estate", None).await;
    let organiser = app.user(&group, "org@example.org", Role::Organiser).await;
    let walker = app.user(&group, "walker@example.org", Role::Volunteer).await;
    app.user(&group, "other-vol@example.org", Role::Volunteer).await;
    let other = app.group("Other Branch", None).await;
    app.user(&other, "stranger@example.org", Role::Organiser).await;
    let api = app.api(&app.token(&group, organiser).await);
    let [ann, bob, cai] = [
        api.person("Ann", "ann@example.org").await,
        api.person("Bob", "bob@example.org").await,
        api.person("Cai", "cai@example.org").await,
    ];

    let scope = app.scope(organiser, &group).await;
    let Estate { area, bevan, heol, flats } = estate(&app, &scope, [&ann, &bob, &cai]).await;
    let ann_id: PersonId = ann.parse().unwrap();
    let flat = |i: usize| flats[i].to_string();
    // Ann has given notice: she moves out next month, and is at her door till then.
    let mut tx = app.db.write().await.unwrap();
    let home = residents::of_person(&mut tx, &scope, ann_id).await.unwrap().remove(0);
    let leaving = (Utc::now() + chrono::Duration::days(30)).date_naive();
    assert!(residents::move_out(&mut tx, &scope, home.id, leaving, Utc::now()).await.unwrap());
    tx.commit().await.unwrap();

    // Cutting: bad input names each field, and nothing is made.
    let mut org = app.signed_in(&group, "org@example.org", Role::Organiser).await;
    let form = org.walk_cut(&area.to_string()).await;
    assert!(form.body.contains("Bevan Court (6)") && form.body.contains("Heol Las (8)"), "{}", form.body);
    let campaign = crate::places::made(&org.post_campaigns(SLUG, &[("title", "Fix the damp"), ("status", "active")]).await);
    org.walk_cut(&area.to_string()).await;
    let (a, b, h) = (area.to_string(), bevan.to_string(), heol.to_string());
    let bad = org
        .post_walk_cut(&[
            ("area", &a),
            ("name", ""),
            ("buildings", &b),
            ("doors_per_list", "2"),
            ("prompt", "Worst problem?"),
            ("kind", "choice"),
            ("choices", "Damp"),
        ])
        .await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST, "{}", bad.body);
    for said in
        ["Name: must not be empty", "Doors on each list: give a number of doors from 5 to 500", "Question 1: give at least two choices"]
    {
        assert!(bad.body.contains(said), "{said}: {}", bad.body);
    }
    let nothing = org.post_walk_cut(&[("area", &a), ("name", "Brookfield"), ("doors_per_list", "7")]).await;
    assert!(nothing.body.contains("Buildings: choose at least one building or street"), "{}", nothing.body);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM walk_lists").await, 0);

    // 14 doors in lists of about 7: the block's 6, then the street's 8, each in walking order.
    let cut = org
        .post_walk_cut(&[
            ("area", &a),
            ("name", "Brookfield"),
            ("buildings", &b),
            ("buildings", &h),
            ("doors_per_list", "7"),
            ("prompt", "Would you join a rent strike?"),
            ("kind", "yes_no"),
            ("choices", ""),
            ("prompt", "Worst problem?"),
            ("kind", "choice"),
            ("choices", "Damp, Repairs, Rent"),
        ])
        .await;
    assert_eq!(cut.location.as_deref(), Some(&*format!("{}?notice=added", paths::walk_lists(SLUG))), "{}", cut.body);
    let index = org.walk_lists().await;
    let ids: Vec<String> = index.body.split("/walks/").skip(1).map(|s| s[..36].to_string()).filter(|s| !s.starts_with("cut")).collect();
    assert!(index.body.contains("Brookfield, 1 of 2") && index.body.contains("Brookfield, 2 of 2"), "{}", index.body);
    let first = org.walk_list(&ids[0]).await;
    let (one, two) = if first.body.contains("Bevan Court") { (ids[0].clone(), ids[1].clone()) } else { (ids[1].clone(), ids[0].clone()) };
    let page = org.walk_list(&one).await;
    let labels: Vec<String> = (1..=6).map(|n| format!("Flat {n}, Bevan Court")).collect();
    assert_eq!(doors_on(&page.body), labels, "{}", page.body);
    assert!(page.body.contains("Ann") && page.body.contains("Would you join a rent strike?"), "{}", page.body);
    let houses = doors_on(&org.walk_list(&two).await.body);
    let numbers: Vec<&str> = houses.iter().filter_map(|h| h.split(',').next()).collect();
    assert_eq!(numbers, ["1", "3", "5", "7", "8", "6", "4", "2"]);

    // Only the list's walkers see it, and only while it is open.
    let walkers = org.post_form(paths::walk_list_walkers(SLUG, &one), &[("walkers", &walker.to_string())]).await;
    assert_eq!(walkers.status(), StatusCode::SEE_OTHER, "{}", walkers.body);
    let mut walk = app.signed_in(&group, "walker@example.org", Role::Volunteer).await;
    let mine = walk.walk_lists().await;
    assert!(mine.body.contains("Brookfield, 1 of 2") && !mine.body.contains("2 of 2"), "{}", mine.body);
    assert_eq!(walk.walk_list(&two).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(walk.walk_cut("").await.status(), StatusCode::NOT_FOUND);
    let mut idle = app.signed_in(&group, "other-vol@example.org", Role::Volunteer).await;
    assert_eq!(idle.walk_list(&one).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(idle.walk_door(&one, &flat(0)).await.status(), StatusCode::NOT_FOUND);
    let mut stranger = app.signed_in(&other, "stranger@example.org", Role::Organiser).await;
    assert_eq!(stranger.get(paths::walk_list("other-branch", &one)).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(stranger.get(paths::walk_door("other-branch", &one, flat(0))).await.status(), StatusCode::NOT_FOUND);

    // At Ann's door: what happened, the answers, and what she said.
    let door = walk.walk_door(&one, &flat(0)).await;
    assert!(door.body.contains("Ann") && !door.body.contains("Cai") && door.body.contains("door 1 of 6"), "{}", door.body);
    let knock = values_of(&door.body, "knock_id").remove(0);
    let mut questions: Vec<String> = door.body.split("name=\"answer_").skip(1).map(|s| format!("answer_{}", &s[..36])).collect();
    questions.dedup();
    let (strike, problem) = (questions[0].clone(), questions[1].clone());
    let bad = walk.post_walk_door(&one, &flat(0), &[("knock_id", &knock), ("outcome", "spoke"), (&problem, "Mould")]).await;
    assert!(
        bad.status() == StatusCode::BAD_REQUEST && bad.body.contains("Worst problem?: choose one of: Damp, Repairs, Rent"),
        "{}",
        bad.body
    );
    let elsewhere = walk.post_walk_door(&one, &flat(0), &[("knock_id", &knock), ("outcome", "spoke"), ("person", &cai)]).await;
    assert!(elsewhere.body.contains("does not live at this door"), "{}", elsewhere.body);
    let ann_at_door = [
        ("knock_id", knock.as_str()),
        ("outcome", "spoke"),
        ("person", ann.as_str()),
        (&strike, "yes"),
        (&problem, "Damp"),
        ("kind", "door_knock"),
        ("held_at", &door_time()),
        ("self_interest", "Black mould in the children's room"),
        ("campaign", &campaign),
        ("level", "2"),
    ];
    let saved = walk.post_walk_door(&one, &flat(0), &ann_at_door).await;
    assert_eq!(saved.location.as_deref(), Some(&*format!("{}?notice=saved", paths::walk_door(SLUG, &one, flat(1)))), "{}", saved.body);
    // Sent again (a double tap, a retry): kept once.
    walk.walk_door(&one, &flat(0)).await;
    assert_eq!(walk.post_walk_door(&one, &flat(0), &ann_at_door).await.status(), StatusCode::SEE_OTHER);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM door_knocks").await, 1);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM door_answers").await, 2);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM conversations").await, 1);
    let timeline = org.person(SLUG, &ann).await;
    assert!(timeline.body.contains("Black mould in the children") && timeline.body.contains("Door knock"), "{}", timeline.body);

    // Someone new at Bob's door: a name is needed; then they live there.
    let door = walk.walk_door(&one, &flat(1)).await;
    let knock = values_of(&door.body, "knock_id").remove(0);
    let nameless = walk.post_walk_door(&one, &flat(1), &[("knock_id", &knock), ("outcome", "spoke"), ("person", "new")]).await;
    assert!(nameless.body.contains("first name: must not be empty"), "{}", nameless.body);
    let met = walk
        .post_walk_door(
            &one,
            &flat(1),
            &[
                ("knock_id", &knock),
                ("outcome", "spoke"),
                ("person", "new"),
                ("new_given_name", "Dylan"),
                ("new_family_name", "Price"),
                ("new_phone", "07700 900123"),
            ],
        )
        .await;
    assert_eq!(met.status(), StatusCode::SEE_OTHER, "{}", met.body);
    assert!(walk.walk_door(&one, &flat(1)).await.body.contains("Dylan Price"));
    assert_eq!(count(&app, "SELECT COUNT(*) FROM people WHERE given_name = 'Dylan'").await, 1);

    // What is recorded hangs together: nobody home means nobody spoken to, and what was said needs whom.
    let door = walk.walk_door(&one, &flat(3)).await;
    let knock = values_of(&door.body, "knock_id").remove(0);
    let absent = walk.post_walk_door(&one, &flat(3), &[("knock_id", &knock), ("outcome", "not_home"), (&strike, "no")]).await;
    assert!(absent.status() == StatusCode::BAD_REQUEST && absent.body.contains("choose &#34;Spoke to someone&#34;"), "{}", absent.body);
    let said = walk.post_walk_door(&one, &flat(3), &[("knock_id", &knock), ("outcome", "spoke"), ("notes", "Angry about rent")]).await;
    assert!(said.body.contains("choose whom you spoke to, to keep what was said"), "{}", said.body);
    // Someone new who gives a neighbour's email reaches nobody: Cai keeps his name and home, and the email stays his.
    let mallory = [
        ("knock_id", knock.as_str()),
        ("outcome", "spoke"),
        ("person", "new"),
        ("new_given_name", "Mallory"),
        ("new_email", "cai@example.org"),
    ];
    assert_eq!(walk.post_walk_door(&one, &flat(3), &mallory).await.status(), StatusCode::SEE_OTHER);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM people WHERE given_name = 'Cai'").await, 1);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM person_emails WHERE address_key = 'cai@example.org'").await, 1);
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM residencies WHERE moved_out IS NULL").await,
        4,
        "Bob, Cai, Dylan and Mallory (and Ann till next month)"
    );
    assert!(org.walk_door(&one, &flat(2)).await.body.contains("Cai"), "Cai still lives in Flat 3");
    // A record id from another door is no way in: someone who does not walk the list is not found.
    idle.walk_lists().await;
    assert_eq!(idle.post_walk_door(&one, &flat(0), &ann_at_door).await.status(), StatusCode::NOT_FOUND);

    // The organiser knocks at Ann's door too: both records are kept, and shown as a conflict.
    let door = org.walk_door(&one, &flat(0)).await;
    let knock = values_of(&door.body, "knock_id").remove(0);
    org.post_walk_door(&one, &flat(0), &[("knock_id", &knock), ("outcome", "not_home")]).await;
    let page = org.walk_list(&one).await;
    assert!(page.body.contains("Doors two walkers recorded") && page.body.contains("2 records"), "{}", page.body);
    assert!(page.body.contains("3</strong> of 6 doors knocked"), "{}", page.body);
    let index = org.walk_lists().await;
    assert!(index.body.contains("1 door recorded by two walkers"), "{}", index.body);

    // Printing lists every door with a box for each outcome and a column per question.
    let print = walk.get(paths::walk_list_print(SLUG, &one)).await;
    assert!(print.body.contains("walk-sheet") && print.body.contains("Q2") && print.body.contains("NH"), "{}", print.body);

    // Filters: doors knocked lately, and doors where someone is assessed, are left out.
    org.walk_cut(&area.to_string()).await;
    let again = org
        .post_walk_cut(&[("area", &a), ("name", "Second round"), ("buildings", &b), ("doors_per_list", "40"), ("not_knocked_days", "30")])
        .await;
    let second = again.location.unwrap().split("/walks/").nth(1).unwrap()[..36].to_string();
    assert_eq!(doors_on(&org.walk_list(&second).await.body), ["Flat 3, Bevan Court", "Flat 5, Bevan Court", "Flat 6, Bevan Court"]);
    org.walk_cut(&area.to_string()).await;
    let assessed = org
        .post_walk_cut(&[
            ("name", "Unassessed"),
            ("buildings", &b),
            ("doors_per_list", "40"),
            ("unassessed_only", "yes"),
            ("campaign", &campaign),
        ])
        .await;
    let third = assessed.location.unwrap().split("/walks/").nth(1).unwrap()[..36].to_string();
    assert_eq!(doors_on(&org.walk_list(&third).await.body).len(), 5, "all but Ann's");

    // Closed, the list is gone from its walker.
    org.post_form(paths::walk_list_status(SLUG, &one), &[("status", "closed")]).await;
    assert!(!walk.walk_lists().await.body.contains("Brookfield, 1 of 2"));
    assert_eq!(walk.walk_door(&one, &flat(2)).await.status(), StatusCode::NOT_FOUND);
    let late =
        walk.post_walk_door(&one, &flat(4), &[("knock_id", &tredegar_domain::KnockId::new().to_string()), ("outcome", "not_home")]).await;
    assert!(late.body.contains("was closed by an organiser, so this was not saved"), "the walker is told: {}", late.body);

    // Reading who lives at the doors is audited.
    let mut admin = app.signed_in(&group, "admin@example.org", Role::Admin).await;
    assert!(admin.audit(SLUG).await.body.contains("walk list Brookfield, 1 of 2"));

    // Erasing Ann takes her door record and its answers; the organiser's "not home" stays.
    let mut tx = app.db.write().await.unwrap();
    people::delete(&mut tx, &scope, ann_id).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(count(&app, "SELECT COUNT(*) FROM door_answers").await, 0);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM door_knocks WHERE person_id IS NOT NULL").await, 2, "Dylan's and Mallory's");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM door_knocks WHERE outcome = 'not_home'").await, 1);
}

/// The places a test walks.
pub(crate) struct Estate {
    pub area: tredegar_domain::AreaId,
    pub bevan: tredegar_domain::BuildingId,
    pub heol: tredegar_domain::BuildingId,
    pub flats: Vec<tredegar_domain::UnitId>,
}

/// An estate of one block (six flats on three floors) and one street of
/// eight houses; these three people live in the first three flats.
pub(crate) async fn estate(app: &TestApp, scope: &tredegar_db::Scope, people: [&str; 3]) -> Estate {
    let now = Utc::now();
    let mut tx = app.db.write().await.unwrap();
    let area = places::add_area(&mut tx, scope, &area_named("Brookfield"), now).await.unwrap();
    let block = Building {
        name: "Bevan Court".into(),
        kind: BuildingKind::Block,
        postcode: Postcode::parse("p", "NP22 3AB").unwrap(),
        target_percent: 50,
    };
    let bevan = places::add_building(&mut tx, scope, Some(area), &block, now).await.unwrap();
    let mut flats = Vec::new();
    for (n, floor) in [(1, 0), (2, 0), (3, 1), (4, 1), (5, 2), (6, 2)] {
        flats.push(places::add_unit(&mut tx, scope, bevan, &unit(&format!("Flat {n}"), Some(floor)), now).await.unwrap());
    }
    let street = Building {
        name: "Heol Las".into(),
        kind: BuildingKind::Street,
        postcode: Postcode::parse("p", "NP22 3AC").unwrap(),
        target_percent: 50,
    };
    let heol = places::add_building(&mut tx, scope, Some(area), &street, now).await.unwrap();
    for n in 1..=8 {
        places::add_unit(&mut tx, scope, heol, &unit(&n.to_string(), None), now).await.unwrap();
    }
    for (who, flat) in people.iter().zip(&flats) {
        residents::move_in(&mut tx, scope, who.parse().unwrap(), *flat, (None, None), now).await.unwrap();
    }
    tx.commit().await.unwrap();
    Estate { area, bevan, heol, flats }
}

async fn walk_lists_in_the_api(app: TestApp) {
    let group = app.group("Brookfield Estate", None).await;
    let organiser = app.user(&group, "org@example.org", Role::Organiser).await;
    let walker = app.user(&group, "walker@example.org", Role::Volunteer).await;
    let other = app.group("Other Branch", None).await;
    let stranger = app.user(&other, "stranger@example.org", Role::Organiser).await;
    let org = app.api(&app.token(&group, organiser).await);
    let ann = org.person("Ann", "ann@example.org").await;
    let (bob, cai) = (org.person("Bob", "bob@example.org").await, org.person("Cai", "cai@example.org").await);
    let scope = app.scope(organiser, &group).await;
    let Estate { bevan, heol, flats, .. } = estate(&app, &scope, [&ann, &bob, &cai]).await;
    let question = Question::check(1, "Would you join a rent strike?", "yes_no", "").unwrap().unwrap();
    let turf = Turf { buildings: vec![bevan, heol], cut: Cut::check("7", "", false).unwrap(), campaign: None, segment: None };
    let mut tx = app.db.write().await.unwrap();
    let made = walks::cut(&mut tx, &scope, "Brookfield", &turf, &[question], Utc::now()).await.unwrap();
    walks::set_walkers(&mut tx, &scope, made[0], &[walker]).await.unwrap();
    tx.commit().await.unwrap();
    let (one, two) = (made[0].to_string(), made[1].to_string());

    // Organisers read every list; a walker's token only theirs, with its doors and who lives there.
    let (status, all) = org.get("walk_lists").await;
    assert_eq!((status, all["total_records"].as_i64()), (StatusCode::OK, Some(2)), "{all}");
    let walks = app.api(&app.token(&group, walker).await);
    let (_, mine) = walks.get("walk_lists").await;
    assert_eq!(mine["total_records"].as_i64(), Some(1), "{mine}");
    let (status, list) = walks.get(&format!("walk_lists/{one}")).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    assert_eq!(list["doors"].as_array().map(Vec::len), Some(6), "{list}");
    assert_eq!(list["doors"][0]["residents"][0]["given_name"], "Ann", "{list}");
    assert!(list["doors"][0]["residents"][0].get("email_addresses").is_none(), "a walker reads names only");
    let q = list["questions"][0]["id"].as_str().unwrap().to_string();
    assert_eq!(walks.get(&format!("walk_lists/{two}")).await.0, StatusCode::NOT_FOUND);
    assert_eq!(walks.get(&format!("walk_lists/{one}/knocks")).await.0, StatusCode::FORBIDDEN);
    let outsider = app.api(&app.token(&other, stranger).await);
    assert_eq!(outsider.get(&format!("walk_lists/{one}")).await.0, StatusCode::NOT_FOUND);

    // A record sent twice is kept once; bad input names its field.
    let knock = tredegar_domain::KnockId::new().to_string();
    let body = json!({"id": knock, "unit_id": flats[0].to_string(), "person_id": ann, "outcome": "spoke", "answers": {q.clone(): "yes"}});
    let (status, first) = walks.post(&format!("walk_lists/{one}/knocks"), body.clone()).await;
    assert_eq!((status, &first["recorded"]), (StatusCode::OK, &json!(true)), "{first}");
    let (_, again) = walks.post(&format!("walk_lists/{one}/knocks"), body).await;
    assert_eq!(again["recorded"], json!(false), "{again}");
    let bad = json!({"id": tredegar_domain::KnockId::new().to_string(), "unit_id": flats[1].to_string(), "outcome": "spoke", "answers": {q.clone(): "perhaps"}});
    let (status, err) = walks.post(&format!("walk_lists/{one}/knocks"), bad).await;
    assert!(status == StatusCode::BAD_REQUEST && err["error"].as_str().unwrap().contains("answer yes or no"), "{err}");
    let elsewhere = json!({"id": tredegar_domain::KnockId::new().to_string(), "unit_id": flats[0].to_string(), "outcome": "not_home"});
    assert_eq!(walks.post(&format!("walk_lists/{two}/knocks"), elsewhere.clone()).await.0, StatusCode::NOT_FOUND);
    assert_eq!(outsider.post(&format!("walk_lists/{one}/knocks"), elsewhere).await.0, StatusCode::NOT_FOUND);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM door_knocks").await, 1);
    let clash = json!({"id": knock, "unit_id": flats[0].to_string(), "outcome": "not_home"});
    assert_eq!(org.post(&format!("walk_lists/{two}/knocks"), clash).await.0, StatusCode::CONFLICT, "an id used elsewhere");
    let early = json!({"id": tredegar_domain::KnockId::new().to_string(), "unit_id": flats[0].to_string(), "outcome": "not_home", "knocked_at": "2026-01-01T10:00:00Z"});
    let (status, err) = walks.post(&format!("walk_lists/{one}/knocks"), early).await;
    assert!(status == StatusCode::BAD_REQUEST && err["error"].as_str().unwrap().contains("knocked_at"), "{err}");

    // The organiser reads the record with its answers.
    let (_, knocks) = org.get(&format!("walk_lists/{one}/knocks")).await;
    let record = &knocks["_embedded"]["tredegar:knocks"][0];
    assert_eq!((&record["outcome"], &record["answers"][&q]), (&json!("spoke"), &json!("yes")), "{knocks}");
    let (status, single) = org.get(&format!("walk_lists/{one}/knocks/{knock}")).await;
    assert_eq!((status, &single["person_id"]), (StatusCode::OK, &json!(ann)), "{single}");
}

fn area_named(name: &str) -> tredegar_domain::places::Area {
    tredegar_domain::places::AreaInput { name: name.into(), kind: "estate".into(), boundary: String::new(), target_percent: "50".into() }
        .check()
        .unwrap()
}

fn unit(label: &str, floor: Option<i64>) -> Unit {
    tredegar_domain::places::UnitInput {
        unit: label.into(),
        floor: floor.map(|f| f.to_string()).unwrap_or_default(),
        address_lines: String::new(),
    }
    .check()
    .unwrap()
}

/// Earlier today, as the form's time field has it.
fn door_time() -> String {
    (Utc::now() - chrono::Duration::hours(3)).format("%Y-%m-%dT%H:%M").to_string()
}
