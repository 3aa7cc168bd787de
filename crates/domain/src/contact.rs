//! Ways to reach a person. Each value is parsed once at the edge; holding one
//! proves it is well formed. Each also has a `key`, the normalised form used to
//! match and to keep an address or number unique within a group.

use crate::Problem;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Email {
    address: String,
}

impl Email {
    pub fn parse(field: &str, s: &str) -> Result<Email, Problem> {
        let address = s.trim();
        let bad = |m: &str| Err(Problem::new(field, m));
        if address.is_empty() {
            return bad("enter an email address");
        }
        if address.len() > 254 {
            return bad("is too long (254 characters at most)");
        }
        if address.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return bad("must not contain spaces");
        }
        let Some((local, domain)) = address.rsplit_once('@') else {
            return bad("must look like name@example.org (it has no @)");
        };
        if local.is_empty() || domain.is_empty() || local.contains('@') {
            return bad("must look like name@example.org");
        }
        if !domain.contains('.') || domain.starts_with('.') || domain.ends_with('.') || domain.contains("..") {
            return bad("must have a domain like example.org after the @");
        }
        Ok(Email { address: address.to_string() })
    }

    pub fn as_str(&self) -> &str {
        &self.address
    }

    /// Addresses match case-insensitively.
    pub fn key(&self) -> String {
        self.address.to_lowercase()
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Phone {
    number: String,
    key: String,
}

impl Phone {
    /// Accepts the ways people write numbers (`07700 900123`, `+44 (0)7700-900123`).
    /// The key is E.164-like: a UK number written with a leading 0 becomes +44.
    pub fn parse(field: &str, s: &str) -> Result<Phone, Problem> {
        let number = s.trim();
        if number.is_empty() {
            return Err(Problem::new(field, "enter a phone number"));
        }
        if let Some(c) = number.chars().find(|c| !(c.is_ascii_digit() || " +-().".contains(*c))) {
            return Err(Problem::new(field, format!("must contain only digits, spaces and + - ( ) (found '{c}')")));
        }
        if number.rfind('+').is_some_and(|i| i != 0) {
            return Err(Problem::new(field, "can have + only at the start"));
        }
        let key = phone_key_prefix(number);
        let count = key.trim_start_matches('+').len();
        if !(7..=15).contains(&count) {
            return Err(Problem::new(field, "must have between 7 and 15 digits"));
        }
        Ok(Phone { number: number.to_string(), key })
    }

    pub fn as_str(&self) -> &str {
        &self.number
    }

    pub fn key(&self) -> &str {
        &self.key
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Postcode {
    code: String,
}

impl Postcode {
    /// Loose on purpose: groups organise outside the UK too. Letters, digits,
    /// spaces and hyphens, 2 to 10 characters.
    pub fn parse(field: &str, s: &str) -> Result<Postcode, Problem> {
        let code = s.trim().to_uppercase();
        if code.len() < 2 || code.len() > 10 {
            return Err(Problem::new(field, "must be 2 to 10 characters"));
        }
        if !code.chars().all(|c| c.is_ascii_alphanumeric() || c == ' ' || c == '-') {
            return Err(Problem::new(field, "must contain only letters, digits and spaces"));
        }
        Ok(Postcode { code })
    }

    pub fn as_str(&self) -> &str {
        &self.code
    }

    /// `sw1a 1aa`, `SW1A1AA` and `SW1A 1AA` are one postcode.
    pub fn key(&self) -> String {
        postcode_key(&self.code)
    }
}

pub fn postcode_key(s: &str) -> String {
    s.chars().filter(|c| c.is_ascii_alphanumeric()).collect::<String>().to_uppercase()
}

/// The district of a UK postcode key, its outward code ("CF101AA" → "CF10"):
/// the area the listening report counts by. A key that is not a UK postcode
/// is its own district.
pub fn postcode_district(key: &str) -> String {
    let chars: Vec<char> = key.chars().collect();
    match chars.as_slice() {
        [outward @ .., d, a, b]
            if (2..=4).contains(&outward.len()) && d.is_ascii_digit() && a.is_ascii_alphabetic() && b.is_ascii_alphabetic() =>
        {
            outward.iter().collect()
        }
        _ => key.to_string(),
    }
}

/// OSDI's email and phone subscription statuses. The default is
/// unsubscribed: consent is never assumed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SubscriptionStatus {
    Subscribed,
    #[default]
    Unsubscribed,
    Bouncing,
    SpamComplaint,
}

impl SubscriptionStatus {
    pub const ALL: [SubscriptionStatus; 4] =
        [SubscriptionStatus::Subscribed, SubscriptionStatus::Unsubscribed, SubscriptionStatus::Bouncing, SubscriptionStatus::SpamComplaint];

    pub fn parse(field: &str, s: &str) -> Result<SubscriptionStatus, Problem> {
        match s.trim().to_ascii_lowercase().replace('_', " ").as_str() {
            "subscribed" => Ok(SubscriptionStatus::Subscribed),
            "unsubscribed" => Ok(SubscriptionStatus::Unsubscribed),
            "bouncing" => Ok(SubscriptionStatus::Bouncing),
            "spam complaint" => Ok(SubscriptionStatus::SpamComplaint),
            _ => Err(Problem::new(field, "must be subscribed, unsubscribed, bouncing or spam complaint")),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            SubscriptionStatus::Subscribed => "subscribed",
            SubscriptionStatus::Unsubscribed => "unsubscribed",
            SubscriptionStatus::Bouncing => "bouncing",
            SubscriptionStatus::SpamComplaint => "spam complaint",
        }
    }
}

/// A login password: long enough to resist guessing.
pub struct Password(String);

impl Password {
    pub const MIN_CHARS: usize = 12;

    pub fn parse(field: &str, s: &str) -> Result<Password, Problem> {
        let n = s.chars().count();
        if n < Self::MIN_CHARS {
            return Err(Problem::new(field, format!("must be at least {} characters", Self::MIN_CHARS)));
        }
        if n > 1024 {
            return Err(Problem::new(field, "must be at most 1024 characters"));
        }
        Ok(Password(s.to_string()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// Trimmed optional text with a length cap; empty means absent.
pub fn optional_text(field: &str, s: &str, max: usize) -> Result<Option<String>, Problem> {
    let t = s.trim();
    if t.chars().count() > max {
        return Err(Problem::new(field, format!("is too long ({max} characters at most)")));
    }
    if t.chars().any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t') {
        return Err(Problem::new(field, "contains control characters"));
    }
    Ok((!t.is_empty()).then(|| t.to_string()))
}

/// Text that must fit on one line: no control character at all, not even a
/// tab or a line break.
pub fn one_line_text(field: &str, s: &str, max: usize) -> Result<Option<String>, Problem> {
    if s.chars().any(|c| c.is_control() || is_direction_or_break(c)) {
        return Err(Problem::new(field, "must be one line, without control characters"));
    }
    optional_text(field, s, max)
}

/// Characters that reorder the text shown after them (bidi overrides and
/// isolates), so a name could make a list or the audit log read backwards,
/// or that break a line without being a control character.
fn is_direction_or_break(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{2028}' | '\u{2029}')
}

/// One line of text that must be present.
pub fn required_line(field: &str, s: &str, max: usize) -> Result<String, Problem> {
    one_line_text(field, s, max)?.ok_or_else(|| Problem::new(field, "must not be empty"))
}

/// Trimmed text that must be present.
pub fn required_text(field: &str, s: &str, max: usize) -> Result<String, Problem> {
    optional_text(field, s, max)?.ok_or_else(|| Problem::new(field, "must not be empty"))
}

/// The phone key of a partly typed number, for prefix search ("07700" → "+447700").
pub fn phone_key_prefix(s: &str) -> String {
    let digits: String = s.replace("(0)", "").chars().filter(char::is_ascii_digit).collect();
    if s.trim_start().starts_with('+') {
        format!("+{digits}")
    } else if let Some(rest) = digits.strip_prefix("00") {
        format!("+{rest}")
    } else if let Some(rest) = digits.strip_prefix('0') {
        format!("+44{rest}")
    } else {
        digits
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_postcode_district_is_its_outward_code() {
        assert_eq!(super::postcode_district("CF101AA"), "CF10");
        assert_eq!(super::postcode_district("SW1A1AA"), "SW1A");
        assert_eq!(super::postcode_district("M11AE"), "M1");
        assert_eq!(super::postcode_district("75011"), "75011");
    }

    use super::*;

    #[test]
    fn one_line_refuses_what_would_reorder_or_break_it() {
        for bad in ["abc\u{202E}gnp.exe", "a\u{2066}b", "a\u{2028}b", "a\nb"] {
            assert!(required_line("name", bad, 100).is_err(), "{bad:?}");
        }
        // Joiners belong to how some scripts and emoji are written.
        assert_eq!(required_line("name", "Mi\u{200C}nu 👩\u{200D}👧", 100).map(|s| s.len()), Ok(19));
    }

    #[test]
    fn emails() {
        assert_eq!(Email::parse("email", " Ann@Example.org ").map(|e| e.key()), Ok("ann@example.org".into()));
        for bad in ["", "ann", "ann@", "@x.org", "ann@localhost", "a b@x.org", "ann@x..org"] {
            let e = Email::parse("email", bad).err();
            assert_eq!(e.map(|p| p.field), Some("email".to_string()), "{bad}");
        }
    }

    #[test]
    fn phones_match_across_formats() {
        let a = Phone::parse("phone", "07700 900123").ok();
        let b = Phone::parse("phone", "+44 (0)7700-900123").ok();
        assert_eq!(a.as_ref().map(Phone::key), Some("+447700900123"));
        assert_eq!(a.map(|p| p.key), b.map(|p| p.key));
        assert!(Phone::parse("phone", "call me").is_err());
        assert!(Phone::parse("phone", "123").is_err());
        assert!(Phone::parse("phone", "07700+900123").is_err());
    }

    #[test]
    fn postcodes_and_passwords() {
        assert_eq!(Postcode::parse("postcode", "sw1a 1aa").map(|p| p.key()), Ok("SW1A1AA".into()));
        assert!(Postcode::parse("postcode", "!!").is_err());
        assert!(Password::parse("password", "short").is_err());
        assert!(Password::parse("password", "twelve chars").is_ok());
    }
}
