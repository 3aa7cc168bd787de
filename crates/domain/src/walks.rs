//! Walk lists: turf cut into lists of doors in walking order, the survey
//! questions asked at each door, and what happened there.

use std::cmp::Ordering;
use std::ops::Range;

use crate::contact::{Email, Phone, optional_text, required_line};
use crate::people::PhoneType;
use crate::person_update::{EmailUpdate, PersonUpdate, PhoneUpdate};
use crate::supporters::plain_name;
use crate::text::fold;
use crate::{FieldErrors, Problem};

/// What happened at a door.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DoorOutcome {
    NotHome,
    Spoke,
    Refused,
    /// The people we knew there have moved away.
    Moved,
    /// Asked us to come back another time.
    ComeBack,
}

crate::stored_as_text!(DoorOutcome { NotHome = "not_home", Spoke = "spoke", Refused = "refused", Moved = "moved", ComeBack = "come_back" });

impl DoorOutcome {
    pub fn parse(field: &str, s: &str) -> Result<DoorOutcome, Problem> {
        DoorOutcome::from_stored(s.trim()).ok_or_else(|| Problem::new(field, "choose what happened at the door"))
    }

    pub fn label(self) -> &'static str {
        match self {
            DoorOutcome::NotHome => "Not home",
            DoorOutcome::Spoke => "Spoke to someone",
            DoorOutcome::Refused => "Refused",
            DoorOutcome::Moved => "Moved away",
            DoorOutcome::ComeBack => "Come back later",
        }
    }
}

/// The kinds of survey question.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QuestionKind {
    YesNo,
    /// 1 to 5.
    Scale,
    /// One of the question's choices.
    Choice,
    Text,
}

crate::stored_as_text!(QuestionKind { YesNo = "yes_no", Scale = "scale", Choice = "choice", Text = "text" });

impl QuestionKind {
    pub fn label(self) -> &'static str {
        match self {
            QuestionKind::YesNo => "Yes or no",
            QuestionKind::Scale => "1 to 5",
            QuestionKind::Choice => "A choice",
            QuestionKind::Text => "Their words",
        }
    }
}

/// A survey question as an organiser writes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Question {
    pub kind: QuestionKind,
    pub prompt: String,
    /// For a choice, the answers to choose from.
    pub choices: Vec<String>,
}

const MAX_ANSWER: usize = 1000;

impl Question {
    /// The question in slot `n` (from 1) of a form, or None for an empty slot.
    /// Choices are one a line, or separated by commas.
    pub fn check(n: usize, prompt: &str, kind: &str, choices: &str) -> Result<Option<Question>, Problem> {
        let field = format!("question_{n}");
        let prompt = prompt.trim();
        if prompt.is_empty() && !choices.trim().is_empty() {
            return Err(Problem::new(&field, "write the question, or clear its choices"));
        }
        if prompt.is_empty() {
            return Ok(None);
        }
        if prompt.chars().count() > 300 || prompt.contains(['\n', '\r']) {
            return Err(Problem::new(&field, "write the question on one line of at most 300 characters"));
        }
        let kind = QuestionKind::from_stored(kind.trim())
            .ok_or_else(|| Problem::new(&field, "choose its kind: yes or no, 1 to 5, a choice or their words"))?;
        let choices: Vec<String> =
            choices.split(['\n', ',']).map(str::trim).filter(|c| !c.is_empty()).map(str::to_string).collect::<Vec<_>>();
        match kind {
            QuestionKind::Choice if choices.len() < 2 => Err(Problem::new(&field, "give at least two choices, separated by commas")),
            QuestionKind::Choice if choices.len() > 20 || choices.iter().any(|c| c.chars().count() > 100) => {
                Err(Problem::new(&field, "give at most 20 choices of at most 100 characters each"))
            }
            QuestionKind::Choice => Ok(Some(Question { kind, prompt: prompt.into(), choices })),
            _ => Ok(Some(Question { kind, prompt: prompt.into(), choices: Vec::new() })),
        }
    }

