//! The demo's mutual aid: the kinds of help the residents give each other,
//! what the volunteer and the organiser offer, and a handful of needs at
//! every step, so each page has something on it: one new, one ready to
//! offer, one offered to the volunteer (waiting on their answer under My
//! help), one they took on (so they see who and where; it comes round
//! weekly), and one the organiser did, which points to the damp and whose
//! requester said how it went and would like to get involved.

use chrono::{DateTime, Duration, Utc};
use tredegar_db::aid::{self, follow, offers};
use tredegar_db::{Scope, Tx};
use tredegar_domain::aid::{HowItWent, Need, NeedSource, NeedStatus, Offer, Repeats, Urgency};
use tredegar_domain::{AidCategoryId, Email, Phone, Postcode, UserId};

const KINDS: [(&str, bool); 6] = [
    ("Groceries", false),
    ("Prescriptions", false),
    ("Lifts to appointments", false),
    ("Befriending", true),
    ("Small repairs", false),
    ("Translation", false),
];

/// Who needs what: name, phone, kind of help, what, how soon, where.
const NEEDS: [(&str, &str, usize, &str, Urgency, &str); 5] = [
    (
        "Gwen Morgan",
        "07700 900301",
        0,
        "A week's shopping: bread, milk, tea, tins. She is on crutches until March.",
        Urgency::ThisWeek,
        "Flat 4, Bevan Court",
    ),
    (
        "Idris Bowen",
        "07700 900302",
        1,
        "Collect a repeat prescription from the chemist on Castle Street.",
        Urgency::Today,
        "Flat 11, Lansbury Tower",
    ),
    (
        "Megan Pugh",
        "07700 900303",
        2,
        "A lift to Nevill Hall hospital for a 10am appointment on Thursday.",
        Urgency::ThisWeek,
        "Flat 2, Attlee House",
    ),
    (
        "Alun Rees",
        "07700 900304",
        3,
        "A weekly visit: he has not been out since his wife died.",
        Urgency::WhenPossible,
        "Flat 19, Lansbury Tower",
    ),
    ("Nia Lewis", "07700 900305", 4, "The kitchen cupboard door has come off its hinge.", Urgency::WhenPossible, "Flat 7, Bevan Court"),
];

pub(super) async fn mutual_aid(
    tx: &mut Tx,
    [organiser, volunteer]: [&Scope; 2],
    volunteer_id: UserId,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let mut kinds: Vec<AidCategoryId> = Vec::new();
    for (name, check) in KINDS {
        kinds.push(offers::add_category(tx, organiser, name, offers::Rules { needs_check: check, auto_match: false }, now).await?);
    }
    let kind = |i: usize| kinds.get(i).copied().ok_or_else(|| anyhow::anyhow!("demo kind of help {i} missing"));
    let every_day = 0b111_1111;
    let postcode = Postcode::parse("postcode", "NP22 3AB")?;
    let volunteers_offer = Offer {
        categories: Vec::new(),
        postcode: Some(postcode.clone()),
        radius_km: 3,
        days: every_day,
        from_hour: 9,
        to_hour: 18,
        transport: true,
        paused: false,
        per_week: 3,
    };
    offers::save(tx, volunteer, &volunteers_offer, &[kind(0)?, kind(1)?, kind(2)?], now).await?;
    offers::save(tx, organiser, &Offer { per_week: 2, transport: false, ..volunteers_offer }, &[kind(0)?, kind(3)?, kind(4)?], now).await?;
    let mut ids = Vec::new();
    for (i, (name, phone, kind_at, what, urgency, address)) in NEEDS.into_iter().enumerate() {
        let need = Need {
            category: String::new(),
            description: what.into(),
            urgency,
            from_on: None,
            to_on: None,
            name: name.into(),
            address: format!("{address}\nBrookfield Estate, Tredegar"),
            postcode: postcode.clone(),
            phone: Some(Phone::parse("phone", phone)?),
            email: None::<Email>,
            how_to_contact: if i == 0 { "Knock loudly: the bell is broken".into() } else { String::new() },
            asked_by: if i == 3 { "Mair Rees, his sister-in-law, 07700 900399".into() } else { String::new() },
            // The shopping comes round every week, by the same volunteer.
            repeats: if i == 0 { Repeats::Weekly } else { Repeats::Never },
            same_volunteer: i == 0,
            involve: i == 2,
        };
        let asked = now - Duration::hours(30 - 5 * i64::try_from(i)?);
        ids.push(
            aid::add(tx, organiser, &need, kind(kind_at)?, if i % 2 == 0 { NeedSource::Form } else { NeedSource::Coordinator }, asked)
                .await?,
        );
    }
    let at = |h: i64| now - Duration::hours(h);
    let [shopping, prescription, lift, _visit, repair] = ids.as_slice() else { anyhow::bail!("demo needs missing") };
    // Shopping: taken on by the volunteer. The prescription: offered to them. The lift: ready to offer.
    aid::change(tx, organiser, *shopping, NeedStatus::Offered, Some(volunteer_id), "", at(20)).await?;
    aid::change(tx, volunteer, *shopping, NeedStatus::Accepted, None, "", at(19)).await?;
    aid::change(tx, organiser, *prescription, NeedStatus::Offered, Some(volunteer_id), "Chemist shuts at 6", at(2)).await?;
    aid::change(tx, organiser, *lift, NeedStatus::Triaged, None, "Check she can manage the car", at(1)).await?;
    // The repair: the organiser did it themselves.
    let me = organiser.user_id();
    aid::change(tx, organiser, *repair, NeedStatus::Offered, me, "", at(9)).await?;
    aid::change(tx, organiser, *repair, NeedStatus::Accepted, None, "", at(8)).await?;
    aid::change(tx, organiser, *repair, NeedStatus::Done, None, "New hinge fitted", at(3)).await?;
    // The door was rotten with damp: the repair points at the landlord, and
    // the one helped said how it went and would like to get involved.
    let damp = tredegar_db::conversations::theme(tx, organiser, "Damp and mould", now).await?;
    let repair_row = aid::get(tx, organiser, *repair).await?.ok_or_else(|| anyhow::anyhow!("the demo repair"))?;
    follow::set_themes(tx, organiser, &repair_row, &[damp]).await?;
    let wording = tredegar_domain::aid::involve_wording(organiser.group_name());
    let said = follow::Feedback {
        how: HowItWent::WentWell,
        by_card: true,
        note: "Quick and tidy. The whole block has this damp.",
        involve: true,
        wording: &wording,
    };
    follow::give_feedback(tx, organiser, *repair, &said, at(2)).await?;
    Ok(())
}
