//! The ladder of engagement. A person's rung is the highest one whose rule
//! their record meets, unless an organiser set it by hand with a reason.
//! `refresh` works it out again after anything that can earn a rung (a
//! conversation, an assessment, a recruit), and every move is kept, so the
//! funnel can show movement up and down over any period.

use chrono::{DateTime, Utc};
use tredegar_domain::ladder::RungRule;
use tredegar_domain::{PersonId, Problem, RungId};

use crate::{DbError, Result, Scope, Sql, Tx, Window};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Rung {
    pub id: RungId,
    pub position: i64,
    pub name: String,
    /// The rule as JSON, or "" for a rung set only by hand.
    pub rule: String,
}

impl Rung {
    pub fn rule(&self) -> Option<RungRule> {
        serde_json::from_str(&self.rule).ok()
    }

    pub fn describe(&self) -> String {
        self.rule().map_or_else(|| "set by hand".to_string(), |r| r.describe())
    }
}

/// The group's rungs, lowest first.
pub async fn rungs(tx: &mut Tx, scope: &Scope) -> Result<Vec<Rung>> {
    Ok(fetch_all!(
        tx,
        Rung,
        "SELECT id, position, name, rule FROM ladder_rungs WHERE group_id = $1 ORDER BY position, id",
        scope.group_id()
    )?)
}

/// Add a rung at the top, or just below another (`below`), moving the rungs
/// from that one up a step.
pub async fn add_rung(
    tx: &mut Tx,
    scope: &Scope,
    name: &str,
    rule: Option<&RungRule>,
    below: Option<RungId>,
    now: DateTime<Utc>,
) -> Result<RungId> {
    let position = match below {
        Some(above) => {
            let at = scalar!(tx, i64, "SELECT position FROM ladder_rungs WHERE id = $1 AND group_id = $2", above, scope.group_id())?
                .ok_or_else(|| DbError::from(Problem::new("below", "choose a rung from the list")))?;
            execute!(tx, "UPDATE ladder_rungs SET position = position + 1 WHERE group_id = $1 AND position >= $2", scope.group_id(), at)?;
            at
        }
        None => {
            scalar!(tx, i64, "SELECT COALESCE(MAX(position), 0) FROM ladder_rungs WHERE group_id = $1", scope.group_id())?.unwrap_or(0) + 1
        }
    };
    let rule = match rule {
        Some(r) => serde_json::to_string(r).map_err(|e| DbError::from(Problem::new("rule", e.to_string())))?,
        None => String::new(),
    };
    let id = RungId::new();
    execute!(
        tx,
        "INSERT INTO ladder_rungs (id, group_id, position, name, rule, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
        id,
        scope.group_id(),
        position,
        name,
        rule,
        now
    )?;
    Ok(id)
}

/// Take a rung away; the people on it are placed again by the rules.
pub async fn delete_rung(tx: &mut Tx, scope: &Scope, id: RungId, now: DateTime<Utc>) -> Result<()> {
    let on_it: Vec<(PersonId,)> =
        fetch_all!(tx, (PersonId,), "SELECT person_id FROM ladder_placements WHERE rung_id = $1 AND group_id = $2", id, scope.group_id())?;
    let gone = execute!(tx, "DELETE FROM ladder_rungs WHERE id = $1 AND group_id = $2", id, scope.group_id())?;
    if gone == 0 {
        return Err(DbError::NotFound);
    }
    execute!(tx, "UPDATE ladder_placements SET by_hand = FALSE WHERE rung_id IS NULL AND group_id = $1", scope.group_id())?;
    for (person,) in on_it {
        refresh(tx, scope, person, "its rung was taken away", now).await?;
    }
    Ok(())
}

/// Appends "person `k` meets `rule`".
fn push_rule(q: &mut Sql, rule: &RungRule) {
    match rule {
        RungRule::Conversations { at_least } => {
            q.push("(SELECT COUNT(*) FROM conversations c WHERE c.person_id = k.id) >= ").bind(*at_least);
        }
        RungRule::Meetings { at_least } => {
            q.push("(SELECT COUNT(*) FROM conversations c WHERE c.person_id = k.id AND c.kind = 'meeting') + ");
            q.push("(SELECT COUNT(*) FROM attendances a JOIN events e ON e.id = a.event_id WHERE a.person_id = k.id ");
            q.push("AND a.attended_at IS NOT NULL AND e.kind NOT IN ('demo', 'picket_line')) >= ").bind(*at_least);
        }
        RungRule::Actions { at_least } => {
            q.push("(SELECT COUNT(*) FROM attendances a JOIN events e ON e.id = a.event_id WHERE a.person_id = k.id ");
            q.push("AND a.attended_at IS NOT NULL AND e.kind IN ('demo', 'picket_line')) >= ").bind(*at_least);
        }
        RungRule::SaidYes { at_least } => {
            q.push("(SELECT COUNT(*) FROM conversations c WHERE c.person_id = k.id AND c.answer = 'yes') >= ").bind(*at_least);
        }
        RungRule::Recruited { at_least } => {
            q.push("(SELECT COUNT(*) FROM relationships r WHERE r.other_id = k.id AND r.kind = 'recruited_by') >= ").bind(*at_least);
        }
        RungRule::Helped { at_least } => {
            q.push("(SELECT COUNT(*) FROM needs n JOIN aid_offers o ON o.user_id = n.volunteer_id AND o.group_id = n.group_id ");
            q.push("WHERE o.person_id = k.id AND n.status = 'done') >= ").bind(*at_least);
        }
        RungRule::AssessedAtMost { level } => {
            q.push("EXISTS (SELECT 1 FROM assessments a WHERE a.person_id = k.id AND a.level <= ").bind(i64::from(*level)).push(")");
        }
    }
}