    /// The answer given at a door, or None if it was not answered.
    pub fn answer(&self, field: &str, raw: &str) -> Result<Option<String>, Problem> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Ok(None);
        }
        let fits = match self.kind {
            QuestionKind::YesNo => matches!(raw, "yes" | "no"),
            QuestionKind::Scale => matches!(raw, "1" | "2" | "3" | "4" | "5"),
            QuestionKind::Choice => self.choices.iter().any(|c| c == raw),
            QuestionKind::Text => raw.chars().count() <= MAX_ANSWER,
        };
        if fits {
            return Ok(Some(raw.to_string()));
        }
        let problem = match self.kind {
            QuestionKind::YesNo => "answer yes or no".to_string(),
            QuestionKind::Scale => "answer from 1 to 5".to_string(),
            QuestionKind::Choice => format!("choose one of: {}", self.choices.join(", ")),
            QuestionKind::Text => format!("write at most {MAX_ANSWER} characters"),
        };
        Err(Problem::new(field, problem))
    }

    /// Choices as stored: a line each.
    pub fn stored_choices(&self) -> String {
        self.choices.join("\n")
    }
}

/// How a turf is cut: how many doors a list should have, and which doors
/// to leave out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cut {
    pub doors_per_list: usize,
    /// Leave out doors knocked in the last this many days.
    pub not_knocked_days: Option<i64>,
    /// Leave out doors where someone has an assessment already.
    pub unassessed_only: bool,
}

impl Cut {
    pub fn check(doors_per_list: &str, not_knocked_days: &str, unassessed_only: bool) -> Result<Cut, FieldErrors> {
        let mut errors = FieldErrors::default();
        let doors = doors_per_list.trim().parse::<usize>().ok().filter(|n| (5..=500).contains(n));
        let doors = errors.check(doors.ok_or_else(|| Problem::new("doors_per_list", "give a number of doors from 5 to 500")));
        let days = match not_knocked_days.trim() {
            "" => Some(None),
            d => errors.check(
                d.parse::<i64>()
                    .ok()
                    .filter(|n| (1..=3650).contains(n))
                    .map(Some)
                    .ok_or_else(|| Problem::new("not_knocked_days", "give a number of days from 1 to 3650, or leave it empty")),
            ),
        };
        match (doors, days) {
            (Some(doors_per_list), Some(not_knocked_days)) if errors.is_empty() => {
                Ok(Cut { doors_per_list, not_knocked_days, unassessed_only })
            }
            _ => Err(errors),
        }
    }
}

/// What was recorded at a door hangs together: whom they spoke to, the
/// answers and what was said only where someone came to the door, and what
/// was said only with whom it was said to.
pub fn consistent(outcome: DoorOutcome, spoke_to: bool, answered: bool, said: bool) -> Result<(), Problem> {
    if outcome != DoorOutcome::Spoke && (spoke_to || answered || said) {
        return Err(Problem::new("outcome", "choose \"Spoke to someone\" to keep whom you spoke to, their answers or what was said"));
    }
    if said && !spoke_to {
        return Err(Problem::new("person", "choose whom you spoke to, to keep what was said"));
    }
    Ok(())
}

/// Someone new met at a door: a name, and the email or phone they gave.
/// Their contact details are not subscribed to anything.
pub fn newcomer(given_name: &str, family_name: &str, email: &str, phone: &str) -> Result<PersonUpdate, FieldErrors> {
    let mut errors = FieldErrors::default();
    let given = errors.check(required_line("new_given_name", given_name, 200).and_then(|n| plain_name("new_given_name", n)));
    let family = errors.check(optional_text("new_family_name", family_name, 200)).flatten();
    let phone = match phone.trim() {
        "" => None,
        p => errors.check(Phone::parse("new_phone", p)),
    };
    let email = match email.trim() {
        "" => None,
        e => errors.check(Email::parse("new_email", e)),
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(PersonUpdate {
        given_name: Some(given),
        family_name: Some(family),
        emails: email.map(|email| vec![EmailUpdate { email, status: None, primary: true }]),
        phones: phone.map(|phone| vec![PhoneUpdate { phone, number_type: PhoneType::Mobile, status: None, primary: true }]),
        ..PersonUpdate::default()
    })
}

/// Where a door is, for putting doors in walking order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DoorPlace {
    /// The building's name, and something that tells apart two of one name.
    pub building: (String, String),
    /// A stretch of street (houses), rather than a block (flats).
    pub street: bool,
    pub floor: Option<i64>,
    pub number: i64,
    pub label: String,
}

