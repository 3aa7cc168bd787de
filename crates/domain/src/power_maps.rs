//! A campaign's power map and escalation plan: who holds power over the
//! demands and where they stand, and the dated actions that turn up the
//! pressure.

use chrono::NaiveDate;

use crate::contact::{optional_text, required_text};
use crate::{FieldErrors, OrganisationId, PersonId, Problem, RepresentativeId};

/// Who an actor on a power map is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ActorKind {
    /// Someone in the group: one of the community's own leaders, say.
    Person,
    /// A landlord, the council, a developer, the press.
    Organisation,
    Representative,
    /// Anyone else, named on the map alone.
    Other,
}

crate::stored_as_text!(ActorKind { Person = "person", Organisation = "organisation", Representative = "representative", Other = "other" });

impl ActorKind {
    pub fn label(self) -> &'static str {
        match self {
            ActorKind::Person => "Someone in the group",
            ActorKind::Organisation => "An organisation",
            ActorKind::Representative => "A representative",
            ActorKind::Other => "Someone else",
        }
    }
}

/// The record an actor is, when they are one the group holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Who {
    Person(PersonId),
    Organisation(OrganisationId),
    Representative(RepresentativeId),
}

impl Who {
    /// A choice in the actor form: `person:ID`, `organisation:ID` or
    /// `representative:ID`; empty is someone named on the map alone.
    pub fn parse(field: &str, s: &str) -> Result<Option<Who>, Problem> {
        let bad = || Problem::new(field, "is not one of the choices");
        match s.trim().split_once(':') {
            None if s.trim().is_empty() => Ok(None),
            Some(("person", id)) => id.parse().map(|id| Some(Who::Person(id))).map_err(|_| bad()),
            Some(("organisation", id)) => id.parse().map(|id| Some(Who::Organisation(id))).map_err(|_| bad()),
            Some(("representative", id)) => id.parse().map(|id| Some(Who::Representative(id))).map_err(|_| bad()),
            _ => Err(bad()),
        }
    }

    pub fn kind(self) -> ActorKind {
        match self {
            Who::Person(_) => ActorKind::Person,
            Who::Organisation(_) => ActorKind::Organisation,
            Who::Representative(_) => ActorKind::Representative,
        }
    }
}

/// Where an actor stands: influence over the decision, 0 to 10, and stance
/// on the campaign, -5 (against) to +5 (for), with why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Placing {
    pub influence: i64,
    pub stance: i64,
    pub note: String,
}

fn whole_in(field: &str, s: &str, range: std::ops::RangeInclusive<i64>) -> Result<i64, Problem> {
    s.trim()
        .trim_start_matches('+')
        .parse()
        .ok()
        .filter(|n| range.contains(n))
        .ok_or_else(|| Problem::new(field, format!("must be a whole number from {} to {}", range.start(), range.end())))
}

/// The placing form, as typed.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct PlacingInput {
    pub influence: String,
    pub stance: String,
    pub note: String,
}

impl PlacingInput {
    pub fn check(&self) -> Result<Placing, FieldErrors> {
        let mut errors = FieldErrors::default();
        let influence = errors.check(whole_in("influence", &self.influence, 0..=10));
        let stance = errors.check(whole_in("stance", &self.stance, -5..=5));
        let note = errors.check(optional_text("note", &self.note, 2000)).flatten().unwrap_or_default();
        match (influence, stance) {
            (Some(influence), Some(stance)) if errors.is_empty() => Ok(Placing { influence, stance, note }),
            _ => Err(errors),
        }
    }
}

/// An actor to put on a map.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor {
    /// Empty when `who` names them: they go by the name the group holds.
    pub name: String,
    pub who: Option<Who>,
    pub role: String,
    pub placing: Placing,
    pub is_target: bool,
}

/// The actor form, as typed.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct ActorInput {
    pub name: String,
    pub who: String,
    pub role: String,
    #[serde(flatten)]
    pub placing: PlacingInput,
    pub is_target: Option<String>,
}

