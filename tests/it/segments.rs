//! Segments against brute force: generated people with tags, assessments,
//! conversations, postcodes, contact details, custom values and lists; every
//! rule alone, every pair with and and with or, and nested and/or/not trees,
//! each checked against the same rule worked out in Rust.

use std::collections::BTreeSet;

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use tredegar_db::people::{self, Order, Search};
use tredegar_db::{Page, Scope, assessments, campaigns, conversations, fields, lists, tags};
use tredegar_domain::people::{Address, EmailEntry, FieldKind, PersonDetails, PhoneEntry, PhoneType};
use tredegar_domain::segments::{ListKind, Node, Rule};
use tredegar_domain::{CampaignId, CampaignStatus, ConversationKind, Email, Level, PersonId, Phone, Postcode, Role, SubscriptionStatus};

use crate::helpers::TestApp;

crate::on_both_backends!(segments_match_brute_force, kept_segments_follow_every_change);

/// What the brute force knows of each person.
#[derive(Default)]
struct Known {
    tagged: bool,
    level: Option<i64>,
    raised_damp: bool,
    postcode: String,
    last_contact: Option<chrono::DateTime<Utc>>,
    email: bool,
    subscribed: bool,
    phone: bool,
    tenancy: Option<&'static str>,
    listed: bool,
}

const PEOPLE: usize = 1200;

/// The brute force's answer to a rule.
type Expect = Box<dyn Fn(&Known) -> bool>;

/// A small deterministic generator, so a failure can be rerun.
fn roll(i: usize, salt: usize, sides: usize) -> usize {
    (i.wrapping_mul(2_654_435_761).wrapping_add(salt.wrapping_mul(40_503)) >> 7) % sides
}

