//! A campaign's power map: its actors, where each stands, who influences
//! whom, and every placing kept so the map can be replayed as it stood on
//! any day. And its escalation plan: dated actions, each perhaps carried by
//! a petition or an event.

use chrono::{DateTime, NaiveDate, Utc};
use tredegar_domain::power_maps::{Actor, ActorKind, Placing, Step, StepKind, Who};
use tredegar_domain::{ActorId, CampaignId, EventId, PetitionId, StepId};

use crate::{DbError, Result, Scope, Tx};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ActorRow {
    pub id: ActorId,
    pub name: String,
    pub kind: ActorKind,
    pub person_id: Option<tredegar_domain::PersonId>,
    pub organisation_id: Option<tredegar_domain::OrganisationId>,
    pub representative_id: Option<tredegar_domain::RepresentativeId>,
    pub role: String,
    pub influence: i64,
    pub stance: i64,
    pub note: String,
    pub is_target: bool,
}

const ACTOR: &str =
    "SELECT id, name, kind, person_id, organisation_id, representative_id, role, influence, stance, note, is_target FROM actors";

/// The actors on a campaign's map now, by name.
pub async fn actors(tx: &mut Tx, scope: &Scope, campaign: CampaignId) -> Result<Vec<ActorRow>> {
    let sql = format!("{ACTOR} WHERE campaign_id = $1 AND group_id = $2 AND removed_at IS NULL ORDER BY name, id");
    Ok(fetch_all!(tx, ActorRow, sqlx::AssertSqlSafe(sql), campaign, scope.group_id())?)
}

/// The map as it stood at the end of `at`: each actor as last placed by
/// then, leaving out those not yet on it or taken off.
pub async fn actors_on(tx: &mut Tx, scope: &Scope, campaign: CampaignId, at: DateTime<Utc>) -> Result<Vec<ActorRow>> {
    let sql = "SELECT a.id, a.name, a.kind, a.person_id, a.organisation_id, a.representative_id, a.role, c.influence, c.stance, c.note, a.is_target \
               FROM actors a JOIN actor_changes c ON c.actor_id = a.id \
               WHERE a.campaign_id = $1 AND a.group_id = $2 AND c.changed_at <= $3 AND NOT c.removed \
               AND c.id = (SELECT l.id FROM actor_changes l WHERE l.actor_id = a.id AND l.changed_at <= $3 ORDER BY l.changed_at DESC, l.id DESC LIMIT 1) \
               ORDER BY a.name, a.id";
    Ok(fetch_all!(tx, ActorRow, sql, campaign, scope.group_id(), at)?)
}

/// The name a chosen record goes by, if it is the group's.
async fn name_of(tx: &mut Tx, scope: &Scope, who: Who, now: DateTime<Utc>) -> Result<Option<String>> {
    Ok(match who {
        Who::Person(p) => crate::people::to_act_on(tx, scope, p, now).await?.map(|p| p.display_name()),
        Who::Organisation(o) => crate::landlords::get(tx, scope, o).await?.map(|o| o.name),
        Who::Representative(r) => crate::representatives::get(tx, scope, r).await?.map(|r| r.name),
    })
}

/// Put an actor on a campaign's map.
pub async fn add(tx: &mut Tx, scope: &Scope, campaign: CampaignId, actor: &Actor, now: DateTime<Utc>) -> Result<ActorId> {
    crate::campaigns::get(tx, scope, campaign).await?.ok_or(DbError::NotFound)?;
    // Someone the group holds goes by the name it holds for them.
    let (name, kind) = match actor.who {
        Some(who) => (name_of(tx, scope, who, now).await?.ok_or(DbError::NotFound)?, who.kind()),
        None => (actor.name.clone(), ActorKind::Other),
    };
    let (person, organisation, representative) = match actor.who {
        Some(Who::Person(p)) => (Some(p), None, None),
        Some(Who::Organisation(o)) => (None, Some(o), None),
        Some(Who::Representative(r)) => (None, None, Some(r)),
        None => (None, None, None),
    };
    let already = scalar!(
        tx,
        i64,
        "SELECT COUNT(*) FROM actors WHERE campaign_id = $1 AND removed_at IS NULL AND (person_id = $2 OR organisation_id = $3 OR representative_id = $4)",
        campaign,
        person,
        organisation,
        representative
    )?;
    if already.unwrap_or(0) > 0 {
        return Err(tredegar_domain::Problem::new("who", "is already on the map: move them there instead").into());
    }
    let id = ActorId::new();
    let p = &actor.placing;
    execute!(
        tx,
        "INSERT INTO actors (id, group_id, campaign_id, name, kind, person_id, organisation_id, representative_id, role, influence, stance, note, \
         is_target, removed_at, created_at, modified_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, NULL, $14, $14)",
        id,
        scope.group_id(),
        campaign,
        name,
        kind,
        person,
        organisation,
        representative,
        &actor.role,
        p.influence,
        p.stance,
        &p.note,
        actor.is_target,
        now
    )?;
    note_placing(tx, scope, campaign, id, p, false, now).await?;
    Ok(id)
}

