//! Places: areas hold buildings, buildings hold units, people live in units
//! from one date to another, and organisations own buildings from one date
//! to another. What an organiser types about each is checked here.

use chrono::NaiveDate;

use crate::contact::{Postcode, optional_text, required_line};
use crate::people::parse_date;
use crate::{FieldErrors, Problem};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AreaKind {
    Ward,
    Estate,
    Neighbourhood,
}
crate::stored_as_text!(AreaKind { Ward = "ward", Estate = "estate", Neighbourhood = "neighbourhood" });

/// A block of flats, or the houses along a stretch of one street.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BuildingKind {
    Block,
    Street,
}
crate::stored_as_text!(BuildingKind { Block = "block", Street = "street" });

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OrganisationKind {
    Landlord,
    HousingAssociation,
    Council,
    ManagingAgent,
    Developer,
    Other,
}
crate::stored_as_text!(OrganisationKind {
    Landlord = "landlord",
    HousingAssociation = "housing_association",
    Council = "council",
    ManagingAgent = "managing_agent",
    Developer = "developer",
    Other = "other",
});

impl AreaKind {
    pub fn parse(field: &str, s: &str) -> Result<AreaKind, Problem> {
        crate::one_of(field, s, AreaKind::ALL, AreaKind::as_str)
    }
    pub fn label(self) -> &'static str {
        match self {
            AreaKind::Ward => "Ward",
            AreaKind::Estate => "Estate",
            AreaKind::Neighbourhood => "Neighbourhood",
        }
    }
}

impl BuildingKind {
    pub fn parse(field: &str, s: &str) -> Result<BuildingKind, Problem> {
        crate::one_of(field, s, BuildingKind::ALL, BuildingKind::as_str)
    }
    pub fn label(self) -> &'static str {
        match self {
            BuildingKind::Block => "Block of flats",
            BuildingKind::Street => "Stretch of street",
        }
    }
}

impl OrganisationKind {
    pub fn parse(field: &str, s: &str) -> Result<OrganisationKind, Problem> {
        crate::one_of(field, s, OrganisationKind::ALL, OrganisationKind::as_str)
    }
    pub fn label(self) -> &'static str {
        match self {
            OrganisationKind::Landlord => "Landlord",
            OrganisationKind::HousingAssociation => "Housing association",
            OrganisationKind::Council => "Council",
            OrganisationKind::ManagingAgent => "Managing agent",
            OrganisationKind::Developer => "Developer",
            OrganisationKind::Other => "Other",
        }
    }
}

/// The structure test's target when the organiser sets none: a majority.
pub const DEFAULT_TARGET_PERCENT: i64 = 51;

pub(crate) fn target_percent(field: &str, s: &str) -> Result<i64, Problem> {
    if s.trim().is_empty() {
        return Ok(DEFAULT_TARGET_PERCENT);
    }
    match s.trim().trim_end_matches('%').trim().parse::<i64>() {
        Ok(n) if (1..=100).contains(&n) => Ok(n),
        _ => Err(Problem::new(field, "must be a whole number from 1 to 100")),
    }
}

fn optional_date(field: &str, s: &str) -> Result<Option<NaiveDate>, Problem> {
    if s.trim().is_empty() { Ok(None) } else { parse_date(field, s).map(Some) }
}

/// From and to dates, the second not before the first.
fn period(from: (&str, &str), to: (&str, &str), errors: &mut FieldErrors) -> (Option<NaiveDate>, Option<NaiveDate>) {
    let start = errors.check(optional_date(from.0, from.1)).flatten();
    let end = errors.check(optional_date(to.0, to.1)).flatten();
    if let (Some(a), Some(b)) = (start, end)
        && b < a
    {
        errors.push(Problem::new(to.0, "must not be before the start date"));
    }
    (start, end)
}

/// A website: `https://` is added to a bare "tai.example.org"; another
/// scheme, spaces, control or bidi characters, or no host are refused.
pub(crate) fn website(field: &str, s: &str) -> Result<String, Problem> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(String::new());
    }
    if s.chars().count() > 500 {
        return Err(Problem::new(field, "is too long (500 characters at most)"));
    }
    let full = if s.contains("://") { s.to_string() } else { format!("https://{s}") };
    let rest = full.strip_prefix("https://").or_else(|| full.strip_prefix("http://"));
    let odd = |c: char| {
        c.is_whitespace() || c.is_control() || matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    };
    match rest {
        None => Err(Problem::new(field, "must be a web address starting https:// or http://")),
        Some(r)
            if r.starts_with(['/', '.'])
                || !r.split('/').next().is_some_and(|host| host.contains('.') || host.starts_with("localhost")) =>
        {
            Err(Problem::new(field, "must name a site, such as https://tai.example.org"))
        }
        Some(_) if full.chars().any(odd) => Err(Problem::new(field, "must not hold spaces or invisible characters")),
        Some(_) => Ok(full),
    }
}

