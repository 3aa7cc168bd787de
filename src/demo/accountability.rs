//! The demo's campaign plan and accountability: the demolition campaign's
//! demands (one won after a consultation), the listening theme it answers,
//! three councillors with their pledges, votes and public scorecards, a
//! power map that moved over the summer, and an escalation plan with a step
//! done and the next ones to come.

use chrono::{DateTime, Duration, Utc};
use tredegar_db::{Scope, Tx, campaigns, conversations, demands, landlords, power_maps, representatives, wins};
use tredegar_domain::CampaignId;
use tredegar_domain::campaigns::{DemandStatus, Moment};
use tredegar_domain::power_maps::{Actor, Placing, Step, StepKind, Who};
use tredegar_domain::representatives::{Change, Entry, Office, OfficeKind, Pledge, PledgeStatus, RecordKind, Representative, Vote};

/// Councillors: name, party, ward.
const COUNCILLORS: [(&str, &str, &str); 3] = [
    ("Cllr Dai Morgan", "Labour", "Tredegar Central and West"),
    ("Cllr Ann Hughes", "Independent", "Tredegar Central and West"),
    ("Cllr Rhys Pritchard", "Plaid Cymru", "Georgetown"),
];

pub async fn campaign_plan(tx: &mut Tx, scope: &Scope, demolition: CampaignId, now: DateTime<Utc>) -> anyhow::Result<()> {
    let days = |n: i64| now - Duration::days(n);
    let day = |n: i64| days(n).date_naive();
    // The campaign answers the listening's "Demolition" theme, and is public.
    let theme = conversations::theme(tx, scope, "Demolition", now).await?;
    if let Some(c) = campaigns::get(tx, scope, demolition).await? {
        let text =
            campaigns::CampaignText { title: &c.title, description: &c.description, status: c.status, is_public: true, themes: &[theme] };
        campaigns::save(tx, scope, demolition, &text, now, false).await?;
    }
    demands::add(tx, scope, demolition, "Refurbish Lansbury Tower and Bevan Court: no demolition", days(150)).await?;
    let ballot = demands::add(tx, scope, demolition, "A ballot of every resident before any decision", days(150)).await?;
    for (status, why, n) in [
        (DemandStatus::PartlyWon, "The council agreed to consult, but not to a ballot", 60),
        (DemandStatus::Won, "Cabinet agreed a binding ballot", 12),
    ] {
        let change = Change { status, reason: why.into(), evidence_url: "https://democracy.example.gov.uk/cabinet".into(), document: None };
        demands::change(tx, scope, demolition, ballot, &change, days(n)).await?;
    }

    // The timeline: what happened, and the win.
    let moments = [
        (140, "Residents' meeting: 60 came, the demands agreed", None),
        (120, "Letter to the cabinet member for housing", None),
        (90, "The council replied: no ballot, a consultation instead", None),
        (12, "Cabinet agreed a binding ballot of residents", Some(ballot)),
    ];
    for (n, title, won) in moments {
        let moment = Moment {
            happened_on: day(n),
            title: title.into(),
            detail: String::new(),
            evidence_url: String::new(),
            win: won.map(|d| (d, DemandStatus::Won)),
        };
        wins::add(tx, scope, demolition, &moment, None, days(n)).await?;
    }

    let mut reps = Vec::new();
    for (name, party, ward) in COUNCILLORS {
        let office = Office {
            kind: OfficeKind::Councillor,
            post: ward.into(),
            body: "Blaenau Gwent Council".into(),
            party: party.into(),
            ..Office::default()
        };
        let email = format!("{}@example.gov.uk", name.trim_start_matches("Cllr ").to_lowercase().replace(' ', "."));
        let rep = Representative { name: name.into(), party: party.into(), email, office, ..Representative::default() };
        reps.push(representatives::save(tx, scope, None, &rep, true, days(200)).await?);
    }
    let [dai, ann, rhys] = reps[..] else { anyhow::bail!("demo councillors missing") };
    let hustings = "https://www.example.org/brookfield-hustings";
    let pledge = |text: &str| Pledge { text: text.into(), made_on: day(180), source_url: hustings.into(), document: None };
    let oppose = representatives::pledges::add(
        tx,
        scope,
        dai,
        &pledge("I will oppose the demolition of Bevan Court"),
        (Some(demolition), None),
        days(180),
    )
    .await?;
    for (status, why, n) in [
        (PledgeStatus::InTheWorks, "Spoke against it at scrutiny", 120),
        (PledgeStatus::Broken, "Voted for the demolition plan at full council", 30),
    ] {
        let change = Change { status, reason: why.into(), evidence_url: "https://democracy.example.gov.uk/minutes".into(), document: None };
        representatives::pledges::change(tx, scope, oppose, &change, days(n)).await?;
    }
    let vote_ballot = representatives::pledges::add(
        tx,
        scope,
        ann,
        &pledge("I will vote for a ballot of residents"),
        (Some(demolition), Some(ballot)),
        days(180),
    )
    .await?;
    let kept = Change {
        status: PledgeStatus::Kept,
        reason: "Seconded the ballot motion".into(),
        evidence_url: "https://democracy.example.gov.uk/minutes".into(),
        document: None,
    };
    representatives::pledges::change(tx, scope, vote_ballot, &kept, days(12)).await?;
    representatives::pledges::add(
        tx,
        scope,
        rhys,
        &pledge("I will hold a surgery on the estate every month"),
        (Some(demolition), None),
        days(180),
    )
    .await?;
    // Two votes: on the demolition plan (the campaign wanted against) and the ballot motion (for).
    let votes = [
        (dai, Vote::For, Vote::Against, 30, "Full council: the estate demolition plan"),
        (ann, Vote::Against, Vote::Against, 30, "Full council: the estate demolition plan"),
        (rhys, Vote::Absent, Vote::Against, 30, "Full council: the estate demolition plan"),
        (dai, Vote::Against, Vote::For, 12, "Cabinet: a ballot of residents"),
        (ann, Vote::For, Vote::For, 12, "Cabinet: a ballot of residents"),
    ];
    for (rep, cast, wanted, n, title) in votes {
        let entry = Entry {
            kind: RecordKind::Vote,
            on_date: day(n),
            title: title.into(),
            detail: String::new(),
            evidence_url: "https://democracy.example.gov.uk/minutes".into(),
            document: None,
            vote: Some((cast, wanted)),
        };
        representatives::records::add(tx, scope, rep, &entry, Some(demolition), &[], days(n)).await?;
    }

    // The power map: placed in the spring, moved since.
    let landlord = landlords::list(tx, scope, tredegar_db::Page::new(1, 1)).await?.0.into_iter().next();
    let mut actors = vec![
        (Some(Who::Representative(dai)), "", "Cabinet member for housing", 9, -2, true),
        (Some(Who::Representative(ann)), "", "Ward councillor", 5, 4, false),
        (None, "South Wales Argus", "Local paper", 5, 0, false),
        (None, "Tredegar Chapel", "Where half the estate meets on Sundays", 3, 3, false),
    ];
    if let Some(l) = &landlord {
        actors.push((Some(Who::Organisation(l.id)), "", "Landlord of Bevan Court", 8, -5, true));
    }
    let mut ids = Vec::new();
    for (who, name, role, influence, stance, is_target) in actors {
        let actor =
            Actor { name: name.into(), who, role: role.into(), placing: Placing { influence, stance, note: String::new() }, is_target };
        ids.push(power_maps::add(tx, scope, demolition, &actor, days(150)).await?);
    }
    let [dai_on_map, ann_on_map, _, chapel, ..] = ids[..] else { anyhow::bail!("demo power map missing") };
    let moved = Placing { influence: 9, stance: -4, note: "Voted for the demolition plan".into() };
    power_maps::place(tx, scope, demolition, dai_on_map, &moved, days(30)).await?;
    power_maps::link(tx, scope, demolition, chapel, ann_on_map, "Her chapel", days(150)).await?;
    power_maps::link(tx, scope, demolition, ann_on_map, dai_on_map, "Same group on the council", days(150)).await?;

    let steps = [
        (StepKind::Letter, "Letter to the cabinet member for housing", -120, true),
        (StepKind::Petition, "Petition: no demolition without a ballot", -60, true),
        (StepKind::Deputation, "Deputation to full council", 14, false),
        (StepKind::Demo, "March from the estate to the civic centre", 35, false),
    ];
    for (kind, title, n, done) in steps {
        let step = Step { kind, title: title.into(), planned_on: (now + Duration::days(n)).date_naive(), note: String::new() };
        let id = power_maps::add_step(tx, scope, demolition, &step, None, days(150)).await?;
        if done {
            power_maps::done(tx, scope, demolition, id, Some((now + Duration::days(n)).date_naive())).await?;
        }
    }
    Ok(())
}