/// Walking order: building by building in name order. Along a street, up
/// the odd numbers and back down the even ones; in a block, floor by floor
/// from the ground up, then by flat number.
pub fn walking_order(a: &DoorPlace, b: &DoorPlace) -> Ordering {
    let building = |d: &DoorPlace| (fold(&d.building.0), d.building.1.clone());
    let within = |d: &DoorPlace| -> (i64, i64, i64) {
        if d.street {
            let even = d.number % 2 == 0;
            (i64::from(even), 0, if even { -d.number } else { d.number })
        } else {
            (0, d.floor.unwrap_or(0), d.number)
        }
    };
    building(a).cmp(&building(b)).then_with(|| within(a).cmp(&within(b))).then_with(|| fold(&a.label).cmp(&fold(&b.label)))
}

/// Splits doors (given as each door's building, in walking order) into
/// lists of about `per_list` doors. A list ends at a building's last door
/// where one is near, so fewer lists share a building.
pub fn split<B: PartialEq>(buildings: &[B], per_list: usize) -> Vec<Range<usize>> {
    let total = buildings.len();
    if total == 0 {
        return Vec::new();
    }
    let per_list = per_list.max(1);
    let lists = ((total + per_list / 2) / per_list).max(1);
    let slack = per_list / 4;
    let mut ranges = Vec::with_capacity(lists);
    let mut start = 0;
    for i in 1..lists {
        let ideal = (total * i + lists / 2) / lists;
        let boundary = |at: usize| at > start && at < total && buildings.get(at - 1) != buildings.get(at);
        let near = (0..=slack).flat_map(|d| [ideal.checked_sub(d), Some(ideal + d)]).flatten().find(|&at| boundary(at));
        let end = near.unwrap_or(ideal).max(start + 1).min(total);
        if end >= total {
            break;
        }
        ranges.push(start..end);
        start = end;
    }
    ranges.push(start..total);
    ranges
}

#[cfg(test)]
mod tests {
    use super::*;

    fn house(street: &str, number: i64) -> DoorPlace {
        DoorPlace { building: (street.into(), street.into()), street: true, floor: None, number, label: number.to_string() }
    }

    fn flat(block: &str, floor: i64, number: i64) -> DoorPlace {
        DoorPlace { building: (block.into(), block.into()), street: false, floor: Some(floor), number, label: format!("Flat {number}") }
    }

    #[test]
    fn streets_go_up_the_odd_side_and_back_down_the_even() {
        let mut doors: Vec<DoorPlace> = (1..=6).map(|n| house("Heol Las", n)).collect();
        doors.sort_by(walking_order);
        let numbers: Vec<i64> = doors.iter().map(|d| d.number).collect();
        assert_eq!(numbers, [1, 3, 5, 6, 4, 2]);
    }

    #[test]
    fn blocks_go_floor_by_floor_and_buildings_by_name() {
        let mut doors = [flat("Bevan Court", 1, 12), house("Aneurin Road", 2), flat("Bevan Court", 0, 3), flat("Bevan Court", 0, 1)];
        doors.sort_by(walking_order);
        let labels: Vec<&str> = doors.iter().map(|d| d.label.as_str()).collect();
        assert_eq!(labels, ["2", "Flat 1", "Flat 3", "Flat 12"]);
    }

