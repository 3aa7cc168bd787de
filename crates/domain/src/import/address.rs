//! The building and unit an address names, so the flats of one block land in
//! one building and the houses of one street in one stretch of it.
//!
//! - "Flat 3, Bevan Court" or "Flat 3" then "Bevan Court": flat 3 of the block Bevan Court;
//! - "12 High Street": house 12 of the stretch High Street;
//! - "Rose Cottage" then "High Street": the house Rose Cottage on High Street;
//! - "Rose Cottage" alone: a house that is its own stretch.

use crate::places::BuildingKind;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlaceOf {
    pub building: String,
    pub kind: BuildingKind,
    pub unit: String,
    /// A flat numbered 304 is on the third floor; lower numbers say nothing.
    pub floor: Option<i64>,
}

const FLAT_WORDS: [&str; 6] = ["flat", "apartment", "apt", "maisonette", "unit", "room"];

pub fn place_of(lines: &[String]) -> Option<PlaceOf> {
    let mut lines = lines.iter().map(|l| l.trim().trim_end_matches(',').trim()).filter(|l| !l.is_empty());
    let first = lines.next()?;
    let next = lines.next();
    if let Some((word, rest)) = first.split_once(' ')
        && FLAT_WORDS.contains(&word.to_lowercase().as_str())
    {
        let rest = rest.trim_start();
        let (label, building) = match rest.split_once([',', ' ']) {
            Some((label, b)) if !b.trim().is_empty() => (label, Some(b.trim().trim_start_matches(',').trim())),
            _ => (rest, None),
        };
        // "Bevan Court, Brookfield Road": the block is Bevan Court.
        let building = building.or(next.map(|n| n.split(',').next().unwrap_or(n).trim()))?;
        let number = crate::places::unit_number(label);
        return Some(PlaceOf {
            building: building.to_string(),
            kind: BuildingKind::Block,
            unit: format!("{} {label}", capitalise(word)),
            floor: (number >= 100).then_some(number / 100),
        });
    }
    if let Some((number, street)) = house_number(first) {
        return Some(PlaceOf { building: street.to_string(), kind: BuildingKind::Street, unit: number.to_string(), floor: None });
    }
    // A named house: its street is the next line, without a number.
    let street = next.map(|n| house_number(n).map_or(n, |(_, s)| s)).unwrap_or(first);
    Some(PlaceOf { building: street.to_string(), kind: BuildingKind::Street, unit: first.to_string(), floor: None })
}

/// "12 High Street" or "12a High Street" → ("12", "High Street").
fn house_number(line: &str) -> Option<(&str, &str)> {
    let (number, street) = line.split_once(' ')?;
    let digits = number.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    let looks = !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit() || c == '-') && number.len() - digits.len() <= 1;
    (looks && !street.trim().is_empty()).then(|| (number.trim_end_matches(','), street.trim()))
}

fn capitalise(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars.flat_map(char::to_lowercase)).collect()).unwrap_or_default()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn of(lines: &[&str]) -> PlaceOf {
        place_of(&lines.iter().map(|s| s.to_string()).collect::<Vec<_>>()).unwrap()
    }

    #[test]
    fn flats_land_in_their_block_and_houses_in_their_street() {
        let a = of(&["Flat 3", "Bevan Court", "Tredegar"]);
        let b = of(&["FLAT 12, Bevan Court", "Tredegar"]);
        assert_eq!((a.building.as_str(), a.unit.as_str(), a.kind), ("Bevan Court", "Flat 3", BuildingKind::Block));
        assert_eq!((b.building.as_str(), b.unit.as_str()), ("Bevan Court", "Flat 12"));
        assert_eq!(of(&["Flat 304 Bevan Court"]).floor, Some(3));
        assert_eq!(of(&["Flat 1", "Bevan Court, Brookfield Road"]).building, "Bevan Court");
        let h = of(&["12A High Street", "Tredegar"]);
        assert_eq!((h.building.as_str(), h.unit.as_str(), h.kind), ("High Street", "12A", BuildingKind::Street));
        let n = of(&["Rose Cottage", "14 High Street"]);
        assert_eq!((n.building.as_str(), n.unit.as_str()), ("High Street", "Rose Cottage"));
        assert_eq!(place_of(&[" ".to_string()]), None);
    }
}