async fn segments_match_brute_force(app: TestApp) {
    let group = app.group("Brookfield Estate", None).await;
    let admin = app.user(&group, "admin@example.org", Role::Admin).await;
    let scope: Scope = app.scope(admin, &group).await;
    let now = Utc::now();
    let day = NaiveDate::from_ymd_opt(2026, 6, 1).unwrap();
    let since = Utc.from_utc_datetime(&day.and_hms_opt(0, 0, 0).unwrap());
    // "In the last 180 days" counts from the start of the day 180 days ago.
    let days_ago = Utc.from_utc_datetime(&(now.date_naive() - Duration::days(180)).and_hms_opt(0, 0, 0).unwrap());
    let mut tx = app.db.write().await.unwrap();
    let tag = tags::find_or_create(&mut tx, &scope, "Rent strike", now).await.unwrap();
    let campaign = CampaignId::new();
    let text =
        campaigns::CampaignText { title: "Fix the lifts", description: "", status: CampaignStatus::Active, is_public: false, themes: &[] };
    campaigns::save(&mut tx, &scope, campaign, &text, now, true).await.unwrap();
    let tenancy = fields::create(&mut tx, &scope, "tenancy", "Tenancy", &FieldKind::Choice(vec!["Council".into(), "Private".into()]), now)
        .await
        .unwrap();
    let static_list = lists::create(&mut tx, &scope, "Committee", ListKind::Static, &Node::default(), now).await.unwrap();
    let mut known: Vec<(PersonId, Known)> = Vec::new();
    for i in 0..PEOPLE {
        let mut k = Known { postcode: ["CF10 1AA", "CF11 2BB", "NP22 3CC", "CF10 4DD"][roll(i, 1, 4)].into(), ..Known::default() };
        k.email = roll(i, 2, 3) > 0;
        k.subscribed = k.email && roll(i, 3, 2) == 0;
        k.phone = roll(i, 4, 2) == 0;
        k.tenancy = [None, Some("Council"), Some("Private")][roll(i, 5, 3)];
        let details = PersonDetails {
            given_name: Some(format!("Person{i}")),
            emails: if k.email {
                let status = if k.subscribed { SubscriptionStatus::Subscribed } else { SubscriptionStatus::Unsubscribed };
                vec![EmailEntry { email: Email::parse("e", &format!("p{i}@example.org")).unwrap(), status, primary: true }]
            } else {
                vec![]
            },
            phones: if k.phone {
                let phone = Phone::parse("p", &format!("07700 9{i:05}")).unwrap();
                vec![PhoneEntry { phone, number_type: PhoneType::Mobile, status: SubscriptionStatus::Unsubscribed, primary: true }]
            } else {
                vec![]
            },
            addresses: vec![Address {
                address_lines: vec!["1 High St".into()],
                postcode: Some(Postcode::parse("p", &k.postcode).unwrap()),
                primary: true,
                ..Default::default()
            }],
            custom: k.tenancy.map(|t| vec![("tenancy".to_string(), t.to_string())]).unwrap_or_default(),
            ..Default::default()
        };
        let id = PersonId::new();
        people::save(&mut tx, &scope, id, &details, now, true).await.unwrap();
        if roll(i, 6, 3) == 0 {
            k.tagged = true;
            tags::add(&mut tx, &scope, tag.id, id, now).await.unwrap();
        }
        if roll(i, 7, 6) > 0 {
            let level = 1 + i64::try_from(roll(i, 8, 5)).unwrap();
            k.level = Some(level);
            assessments::set(&mut tx, &scope, id, campaign, Level::try_from(level).unwrap(), "", now).await.unwrap();
        }
        for c in 0..roll(i, 9, 3) {
            let at = since + Duration::days(i64::try_from(roll(i, 10 + c, 120)).unwrap()) - Duration::days(60);
            let damp = roll(i, 20 + c, 2) == 0;
            k.raised_damp |= damp;
            k.last_contact = k.last_contact.max(Some(at));
            let new = conversations::NewConversation {
                kind: ConversationKind::DoorKnock,
                held_at: at,
                place: String::new(),
                self_interest: String::new(),
                themes: if damp { vec!["Damp".into()] } else { vec!["Lifts".into()] },
                ask: String::new(),
                answer: None,
                commitments: String::new(),
                notes: String::new(),
            };
            conversations::log(&mut tx, &scope, id, &new, now).await.unwrap();
        }
        if roll(i, 30, 5) == 0 {
            k.listed = true;
            lists::add_people(&mut tx, &scope, static_list, &[id], now).await.unwrap();
        }
        known.push((id, k));
    }
    let damp = conversations::themes(&mut tx, &scope).await.unwrap().into_iter().find(|t| t.name == "Damp").unwrap().id;
    // A segment that other segments name: tagged, or at level 1.
    let inner = Node::Any(vec![
        Node::Rule(Rule::Tag { tag: tag.id }),
        Node::Rule(Rule::Assessment { campaign, levels: vec![Level::try_from(1).unwrap()] }),
    ]);
    let inner_list = lists::create(&mut tx, &scope, "Supporters", ListKind::Segment, &inner, now).await.unwrap();
    tx.commit().await.unwrap();

    let rules: Vec<(Rule, Expect)> = vec![
        (Rule::Tag { tag: tag.id }, Box::new(|k: &Known| k.tagged)),
        (
            Rule::Assessment { campaign, levels: vec![Level::try_from(1).unwrap(), Level::try_from(2).unwrap()] },
            Box::new(|k: &Known| matches!(k.level, Some(1 | 2))),
        ),
        (Rule::Issue { theme: damp }, Box::new(|k: &Known| k.raised_damp)),
        (Rule::Postcode { prefix: "cf10".into() }, Box::new(|k: &Known| k.postcode.starts_with("CF10"))),
        (Rule::NotContactedSince { day }, Box::new(move |k: &Known| k.last_contact.is_none_or(|t| t < since))),
        (Rule::ContactedSince { day }, Box::new(move |k: &Known| k.last_contact.is_some_and(|t| t >= since))),
        (Rule::NeverContacted, Box::new(|k: &Known| k.last_contact.is_none())),
        (Rule::NotContactedInDays { days: 180 }, Box::new(move |k: &Known| k.last_contact.is_none_or(|t| t < days_ago))),
        (Rule::ContactedInDays { days: 180 }, Box::new(move |k: &Known| k.last_contact.is_some_and(|t| t >= days_ago))),
        (Rule::HasEmail, Box::new(|k: &Known| k.email)),
        (Rule::HasPhone, Box::new(|k: &Known| k.phone)),
        (Rule::Subscribed, Box::new(|k: &Known| k.subscribed)),
        (Rule::Custom { field: tenancy.id, value: "Council".into() }, Box::new(|k: &Known| k.tenancy == Some("Council"))),
        (Rule::OnList { list: static_list }, Box::new(|k: &Known| k.listed)),
        (Rule::OnList { list: inner_list }, Box::new(|k: &Known| k.tagged || k.level == Some(1))),
    ];
    let ctx = Ctx { app: &app, now, scope: &scope, known: &known };
    for (rule, f) in &rules {
        check(&ctx, Node::Rule(rule.clone()), |k| f(k)).await;
        check(&ctx, Node::Not(Box::new(Node::Rule(rule.clone()))), |k| !f(k)).await;
    }
    for (i, (a, fa)) in rules.iter().enumerate() {
        for (b, fb) in rules.iter().skip(i + 1) {
            let pair = vec![Node::Rule(a.clone()), Node::Rule(b.clone())];
            check(&ctx, Node::All(pair.clone()), |k| fa(k) && fb(k)).await;
            check(&ctx, Node::Any(pair), |k| fa(k) || fb(k)).await;
        }
    }
    let r = |i: usize| Node::Rule(rules[i].0.clone());
    let f = |i: usize, k: &Known| (rules[i].1)(k);
    check(&ctx, Node::All(vec![r(0), Node::Not(Box::new(Node::Any(vec![r(3), r(7)]))), r(1)]), |k| {
        f(0, k) && !(f(3, k) || f(7, k)) && f(1, k)
    })
    .await;
    check(&ctx, Node::Any(vec![Node::All(vec![r(2), r(4)]), Node::Not(Box::new(r(12))), r(11)]), |k| {
        (f(2, k) && f(4, k)) || !f(12, k) || f(11, k)
    })
    .await;
    check(&ctx, Node::Not(Box::new(Node::All(vec![r(3), Node::Any(vec![r(9), Node::Not(Box::new(r(10)))])]))), |k| {
        !(f(3, k) && (f(9, k) || !f(10, k)))
    })
    .await;
    check(&ctx, Node::All(vec![]), |_| true).await;
    check(&ctx, Node::Any(vec![]), |_| false).await;
    // A segment that names itself is refused.
    let mut tx = app.db.write().await.unwrap();
    let looped = lists::update(&mut tx, &scope, inner_list, "Supporters", &Node::Rule(Rule::OnList { list: inner_list }), now).await;
    assert!(looped.is_err_and(|e| e.to_string().contains("cannot include itself")));
}

