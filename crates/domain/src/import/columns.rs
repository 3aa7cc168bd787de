//! The layouts a file can be, known by its headers, and what each column
//! holds. Electoral registers have no national standard: each council's
//! software writes its own headers, so we recognise the common ones.

use crate::Problem;
use crate::people::PhoneType;

/// Where a file came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    ElectoralRegister,
    ActionNetwork,
    NationBuilder,
    Generic,
}
crate::stored_as_text!(Format {
    ElectoralRegister = "electoral-register",
    ActionNetwork = "action-network",
    NationBuilder = "nationbuilder",
    Generic = "generic",
});

/// The register layouts we know.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// Xpress: "Elector Number Prefix", "Elector Surname", "Address1".."Address6".
    Xpress,
    /// "PD, ENO, Title, First Names, Surname, Suffix, Date of Attainment, Franchise Flag".
    PollingDistrict,
    /// "DISTRICT, ELNO, FORENAMES, SURNAME, DO18, PCODE".
    District,
}

impl Layout {
    pub fn words(self) -> &'static str {
        match self {
            Layout::Xpress => "Xpress layout",
            Layout::PollingDistrict => "PD, ENO layout",
            Layout::District => "DISTRICT, ELNO layout",
        }
    }
}

/// What a column holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    GivenName,
    FamilyName,
    Email,
    Phone(PhoneType),
    AddressLine,
    Locality,
    Postcode,
    Tags,
    EmailStatus,
    DoNotCall,
    Custom(String),
    ElectorDistrict,
    ElectorNumber,
    ElectorSuffix,
    ElectorMarkers,
    ElectorAttainment,
    Ignore,
}

/// What a column can hold, by a mapping's word, in a form's words.
pub const WORDS: &[(&str, &str)] = &[
    ("given_name", "First name"),
    ("family_name", "Last name"),
    ("email", "Email"),
    ("phone", "Phone"),
    ("mobile", "Mobile phone"),
    ("address_line", "Address line"),
    ("locality", "Town or city"),
    ("postcode", "Postcode"),
    ("tags", "Tags (comma-separated)"),
    ("email_status", "Email subscription status"),
    ("do_not_call", "Do not call"),
    ("elector_district", "Register: polling district"),
    ("elector_number", "Register: elector number"),
    ("elector_suffix", "Register: elector number suffix"),
    ("elector_markers", "Register: markers"),
    ("elector_attainment", "Register: date of attainment"),
    ("ignore", "Nothing: leave it out"),
];

impl Target {
    /// The mapping word for this target (`custom:NAME` for a custom field).
    pub fn word(&self) -> String {
        let word = match self {
            Target::GivenName => "given_name",
            Target::FamilyName => "family_name",
            Target::Email => "email",
            Target::Phone(PhoneType::Mobile) => "mobile",
            Target::Phone(_) => "phone",
            Target::AddressLine => "address_line",
            Target::Locality => "locality",
            Target::Postcode => "postcode",
            Target::Tags => "tags",
            Target::EmailStatus => "email_status",
            Target::DoNotCall => "do_not_call",
            Target::ElectorDistrict => "elector_district",
            Target::ElectorNumber => "elector_number",
            Target::ElectorSuffix => "elector_suffix",
            Target::ElectorMarkers => "elector_markers",
            Target::ElectorAttainment => "elector_attainment",
            Target::Ignore => "ignore",
            Target::Custom(name) => return format!("custom:{name}"),
        };
        word.to_string()
    }

    /// A mapping file's word for a target: `given_name`, `custom:tenancy`, `ignore`...
    pub fn parse(field: &str, word: &str) -> Result<Target, Problem> {
        if let Some(name) = word.strip_prefix("custom:") {
            let name = name.trim();
            if name.is_empty() {
                return Err(Problem::new(field, "custom: needs a field name after it"));
            }
            if name.chars().any(char::is_control) || name.chars().count() > 60 {
                return Err(Problem::new(field, "custom: needs a field name of at most 60 letters, digits and spaces"));
            }
            return Ok(Target::Custom(name.to_string()));
        }
        Ok(match word {
            "given_name" => Target::GivenName,
            "family_name" => Target::FamilyName,
            "email" => Target::Email,
            "phone" => Target::Phone(PhoneType::Other),
            "mobile" => Target::Phone(PhoneType::Mobile),
            "address_line" => Target::AddressLine,
            "locality" => Target::Locality,
            "postcode" => Target::Postcode,
            "tags" => Target::Tags,
            "email_status" => Target::EmailStatus,
            "do_not_call" => Target::DoNotCall,
            "elector_district" => Target::ElectorDistrict,
            "elector_number" => Target::ElectorNumber,
            "elector_suffix" => Target::ElectorSuffix,
            "elector_markers" => Target::ElectorMarkers,
            "elector_attainment" => Target::ElectorAttainment,
            "ignore" => Target::Ignore,
            _ => {
                let words: Vec<&str> = WORDS.iter().map(|(w, _)| *w).filter(|w| *w != "ignore").collect();
                let said = format!("'{word}' is not something a column can hold: use {}, custom:NAME or ignore", words.join(", "));
                return Err(Problem::new(field, said));
            }
        })
    }
}