/// The highest rung the person's record earns.
async fn earned(tx: &mut Tx, rungs: &[Rung], person: PersonId) -> Result<Option<RungId>> {
    for rung in rungs.iter().rev() {
        let Some(rule) = rung.rule() else { continue };
        let mut q = Sql::new("SELECT COUNT(*) FROM people k WHERE k.id = ");
        q.bind(person).push(" AND ");
        push_rule(&mut q, &rule);
        if q.count(tx).await? > 0 {
            return Ok(Some(rung.id));
        }
    }
    Ok(None)
}

/// Where a person stands now.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Placement {
    pub rung_id: Option<RungId>,
    pub by_hand: bool,
    pub reason: String,
    pub at: DateTime<Utc>,
}

pub async fn placement(tx: &mut Tx, scope: &Scope, person: PersonId) -> Result<Option<Placement>> {
    Ok(fetch_optional!(
        tx,
        Placement,
        "SELECT rung_id, by_hand, reason, at FROM ladder_placements WHERE person_id = $1 AND group_id = $2",
        person,
        scope.group_id()
    )?)
}

async fn place(
    tx: &mut Tx,
    scope: &Scope,
    person: PersonId,
    to: Option<RungId>,
    by_hand: bool,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let before = placement(tx, scope, person).await?;
    execute!(
        tx,
        "INSERT INTO ladder_placements (person_id, group_id, rung_id, by_hand, reason, at) VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (person_id) DO UPDATE SET rung_id = excluded.rung_id, by_hand = excluded.by_hand, reason = excluded.reason, at = excluded.at",
        person,
        scope.group_id(),
        to,
        by_hand,
        reason,
        now
    )?;
    let from = before.and_then(|b| b.rung_id);
    if from != to {
        execute!(
            tx,
            "INSERT INTO ladder_moves (id, group_id, person_id, from_rung, to_rung, reason, by_name, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            RungId::new(),
            scope.group_id(),
            person,
            from,
            to,
            reason,
            scope.actor_name(),
            now
        )?;
    }
    Ok(())
}

/// Work out the person's rung again by the rules, unless it was set by hand.
pub async fn refresh(tx: &mut Tx, scope: &Scope, person: PersonId, why: &str, now: DateTime<Utc>) -> Result<()> {
    let now_on = placement(tx, scope, person).await?;
    if now_on.as_ref().is_some_and(|p| p.by_hand) {
        return Ok(());
    }
    let rungs = rungs(tx, scope).await?;
    if rungs.is_empty() {
        return Ok(());
    }
    let to = earned(tx, &rungs, person).await?;
    if now_on.map(|p| p.rung_id) != Some(to) {
        place(tx, scope, person, to, false, why, now).await?;
    }
    Ok(())
}

/// Set a person's rung by hand, with why; `None` hands them back to the rules.
pub async fn set_by_hand(
    tx: &mut Tx,
    scope: &Scope,
    person: PersonId,
    rung: Option<RungId>,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    if !crate::people::sees(tx, scope, person).await? {
        return Err(DbError::NotFound);
    }
    match rung {
        Some(r) => {
            if !rungs(tx, scope).await?.iter().any(|x| x.id == r) {
                return Err(Problem::new("rung", "is not one of the group's rungs").into());
            }
            place(tx, scope, person, Some(r), true, reason, now).await
        }
        None => {
            execute!(tx, "UPDATE ladder_placements SET by_hand = FALSE WHERE person_id = $1 AND group_id = $2", person, scope.group_id())?;
            refresh(tx, scope, person, "handed back to the ladder's rules", now).await
        }
    }
}

