//! `tredegar demo`: a realistic estate to explore. Three blocks of flats on
//! the Brookfield Estate (in `places`, with their landlords over the years),
//! their residents, tags, custom fields and campaigns,
//! an organiser and a volunteer with a few doors assigned.

use anyhow::Context;
use tredegar_db::campaigns::{self, CampaignText};
use tredegar_db::{Scope, audit, fields, groups, people, tags, users};
use tredegar_domain::groups::parse_group_name;
use tredegar_domain::people::HistoryKind;
use tredegar_domain::people::{Address, EmailEntry, FieldKind, PersonDetails, PhoneEntry, PhoneType};
use tredegar_domain::{AuditAction, CampaignStatus};
use tredegar_domain::{CampaignId, Email, PersonId, Phone, Postcode, Role, SubscriptionStatus};
use tredegar_web::Clock;

mod accountability;
mod aid;
mod network;
mod places;

use crate::DbArgs;
use crate::commands::open;

const GIVEN: [&str; 24] = [
    "Aisha", "Bronwen", "Carlos", "Dafydd", "Ewa", "Fatima", "Gareth", "Hannah", "Idris", "Joanne", "Kwame", "Lowri", "Mohammed", "Nia",
    "Olu", "Priya", "Rhys", "Siân", "Tomasz", "Usha", "Viktor", "Wen", "Yusuf", "Zofia",
];
const FAMILY: [&str; 20] = [
    "Ahmed",
    "Bevan",
    "Chowdhury",
    "Davies",
    "Evans",
    "Francis",
    "Griffiths",
    "Hughes",
    "Islam",
    "Jones",
    "Kowalski",
    "Lewis",
    "Morgan",
    "Nowak",
    "Okafor",
    "Powell",
    "Rees",
    "Singh",
    "Thomas",
    "Williams",
];
pub(crate) const BLOCKS: [(&str, &str, u32); 3] =
    [("Attlee House", "NP22 3AA", 24), ("Bevan Court", "NP22 3AB", 18), ("Lansbury Tower", "NP22 3AD", 30)];
const TENANCIES: [&str; 4] = ["Council", "Housing association", "Private", "Leaseholder"];
const PASSWORD_WORDS: [&str; 8] = ["estate", "kettle", "picket", "ballot", "bread", "union", "garden", "stairwell"];