/// A file's layout: its format and what each column holds, in order.
#[derive(Clone, Debug)]
pub struct Columns {
    pub format: Format,
    pub layout: Option<Layout>,
    targets: Vec<Target>,
    /// Headers that nothing reads, to tell the importer.
    pub ignored: Vec<String>,
}

/// Lower case with only letters and digits: "Elector Number Prefix" → "electornumberprefix".
fn squash(header: &str) -> String {
    header.trim_start_matches('\u{feff}').chars().filter(char::is_ascii_alphanumeric).collect::<String>().to_ascii_lowercase()
}

impl Columns {
    /// Work out the columns from the headers: the format given, or the one
    /// the headers show; a mapping's words win over what we would guess.
    pub fn detect(headers: &[String], format: Option<Format>, mapping: Option<&[(String, String)]>) -> Result<Columns, Problem> {
        let squashed: Vec<String> = headers.iter().map(|h| squash(h)).collect();
        let (seen, layout) = seen(&squashed);
        let format = format.unwrap_or(seen);
        if format == Format::ElectoralRegister && layout.is_none() && mapping.is_none() {
            return Err(Problem::new(
                "format",
                "these headers are not a register layout we know (Xpress; PD, ENO; or DISTRICT, ELNO): say what each column holds (a --mapping file, or the import page)",
            ));
        }
        let mut targets = Vec::with_capacity(headers.len());
        let mut ignored = Vec::new();
        for (header, s) in headers.iter().zip(&squashed) {
            let mapped = mapping.and_then(|m| m.iter().find(|(h, _)| squash(h) == *s));
            let target = match mapped {
                Some((h, word)) => Target::parse(&format!("mapping for '{h}'"), word)?,
                None => guess(format, s, header),
            };
            if target == Target::Ignore {
                ignored.push(header.clone());
            }
            targets.push(target);
        }
        if let Some(m) = mapping
            && let Some((h, _)) = m.iter().find(|(h, _)| !squashed.contains(&squash(h)))
        {
            return Err(Problem::new("mapping", format!("the file has no column '{h}'")));
        }
        let register_only = |t: &Target| {
            matches!(
                t,
                Target::ElectorDistrict
                    | Target::ElectorNumber
                    | Target::ElectorSuffix
                    | Target::ElectorMarkers
                    | Target::ElectorAttainment
            )
        };
        if format != Format::ElectoralRegister && (layout.is_some() || targets.iter().any(register_only)) {
            return Err(Problem::new(
                "format",
                "this file has an electoral register's columns: import it as a register (--format electoral-register), \
                 with the law's four facts, so anonymous electors are left out and what only the register says is kept apart",
            ));
        }
        if format == Format::ElectoralRegister {
            if !targets.contains(&Target::ElectorNumber) {
                return Err(Problem::new("mapping", "a register needs a column of elector numbers"));
            }
            // The DISTRICT, ELNO layout has none; a mapped register must say which it is.
            if mapping.is_some() && !targets.contains(&Target::ElectorMarkers) {
                return Err(Problem::new("mapping", "a register needs its markers column, so anonymous electors (marker N) are left out"));
            }
            // What only the register says must not leave it through a custom field.
            if let Some((h, _)) = headers.iter().zip(&targets).find(|(_, t)| matches!(t, Target::Custom(_))) {
                return Err(Problem::new("mapping", format!("'{h}': a register's columns cannot become custom fields")));
            }
        }
        // A spreadsheet's own headers mean what its author meant: rather than
        // drop what we cannot place, ask what it holds.
        let unknown: Vec<&str> = headers
            .iter()
            .zip(&targets)
            .filter(|(h, t)| **t == Target::Ignore && !h.trim().is_empty() && !known_ignored(&squash(h)))
            .map(|(h, _)| h.as_str())
            .collect();
        if format == Format::Generic && mapping.is_none() && !unknown.is_empty() {
            return Err(Problem::new(
                "mapping",
                format!(
                    "the columns {} are not ones Tredegar knows: say what each holds, or that it holds nothing (a --mapping file, or the import page)",
                    unknown.iter().map(|h| format!("'{h}'")).collect::<Vec<_>>().join(", ")
                ),
            ));
        }
        if !targets.iter().any(|t| matches!(t, Target::GivenName | Target::FamilyName | Target::Email | Target::Phone(_))) {
            return Err(Problem::new(
                "mapping",
                "no column holds a name, an email or a phone: say which columns do (a --mapping file, or the import page)",
            ));
        }
        Ok(Columns { format, layout, targets, ignored })
    }

