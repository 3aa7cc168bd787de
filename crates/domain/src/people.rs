//! A person in a group's database, and the custom fields a group defines.

use chrono::NaiveDate;

use crate::{Email, FieldErrors, Phone, Postcode, Problem, SubscriptionStatus, contact::optional_text};

#[derive(Clone, Debug, PartialEq)]
pub struct EmailEntry {
    pub email: Email,
    pub status: SubscriptionStatus,
    pub primary: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct PhoneEntry {
    pub phone: Phone,
    pub number_type: PhoneType,
    pub status: SubscriptionStatus,
    pub primary: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PhoneType {
    Mobile,
    Home,
    Work,
    Other,
}

impl PhoneType {
    pub const ALL: [PhoneType; 4] = [PhoneType::Mobile, PhoneType::Home, PhoneType::Work, PhoneType::Other];

    pub fn parse(field: &str, s: &str) -> Result<PhoneType, Problem> {
        match s.trim().to_ascii_lowercase().as_str() {
            "mobile" | "cell" | "" => Ok(PhoneType::Mobile),
            "home" => Ok(PhoneType::Home),
            "work" => Ok(PhoneType::Work),
            "other" => Ok(PhoneType::Other),
            _ => Err(Problem::new(field, "must be mobile, home, work or other")),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            PhoneType::Mobile => "mobile",
            PhoneType::Home => "home",
            PhoneType::Work => "work",
            PhoneType::Other => "other",
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Address {
    pub address_lines: Vec<String>,
    pub locality: Option<String>,
    pub region: Option<String>,
    pub postcode: Option<Postcode>,
    pub country: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub primary: bool,
}

impl Address {
    pub fn is_empty(&self) -> bool {
        self.address_lines.is_empty()
            && self.locality.is_none()
            && self.region.is_none()
            && self.postcode.is_none()
            && self.country.is_none()
    }

    pub fn one_line(&self) -> String {
        let mut parts: Vec<&str> = self.address_lines.iter().map(String::as_str).collect();
        parts.extend(self.locality.as_deref());
        parts.extend(self.region.as_deref());
        parts.extend(self.postcode.as_ref().map(Postcode::as_str));
        parts.extend(self.country.as_deref());
        parts.join(", ")
    }
}

/// Everything about a person that an organiser can write. Saving replaces what
/// was stored; the API's partial updates are merged into one of these first.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PersonDetails {
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub emails: Vec<EmailEntry>,
    pub phones: Vec<PhoneEntry>,
    pub addresses: Vec<Address>,
    pub languages: Vec<String>,
    /// Custom field name and its checked value.
    pub custom: Vec<(String, String)>,
}

impl PersonDetails {
    /// The rules every saved person meets, whichever door the data came in by.
    pub fn check(mut self) -> Result<PersonDetails, FieldErrors> {
        let mut errors = FieldErrors::default();
        if self.given_name.is_none() && self.family_name.is_none() && self.emails.is_empty() && self.phones.is_empty() {
            errors.push(Problem::new("given_name", "enter a name, an email address or a phone number"));
        }
        let mut seen = std::collections::HashSet::new();
        for (i, e) in self.emails.iter().enumerate() {
            if !seen.insert(e.email.key()) {
                errors.push(Problem::new(format!("email_{i}"), format!("{} is listed twice", e.email.as_str())));
            }
        }
        let mut seen = std::collections::HashSet::new();
        for (i, p) in self.phones.iter().enumerate() {
            if !seen.insert(p.phone.key().to_string()) {
                errors.push(Problem::new(format!("phone_{i}"), format!("{} is listed twice", p.phone.as_str())));
            }
        }
        errors.into_result()?;
        // Exactly one primary of each kind, the first unless one was chosen.
        fn one_primary<T>(items: &mut [T], flag: impl Fn(&mut T) -> &mut bool) {
            let chosen = items.iter_mut().position(|i| *flag(i)).unwrap_or(0);
            for (i, item) in items.iter_mut().enumerate() {
                *flag(item) = i == chosen;
            }
        }
        one_primary(&mut self.emails, |e| &mut e.primary);
        one_primary(&mut self.phones, |p| &mut p.primary);
        self.addresses.retain(|a| !a.is_empty());
        one_primary(&mut self.addresses, |a| &mut a.primary);
        Ok(self)
    }

    /// Lower-cased "given family", searched by prefix.
    pub fn name_key(&self) -> String {
        name_key(self.given_name.as_deref(), self.family_name.as_deref())
    }

    pub fn primary_email(&self) -> Option<&EmailEntry> {
        self.emails.iter().find(|e| e.primary)
    }
}

pub fn name_key(given: Option<&str>, family: Option<&str>) -> String {
    let full = [given, family].into_iter().flatten().collect::<Vec<_>>().join(" ");
    full.trim().to_lowercase()
}

/// "Welsh, pl , en" → ["Welsh", "pl", "en"].
pub fn parse_languages(field: &str, s: &str) -> Result<Vec<String>, Problem> {
    let mut out = Vec::new();
    for part in s.split(',') {
        if let Some(lang) = optional_text(field, part, 40)?
            && !out.contains(&lang)
        {
            out.push(lang);
        }
    }
    Ok(out)
}

/// What happened to a person, in their history.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HistoryKind {
    Created,
    Edited,
    Merged,
    Tagged,
    Untagged,
    Assigned,
    /// They left the group's emails by the link in one.
    Unsubscribed,
    /// They moved into or out of a flat or house.
    Moved,
    /// Mutual aid: they asked for help, said how it went, or said they
    /// would like to get involved.
    Aid,
    /// A record about them was deleted (a conversation logged by mistake).
    Deleted,
}

crate::stored_as_text!(HistoryKind {
    Created = "created",
    Edited = "edited",
    Merged = "merged",
    Tagged = "tagged",
    Untagged = "untagged",
    Assigned = "assigned",
    Unsubscribed = "unsubscribed",
    Moved = "moved",
    Aid = "aid",
    Deleted = "deleted",
});

/// The kinds of custom field a group can define.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FieldKind {
    Text,
    Number,
    Date,
    Choice(Vec<String>),
}

impl FieldKind {
    pub fn parse(field: &str, kind: &str, choices: &str) -> Result<FieldKind, Problem> {
        match kind.trim() {
            "text" => Ok(FieldKind::Text),
            "number" => Ok(FieldKind::Number),
            "date" => Ok(FieldKind::Date),
            "choice" => {
                let options: Vec<String> = choices.lines().map(str::trim).filter(|c| !c.is_empty()).map(String::from).collect();
                if options.is_empty() {
                    return Err(Problem::new("choices", "list at least one choice, one per line"));
                }
                Ok(FieldKind::Choice(options))
            }
            _ => Err(Problem::new(field, "must be text, number, date or choice")),
        }
    }

    pub fn as_str(&self) -> &'static str {
        match self {
            FieldKind::Text => "text",
            FieldKind::Number => "number",
            FieldKind::Date => "date",
            FieldKind::Choice(_) => "choice",
        }
    }

    pub fn choices(&self) -> &[String] {
        match self {
            FieldKind::Choice(c) => c,
            _ => &[],
        }
    }

    /// Check a value against the kind; `None` for an empty value.
    pub fn check(&self, field: &str, value: &str) -> Result<Option<String>, Problem> {
        let Some(v) = optional_text(field, value, 2000)? else {
            return Ok(None);
        };
        match self {
            FieldKind::Text => Ok(Some(v)),
            FieldKind::Number => v
                .parse::<f64>()
                .ok()
                .filter(|n| n.is_finite())
                .map(|_| Some(v.clone()))
                .ok_or_else(|| Problem::new(field, format!("must be a number (got '{v}')"))),
            FieldKind::Date => parse_date(field, &v).map(|d| Some(d.to_string())),
            FieldKind::Choice(options) => options
                .iter()
                .find(|o| o.eq_ignore_ascii_case(&v))
                .map(|o| Some(o.clone()))
                .ok_or_else(|| Problem::new(field, format!("must be one of: {}", options.join(", ")))),
        }
    }
}

/// Dates are written YYYY-MM-DD, as a date input sends them.
pub fn parse_date(field: &str, s: &str) -> Result<NaiveDate, Problem> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map_err(|_| Problem::new(field, format!("must be a real date written YYYY-MM-DD (got '{}')", s.trim())))
}