struct Ctx<'a> {
    app: &'a TestApp,
    now: chrono::DateTime<Utc>,
    scope: &'a Scope,
    known: &'a [(PersonId, Known)],
}

/// The segment's people, through the real query, are exactly those `expect` picks.
async fn check(ctx: &Ctx<'_>, node: Node, expect: impl Fn(&Known) -> bool) {
    let mut tx = ctx.app.db.read().await.unwrap();
    let resolved = lists::resolve(&mut tx, ctx.scope, &node, ctx.now).await.unwrap();
    let search = Search::Segment(resolved);
    let (rows, total) = people::list(&mut tx, ctx.scope, &search, &Default::default(), Order::Name, Page::everything()).await.unwrap();
    let in_order: Vec<PersonId> = rows.into_iter().map(|p| p.id).collect();
    let got: BTreeSet<PersonId> = in_order.iter().copied().collect();
    let want: BTreeSet<PersonId> = ctx.known.iter().filter(|(_, k)| expect(k)).map(|(id, _)| *id).collect();
    assert_eq!(got.len(), want.len(), "{node:?}");
    assert_eq!(got, want, "{node:?}");
    assert_eq!(usize::try_from(total).unwrap(), want.len(), "the count agrees: {node:?}");
    // A page at a time, as the pages and the API ask: from the rules' kept
    // people, in the same order and with the same count.
    assert_eq!(pages(&mut tx, ctx.scope, &search, Order::Name).await, (in_order, total), "{node:?}");
    let (by_id, counted) = pages(&mut tx, ctx.scope, &search, Order::Created).await;
    assert_eq!(counted, total, "{node:?}");
    assert_eq!(by_id, want.into_iter().collect::<Vec<_>>(), "oldest first: {node:?}");
}

