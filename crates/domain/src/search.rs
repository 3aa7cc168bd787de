//! What the words typed into a search box are taken to mean: an email, a
//! phone number, a postcode, or else the start of a name. Each is searched
//! by prefix from its own index.

use crate::contact::{phone_key_prefix, postcode_key};

/// What a search box's words are taken to mean.
#[derive(Clone, Debug, PartialEq)]
pub enum Search {
    All,
    Name(String),
    Email(String),
    Phone(String),
    Postcode(String),
    /// Everyone with this tag.
    Tagged(crate::TagId),
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
        } else if q.len() <= 8
            && q.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
            && q.chars().any(|c| c.is_ascii_digit())
            && q.chars().all(|c| c.is_ascii_alphanumeric() || c == ' ')
        {
            Search::Postcode(postcode_key(q))
        } else {
            Search::Name(q.to_lowercase())
        }
    }
}

#[cfg(test)]
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
        assert_eq!(Search::parse("12"), Search::Name("12".into()), "two digits are too few to mean a phone");
    }

    #[test]
    fn a_short_mix_of_letters_and_digits_is_a_postcode() {
        assert_eq!(Search::parse("np22 3"), Search::Postcode("NP223".into()));
        assert_eq!(Search::parse("NP22"), Search::Postcode("NP22".into()));
    }

    #[test]
    fn anything_else_is_the_start_of_a_name() {
        assert_eq!(Search::parse("Siân Jo"), Search::Name("siân jo".into()));
        assert_eq!(Search::parse("O'Neil"), Search::Name("o'neil".into()));
        assert_eq!(Search::parse("Flat 12 Bevan"), Search::Name("flat 12 bevan".into()), "too long for a postcode");
    }
}
