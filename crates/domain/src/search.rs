//! What the words typed into a search box are taken to mean: an email, a
//! phone number, a postcode, or else words that start a person's words (their
//! names, the parts of their emails, their addresses). Each is searched by
//! prefix from its own index. Words are folded here, in Rust, so both
//! backends store and search the same text: "Siân" is "sian".

use crate::contact::{phone_key_prefix, postcode_key};
use crate::people::PersonDetails;
use crate::text::words;

/// The longest word kept; longer ones are cut, and searches are cut to match.
pub const TERM_MAX: usize = 40;

/// Every word a search can find a person by: their names, each part of
/// each email (split at dots, `@`, `+` and dashes), and the words of their
/// addresses (building, street, town). Each once, cut to `TERM_MAX`.
pub fn terms(d: &PersonDetails) -> Vec<String> {
    let mut text: Vec<&str> = [d.given_name.as_deref(), d.family_name.as_deref()].into_iter().flatten().collect();
    text.extend(d.emails.iter().map(|e| e.email.as_str()));
    for a in &d.addresses {
        text.extend(a.address_lines.iter().map(String::as_str));
        text.extend(a.locality.as_deref());
    }
    terms_of(text)
}

/// The terms of pieces of a person's text, as `terms` finds them.
pub fn terms_of<'a>(text: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut out: Vec<String> = text.into_iter().flat_map(words).map(|w| w.chars().take(TERM_MAX).collect()).collect();
    out.sort();
    out.dedup();
    out
}

/// One or two letters then a digit: the start of a UK postcode ("NP22",
/// "CF10 1A", "M1"), and not "Flat 23" or "davies0".
fn looks_like_postcode(key: &str) -> bool {
    let letters = key.chars().take_while(char::is_ascii_alphabetic).count();
    (1..=2).contains(&letters) && key.chars().nth(letters).is_some_and(|c| c.is_ascii_digit())
}

/// What a search box's words are taken to mean.
#[derive(Clone, Debug, PartialEq)]
pub enum Search {
    All,
    /// Folded words, each the start of one of a person's words, in any order.
    Words(Vec<String>),
    Email(String),
    Phone(String),
    Postcode(String),
    /// Everyone with this tag.
    Tagged(crate::TagId),
    /// Everyone a segment's definition matches, other lists already
    /// resolved into it (static lists stay as `OnList`).
    Segment(crate::segments::Node),
}

impl Search {
    pub fn parse(q: &str) -> Search {
        let q = q.trim();
        if q.is_empty() {
            Search::All
        } else if q.contains('@') {
            Search::Email(q.to_lowercase())
        } else if q.chars().all(|c| c.is_ascii_digit() || " +-().".contains(c)) && q.chars().filter(char::is_ascii_digit).count() >= 3 {
            Search::Phone(phone_key_prefix(q))
        } else if q.len() <= 8 && q.chars().all(|c| c.is_ascii_alphanumeric() || c == ' ') && looks_like_postcode(&postcode_key(q)) {
            Search::Postcode(postcode_key(q))
        } else {
            let words: Vec<String> = words(q).into_iter().take(8).map(|w| w.chars().take(TERM_MAX).collect()).collect();
            if words.is_empty() { Search::All } else { Search::Words(words) }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::Search;

    #[test]
    fn nothing_typed_is_everyone() {
        assert_eq!(Search::parse("   "), Search::All);
    }

    #[test]
    fn an_at_sign_is_an_email_in_lower_case() {
        assert_eq!(Search::parse(" Ann@Example.org "), Search::Email("ann@example.org".into()));
        assert_eq!(Search::parse("ann@"), Search::Email("ann@".into()));
    }

    #[test]
    fn three_digits_or_more_are_a_phone_number_by_its_key() {
        assert_eq!(Search::parse("07700 900"), Search::Phone("+447700900".into()));
        assert_eq!(Search::parse("+44 (7700)"), Search::Phone("+447700".into()));
        assert_eq!(Search::parse("12"), words(&["12"]), "two digits are too few to mean a phone");
    }

    #[test]
    fn a_short_mix_of_letters_and_digits_is_a_postcode() {
        assert_eq!(Search::parse("np22 3"), Search::Postcode("NP223".into()));
        assert_eq!(Search::parse("NP22"), Search::Postcode("NP22".into()));
        assert_eq!(Search::parse("m1 1ae"), Search::Postcode("M11AE".into()));
        assert_eq!(Search::parse("Flat 23"), words(&["flat", "23"]), "not a postcode");
        assert_eq!(Search::parse("davies0"), words(&["davies0"]));
    }

    fn words(ws: &[&str]) -> Search {
        Search::Words(ws.iter().map(|w| w.to_string()).collect())
    }

    #[test]
    fn anything_else_is_words_folded() {
        assert_eq!(Search::parse("Siân Jo"), words(&["sian", "jo"]));
        assert_eq!(Search::parse("O'Neil"), words(&["oneil"]));
        assert_eq!(Search::parse("Flat 12 Bevan"), words(&["flat", "12", "bevan"]), "too long for a postcode");
        assert_eq!(Search::parse("Attlee House,"), words(&["attlee", "house"]));
        assert_eq!(Search::parse("!!"), Search::All);
    }

    #[test]
    fn folding_drops_accents_and_case() {
        assert_eq!(crate::text::fold("Siân ŴÝN Łódź Straße"), "sian wyn lodz strasse");
        assert_eq!(crate::text::words("ann.jones+rent@tenants-union.org.uk"), ["ann", "jones", "rent", "tenants", "union", "org", "uk"]);
    }

    #[test]
    fn a_person_is_found_by_names_email_parts_and_address_words() {
        use crate::people::{Address, EmailEntry, PersonDetails};
        let d = PersonDetails {
            given_name: Some("Siân".into()),
            family_name: Some("Davies-Jones".into()),
            emails: vec![EmailEntry {
                email: crate::Email::parse("e", "sian.dj@example.org").unwrap(),
                status: Default::default(),
                primary: true,
            }],
            addresses: vec![Address {
                address_lines: vec!["Flat 4, Attlee House".into()],
                locality: Some("Tredegar".into()),
                ..Default::default()
            }],
            ..Default::default()
        };
        let t = super::terms(&d);
        for w in ["sian", "davies", "jones", "dj", "example", "org", "flat", "4", "attlee", "house", "tredegar"] {
            assert!(t.contains(&w.to_string()), "{w} in {t:?}");
        }
        assert_eq!(t.iter().filter(|w| *w == "sian").count(), 1, "each word once");
    }
}