impl ActorInput {
    pub fn check(&self) -> Result<Actor, FieldErrors> {
        let mut errors = FieldErrors::default();
        let who = errors.check(Who::parse("who", &self.who)).flatten();
        let name = match who {
            Some(_) if !self.name.trim().is_empty() => {
                errors.push(Problem::new("name", "leave it empty when you choose who they are: they go by the name the group holds"));
                String::new()
            }
            Some(_) => String::new(),
            None => errors
                .check(required_text("name", &self.name, 200).map_err(|p| Problem::new(p.field, "give a name, or choose who they are")))
                .unwrap_or_default(),
        };
        let role = errors.check(optional_text("role", &self.role, 200)).flatten().unwrap_or_default();
        let placing = self.placing.check().map_err(|e| errors.0.extend(e.0)).ok();
        match placing {
            Some(placing) if errors.is_empty() => Ok(Actor { name, who, role, placing, is_target: self.is_target.is_some() }),
            _ => Err(errors),
        }
    }
}

/// An action on the escalation plan.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepKind {
    Letter,
    Petition,
    Deputation,
    Demo,
    RentStrike,
    Other,
}

crate::stored_as_text!(StepKind {
    Letter = "letter",
    Petition = "petition",
    Deputation = "deputation",
    Demo = "demo",
    RentStrike = "rent_strike",
    Other = "other",
});

impl StepKind {
    pub fn parse(field: &str, s: &str) -> Result<StepKind, Problem> {
        crate::one_of(field, s, StepKind::ALL, StepKind::as_str)
    }

    pub fn label(self) -> &'static str {
        match self {
            StepKind::Letter => "Letter",
            StepKind::Petition => "Petition",
            StepKind::Deputation => "Deputation",
            StepKind::Demo => "Demo",
            StepKind::RentStrike => "Rent strike",
            StepKind::Other => "Other action",
        }
    }
}

/// A step of the plan as typed: what, when, and what carries it out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    pub kind: StepKind,
    pub title: String,
    pub planned_on: NaiveDate,
    pub note: String,
}

#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct StepInput {
    pub kind: String,
    pub title: String,
    pub planned_on: String,
    pub note: String,
    /// `petition:ID` or `event:ID`, or empty.
    pub carried_by: String,
}

impl StepInput {
    pub fn check(&self) -> Result<Step, FieldErrors> {
        let mut errors = FieldErrors::default();
        let kind = errors.check(StepKind::parse("kind", &self.kind));
        let title = errors.check(required_text("title", &self.title, 300));
        let planned_on = errors.check(crate::conversations::parse_date("planned_on", &self.planned_on));
        let note = errors.check(optional_text("note", &self.note, 2000)).flatten().unwrap_or_default();
        match (kind, title, planned_on) {
            (Some(kind), Some(title), Some(planned_on)) if errors.is_empty() => Ok(Step { kind, title, planned_on, note }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
#[allow(clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn a_placing_is_bounded_and_names_its_fields() {
        let p = PlacingInput { influence: "10".into(), stance: "+5".into(), note: "Chairs the cabinet".into() }.check().expect("placed");
        assert_eq!((p.influence, p.stance), (10, 5));
        let e = PlacingInput { influence: "11".into(), stance: "-6".into(), note: String::new() }.check().expect_err("out of range");
        assert_eq!(e.message_for("influence"), Some("must be a whole number from 0 to 10"));
        assert_eq!(e.message_for("stance"), Some("must be a whole number from -5 to 5"));
    }

    #[test]
    fn an_actor_is_named_or_chosen() {
        let placing = PlacingInput { influence: "7".into(), stance: "-3".into(), note: String::new() };
        let e = ActorInput { placing: placing.clone(), ..Default::default() }.check().expect_err("nobody");
        assert_eq!(e.message_for("name"), Some("give a name, or choose who they are"));
        let id = RepresentativeId::new();
        let a = ActorInput { who: format!("representative:{id}"), placing, is_target: Some("on".into()), ..Default::default() }
            .check()
            .expect("chosen");
        assert_eq!((a.who, a.is_target), (Some(Who::Representative(id)), true));
        assert!(Who::parse("who", "landlord:1").is_err());
        assert!(StepInput { kind: "sit-in".into(), ..Default::default() }.check().expect_err("bad").message_for("kind").is_some());
    }
}