/// A custom field name is a short key clients can use: letters, digits, `_`.
/// The name a custom field is kept under, made from the label an organiser
/// types: "Rent arrears (£)" → "rent_arrears", "Tŷ" → "ty".
pub fn field_name_from_label(field: &str, label: &str) -> Result<String, Problem> {
    let name = crate::groups::joined(label, '_', 60);
    if name.is_empty() { Err(Problem::new(field, "must contain at least one letter or digit")) } else { Ok(name) }
}

pub fn parse_field_name(field: &str, s: &str) -> Result<String, Problem> {
    let name = s.trim().to_lowercase().replace([' ', '-'], "_");
    if name.is_empty() || name.len() > 60 || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err(Problem::new(field, "must be 1 to 60 letters, digits or underscores"));
    }
    Ok(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_names_come_from_any_label() {
        assert_eq!(field_name_from_label("label", "Rent arrears (£)").as_deref(), Ok("rent_arrears"));
        assert_eq!(field_name_from_label("label", "Tŷ").as_deref(), Ok("ty"));
        assert_eq!(field_name_from_label("label", "Flat no.").as_deref(), Ok("flat_no"));
        assert!(field_name_from_label("label", "(£)").is_err());
    }

    #[test]
    fn custom_field_kinds_check_values() {
        assert_eq!(FieldKind::Number.check("f", " 3.5 "), Ok(Some("3.5".into())));
        assert!(FieldKind::Number.check("f", "lots").is_err());
        assert_eq!(FieldKind::Date.check("f", "2026-02-28"), Ok(Some("2026-02-28".into())));
        assert!(FieldKind::Date.check("f", "2026-02-30").is_err_and(|p| p.field == "f"));
        let choice = FieldKind::parse("kind", "choice", "Yes\nNo\n");
        assert_eq!(choice.clone().map(|c| c.check("f", "yes")), Ok(Ok(Some("Yes".into()))));
        assert!(choice.is_ok_and(|c| c.check("f", "maybe").is_err()));
        assert_eq!(FieldKind::Text.check("f", "  "), Ok(None));
    }

    #[test]
    fn a_person_needs_a_name_or_contact_and_one_primary() {
        assert!(PersonDetails::default().check().is_err());
        let e = |s: &str| EmailEntry {
            email: Email::parse("email", s).unwrap_or_else(|_| unreachable!()),
            status: SubscriptionStatus::Subscribed,
            primary: false,
        };
        let p = PersonDetails { emails: vec![e("a@x.org"), e("b@x.org")], ..Default::default() }.check();
        assert_eq!(p.map(|p| p.emails.iter().filter(|e| e.primary).count()), Ok(1));
        let dup = PersonDetails { emails: vec![e("a@x.org"), e("A@x.org")], ..Default::default() }.check();
        assert!(dup.is_err());
    }

    #[test]
    fn languages_and_names() {
        assert_eq!(parse_languages("languages", "Welsh, pl ,,Welsh"), Ok(vec!["Welsh".into(), "pl".into()]));
        assert_eq!(name_key(Some("Ann"), Some("Jones")), "ann jones");
        assert_eq!(parse_field_name("name", "Shoe Size"), Ok("shoe_size".into()));
    }
}