    pub fn targets(&self) -> &[Target] {
        &self.targets
    }

    /// The columns of a spreadsheet (the generic format) whose headers are
    /// not ones we know: someone must say what each holds.
    pub fn unplaced(headers: &[String], format: Option<Format>) -> Vec<usize> {
        let (format, guesses) = Columns::guesses(headers, format);
        if format != Format::Generic {
            return Vec::new();
        }
        let unknown = |(i, (h, t)): (usize, (&String, &Target))| {
            (*t == Target::Ignore && !h.trim().is_empty() && !known_ignored(&squash(h))).then_some(i)
        };
        headers.iter().zip(&guesses).enumerate().filter_map(unknown).collect()
    }

    /// What each column would be read as, with no mapping, and the format
    /// the headers show: for a page to show before asking.
    pub fn guesses(headers: &[String], format: Option<Format>) -> (Format, Vec<Target>) {
        let squashed: Vec<String> = headers.iter().map(|h| squash(h)).collect();
        let format = format.unwrap_or(seen(&squashed).0);
        (format, headers.iter().zip(&squashed).map(|(h, s)| guess(format, s, h)).collect())
    }
}

/// The format and register layout the headers show.
fn seen(squashed: &[String]) -> (Format, Option<Layout>) {
    let has = |h: &str| squashed.iter().any(|s| s == h);
    let layout = if has("electornumber") || has("electorsurname") {
        Some(Layout::Xpress)
    } else if has("pd") && has("eno") {
        Some(Layout::PollingDistrict)
    } else if has("elno") || (has("district") && has("do18")) {
        Some(Layout::District)
    } else {
        None
    };
    let format = if layout.is_some() {
        Format::ElectoralRegister
    } else if has("nationbuilderid") {
        Format::NationBuilder
    } else if squashed.iter().any(|s| s.starts_with("can2")) {
        Format::ActionNetwork
    } else {
        Format::Generic
    };
    (format, layout)
}

/// Columns the usual exports carry that say nothing about the person
/// themselves (their ids and timestamps in the other system), read by nobody.
fn known_ignored(s: &str) -> bool {
    matches!(s, "uuid" | "nationbuilderid" | "createdat" | "updatedat" | "modifiedat" | "title" | "note" | "supportlevel" | "language")
        || s.starts_with("can2")
}

/// What a header means in a format, by the names the usual exports use.
fn guess(format: Format, s: &str, header: &str) -> Target {
    let register = format == Format::ElectoralRegister;
    let address = |rest: &str| rest.is_empty() || rest.parse::<u8>().is_ok();
    match s {
        "firstname" | "firstnames" | "forename" | "forenames" | "givenname" | "electorforename" | "electorforenames" => Target::GivenName,
        "lastname" | "surname" | "familyname" | "electorsurname" => Target::FamilyName,
        "email" | "emailaddress" | "email1" | "email2" | "email3" | "email4" => Target::Email,
        "mobile" | "mobilenumber" | "mobilephone" => Target::Phone(PhoneType::Mobile),
        "phone" | "phonenumber" | "telephone" | "can2phone" => Target::Phone(PhoneType::Other),
        "postcode" | "pcode" | "zip" | "zipcode" | "postalcode" | "primaryzip" => Target::Postcode,
        "city" | "town" | "can2usercity" | "primarycity" => Target::Locality,
        "can2useraddress" | "street" => Target::AddressLine,
        "tags" | "taglist" | "can2usertags" => Target::Tags,
        "can2subscriptionstatus" | "emailstatus" | "emailoptin" => Target::EmailStatus,
        "donotcall" => Target::DoNotCall,
        "electornumberprefix" | "pd" | "district" | "pollingdistrict" if register => Target::ElectorDistrict,
        "electornumber" | "eno" | "elno" if register => Target::ElectorNumber,
        "electornumbersuffix" | "suffix" if register => Target::ElectorSuffix,
        "electormarkers" | "markers" | "franchiseflag" if register => Target::ElectorMarkers,
        "electordob" | "dateofattainment" | "do18" if register => Target::ElectorAttainment,
        _ if s.strip_prefix("address").is_some_and(address) => Target::AddressLine,
        _ if s.strip_prefix("primaryaddress").is_some_and(address) => Target::AddressLine,
        // Action Network puts the group's own fields after its own columns.
        _ if format == Format::ActionNetwork && !s.starts_with("can2") && !known_ignored(s) && !s.is_empty() => {
            Target::Custom(header.trim().to_string())
        }
        _ => Target::Ignore,
    }
}
