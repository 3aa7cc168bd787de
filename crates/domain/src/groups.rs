//! Groups nest: national, region, branch or estate. Each owns its data.

use crate::{Problem, contact::required_text};

/// A group's name, and the slug its pages live under (`/g/{slug}`).
pub fn parse_group_name(field: &str, s: &str) -> Result<(String, String), Problem> {
    let name = required_text(field, s, 120)?;
    let slug = slugify(&name);
    if slug.is_empty() {
        return Err(Problem::new(field, "must contain at least one letter or digit"));
    }
    Ok((name, slug))
}

/// "Brookfield Estate Residents' Association" → "brookfield-estate-residents-association".
pub fn slugify(s: &str) -> String {
    joined(s, '-', 60)
}

/// A name as lower-case ASCII words joined by `sep`: accented letters lose
/// their accents (Tŷ Newydd → ty newydd), other signs are dropped.
pub fn joined(s: &str, sep: char, max: usize) -> String {
    let mut out = String::new();
    for c in s.chars().flat_map(char::to_lowercase) {
        if let Some(plain) = plain_letter(c) {
            out.push(plain);
        } else if (c.is_whitespace() || c == '-' || c == '_' || c == '/') && !out.is_empty() && !out.ends_with(sep) {
            out.push(sep);
        }
    }
    out.trim_end_matches(sep).chars().take(max).collect::<String>().trim_end_matches(sep).to_string()
}

/// The ASCII letter or digit a character is written as without its accent.
fn plain_letter(c: char) -> Option<char> {
    if c.is_ascii_alphanumeric() {
        return Some(c);
    }
    Some(match c {
        'à' | 'á' | 'â' | 'ä' | 'ã' | 'å' => 'a',
        'è' | 'é' | 'ê' | 'ë' => 'e',
        'ì' | 'í' | 'î' | 'ï' => 'i',
        'ò' | 'ó' | 'ô' | 'ö' | 'õ' => 'o',
        'ù' | 'ú' | 'û' | 'ü' => 'u',
        'ŵ' => 'w',
        'ŷ' | 'ý' | 'ÿ' => 'y',
        'ç' => 'c',
        'ñ' => 'n',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert_eq!(slugify("Brookfield Estate Residents' Association"), "brookfield-estate-residents-association");
        assert!(parse_group_name("name", "!!!").is_err());
        assert_eq!(slugify("Cymdeithas Tenantiaid Tŷ Newydd"), "cymdeithas-tenantiaid-ty-newydd");
    }
}
