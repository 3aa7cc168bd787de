//! Structure tests: for a building or an area, how many units there are, and
//! how many have a known resident, a resident we have spoken with, and a
//! resident who supports us (assessment 1 or 2), on a given day. The past is
//! read from residency dates, conversation times and the assessments'
//! history, so the same query draws the chart of how it changed.

use chrono::{DateTime, NaiveDate, Utc};
use tredegar_domain::{AreaId, BuildingId, CampaignId, UnitId};

use crate::{Result, Scope, Sql, Tx};

/// The units a structure test counts.
#[derive(Clone, Copy, Debug)]
pub enum Place {
    Building(BuildingId),
    Area(AreaId),
}

/// One unit on one day.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct UnitStatus {
    pub unit_id: UnitId,
    pub building_id: BuildingId,
    pub floor: Option<i64>,
    pub known: bool,
    pub spoken: bool,
    pub supporter: bool,
}

impl UnitStatus {
    /// Where the unit stands, best first: 0 a supporter lives there, 1 we
    /// have spoken with a resident, 2 a resident is known, 3 nobody is.
    pub fn rank(&self) -> usize {
        if self.supporter {
            0
        } else if self.spoken {
            1
        } else if self.known {
            2
        } else {
            3
        }
    }
}

/// The counts over some units.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Figures {
    pub units: i64,
    pub known: i64,
    pub spoken: i64,
    pub supporters: i64,
}

impl Figures {
    pub fn of<'a>(units: impl IntoIterator<Item = &'a UnitStatus>) -> Figures {
        units.into_iter().fold(Figures::default(), |f, u| Figures {
            units: f.units + 1,
            known: f.known + i64::from(u.known),
            spoken: f.spoken + i64::from(u.spoken),
            supporters: f.supporters + i64::from(u.supporter),
        })
    }

    /// The share of units with a supporter, in whole per cent (rounded down).
    pub fn percent(&self) -> i64 {
        if self.units == 0 { 0 } else { self.supporters * 100 / self.units }
    }

    /// Whether the share reaches the target.
    pub fn meets(&self, target_percent: i64) -> bool {
        self.units > 0 && self.supporters * 100 >= target_percent * self.units
    }
}

/// Appends "the residency `r` of unit `u` holds on `day`, and so does
/// whatever else `more` adds" as one EXISTS.
fn resident_exists(q: &mut Sql, join: &'static str, day: NaiveDate, more: impl FnOnce(&mut Sql)) {
    q.push("EXISTS (SELECT 1 FROM residencies r").push(join).push(" WHERE r.unit_id = u.id AND ");
    crate::residents::current(q, day);
    more(q);
    q.push(")");
}

/// Each unit of the place as it stood at the end of `day`, for a campaign's
/// supporters or (with none) anyone's. For organisers: it says which flats
/// hold supporters.
pub async fn units(tx: &mut Tx, scope: &Scope, place: Place, campaign: Option<CampaignId>, day: NaiveDate) -> Result<Vec<UnitStatus>> {
    let end: DateTime<Utc> = (day + chrono::Duration::days(1)).and_time(chrono::NaiveTime::MIN).and_utc();
    let mut q = Sql::new("SELECT u.id AS unit_id, u.building_id, u.floor, ");
    resident_exists(&mut q, "", day, |_| {});
    q.push(" AS known, ");
    resident_exists(&mut q, " JOIN conversations c ON c.person_id = r.person_id", day, |q| {
        q.push(" AND c.held_at < ").bind(end);
    });
    q.push(" AS spoken, ");
    // Their latest assessment by the end of the day puts them at 1 or 2.
    resident_exists(&mut q, " JOIN assessment_changes ac ON ac.person_id = r.person_id", day, |q| {
        q.push(" AND ac.to_level <= 2 AND ac.at < ").bind(end);
        if let Some(c) = campaign {
            q.push(" AND ac.campaign_id = ").bind(c);
        }
        q.push(" AND NOT EXISTS (SELECT 1 FROM assessment_changes later WHERE later.person_id = ac.person_id");
        q.push(" AND later.campaign_id = ac.campaign_id AND later.at > ac.at AND later.at < ").bind(end).push(")");
    });
    q.push(" AS supporter FROM units u");
    match place {
        Place::Building(b) => {
            q.push(" WHERE u.building_id = ").bind(b);
        }
        Place::Area(a) => {
            q.push(" JOIN buildings b ON b.id = u.building_id WHERE b.area_id = ").bind(a);
        }
    }
    q.push(" AND u.group_id = ").bind(scope.group_id());
    q.fetch_all(tx).await
}

/// How many units stood at each rank (see `UnitStatus::rank`) on each of
/// these days: the chart of how the place was organised.
pub async fn over_time(
    tx: &mut Tx,
    scope: &Scope,
    place: Place,
    campaign: Option<CampaignId>,
    days: &[NaiveDate],
) -> Result<Vec<(NaiveDate, [i64; 4])>> {
    let mut out = Vec::with_capacity(days.len());
    for day in days {
        out.push((*day, ranks(&units(tx, scope, place, campaign, *day).await?)));
    }
    Ok(out)
}

/// How many of these units stand at each rank (see `UnitStatus::rank`).
pub fn ranks(units: &[UnitStatus]) -> [i64; 4] {
    let mut counts = [0i64; 4];
    for u in units {
        if let Some(n) = counts.get_mut(u.rank()) {
            *n += 1;
        }
    }
    counts
}

/// An issue raised at a building, and in how many conversations.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Raised {
    pub theme: String,
    pub conversations: i64,
}

/// The issues raised in conversations with the people living in a building
/// at the time, most raised first. They belong to the building, so they
/// stay with it when it is sold.
pub async fn issues_at(tx: &mut Tx, scope: &Scope, building: BuildingId) -> Result<Vec<Raised>> {
    Ok(fetch_all!(
        tx,
        Raised,
        "SELECT t.name AS theme, COUNT(DISTINCT c.id) AS conversations FROM units u \
         JOIN residencies r ON r.unit_id = u.id JOIN conversations c ON c.person_id = r.person_id \
         JOIN conversation_themes ct ON ct.conversation_id = c.id JOIN themes t ON t.id = ct.theme_id \
         WHERE u.building_id = $1 AND u.group_id = $2 \
         AND (r.moved_in IS NULL OR c.held_at >= r.moved_in) AND (r.moved_out IS NULL OR c.held_at < r.moved_out) \
         GROUP BY t.name ORDER BY COUNT(DISTINCT c.id) DESC, t.name LIMIT 50",
        building,
        scope.group_id()
    )?)
}
