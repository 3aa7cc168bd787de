//! Assessments: where each person stands on each campaign, 1 to 5, with every
//! change kept (who, when, from what, to what, and why).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use tredegar_domain::assessments::LevelNames;
use tredegar_domain::{AssessmentChangeId, CampaignId, Level, PersonId};

use crate::{DbError, Result, Scope, Sql, Tx, Window};

/// The group's names for the levels.
pub async fn level_names(tx: &mut Tx, scope: &Scope) -> Result<LevelNames> {
    #[derive(sqlx::FromRow)]
    struct Named {
        level: Level,
        name: String,
    }
    let rows = fetch_all!(tx, Named, "SELECT level, name FROM assessment_levels WHERE group_id = $1", scope.group_id())?;
    Ok(LevelNames::with(rows.into_iter().map(|r| (r.level, r.name))))
}

/// Give a level the group's own name.
pub async fn rename_level(tx: &mut Tx, scope: &Scope, level: Level, name: &str) -> Result<()> {
    execute!(
        tx,
        "INSERT INTO assessment_levels (group_id, level, name) VALUES ($1, $2, $3) ON CONFLICT (group_id, level) DO UPDATE SET name = excluded.name",
        scope.group_id(),
        level,
        name
    )?;
    Ok(())
}

/// A person's current level on one campaign.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Assessment {
    pub campaign_id: CampaignId,
    pub campaign_title: String,
    pub level: Level,
    pub set_at: DateTime<Utc>,
}

/// A person's levels, one per campaign they are assessed on.
pub async fn of_person(tx: &mut Tx, scope: &Scope, person: PersonId) -> Result<Vec<Assessment>> {
    let mut q = Sql::new(
        "SELECT a.campaign_id, c.title AS campaign_title, a.level, a.set_at FROM assessments a JOIN campaigns c ON c.id = a.campaign_id \
         JOIN people p ON p.id = a.person_id WHERE a.person_id = ",
    );
    q.bind(person).push(" AND ");
    scope.visible_people(&mut q, "p");
    q.push(" ORDER BY c.title");
    q.fetch_all(tx).await
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct AssessmentChange {
    pub person_id: PersonId,
    pub campaign_id: CampaignId,
    pub campaign_title: String,
    pub from_level: Option<Level>,
    pub to_level: Level,
    pub reason: String,
    pub by_name: String,
    pub at: DateTime<Utc>,
}

/// Every change of a person's levels, newest first.
pub async fn changes_of_person(tx: &mut Tx, scope: &Scope, person: PersonId, window: Window) -> Result<Vec<AssessmentChange>> {
    let mut q = Sql::new(
        "SELECT h.person_id, h.campaign_id, c.title AS campaign_title, h.from_level, h.to_level, h.reason, h.by_name, h.at \
         FROM assessment_changes h JOIN campaigns c ON c.id = h.campaign_id JOIN people p ON p.id = h.person_id WHERE h.person_id = ",
    );
    q.bind(person).push(" AND ");
    scope.visible_people(&mut q, "p");
    q.window(window, "h.at", " ORDER BY h.at DESC, h.id DESC");
    q.fetch_all(tx).await
}

/// Set a person's level on a campaign of the scope's group, keeping the
/// change. Setting the level they already have changes nothing; `false` then.
pub async fn set(
    tx: &mut Tx,
    scope: &Scope,
    person: PersonId,
    campaign: CampaignId,
    level: Level,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<bool> {
    if !crate::people::acts_on(tx, scope, person, now).await? {
        return Err(DbError::NotFound);
    }
    if crate::campaigns::get(tx, scope, campaign).await?.is_none() {
        return Err(tredegar_domain::Problem::new("campaign", "is not one of the group's campaigns").into());
    }
    let before = scalar!(tx, Level, "SELECT level FROM assessments WHERE person_id = $1 AND campaign_id = $2", person, campaign)?;
    if before == Some(level) {
        return Ok(false);
    }
    execute!(
        tx,
        "INSERT INTO assessments (group_id, person_id, campaign_id, level, set_at) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (person_id, campaign_id) DO UPDATE SET level = excluded.level, set_at = excluded.set_at",
        scope.group_id(),
        person,
        campaign,
        level,
        now
    )?;
    execute!(
        tx,
        "INSERT INTO assessment_changes (id, group_id, person_id, campaign_id, from_level, to_level, reason, by_name, at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        AssessmentChangeId::new(),
        scope.group_id(),
        person,
        campaign,
        before,
        level,
        reason,
        scope.actor_name(),
        now
    )?;
    crate::ladder::refresh(tx, scope, person, "after an assessment", now).await?;
    Ok(true)
}

/// How many people sit at each level of a campaign now.
pub async fn counts(tx: &mut Tx, scope: &Scope, campaign: CampaignId) -> Result<[i64; 5]> {
    #[derive(sqlx::FromRow)]
    struct Count {
        level: Level,
        n: i64,
    }
    let rows = fetch_all!(
        tx,
        Count,
        "SELECT level, COUNT(*) AS n FROM assessments WHERE campaign_id = $1 AND group_id = $2 GROUP BY level",
        campaign,
        scope.group_id()
    )?;
    let mut out = [0; 5];
    for r in rows {
        if let Some(slot) = out.get_mut(r.level.index()) {
            *slot = r.n;
        }
    }
    Ok(out)
}

/// The counts at each level at each of the given moments (in order), replayed
/// from the history of changes.
pub async fn counts_over_time(tx: &mut Tx, scope: &Scope, campaign: CampaignId, moments: &[DateTime<Utc>]) -> Result<Vec<[i64; 5]>> {
    #[derive(sqlx::FromRow)]
    struct Change {
        person_id: PersonId,
        to_level: Level,
        at: DateTime<Utc>,
    }
    let Some(last) = moments.last() else {
        return Ok(Vec::new());
    };
    let changes = fetch_all!(
        tx,
        Change,
        "SELECT person_id, to_level, at FROM assessment_changes WHERE campaign_id = $1 AND group_id = $2 AND at <= $3 ORDER BY at, id",
        campaign,
        scope.group_id(),
        *last
    )?;
    let mut now: HashMap<PersonId, Level> = HashMap::new();
    let mut changes = changes.into_iter().peekable();
    let mut out = Vec::with_capacity(moments.len());
    for moment in moments {
        while let Some(c) = changes.next_if(|c| c.at <= *moment) {
            now.insert(c.person_id, c.to_level);
        }
        let mut counts = [0; 5];
        for level in now.values() {
            if let Some(slot) = counts.get_mut(level.index()) {
                *slot += 1;
            }
        }
        out.push(counts);
    }
    Ok(out)
}