/// Every page of a search, 400 at a time, and the count each page gave.
pub async fn pages(tx: &mut tredegar_db::Tx, scope: &Scope, search: &Search, order: Order) -> (Vec<PersonId>, i64) {
    let (mut all, mut counted) = (Vec::new(), None);
    for n in 1.. {
        let (rows, total) = people::list(tx, scope, search, &Default::default(), order, Page::new(n, 400)).await.unwrap();
        assert!(counted.is_none_or(|c| c == total), "every page counts the same");
        counted = Some(total);
        if rows.is_empty() {
            break;
        }
        all.extend(rows.into_iter().map(|p| p.id));
    }
    (all, counted.unwrap_or(0))
}

/// A group, its admin, the admin's scope, and a tag.
async fn estate(app: &TestApp) -> (tredegar_db::groups::Group, tredegar_domain::UserId, Scope, tredegar_domain::TagId) {
    let group = app.group("Attlee House", None).await;
    let admin = app.user(&group, "admin@example.org", Role::Admin).await;
    let scope: Scope = app.scope(admin, &group).await;
    let mut tx = app.db.write().await.unwrap();
    let tag = tags::find_or_create(&mut tx, &scope, "Rent strike", Utc::now()).await.unwrap().id;
    tx.commit().await.unwrap();
    (group, admin, scope, tag)
}

/// The people and count of a segment a page at a time (from its rules'
/// kept people), checked against the same segment read whole in SQL.
async fn paged(app: &TestApp, scope: &Scope, node: &Node) -> (Vec<PersonId>, i64) {
    let mut tx = app.db.read().await.unwrap();
    let search = Search::Segment(lists::resolve(&mut tx, scope, node, Utc::now()).await.unwrap());
    let (rows, total) = people::list(&mut tx, scope, &search, &Default::default(), Order::Name, Page::everything()).await.unwrap();
    let whole: Vec<PersonId> = rows.into_iter().map(|p| p.id).collect();
    let got = pages(&mut tx, scope, &search, Order::Name).await;
    assert_eq!(got, (whole, total), "{node:?}");
    // A page in the middle, on its own.
    let (middle, _) = people::list(&mut tx, scope, &search, &Default::default(), Order::Name, Page::new(7, 400)).await.unwrap();
    let middle: Vec<PersonId> = middle.into_iter().map(|p| p.id).collect();
    assert_eq!(middle, got.0.iter().skip(2400).take(400).copied().collect::<Vec<_>>(), "{node:?}");
    got
}

