//! Supporters: what a member of the public gives on one of the group's
//! public forms (a petition's signing form, an event's RSVP): a name, an
//! email address we can send to, a postcode, a comment and a consent choice.

use crate::contact::{Email, Postcode, optional_text, required_line};
use crate::{FieldErrors, Problem};

/// A supporter as a public form gives them, checked.
#[derive(Clone, Debug, PartialEq)]
pub struct Supporter {
    pub given_name: String,
    pub family_name: Option<String>,
    pub email: Email,
    pub postcode: Postcode,
    pub comment: Option<String>,
    pub consent: bool,
}

impl Supporter {
    pub fn name(&self) -> String {
        match &self.family_name {
            Some(f) => format!("{} {f}", self.given_name),
            None => self.given_name.clone(),
        }
    }
}

/// A name as people write names: something visible, no text-direction
/// tricks, and no web address (it is repeated in the email we send).
pub fn plain_name(field: &str, name: String) -> Result<String, Problem> {
    if crate::text::has_hidden(&name) {
        return Err(Problem::new(field, "has invisible or text-direction characters; type it plainly"));
    }
    let lower = name.to_lowercase();
    if lower.contains("://") || lower.contains("www.") {
        return Err(Problem::new(field, "must be your name, not a web address"));
    }
    Ok(name)
}

/// An address our mail server can deliver to: plain ASCII, with none of the
/// characters that mean something else in an email header.
pub fn sendable(field: &str, email: Email) -> Result<Email, Problem> {
    let s = email.as_str();
    if !s.is_ascii() || s.chars().any(|c| matches!(c, '<' | '>' | ',' | ';' | '(' | ')' | '"' | '\\' | '[' | ']' | ' ')) {
        return Err(Problem::new(field, "must be an address we can send to, without accents or spaces"));
    }
    Ok(email)
}

/// What a public form sends, as typed.
pub struct SupporterInput<'a> {
    pub name: &'a str,
    pub email: &'a str,
    pub postcode: &'a str,
    pub comment: &'a str,
    pub consent: bool,
}

impl SupporterInput<'_> {
    pub fn check(&self) -> Result<Supporter, FieldErrors> {
        let mut errors = FieldErrors::default();
        let name = errors.check(required_line("name", self.name, 120).and_then(|n| plain_name("name", n)));
        let email = errors.check(Email::parse("email", self.email).and_then(|e| sendable("email", e)));
        let postcode = errors.check(if self.postcode.trim().is_empty() {
            Err(Problem::new("postcode", "must not be empty"))
        } else {
            Postcode::parse("postcode", self.postcode)
        });
        let comment = errors.check(optional_text("comment", self.comment, 1000)).flatten();
        match (name, email, postcode) {
            (Some(name), Some(email), Some(postcode)) if errors.is_empty() => {
                // The last word is the family name: "Siân Davies", "Mary Ann Jones".
                let (given, family) = match name.rsplit_once(' ') {
                    Some((g, f)) => (g.trim().to_string(), Some(f.to_string())),
                    None => (name, None),
                };
                Ok(Supporter { given_name: given, family_name: family, email, postcode, comment, consent: self.consent })
            }
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_splits_the_name_and_needs_a_postcode() {
        let s = SupporterInput { name: " Mary Ann Jones ", email: "MAJ@example.org", postcode: "np22 3aa", comment: "", consent: false };
        let s = s.check();
        assert_eq!(s.as_ref().map(|s| (s.given_name.as_str(), s.family_name.as_deref())), Ok(("Mary Ann", Some("Jones"))));
        for (name, email) in [
            ("Win at https://evil.example", "a@example.org"),
            ("\u{202E}nosaj", "a@example.org"),
            ("Ann", "ünï@example.org"),
            ("Ann", "a>b<c@example.org"),
        ] {
            let field = if name == "Ann" { "email" } else { "name" };
            let e = SupporterInput { name, email, postcode: "NP22 3AA", comment: "", consent: false }.check().err().unwrap_or_default();
            assert!(e.message_for(field).is_some(), "{name} {email}");
        }
        let bad = SupporterInput { name: "", email: "nope", postcode: "", comment: "a\u{0}", consent: true }.check();
        let errors = bad.err().unwrap_or_default();
        for field in ["name", "email", "postcode", "comment"] {
            assert!(errors.message_for(field).is_some(), "{field}");
        }
    }
}