async fn note_placing(
    tx: &mut Tx,
    scope: &Scope,
    campaign: CampaignId,
    actor: ActorId,
    p: &Placing,
    removed: bool,
    now: DateTime<Utc>,
) -> Result<()> {
    execute!(
        tx,
        "INSERT INTO actor_changes (id, group_id, campaign_id, actor_id, influence, stance, note, removed, changed_by_name, changed_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        uuid::Uuid::now_v7(),
        scope.group_id(),
        campaign,
        actor,
        p.influence,
        p.stance,
        &p.note,
        removed,
        scope.actor_name(),
        now
    )?;
    Ok(())
}

/// Move an actor on the map, keeping where they were.
pub async fn place(tx: &mut Tx, scope: &Scope, campaign: CampaignId, actor: ActorId, p: &Placing, now: DateTime<Utc>) -> Result<()> {
    let n = execute!(
        tx,
        "UPDATE actors SET influence = $4, stance = $5, note = $6, modified_at = $7 WHERE id = $1 AND campaign_id = $2 AND group_id = $3 AND removed_at IS NULL",
        actor,
        campaign,
        scope.group_id(),
        p.influence,
        p.stance,
        &p.note,
        now
    )?;
    if n == 0 {
        return Err(DbError::NotFound);
    }
    note_placing(tx, scope, campaign, actor, p, false, now).await
}

/// Take an actor off the map; the replay still shows them before today.
pub async fn remove(tx: &mut Tx, scope: &Scope, campaign: CampaignId, actor: ActorId, now: DateTime<Utc>) -> Result<()> {
    let sql = format!("{ACTOR} WHERE id = $1 AND campaign_id = $2 AND group_id = $3 AND removed_at IS NULL");
    let a = fetch_optional!(tx, ActorRow, sqlx::AssertSqlSafe(sql), actor, campaign, scope.group_id())?.ok_or(DbError::NotFound)?;
    execute!(tx, "UPDATE actors SET removed_at = $2, modified_at = $2 WHERE id = $1", actor, now)?;
    let p = Placing { influence: a.influence, stance: a.stance, note: a.note };
    note_placing(tx, scope, campaign, actor, &p, true, now).await
}

/// One placing of an actor: the map's history.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Placed {
    pub actor_id: ActorId,
    pub name: String,
    pub influence: i64,
    pub stance: i64,
    pub note: String,
    pub removed: bool,
    pub changed_by_name: String,
    pub changed_at: DateTime<Utc>,
}

