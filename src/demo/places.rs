//! The demo estate's places: one estate, three blocks, each flat floor by
//! floor, the residents in their flats, and who has owned each block: the
//! council built them; two were handed to a housing association in 2021,
//! which sold one on to a developer in 2025.

use chrono::NaiveDate;
use tredegar_db::walks::{self, Knock, Turf};
use tredegar_db::{Scope, Tx, goals, landlords, places, residents};
use tredegar_domain::campaigns::{Goal, GoalPlace};
use tredegar_domain::places::{Area, AreaKind, Building, BuildingKind, Organisation, OrganisationKind, Unit};
use tredegar_domain::walks::{Cut, DoorOutcome, Question};
use tredegar_domain::{BuildingId, CampaignId, Postcode};
use tredegar_domain::{KnockId, PersonId};

use super::BLOCKS;

const FLATS_A_FLOOR: u32 = 4;

fn day(y: i32, m: u32, d: u32) -> anyhow::Result<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| anyhow::anyhow!("demo date {y}-{m}-{d}"))
}

/// Build the estate and move each resident (`homes`: who, which block, which
/// flat) in. Returns the blocks by name.
pub(super) async fn estate(
    tx: &mut Tx,
    scope: &Scope,
    homes: &[(PersonId, &str, u32)],
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<Vec<(&'static str, BuildingId)>> {
    let estate = Area { name: "Brookfield Estate".into(), kind: AreaKind::Estate, boundary: None, target_percent: 51 };
    let area = places::add_area(tx, scope, &estate, now).await?;
    let mut blocks: Vec<(&'static str, BuildingId)> = Vec::new();
    for (name, postcode, flats) in BLOCKS {
        let building =
            Building { name: name.into(), kind: BuildingKind::Block, postcode: Postcode::parse("postcode", postcode)?, target_percent: 51 };
        let id = places::add_building(tx, scope, Some(area), &building, now).await?;
        for flat in 1..=flats {
            let unit = Unit {
                label: format!("Flat {flat}"),
                floor: Some(i64::from((flat - 1) / FLATS_A_FLOOR)),
                address_lines: format!("Flat {flat}, {name}\nBrookfield Estate"),
            };
            let unit_id = places::add_unit(tx, scope, id, &unit, now).await?;
            for (i, (person, _, _)) in homes.iter().enumerate().filter(|(_, (_, b, f))| *b == name && *f == flat) {
                let year = 2008 + i32::try_from(i % 16).unwrap_or(0);
                residents::move_in(tx, scope, *person, unit_id, (Some(day(year, 1 + u32::try_from(i % 12).unwrap_or(0), 1)?), None), now)
                    .await?;
            }
        }
        blocks.push((name, id));
    }
    let ids = blocks.clone();
    let owner = |name: &str, kind| Organisation { name: name.into(), kind, website: String::new(), notes: String::new() };
    let council = landlords::add(tx, scope, &owner("Blaenau Gwent County Borough Council", OrganisationKind::Council), now).await?;
    let mut cadwyn = owner("Cadwyn Homes Ltd", OrganisationKind::HousingAssociation);
    cadwyn.notes =
        "Took over Bevan Court and Lansbury Tower from the council in April 2021. Repairs line answers in weeks, not days.".into();
    let cadwyn = landlords::add(tx, scope, &cadwyn, now).await?;
    let northgate = landlords::add(tx, scope, &owner("Northgate Capital Partners", OrganisationKind::Developer), now).await?;
    let (built, transfer, sale) = (day(1968, 4, 1)?, day(2021, 4, 1)?, day(2025, 6, 30)?);
    for (name, building) in blocks {
        match name {
            "Attlee House" => {
                landlords::record_ownership(tx, scope, building, council, (Some(built), None), now).await?;
            }
            _ => {
                landlords::record_ownership(tx, scope, building, council, (Some(built), Some(transfer)), now).await?;
                let until = (name == "Lansbury Tower").then_some(sale);
                landlords::record_ownership(tx, scope, building, cadwyn, (Some(transfer), until), now).await?;
                if name == "Lansbury Tower" {
                    landlords::record_ownership(tx, scope, building, northgate, (Some(sale), None), now).await?;
                }
            }
        }
    }
    Ok(ids)
}

/// Bevan Court cut into walk lists of about a dozen doors, with two survey
/// questions; the volunteer walks the first, and has knocked a few doors.
pub(super) async fn walk_lists(
    tx: &mut Tx,
    [organiser, volunteer]: [&Scope; 2],
    bevan: BuildingId,
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<()> {
    let questions = [
        Question::check(1, "Would you join a rent strike if most of the block did?", "yes_no", "")?,
        Question::check(2, "What is the worst problem in your flat?", "choice", "Damp and mould, Repairs, Rent rises, Heating")?,
    ];
    let questions: Vec<Question> = questions.into_iter().flatten().collect();
    let turf = Turf {
        buildings: vec![bevan],
        cut: Cut { doors_per_list: 12, not_knocked_days: None, unassessed_only: false },
        campaign: None,
        segment: None,
    };
    // Cut this morning; knocked since.
    let made = walks::cut(tx, organiser, "Bevan Court damp survey", &turf, &questions, now - chrono::Duration::hours(3)).await?;
    let Some(first) = made.first().copied() else { return Ok(()) };
    let walker = volunteer.user_id().ok_or_else(|| anyhow::anyhow!("the demo volunteer has no account"))?;
    walks::set_walkers(tx, organiser, first, &[walker]).await?;
    let asked = walks::questions(tx, volunteer, first).await?;
    let living = walks::residents(tx, volunteer, first, None, now.date_naive()).await?;
    let doors = walks::doors(tx, volunteer, first).await?;
    let answers = ["yes", "Damp and mould", "no", "Repairs", "yes", "Damp and mould"];
    for (i, door) in doors.iter().take(6).enumerate() {
        let person = living.iter().find(|r| r.unit_id == door.unit_id).map(|r| r.person_id);
        let outcome = match (i % 3, person) {
            (0, _) | (_, None) => DoorOutcome::NotHome,
            _ => DoorOutcome::Spoke,
        };
        let given = if outcome == DoorOutcome::Spoke {
            asked.iter().zip(answers.iter().skip(i % 3 * 2)).map(|(q, a)| (q.id, (*a).to_string())).collect()
        } else {
            Vec::new()
        };
        let at = now - chrono::Duration::minutes(i64::try_from(90 - i * 10).unwrap_or(0));
        let knock = Knock {
            id: KnockId::new(),
            unit: door.unit_id,
            person: person.filter(|_| outcome == DoorOutcome::Spoke),
            outcome,
            answers: given,
            conversation: None,
            knocked_at: at,
        };
        walks::record(tx, volunteer, first, &knock, now).await?;
    }
    Ok(())
}

/// The campaigns' goals: a majority of the estate behind the fight against
/// demolition, and most of Bevan Court behind the damp repairs, by spring.
pub(super) async fn goals(
    tx: &mut Tx,
    scope: &Scope,
    campaigns: &[CampaignId],
    blocks: &[(&'static str, BuildingId)],
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<()> {
    let areas = places::areas(tx, scope).await?;
    let ([demolition, damp], Some(estate), Some((_, bevan))) =
        (campaigns, areas.first(), blocks.iter().find(|(name, _)| *name == "Bevan Court"))
    else {
        anyhow::bail!("demo campaigns or places missing");
    };
    let estate = Goal { place: GoalPlace::Area(estate.id), target_percent: 51, by: None };
    goals::set(tx, scope, *demolition, &estate, now).await?;
    let spring = (now + chrono::Duration::days(120)).date_naive();
    let bevan = Goal { place: GoalPlace::Building(*bevan), target_percent: 60, by: Some(spring) };
    goals::set(tx, scope, *damp, &bevan, now).await?;
    Ok(())
}
