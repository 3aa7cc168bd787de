//! Text folded for matching: lower case, without accents, in words. Search
//! terms, slugs and theme names all fold the same way, here in Rust, so both
//! backends store and compare the same text.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Lower case, without accents: "Siân" → "sian", "Łódź" → "lodz".
/// Whether the text holds characters that show nothing or turn the text
/// around (zero-width spaces, bidi overrides): a way to make a name read as
/// something it is not.
pub fn has_hidden(s: &str) -> bool {
    s.chars().any(|c| matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}'))
}

pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.nfd().filter(|c| !is_combining_mark(*c)).flat_map(char::to_lowercase) {
        // Letters that are not a base letter with a mark.
        match c {
            'ß' => out.push_str("ss"),
            'æ' => out.push_str("ae"),
            'œ' => out.push_str("oe"),
            'ł' => out.push('l'),
            'ø' => out.push('o'),
            'đ' | 'ð' => out.push('d'),
            'þ' => out.push_str("th"),
            c => out.push(c),
        }
    }
    out
}

/// The folded words of some text, split at anything that is not a letter or
/// a digit; apostrophes join ("O'Neil" is one word, "oneil").
pub fn words(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    for c in fold(s).chars() {
        if c.is_alphanumeric() {
            word.push(c);
        } else if c != '\'' && c != '’' && !word.is_empty() {
            out.push(std::mem::take(&mut word));
        }
    }
    if !word.is_empty() {
        out.push(word);
    }
    out
}