/// Every placing on a campaign's map, latest first.
pub async fn history(tx: &mut Tx, scope: &Scope, campaign: CampaignId) -> Result<Vec<Placed>> {
    Ok(fetch_all!(
        tx,
        Placed,
        "SELECT c.actor_id, a.name, c.influence, c.stance, c.note, c.removed, c.changed_by_name, c.changed_at \
         FROM actor_changes c JOIN actors a ON a.id = c.actor_id WHERE c.campaign_id = $1 AND c.group_id = $2 \
         ORDER BY c.changed_at DESC, c.id DESC LIMIT 500",
        campaign,
        scope.group_id()
    )?)
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Influence {
    pub from_actor_id: ActorId,
    pub to_actor_id: ActorId,
    pub note: String,
}

/// Who influences whom on a campaign's map.
pub async fn links(tx: &mut Tx, scope: &Scope, campaign: CampaignId) -> Result<Vec<Influence>> {
    Ok(fetch_all!(
        tx,
        Influence,
        "SELECT from_actor_id, to_actor_id, note FROM actor_links WHERE campaign_id = $1 AND group_id = $2 ORDER BY created_at, id",
        campaign,
        scope.group_id()
    )?)
}

/// Note that one actor influences another (both on this campaign's map).
pub async fn link(
    tx: &mut Tx,
    scope: &Scope,
    campaign: CampaignId,
    from: ActorId,
    to: ActorId,
    note: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let on_map = scalar!(
        tx,
        i64,
        "SELECT COUNT(*) FROM actors WHERE id IN ($1, $2) AND campaign_id = $3 AND group_id = $4 AND removed_at IS NULL",
        from,
        to,
        campaign,
        scope.group_id()
    )?;
    if from == to || on_map != Some(2) {
        return Err(DbError::NotFound);
    }
    execute!(
        tx,
        "INSERT INTO actor_links (id, group_id, campaign_id, from_actor_id, to_actor_id, note, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) \
         ON CONFLICT (from_actor_id, to_actor_id) DO UPDATE SET note = CASE WHEN excluded.note = '' THEN actor_links.note ELSE excluded.note END",
        uuid::Uuid::now_v7(),
        scope.group_id(),
        campaign,
        from,
        to,
        note,
        now
    )?;
    Ok(())
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct StepRow {
    pub id: StepId,
    pub kind: StepKind,
    pub title: String,
    pub planned_on: NaiveDate,
    pub done_on: Option<NaiveDate>,
    pub petition_id: Option<PetitionId>,
    pub petition_title: Option<String>,
    pub event_id: Option<EventId>,
    pub event_title: Option<String>,
    pub note: String,
}

/// A campaign's plan, soonest first.
pub async fn steps(tx: &mut Tx, scope: &Scope, campaign: CampaignId) -> Result<Vec<StepRow>> {
    Ok(fetch_all!(
        tx,
        StepRow,
        "SELECT s.id, s.kind, s.title, s.planned_on, s.done_on, s.petition_id, p.title AS petition_title, s.event_id, e.title AS event_title, s.note \
         FROM plan_steps s LEFT JOIN petitions p ON p.id = s.petition_id LEFT JOIN events e ON e.id = s.event_id \
         WHERE s.campaign_id = $1 AND s.group_id = $2 ORDER BY s.planned_on, s.id",
        campaign,
        scope.group_id()
    )?)
}

/// What carries a step out: one of the group's petitions or events.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CarriedBy {
    Petition(PetitionId),
    Event(EventId),
}

pub async fn add_step(
    tx: &mut Tx,
    scope: &Scope,
    campaign: CampaignId,
    step: &Step,
    by: Option<CarriedBy>,
    now: DateTime<Utc>,
) -> Result<StepId> {
    crate::campaigns::get(tx, scope, campaign).await?.ok_or(DbError::NotFound)?;
    let (petition, event) = match by {
        Some(CarriedBy::Petition(p)) => {
            crate::petitions::get(tx, scope, p).await?.ok_or(DbError::NotFound)?;
            (Some(p), None)
        }
        Some(CarriedBy::Event(e)) => {
            crate::events::get(tx, scope, e).await?.ok_or(DbError::NotFound)?;
            (None, Some(e))
        }
        None => (None, None),
    };
    let id = StepId::new();
    execute!(
        tx,
        "INSERT INTO plan_steps (id, group_id, campaign_id, kind, title, planned_on, done_on, petition_id, event_id, note, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, NULL, $7, $8, $9, $10)",
        id,
        scope.group_id(),
        campaign,
        step.kind,
        &step.title,
        step.planned_on,
        petition,
        event,
        &step.note,
        now
    )?;
    Ok(id)
}

/// Mark a step done on a day (or not done, with none).
pub async fn done(tx: &mut Tx, scope: &Scope, campaign: CampaignId, step: StepId, on: Option<NaiveDate>) -> Result<()> {
    let n = execute!(
        tx,
        "UPDATE plan_steps SET done_on = $4 WHERE id = $1 AND campaign_id = $2 AND group_id = $3",
        step,
        campaign,
        scope.group_id(),
        on
    )?;
    if n == 0 {
        return Err(DbError::NotFound);
    }
    Ok(())
}

/// Take a step off the plan.
pub async fn delete_step(tx: &mut Tx, scope: &Scope, campaign: CampaignId, step: StepId) -> Result<bool> {
    Ok(execute!(tx, "DELETE FROM plan_steps WHERE id = $1 AND campaign_id = $2 AND group_id = $3", step, campaign, scope.group_id())? > 0)
}