/// Each position a [longitude, latitude] pair on the Earth, each ring
/// closed (four positions at least).
fn rings_hold(rings: &serde_json::Value) -> bool {
    let position = |p: &serde_json::Value| match p.as_array().map(Vec::as_slice) {
        Some([lon, lat, ..]) => {
            lon.as_f64().is_some_and(|x| (-180.0..=180.0).contains(&x)) && lat.as_f64().is_some_and(|y| (-90.0..=90.0).contains(&y))
        }
        _ => false,
    };
    rings.as_array().is_some_and(|rings| {
        !rings.is_empty()
            && rings
                .iter()
                .all(|ring| ring.as_array().is_some_and(|ps| ps.len() >= 4 && ps.iter().all(position) && ps.first() == ps.last()))
    })
}

/// A GeoJSON boundary, at most 1 MB: a Polygon or MultiPolygon, bare or in a
/// Feature. Kept as given; only its shape is checked.
fn boundary(field: &str, s: &str) -> Result<Option<String>, Problem> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    if s.len() > 1_000_000 {
        return Err(Problem::new(field, "is too big (1 MB at most)"));
    }
    let bad = || Problem::new(field, "must be a GeoJSON Polygon or MultiPolygon (or a Feature holding one)");
    let json: serde_json::Value = serde_json::from_str(s).map_err(|_| bad())?;
    let kind = |v: &serde_json::Value| v.get("type").and_then(serde_json::Value::as_str).map(str::to_string);
    let geometry = if kind(&json).as_deref() == Some("Feature") { json.get("geometry") } else { Some(&json) };
    let shaped = geometry.is_some_and(|g| match (kind(g).as_deref(), g.get("coordinates")) {
        (Some("Polygon"), Some(rings)) => rings_hold(rings),
        (Some("MultiPolygon"), Some(serde_json::Value::Array(polygons))) => !polygons.is_empty() && polygons.iter().all(rings_hold),
        _ => false,
    });
    if shaped { Ok(Some(s.to_string())) } else { Err(bad()) }
}

/// The leading number of a flat's or house's label: 12 for "Flat 12", 3 for
/// "3a", 0 for "The Lodge". Doors are walked and listed in this order.
pub fn unit_number(label: &str) -> i64 {
    let digits: String = label.chars().skip_while(|c| !c.is_ascii_digit()).take_while(char::is_ascii_digit).take(9).collect();
    digits.parse().unwrap_or(0)
}

