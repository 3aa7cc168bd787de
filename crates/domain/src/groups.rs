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
    let mut slug = String::new();
    for c in s.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if (c.is_whitespace() || c == '-' || c == '_' || c == '/') && !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    slug.trim_end_matches('-').chars().take(60).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert_eq!(slugify("Brookfield Estate Residents' Association"), "brookfield-estate-residents-association");
        assert!(parse_group_name("name", "!!!").is_err());
    }
}
