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

/// A name as lower-case ASCII words joined by `sep`, folded as searches
/// fold them (Tŷ Newydd → ty newydd); other signs are dropped.
pub fn joined(s: &str, sep: char, max: usize) -> String {
    let words = crate::text::words(s)
        .into_iter()
        .map(|w| w.chars().filter(char::is_ascii_alphanumeric).collect::<String>())
        .filter(|w| !w.is_empty());
    let mut out = String::new();
    for w in words {
        let room = max.saturating_sub(out.chars().count() + usize::from(!out.is_empty()));
        if room == 0 {
            break;
        }
        if !out.is_empty() {
            out.push(sep);
        }
        out.extend(w.chars().take(room));
    }
    out.trim_end_matches(sep).to_string()
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