/// Labels match whatever their case and spacing.
pub fn label_key(label: &str) -> String {
    label.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

#[derive(Clone, Debug, Default, serde::Deserialize)]
pub struct AreaInput {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub boundary: String,
    #[serde(default)]
    pub target_percent: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Area {
    pub name: String,
    pub kind: AreaKind,
    pub boundary: Option<String>,
    pub target_percent: i64,
}

impl AreaInput {
    pub fn check(&self) -> Result<Area, FieldErrors> {
        let mut errors = FieldErrors::default();
        let name = errors.check(required_line("name", &self.name, 200));
        let kind = errors.check(AreaKind::parse("kind", &self.kind));
        let boundary = errors.check(boundary("boundary", &self.boundary)).flatten();
        let target = errors.check(target_percent("target_percent", &self.target_percent));
        match (name, kind, target) {
            (Some(name), Some(kind), Some(target_percent)) if errors.is_empty() => Ok(Area { name, kind, boundary, target_percent }),
            _ => Err(errors),
        }
    }
}

#[derive(Clone, Debug, Default, serde::Deserialize)]
pub struct BuildingInput {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub postcode: String,
    #[serde(default)]
    pub target_percent: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Building {
    pub name: String,
    pub kind: BuildingKind,
    pub postcode: Postcode,
    pub target_percent: i64,
}

impl BuildingInput {
    pub fn check(&self) -> Result<Building, FieldErrors> {
        let mut errors = FieldErrors::default();
        let name = errors.check(required_line("name", &self.name, 200));
        let kind = errors.check(BuildingKind::parse("kind", &self.kind));
        let postcode = errors.check(Postcode::parse("postcode", &self.postcode));
        let target = errors.check(target_percent("target_percent", &self.target_percent));
        match (name, kind, postcode, target) {
            (Some(name), Some(kind), Some(postcode), Some(target_percent)) if errors.is_empty() => {
                Ok(Building { name, kind, postcode, target_percent })
            }
            _ => Err(errors),
        }
    }
}

/// A flat or house. Its address lines are whole: "Flat 12, Bevan Court",
/// "Brookfield Estate", each line its own; left blank, the unit's label and
/// its building's name make the first line.
#[derive(Clone, Debug, Default, serde::Deserialize)]
pub struct UnitInput {
    #[serde(default)]
    pub unit: String,
    #[serde(default)]
    pub floor: String,
    #[serde(default)]
    pub address_lines: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Unit {
    pub label: String,
    pub floor: Option<i64>,
    pub address_lines: String,
}

impl UnitInput {
    pub fn check(&self) -> Result<Unit, FieldErrors> {
        let mut errors = FieldErrors::default();
        let label = errors.check(required_line("unit", &self.unit, 100));
        let floor = match self.floor.trim() {
            "" => None,
            f => errors.check(f.parse::<i64>().ok().filter(|n| (-5..=200).contains(n)).ok_or_else(|| {
                Problem::new("floor", "must be a whole number from -5 to 200 (0 for the ground floor), or blank for a house")
            })),
        };
        let lines = errors.check(optional_text("address_lines", &self.address_lines, 500)).flatten();
        match label {
            Some(label) if errors.is_empty() => Ok(Unit { label, floor, address_lines: lines.unwrap_or_default() }),
            _ => Err(errors),
        }
    }
}

#[derive(Clone, Debug, Default, serde::Deserialize)]
pub struct ResidencyInput {
    #[serde(default)]
    pub moved_in: String,
    #[serde(default)]
    pub moved_out: String,
}

impl ResidencyInput {
    /// When they moved in (not after `today`) and, if they have, out.
    pub fn check(&self, today: NaiveDate) -> Result<(Option<NaiveDate>, Option<NaiveDate>), FieldErrors> {
        let mut errors = FieldErrors::default();
        let dates = period(("moved_in", &self.moved_in), ("moved_out", &self.moved_out), &mut errors);
        if dates.0.is_some_and(|d| d > today) {
            errors.push(Problem::new("moved_in", "must not be in the future: add them once they have moved in"));
        }
        errors.into_result().map(|()| dates)
    }
}

#[derive(Clone, Debug, Default, serde::Deserialize)]
pub struct OrganisationInput {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub website: String,
    #[serde(default)]
    pub notes: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Organisation {
    pub name: String,
    pub kind: OrganisationKind,
    pub website: String,
    pub notes: String,
}

impl OrganisationInput {
    pub fn check(&self) -> Result<Organisation, FieldErrors> {
        let mut errors = FieldErrors::default();
        let name = errors.check(required_line("name", &self.name, 200));
        let kind = errors.check(OrganisationKind::parse("kind", &self.kind));
        let website = errors.check(website("website", &self.website)).unwrap_or_default();
        let notes = errors.check(optional_text("notes", &self.notes, 5_000)).flatten().unwrap_or_default();
        match (name, kind) {
            (Some(name), Some(kind)) if errors.is_empty() => Ok(Organisation { name, kind, website, notes }),
            _ => Err(errors),
        }
    }
}

#[derive(Clone, Debug, Default, serde::Deserialize)]
pub struct OwnershipInput {
    #[serde(default)]
    pub from_on: String,
    #[serde(default)]
    pub to_on: String,
}

impl OwnershipInput {
    /// From when to when the organisation held the building.
    pub fn check(&self) -> Result<(Option<NaiveDate>, Option<NaiveDate>), FieldErrors> {
        let mut errors = FieldErrors::default();
        let dates = period(("from_on", &self.from_on), ("to_on", &self.to_on), &mut errors);
        errors.into_result().map(|()| dates)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_are_numbered_and_keyed_for_walking() {
        assert_eq!(unit_number("Flat 12"), 12);
        assert_eq!(unit_number("3a"), 3);
        assert_eq!(unit_number("The Lodge"), 0);
        assert_eq!(label_key("  Flat   12 "), "flat 12");
    }

    #[test]
    fn bad_input_names_its_field() {
        let area =
            AreaInput { name: "Brookfield".into(), kind: "castle".into(), boundary: "{\"type\":\"Point\"}".into(), ..Default::default() };
        let errors = area.check().err().unwrap_or_default();
        assert!(errors.message_for("kind").is_some_and(|m| m.contains("ward, estate, neighbourhood")));
        assert!(errors.message_for("boundary").is_some_and(|m| m.contains("Polygon")));
        let polygon =
            r#"{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[-3.2,51.7],[-3.1,51.7],[-3.1,51.8],[-3.2,51.7]]]}}"#;
        let ok = AreaInput { name: "Brookfield".into(), kind: "Estate".into(), boundary: polygon.into(), target_percent: "60%".into() };
        assert_eq!(ok.check().map(|a| (a.kind, a.target_percent)), Ok((AreaKind::Estate, 60)));
        let building =
            BuildingInput { name: "Bevan Court".into(), kind: "block".into(), postcode: "!!".into(), target_percent: "0".into() };
        let errors = building.check().err().unwrap_or_default();
        assert!(errors.message_for("postcode").is_some() && errors.message_for("target_percent").is_some());
        let unit = UnitInput { unit: "Flat 3".into(), floor: "ground".into(), ..Default::default() };
        assert!(unit.check().err().unwrap_or_default().message_for("floor").is_some());
        let today = NaiveDate::from_ymd_opt(2026, 11, 26).unwrap_or_default();
        let moved = ResidencyInput { moved_in: "2024-05-01".into(), moved_out: "2023-01-01".into() };
        assert!(moved.check(today).err().unwrap_or_default().message_for("moved_out").is_some());
        let later = ResidencyInput { moved_in: "2999-01-01".into(), ..Default::default() };
        assert!(later.check(today).err().unwrap_or_default().message_for("moved_in").is_some());
        let org = OrganisationInput {
            name: "Cadwyn Homes".into(),
            kind: "housing association".into(),
            website: "ftp://x".into(),
            ..Default::default()
        };
        assert!(org.check().err().unwrap_or_default().message_for("website").is_some());
    }
}
