//! What is wrong with a piece of input, named by the field it came from.
//! The UI lists these in an error summary; the API joins them into `{"error"}`.

use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub field: String,
    pub message: String,
    /// The field's label on its form, where the form chose it (custom fields).
    pub shown_as: Option<String>,
}

impl Problem {
    /// The same problem, named by the label its form shows.
    pub fn shown_as(mut self, label: impl Into<String>) -> Self {
        self.shown_as = Some(label.into());
        self
    }

    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self { field: field.into(), message: message.into(), shown_as: None }
    }

    /// The field in the form's own words: `given_name` → "First name",
    /// `email_0` → "Email 1", `postcode_0` → "Postcode".
    pub fn label(&self) -> String {
        if let Some(label) = &self.shown_as {
            return label.clone();
        }
        let base = self.field.trim_end_matches(|c: char| c.is_ascii_digit());
        let row: Option<usize> = self.field.get(base.len()..).and_then(|n| n.parse().ok());
        let base = base.trim_end_matches('_');
        // The forms' own words for their fields; rows count from 1, as the form shows them.
        let words = match (base, row) {
            ("given_name", _) => "First name".to_string(),
            ("family_name", _) => "Last name".to_string(),
            ("email", Some(n)) => format!("Email {}", n + 1),
            ("phone", Some(n)) => format!("Phone {}", n + 1),
            ("address_lines", _) => "Address".to_string(),
            ("locality", _) => "Town or city".to_string(),
            ("label", _) => "Field name".to_string(),
            ("held_at", _) => "When".to_string(),
            ("self_interest", _) => "What they care about".to_string(),
            ("new_themes", _) => "Other issues".to_string(),
            ("follow_up", _) => "Follow-up".to_string(),
            ("assignee", _) => "Who follows up".to_string(),
            ("due_on", _) => "By when".to_string(),
            ("starts_at", _) => "Starts".to_string(),
            ("location", _) => "Where".to_string(),
            ("ends_at", _) => "Ends".to_string(),
            ("own_kind", _) => "Our own kind".to_string(),
            ("capacity", _) => "Places".to_string(),
            ("remind_hours", _) => "Reminder, hours before".to_string(),
            ("target_percent", _) => "Target, % of units".to_string(),
            ("unit", _) => "Flat or house".to_string(),
            ("boundary", _) => "Boundary (GeoJSON)".to_string(),
            ("moved_in", _) => "Moved in".to_string(),
            ("moved_out", _) => "Moved out".to_string(),
            ("from_on", _) => "From".to_string(),
            ("doors_per_list", _) => "Doors on each list".to_string(),
            ("not_knocked_days", _) => "Doors knocked in the last … days".to_string(),
            ("question", Some(n)) => format!("Question {n}"),
            ("outcome", _) => "What happened".to_string(),
            ("new_given_name", _) => "New resident's first name".to_string(),
            ("new_family_name", _) => "New resident's last name".to_string(),
            ("new_email", _) => "New resident's email".to_string(),
            ("new_phone", _) => "New resident's phone".to_string(),
            ("to_on", _) => "Until".to_string(),
            ("by", _) => "Reach it by".to_string(),
            ("category", _) => "What kind of help".to_string(),
            ("urgency", _) => "How soon".to_string(),
            ("how_to_contact", _) => "Anything about reaching them".to_string(),
            ("asked_by", _) => "Asking for someone else".to_string(),
            ("radius_km", _) => "How far you will go".to_string(),
            ("per_week", _) => "At most this many a week".to_string(),
            ("from_hour", _) => "From (hour)".to_string(),
            ("to_hour", _) => "Until (hour)".to_string(),
            ("categories", _) => "Kinds of help".to_string(),
            ("repeats", _) => "Is it needed again and again".to_string(),
            ("how", _) => "How did it go".to_string(),
            ("below", _) => "Where".to_string(),
            ("answer_within_hours", _) => "Time a volunteer has to answer an offer".to_string(),
            ("escalate_today_hours", _) => "Tell coordinators of a need for today after".to_string(),
            ("escalate_this_week_hours", _) => "Of a need for this week after".to_string(),
            ("escalate_when_possible_hours", _) => "Of a need for when someone can after".to_string(),
            ("new_theme", _) => "A new issue".to_string(),
            ("register_source", _) => "Who supplied it".to_string(),
            ("register_edition", _) => "Which edition".to_string(),
            ("purpose", _) => "What it may be used for".to_string(),
            ("destroy_by", _) => "Destroy it by".to_string(),
            ("column", Some(n)) => format!("Column {}", n + 1),
            ("on_error", _) => "Rows that cannot become a person".to_string(),
            ("format", _) => "What the file is".to_string(),
            ("mapping", _) => "Columns".to_string(),
            ("made_on", _) => "When they said it".to_string(),
            ("source_url", _) => "Where: a link".to_string(),
            ("evidence_url", _) => "Evidence".to_string(),
            ("on_date", _) => "When".to_string(),
            ("planned_on", _) => "When".to_string(),
            ("done_on", _) => "Done on".to_string(),
            ("replied_on", _) => "When they replied".to_string(),
            ("vote", _) => "How they voted".to_string(),
            ("wanted", _) => "How the campaign wanted it".to_string(),
            ("person_email", _) => "Someone in the group, by their email".to_string(),
            ("carried_by", _) => "Carried out by".to_string(),
            ("representatives", _) => "Who".to_string(),
            ("influence", _) => "Influence".to_string(),
            ("happened_on", _) => "When it happened".to_string(),
            ("term_from", _) => "Term from".to_string(),
            ("term_to", _) => "Term until".to_string(),
            ("win", _) => "Won".to_string(),
            ("document", _) => "A document".to_string(),
            ("stance", _) => "Stance".to_string(),
            _ => base.replace(['_', '.'], " "),
        };
        let mut chars = words.chars();
        chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
    }

    /// The same problem, reported against another field name (a form's row, say).
    pub fn at(mut self, field: impl Into<String>) -> Self {
        self.field = field.into();
        self
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

impl std::error::Error for Problem {}

/// Every problem found in one form or body, so a person can fix them all at once.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FieldErrors(pub Vec<Problem>);

impl FieldErrors {
    pub fn push(&mut self, p: Problem) {
        self.0.push(p);
    }

    /// Keep the value if it parsed; remember the problem if not.
    pub fn check<T>(&mut self, r: Result<T, Problem>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(p) => {
                self.0.push(p);
                None
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The problems found before a form's own check, with that check's:
    /// its value only if there are none.
    pub fn and<T>(mut self, checked: Result<T, FieldErrors>) -> Result<T, FieldErrors> {
        match checked {
            Ok(v) if self.is_empty() => Ok(v),
            Ok(_) => Err(self),
            Err(e) => {
                self.0.extend(e.0);
                Err(self)
            }
        }
    }

    pub fn into_result(self) -> Result<(), FieldErrors> {
        if self.0.is_empty() { Ok(()) } else { Err(self) }
    }

    pub fn message_for(&self, field: &str) -> Option<&str> {
        self.0.iter().find(|p| p.field == field).map(|p| p.message.as_str())
    }
}

impl From<Problem> for FieldErrors {
    fn from(p: Problem) -> Self {
        FieldErrors(vec![p])
    }
}

impl FieldErrors {
    /// The problems as a page says them, each field in its form's words:
    /// "Moved out: must not be before the start date".
    pub fn in_words(&self) -> String {
        let parts: Vec<String> = self.0.iter().map(|p| format!("{}: {}", p.label(), p.message)).collect();
        parts.join("; ")
    }
}

impl fmt::Display for FieldErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self.0.iter().map(Problem::to_string).collect();
        f.write_str(&parts.join("; "))
    }
}

impl std::error::Error for FieldErrors {}

#[cfg(test)]
mod tests {
    use super::{FieldErrors, Problem};

    #[test]
    fn problems_found_first_join_the_checks() {
        let before = FieldErrors::from(Problem::new("campaign", "x"));
        let both = before.clone().and::<()>(Err(Problem::new("title", "y").into())).err().unwrap_or_default();
        let fields: Vec<&str> = both.0.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["campaign", "title"]);
        assert!(before.and(Ok(1)).is_err());
        assert_eq!(FieldErrors::default().and(Ok(1)), Ok(1));
    }

    #[test]
    fn a_problem_names_its_field_as_the_form_does() {
        assert_eq!(Problem::new("given_name", "x").label(), "First name");
        assert_eq!(Problem::new("email_0", "x").label(), "Email 1");
        assert_eq!(Problem::new("phone_2", "x").label(), "Phone 3");
        assert_eq!(Problem::new("postcode_0", "x").label(), "Postcode");
        assert_eq!(Problem::new("email", "x").label(), "Email");
    }
}