/// A segment of thousands (read from the group's name index a step at a
/// time) and one of a few, each kept in memory between reads, follow every
/// change to what their rules read: a tag added, a conversation logged, a
/// person erased.
async fn kept_segments_follow_every_change(app: TestApp) {
    let (group, admin, scope, tag) = estate(&app).await;
    let now = Utc::now();
    let mut tx = app.db.write().await.unwrap();
    // Names in another order than the ids.
    let details: Vec<PersonDetails> =
        (0..6000).map(|i| PersonDetails { given_name: Some(format!("{:05} Tenant", (i * 7919) % 6000)), ..Default::default() }).collect();
    let ids: Vec<PersonId> = details.iter().map(|_| PersonId::new()).collect();
    let rows: Vec<(PersonId, &PersonDetails)> = ids.iter().copied().zip(&details).collect();
    people::insert_new(&mut tx, &scope, &rows, now).await.unwrap();
    for id in ids.iter().step_by(3) {
        tags::add(&mut tx, &scope, tag, *id, now).await.unwrap();
    }
    tx.commit().await.unwrap();
    let never = Node::Rule(Rule::NeverContacted);
    let tagged = Node::Rule(Rule::Tag { tag });
    let untagged_never = Node::All(vec![never.clone(), Node::Not(Box::new(tagged.clone()))]);
    assert_eq!(paged(&app, &scope, &never).await.1, 6000);
    assert_eq!(paged(&app, &scope, &tagged).await.1, 2000);
    assert_eq!(paged(&app, &scope, &untagged_never).await.1, 4000);

    let mut tx = app.db.write().await.unwrap();
    tags::add(&mut tx, &scope, tag, ids[1], now).await.unwrap();
    let talk = conversations::NewConversation {
        kind: ConversationKind::DoorKnock,
        held_at: now,
        place: String::new(),
        self_interest: "The lifts".into(),
        themes: vec![],
        ask: String::new(),
        answer: None,
        commitments: String::new(),
        notes: String::new(),
    };
    conversations::log(&mut tx, &scope, ids[2], &talk, now).await.unwrap();
    tx.commit().await.unwrap();
    let (everyone, n) = paged(&app, &scope, &never).await;
    assert_eq!(n, 5999, "a conversation logged");
    assert!(!everyone.contains(&ids[2]));
    assert_eq!(paged(&app, &scope, &tagged).await.1, 2001, "a tag added");
    assert_eq!(paged(&app, &scope, &untagged_never).await.1, 3998);

    // Erased: gone from every set, the kept ones included.
    let mut tx = app.db.write().await.unwrap();
    people::delete(&mut tx, &scope, ids[0]).await.unwrap();
    people::delete(&mut tx, &scope, ids[4]).await.unwrap();
    tx.commit().await.unwrap();
    let (everyone, n) = paged(&app, &scope, &never).await;
    assert_eq!(n, 5997);
    assert!(!everyone.contains(&ids[0]) && !everyone.contains(&ids[4]));
    let (with_tag, n) = paged(&app, &scope, &tagged).await;
    assert_eq!(n, 2000);
    assert!(!with_tag.contains(&ids[0]));
    assert_eq!(paged(&app, &scope, &untagged_never).await.1, 3997);

    // A block that starts sharing with the estate adds its people to the
    // estate's segments, and takes them away when it stops.
    let block = app.group("Block B", Some(group.id)).await;
    let block_admin = app.user(&block, "block@example.org", Role::Admin).await;
    let block_scope: Scope = app.scope(block_admin, &block).await;
    let mut tx = app.db.write().await.unwrap();
    let theirs = PersonDetails { given_name: Some("Block tenant".into()), ..Default::default() };
    people::insert_new(&mut tx, &block_scope, &[(PersonId::new(), &theirs), (PersonId::new(), &theirs)], now).await.unwrap();
    tx.commit().await.unwrap();
    for (share, expected) in [(true, 5999), (false, 5997)] {
        let mut tx = app.db.write().await.unwrap();
        tredegar_db::groups::set_sharing(&mut tx, &block_scope, share).await.unwrap();
        tx.commit().await.unwrap();
        let estate: Scope = app.scope(admin, &group).await;
        assert_eq!(paged(&app, &estate, &never).await.1, expected, "sharing {share}");
    }
}

/// On PostgreSQL, writers in one group run side by side: keeping the rule
/// versions never makes one wait for another's commit (the two here touch
/// the same source), and both changes reach the kept sets.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rule_versions_never_make_writers_wait() {
    let Some(app) = TestApp::postgres().await else { return };
    let (_, _, scope, tag) = estate(&app).await;
    let now = Utc::now();
    let mut tx = app.db.write().await.unwrap();
    let someone = PersonDetails { given_name: Some("Tenant".into()), ..Default::default() };
    let (a, b) = (PersonId::new(), PersonId::new());
    people::insert_new(&mut tx, &scope, &[(a, &someone), (b, &someone)], now).await.unwrap();
    tx.commit().await.unwrap();
    let tagged = Node::Rule(Rule::Tag { tag });
    assert_eq!(paged(&app, &scope, &tagged).await.1, 0);

    let mut first = app.db.write().await.unwrap();
    tags::add(&mut first, &scope, tag, a, now).await.unwrap();
    let mut second = app.db.write().await.unwrap();
    let added = tokio::time::timeout(std::time::Duration::from_secs(10), tags::add(&mut second, &scope, tag, b, now)).await;
    assert!(added.is_ok_and(|r| r.is_ok()), "the second writer waited for the first");
    second.commit().await.unwrap();
    assert_eq!(paged(&app, &scope, &tagged).await.1, 1);
    first.commit().await.unwrap();
    assert_eq!(paged(&app, &scope, &tagged).await.1, 2, "the first writer's commit, after the second's, still counts");
}