    #[test]
    fn lists_are_about_the_size_asked_and_end_at_a_building_when_near() {
        // 100 doors in four buildings of 24, 27, 25 and 24: lists of about 25.
        let buildings: Vec<u8> = [24, 27, 25, 24].iter().enumerate().flat_map(|(b, n)| std::iter::repeat_n(b as u8, *n)).collect();
        let lists = split(&buildings, 25);
        let sizes: Vec<usize> = lists.iter().map(|r| r.len()).collect();
        assert_eq!(sizes, [24, 27, 25, 24]);
        // One block of 90 flats is cut anyway, into lists of 30.
        let lists = split(&[0u8; 90], 30);
        assert_eq!(lists, [0..30, 30..60, 60..90]);
        // Every door is on exactly one list, in order, whatever the sizes.
        for (total, per) in [(1, 40), (7, 5), (41, 40), (1000, 37), (59, 40), (61, 40)] {
            let doors: Vec<usize> = (0..total).map(|i| i / 7).collect();
            let lists = split(&doors, per);
            assert_eq!(lists.first().map(|r| r.start), Some(0));
            assert_eq!(lists.last().map(|r| r.end), Some(total));
            assert!(lists.windows(2).all(|w| matches!(w, [a, b] if a.end == b.start && !a.is_empty())));
            assert!(lists.iter().all(|r| r.len() <= per + per / 2 + per / 4), "{total} doors by {per}: {lists:?}");
        }
        assert!(split::<u8>(&[], 40).is_empty());
    }

    #[test]
    fn questions_and_answers_are_checked() {
        assert_eq!(Question::check(1, "  ", "yes_no", ""), Ok(None));
        let Ok(Some(q)) = Question::check(1, "Would you strike?", "choice", "Yes, No, Not sure") else { unreachable!("a choice question") };
        assert_eq!(q.choices, ["Yes", "No", "Not sure"]);
        assert_eq!(q.answer("answer_1", "Not sure"), Ok(Some("Not sure".into())));
        assert!(q.answer("answer_1", "Maybe").is_err_and(|p| p.message.contains("Not sure")));
        assert!(Question::check(2, "Pick", "choice", "Only").is_err_and(|p| p.field == "question_2"));
        assert!(Question::check(3, "What?", "essay", "").is_err_and(|p| p.field == "question_3"));
        let scale = Question { kind: QuestionKind::Scale, prompt: "How bad is the damp?".into(), choices: Vec::new() };
        assert_eq!(scale.answer("a", ""), Ok(None));
        assert!(scale.answer("a", "6").is_err());
        assert_eq!(scale.answer("a", " 4 "), Ok(Some("4".into())));
    }

    #[test]
    fn a_door_record_hangs_together() {
        assert!(consistent(DoorOutcome::Spoke, true, true, true).is_ok());
        assert!(consistent(DoorOutcome::Spoke, false, true, false).is_ok(), "answers from someone who gave no name");
        assert!(consistent(DoorOutcome::NotHome, true, false, false).is_err_and(|p| p.field == "outcome"));
        assert!(consistent(DoorOutcome::NotHome, false, true, false).is_err_and(|p| p.field == "outcome"));
        assert!(consistent(DoorOutcome::Spoke, false, false, true).is_err_and(|p| p.field == "person"));
        assert!(Question::check(4, "", "choice", "A, B").is_err_and(|p| p.field == "question_4"));
    }

    #[test]
    fn a_cut_names_its_bad_numbers() {
        assert_eq!(Cut::check("40", "", true), Ok(Cut { doors_per_list: 40, not_knocked_days: None, unassessed_only: true }));
        let bad = Cut::check("2", "-1", false).err().map(|e| e.0.iter().map(|p| p.field.clone()).collect::<Vec<_>>());
        assert_eq!(bad, Some(vec!["doors_per_list".to_string(), "not_knocked_days".to_string()]));
    }
}