/// Place everyone in the group again by the rules (after the rungs change).
pub async fn refresh_all(tx: &mut Tx, scope: &Scope, now: DateTime<Utc>) -> Result<()> {
    let everyone: Vec<(PersonId,)> = fetch_all!(tx, (PersonId,), "SELECT id FROM people WHERE group_id = $1", scope.group_id())?;
    for (p,) in everyone {
        refresh(tx, scope, p, "the ladder's rungs changed", now).await?;
    }
    Ok(())
}

/// One rung of the funnel: how many stand on it, and how many moved onto it
/// from below and from above in the period.
#[derive(Clone, Debug)]
pub struct Step {
    pub rung: Rung,
    pub now: i64,
    pub up: i64,
    pub down: i64,
}

/// The funnel over `[from, to)`. Counts are of the scope's own group.
pub async fn funnel(tx: &mut Tx, scope: &Scope, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<Vec<Step>> {
    let rungs = rungs(tx, scope).await?;
    let counts: Vec<(Option<RungId>, i64)> = fetch_all!(
        tx,
        (Option<RungId>, i64),
        "SELECT rung_id, COUNT(*) FROM ladder_placements WHERE group_id = $1 GROUP BY rung_id",
        scope.group_id()
    )?;
    let moves: Vec<(Option<RungId>, Option<RungId>)> = fetch_all!(
        tx,
        (Option<RungId>, Option<RungId>),
        "SELECT from_rung, to_rung FROM ladder_moves WHERE group_id = $1 AND at >= $2 AND at < $3",
        scope.group_id(),
        from,
        to
    )?;
    let height = |r: Option<RungId>| r.and_then(|r| rungs.iter().find(|x| x.id == r)).map_or(0, |x| x.position);
    Ok(rungs
        .iter()
        .map(|r| {
            let onto: Vec<&(Option<RungId>, Option<RungId>)> = moves.iter().filter(|(_, t)| *t == Some(r.id)).collect();
            Step {
                rung: r.clone(),
                now: counts.iter().find(|(id, _)| *id == Some(r.id)).map_or(0, |(_, n)| *n),
                up: i64::try_from(onto.iter().filter(|(f, _)| height(*f) < r.position).count()).unwrap_or(0),
                down: i64::try_from(onto.iter().filter(|(f, _)| height(*f) > r.position).count()).unwrap_or(0),
            }
        })
        .collect())
}

/// Someone to develop as a leader.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Leader {
    pub person_id: PersonId,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub recruited: i64,
    pub best_level: Option<i64>,
}

impl Leader {
    pub fn name(&self) -> String {
        crate::people::display_name(self.given_name.as_deref(), self.family_name.as_deref(), None)
    }
}

/// A page of the leaders and likely leaders: people who brought others in,
/// or are assessed 1 or 2, most recruits first; and how many there are.
pub async fn leaders(tx: &mut Tx, scope: &Scope, page: crate::Page) -> Result<(Vec<Leader>, i64)> {
    let among = |columns: &'static str| {
        let mut q = Sql::new(columns);
        q.push(" FROM people k WHERE k.id IN (SELECT r.other_id FROM relationships r WHERE r.kind = 'recruited_by' AND r.group_id = ");
        q.bind(scope.group_id())
            .push(" UNION SELECT a.person_id FROM assessments a WHERE a.level <= 2 AND a.group_id = ")
            .bind(scope.group_id());
        q.push(") AND ");
        scope.visible_people(&mut q, "k");
        q
    };
    let mut q = among(
        "SELECT k.id AS person_id, k.given_name, k.family_name, \
         (SELECT COUNT(*) FROM relationships r WHERE r.other_id = k.id AND r.kind = 'recruited_by') AS recruited, \
         (SELECT MIN(a.level) FROM assessments a WHERE a.person_id = k.id) AS best_level",
    );
    q.push(" ORDER BY recruited DESC, best_level NULLS LAST, k.name_key, k.id").page(page);
    let shown = q.fetch_all(tx).await?;
    Ok((shown, among("SELECT COUNT(*)").count(tx).await?))
}

/// A person's moves on the ladder, for their timeline.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Move {
    pub from_name: Option<String>,
    pub to_name: Option<String>,
    pub reason: String,
    pub by_name: String,
    pub at: DateTime<Utc>,
}

pub async fn moves_of_person(tx: &mut Tx, scope: &Scope, person: PersonId, window: Window) -> Result<Vec<Move>> {
    let mut q = Sql::new(
        "SELECT f.name AS from_name, t.name AS to_name, m.reason, m.by_name, m.at FROM ladder_moves m \
         LEFT JOIN ladder_rungs f ON f.id = m.from_rung LEFT JOIN ladder_rungs t ON t.id = m.to_rung \
         JOIN people p ON p.id = m.person_id WHERE m.person_id = ",
    );
    q.bind(person).push(" AND ");
    scope.visible_people(&mut q, "p");
    q.window(window, "m.at", " ORDER BY m.at DESC, m.id DESC");
    q.fetch_all(tx).await
}