/// The i-th word of a list, going round it again past the end.
fn pick(list: &[&'static str], i: usize) -> &'static str {
    list.get(i % list.len().max(1)).copied().unwrap_or_default()
}

/// A demo password people can type: four words from a short list, picked at random.
fn demo_password() -> anyhow::Result<String> {
    let mut bytes = [0u8; 4];
    getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
    Ok(bytes.iter().map(|b| pick(&PASSWORD_WORDS, usize::from(*b))).collect::<Vec<_>>().join("-"))
}

/// The demo's accounts: email, name, role, and what the role sees.
const ACCOUNTS: [(&str, &str, Role, &str); 3] = [
    ("admin@brookfield.example.org", "Aled Admin", Role::Admin, "admin: members, settings, the audit log"),
    ("organiser@brookfield.example.org", "Olwen Organiser", Role::Organiser, "organiser: sees everyone"),
    ("volunteer@brookfield.example.org", "Val Volunteer", Role::Volunteer, "volunteer: sees only 5 assigned residents"),
];

/// Where to sign in: the configured public URL, or the address `serve` listens on by default.
fn sign_in_url(file: &crate::config::FileConfig) -> String {
    let base = match (&file.public_url, &file.listen) {
        (Some(url), _) => url.trim_end_matches('/').to_string(),
        (None, Some(listen)) => format!("http://{listen}"),
        (None, None) => format!("http://{}", crate::config::DEFAULT_LISTEN),
    };
    format!("{base}/login")
}

fn print_logins(url: &str, password: &str) {
    println!("Start the server with `cargo run --release -- serve`, open {url} and sign in with the password {password} as:");
    for (email, _, _, sees) in ACCOUNTS {
        println!("  {email}  ({sees})");
    }
}

pub async fn run(args: DbArgs, group_name: &str, new_password: bool) -> anyhow::Result<()> {
    let (db, file) = open(&args).await?;
    let url = sign_in_url(&file);
    let (name, slug) = parse_group_name("--group", group_name)?;
    let now = Clock.now();
    let password = demo_password()?;
    let hash = tredegar_web::auth::hash_password(tredegar_domain::contact::Password::parse("password", &password)?).await?;

    let mut tx = db.write().await?;
    let organiser_email = Email::parse("email", "organiser@brookfield.example.org")?;
    let organiser = users::by_email(&mut tx, &organiser_email.key()).await?;
    let existing = groups::by_slug(&mut tx, &slug).await?;
    // The demo organiser is a member only of groups the demo has filled.
    if let (Some(g), Some(o)) = (&existing, &organiser)
        && Scope::for_member(&mut tx, o.id, &g.slug).await?.is_some()
    {
        if !new_password {
            println!("The demo has already filled '{}'; nothing changed.", g.name);
            println!("Lost the password? `cargo run --release -- demo --new-password` gives its accounts a new one.");
            return Ok(());
        }
        for (email, ..) in ACCOUNTS {
            if let Some(user) = users::by_email(&mut tx, &Email::parse("email", email)?.key()).await? {
                users::set_password(&mut tx, user.id, &hash).await?;
            }
        }
        tx.commit().await?;
        println!("The demo accounts of '{}' have a new password.", g.name);
        print_logins(&url, &password);
        return Ok(());
    }
    let group = match existing {
        Some(g) => g,
        None => groups::create(&mut tx, &name, &slug, None, now).await?,
    };
    let mut accounts = Vec::new();
    for (email, person, role, _) in ACCOUNTS {
        let email = Email::parse("email", email)?;
        let user = match users::by_email(&mut tx, &email.key()).await? {
            Some(u) => u,
            None => users::create(&mut tx, &email, person, &hash, now).await?,
        };
        users::set_membership(&mut tx, group.id, user.id, role, now).await?;
        accounts.push(user);
    }
    let [_, organiser, volunteer] = accounts.as_slice() else { anyhow::bail!("demo accounts missing") };
    let scope = Scope::for_member(&mut tx, organiser.id, &group.slug).await?.context("demo organiser has no membership")?;

    let mut field_names = Vec::new();
    for (fname, label, kind) in
        [("tenancy", "Tenancy", FieldKind::Choice(TENANCIES.map(String::from).to_vec())), ("joined", "Date joined", FieldKind::Date)]
    {
        if !fields::list(&mut tx, &scope).await?.iter().any(|f| f.name == fname) {
            fields::create(&mut tx, &scope, fname, label, &kind, now).await?;
        }
        field_names.push(fname);
    }
    let mut tag_ids = Vec::new();
    for t in ["Tenants' committee", "Rent strike pledge", "Repairs: damp", "Welsh speaker", "Can host meetings"] {
        let tag = tags::find_or_create(&mut tx, &scope, t, now).await?;
        tag_ids.push(tag.id);
    }

    let mut residents = Vec::new();
    let mut homes = Vec::new();
    let mut n = 0usize;
    for (block, postcode, flats) in BLOCKS {
        for flat in 1..=flats {
            // Not every flat has someone we know yet.
            if flat.is_multiple_of(4) {
                continue;
            }
            let given = pick(&GIVEN, n);
            let family = pick(&FAMILY, n * 7 + 3);
            let email = format!("{}.{}{}@example.org", given.to_lowercase().replace('â', "a"), family.to_lowercase(), n);
            let details = PersonDetails {
                given_name: Some(given.into()),
                family_name: Some(family.into()),
                emails: if n % 3 == 2 {
                    vec![]
                } else {
                    vec![EmailEntry { email: Email::parse("email", &email)?, status: SubscriptionStatus::Subscribed, primary: true }]
                },
                phones: if n.is_multiple_of(2) {
                    vec![PhoneEntry {
                        phone: Phone::parse("phone", &format!("07700 9{:05}", n))?,
                        number_type: PhoneType::Mobile,
                        status: SubscriptionStatus::Subscribed,
                        primary: true,
                    }]
                } else {
                    vec![]
                },
                addresses: vec![Address {
                    address_lines: vec![format!("Flat {flat}, {block}"), "Brookfield Estate".into()],
                    locality: Some("Tredegar".into()),
                    region: Some("Blaenau Gwent".into()),
                    postcode: Some(Postcode::parse("postcode", postcode)?),
                    country: Some("GB".into()),
                    primary: true,
                    ..Default::default()
                }],
                languages: if n.is_multiple_of(5) { vec!["English".into(), "Welsh".into()] } else { vec!["English".into()] },
                custom: vec![("tenancy".into(), pick(&TENANCIES, n).into()), ("joined".into(), format!("2026-0{}-1{}", 1 + n % 9, n % 10))],
            }
            .check()
            .map_err(|e| anyhow::anyhow!("demo data: {e}"))?;
            let id = PersonId::new();
            people::save(&mut tx, &scope, id, &details, now, true).await?;
            people::add_event(&mut tx, &scope, id, HistoryKind::Created, &format!("Met on the door at Flat {flat}, {block}"), now).await?;
            for (i, tag) in tag_ids.iter().enumerate() {
                if (n + i).is_multiple_of(3 + i) {
                    tags::add(&mut tx, &scope, *tag, id, now).await?;
                }
            }
            let assigned = block == "Bevan Court" && flat <= 6;
            if assigned {
                people::assign(&mut tx, &scope, id, volunteer.id, now).await?;
            }
            residents.push((id, assigned));
            homes.push((id, block, flat));
            n += 1;
        }
    }
    let campaigns = [
        CampaignText {
            title: "Stop the demolition of Brookfield Estate",
            description: "The council plans to knock down Lansbury Tower and Bevan Court. We demand refurbishment, not demolition, \
                          and a ballot of every resident before any decision.",
            status: CampaignStatus::Active,
            is_public: true,
            themes: &[],
        },
        CampaignText {
            title: "Fix the damp in Bevan Court",
            description: "Mould in half the flats. We demand a survey and repairs within 28 days.",
            status: CampaignStatus::Planning,
            is_public: false,
            themes: &[],
        },
    ];
    let mut campaign_ids = Vec::new();
    for text in &campaigns {
        let id = CampaignId::new();
        campaigns::save(&mut tx, &scope, id, text, now, true).await?;
        campaign_ids.push(id);
    }
    let volunteer_scope = Scope::for_member(&mut tx, volunteer.id, &group.slug).await?.context("demo volunteer has no membership")?;
    ladder(&mut tx, &scope, now).await?;
    let blocks = places::estate(&mut tx, &scope, &homes, now).await?;
    places::goals(&mut tx, &scope, &campaign_ids, &blocks, now).await?;
    let talked = conversations(&mut tx, [&scope, &volunteer_scope], &residents, &campaign_ids, now).await?;
    let everyone: Vec<PersonId> = residents.iter().map(|(id, _)| *id).collect();
    let linked = network::relationships(&mut tx, &scope, &everyone, now).await?;
    lists_and_calls(&mut tx, &scope, &tag_ids, &campaign_ids, volunteer.id, now).await?;
    events(&mut tx, &scope, &residents, &campaign_ids, volunteer.id, now).await?;
    if let Some((_, bevan)) = blocks.iter().find(|(name, _)| *name == "Bevan Court") {
        places::walk_lists(&mut tx, [&scope, &volunteer_scope], *bevan, now).await?;
    }
    aid::mutual_aid(&mut tx, [&scope, &volunteer_scope], volunteer.id, now).await?;
    if let Some(demolition) = campaign_ids.first() {
        accountability::campaign_plan(&mut tx, &scope, *demolition, now).await?;
    }
    let operator = crate::commands::operator(&mut tx, &group).await?;
    audit::record(&mut tx, &operator, AuditAction::Demo, &group.name, &format!("{n} demo residents added"), now).await?;
    tx.commit().await?;

    println!(
        "Filled '{}' with {n} residents of Brookfield Estate (72 flats in 3 blocks, with their landlords), 5 tags, 2 campaigns with their goals (the first with its demands, power map, plan and three councillors' scorecards, public), {talked} conversations, {linked} relationships, 3 events, Bevan Court cut into walk lists (the volunteer walks the first), and 5 needs for help (one offered to the volunteer).",
        group.name
    );
    print_logins(&url, &password);
    Ok(())
}

const THEMES: [&str; 7] =
    ["Damp and mould", "Repairs not done", "Demolition", "Rent rises", "Broken lifts", "Antisocial behaviour", "Service charges"];
const CARES: [&str; 6] = [
    "The children's asthma, from the mould in the back bedroom",
    "Keeping the flat the family has lived in for forty years",
    "Cannot afford another rent rise on a carer's allowance",
    "The lift: uses a wheelchair and has been stuck indoors for weeks",
    "Being moved off the estate, away from family and the children's school",
    "Waiting two years for the council to fix a leaking roof",
];
const ASKS: [&str; 3] =
    ["Come to the residents' meeting on Thursday", "Sign the pledge against demolition", "Knock on doors in your block with us"];

/// Conversations over the last four months: the organiser knocks on most
/// doors, the volunteer rings the people assigned to them. Each conversation
/// raises themes, makes an ask, moves the assessment on the demolition
/// campaign, and some leave a follow-up (a few overdue).
async fn conversations(
    tx: &mut tredegar_db::Tx,
    [organiser, volunteer]: [&Scope; 2],
    residents: &[(PersonId, bool)],
    campaigns: &[CampaignId],
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<usize> {
    use tredegar_db::{assessments, conversations, follow_ups};
    use tredegar_domain::{Answer, ConversationKind, Level};
    let [demolition, damp] = campaigns else { anyhow::bail!("demo campaigns missing") };
    let mut count = 0;
    for (i, (person, assigned)) in residents.iter().enumerate().filter(|(i, _)| i % 5 != 4) {
        let (scope, kind) = if *assigned { (volunteer, ConversationKind::PhoneCall) } else { (organiser, ConversationKind::DoorKnock) };
        let first = now - chrono::Duration::days(120 - (i as i64 * 7) % 110) - chrono::Duration::hours((i % 9) as i64);
        let answer = if i % 4 == 2 {
            Answer::No
        } else if i % 4 == 1 {
            Answer::Maybe
        } else {
            Answer::Yes
        };
        let themes = vec![pick(&THEMES, i).to_string(), pick(&THEMES, i * 3 + 1).to_string()];
        let c = conversations::NewConversation {
            kind,
            held_at: first,
            place: if *assigned { String::new() } else { "On the doorstep".into() },
            self_interest: pick(&CARES, i).into(),
            themes,
            ask: pick(&ASKS, i).into(),
            answer: Some(answer),
            commitments: if answer == Answer::Yes { "Will come, and bring a neighbour".into() } else { String::new() },
            notes: if i % 3 == 0 { "Works nights; best after 6pm.".into() } else { String::new() },
        };
        let conversation = conversations::log(tx, scope, *person, &c, first).await?;
        count += 1;
        let level = Level::try_from(1 + (i as i64 * 3 + 2) % 5).map_err(anyhow::Error::msg)?;
        assessments::set(tx, scope, *person, *demolition, level, "first conversation", first).await?;
        if i % 4 == 1 {
            assessments::set(tx, scope, *person, *damp, Level::try_from(2).map_err(anyhow::Error::msg)?, "mould in the flat", first)
                .await?;
        }
        // A second conversation a few weeks later moves some people up.
        if i % 3 == 0 && first < now - chrono::Duration::days(30) {
            let later = first + chrono::Duration::days(21);
            let again = conversations::NewConversation {
                held_at: later,
                kind: ConversationKind::OneToOne,
                place: "At the community centre".into(),
                ..c
            };
            conversations::log(tx, scope, *person, &again, later).await?;
            count += 1;
            let up = Level::try_from((i64::from(level.number()) - 1).max(1)).map_err(anyhow::Error::msg)?;
            assessments::set(tx, scope, *person, *demolition, up, "came to the meeting", later).await?;
        }
        if i % 4 == 0 {
            let assignee = scope.user_id().context("a demo member")?;
            let due = now.date_naive() + chrono::Duration::days((i % 12) as i64 - 4);
            let f = follow_ups::NewFollowUp {
                person: *person,
                conversation: Some(conversation),
                assignee,
                what: "Drop round a membership form",
                due_on: due,
            };
            follow_ups::add(tx, scope, &f, first).await?;
        }
    }
    Ok(count)
}

/// A segment of supporters nobody has spoken to for a month, a static list
/// of the tenants' committee, a call list of the segment for the volunteer,
/// a broadcast to the committee, ready to send, and the demolition petition.
async fn lists_and_calls(
    tx: &mut tredegar_db::Tx,
    scope: &Scope,
    tags: &[tredegar_domain::TagId],
    campaigns: &[CampaignId],
    volunteer: tredegar_domain::UserId,
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<()> {
    use tredegar_db::{calls, lists};
    use tredegar_domain::Level;
    use tredegar_domain::segments::{ListKind, Node, Rule};
    let (Some(demolition), Some(committee)) = (campaigns.first(), tags.first()) else { anyhow::bail!("demo campaigns or tags missing") };
    let levels = [1, 2].into_iter().map(Level::try_from).collect::<Result<Vec<_>, _>>().map_err(anyhow::Error::msg)?;
    let supporters =
        Node::All(vec![Node::Rule(Rule::Assessment { campaign: *demolition, levels }), Node::Rule(Rule::NotContactedInDays { days: 30 })]);
    let segment = lists::create(tx, scope, "Supporters not spoken to for a month", ListKind::Segment, &supporters, now).await?;
    let static_list = lists::create(tx, scope, "Tenants' committee", ListKind::Static, &Node::default(), now).await?;
    let members = people::list(
        tx,
        scope,
        &people::Search::Tagged(*committee),
        &Default::default(),
        people::Order::Name,
        tredegar_db::Page::everything(),
    )
    .await?
    .0;
    lists::add_people(tx, scope, static_list, &members.iter().map(|p| p.id).collect::<Vec<_>>(), now).await?;
    let script = "Hello, it's the Brookfield Estate Residents about the demolition plans. Have you heard about the ballot? \
                  Can you come to the meeting on Thursday at 7pm in the community centre?";
    calls::create(tx, scope, "Demolition ring-round", script, Node::Rule(Rule::OnList { list: segment }), &[volunteer], now).await?;
    // A draft, not sent: the demo's addresses are made up.
    let body = "Dear neighbours,\n\nThe council votes on the demolition plan on the 14th. Come to the committee meeting on Thursday \
                at 7pm in the community centre to plan the deputation.\n\nIn solidarity,\nBrookfield Estate Residents";
    tredegar_db::broadcasts::create(tx, scope, static_list, "Committee meeting: the demolition vote", body, now).await?;
    let petition = tredegar_domain::petitions::PetitionText {
        title: "Repair Brookfield Estate, don't demolish it".into(),
        body: "We, the residents of Brookfield Estate, ask the council to drop the plan to demolish our homes, \
               and to carry out the repairs it has put off for ten years: the damp in Bevan Court, the lifts in Lansbury Tower, \
               and the roofs of Attlee House.\n\nRefurbishment keeps our community together and costs less than rebuilding."
            .into(),
        target: "Blaenau Gwent County Borough Council".into(),
        goal: 500,
        ends_on: None,
        campaign: Some(*demolition),
        consent_wording: "Keep me updated by email about the estate and Brookfield Estate Residents".into(),
        frame_ancestors: Vec::new(),
    };
    tredegar_db::petitions::create(tx, scope, &petition, now).await?;
    Ok(())
}

/// Last week's residents' meeting (who came), next week's demo at the
/// council (RSVPs, the volunteer helping at the door), and a door-knocking
/// training that is full, with a waiting list.
async fn events(
    tx: &mut tredegar_db::Tx,
    scope: &Scope,
    residents: &[(PersonId, bool)],
    campaigns: &[CampaignId],
    volunteer: tredegar_domain::UserId,
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<()> {
    use tredegar_db::{attendances, events};
    use tredegar_domain::events::{EventKind, EventText, RsvpStatus};
    let at = |days: i64, hour: u32| {
        (now + chrono::Duration::days(days)).date_naive().and_hms_opt(hour, 0, 0).map(|t| t.and_utc()).context("a demo time")
    };
    let plans = [
        (EventKind::Meeting, "Residents' meeting: the demolition plan", at(-9, 18)?, "Brookfield Community Centre, NP22 3AE", None),
        (EventKind::Demo, "Deputation and demo at the council offices", at(6, 9)?, "Civic Centre, Ebbw Vale NP23 6XB", None),
        (EventKind::Training, "Door-knocking training", at(9, 18)?, "Brookfield Community Centre, NP22 3AE", Some(8)),
    ];
    let mut people = residents.iter().map(|(p, _)| *p);
    for (kind, title, starts_at, location, capacity) in plans {
        let text = EventText {
            kind,
            title: title.into(),
            description: "Tea, coffee and a crèche. Bring a neighbour.".into(),
            starts_at,
            ends_at: starts_at + chrono::Duration::hours(2),
            location: location.into(),
            capacity,
            is_public: true,
            remind_hours: 24,
            campaign: campaigns.first().copied(),
        };
        let id = events::create(tx, scope, &text, now).await?;
        let event = events::get(tx, scope, id).await?.context("the demo event")?;
        let came = starts_at < now;
        if event.kind().is_action() {
            events::add_helper(tx, scope, id, volunteer).await?;
        }
        let coming = if came { 14 } else { 10 };
        for (i, person) in people.by_ref().take(coming).enumerate() {
            let status =
                if capacity.is_some_and(|c| i64::try_from(i).unwrap_or(i64::MAX) >= c) { RsvpStatus::Waiting } else { RsvpStatus::Going };
            // At last week's meeting, most who said they'd come did.
            let attended = came && i % 4 != 3;
            attendances::record(tx, scope, &event, person, status, attended, if came { starts_at } else { now }).await?;
        }
    }
    Ok(())
}

/// A ladder of engagement: people climb it as the conversations are logged.
async fn ladder(tx: &mut tredegar_db::Tx, scope: &Scope, now: chrono::DateTime<chrono::Utc>) -> anyhow::Result<()> {
    use tredegar_domain::ladder::RungRule;
    let leader = tredegar_domain::Level::try_from(1).map_err(anyhow::Error::msg)?;
    let rungs = [
        ("Contacted", RungRule::Conversations { at_least: 1 }),
        ("Came to a meeting", RungRule::Meetings { at_least: 1 }),
        ("Took action", RungRule::SaidYes { at_least: 1 }),
        ("Brought others", RungRule::Recruited { at_least: 1 }),
        ("Leader", RungRule::AssessedAtMost { level: leader }),
    ];
    for (name, rule) in &rungs {
        tredegar_db::ladder::add_rung(tx, scope, name, Some(rule), None, now).await?;
    }
    Ok(())
}
