//! Importing people from a spreadsheet: which layout a file is, what each
//! column holds, and each row read into a `Record` (or refused, with why).
//! No IO here: the reader decodes the file, the db crate stores the records.
//!
//! - `columns`: the layouts we know by their headers, and mapping files;
//! - `address`: the building and flat an address line names;
//! - `upload`: an import uploaded through the web, and the choices made for it.

mod address;
mod columns;
mod upload;

pub use address::{PlaceOf, place_of};
pub use columns::{Columns, Format, Layout, Target, WORDS};
pub use upload::{Choices, ChoicesInput, OnError, Register, UploadStatus};

use crate::people::{Address, PhoneType};
use crate::person_update::{EmailUpdate, PersonUpdate, PhoneUpdate};
use crate::{Email, Phone, Postcode, SubscriptionStatus};

/// The raw-value custom fields a bad phone or postcode is kept in.
pub const RAW_PHONE_FIELD: &str = "imported_phone";
pub const RAW_POSTCODE_FIELD: &str = "imported_postcode";

/// The longest name, as the person form allows, and the longest other cell.
const NAME_MAX: usize = 200;
const CELL_MAX: usize = 1000;

/// One row that can become a person.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Record {
    /// The row's number in the file, counting the header as row 1.
    pub row: u64,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub emails: Vec<Email>,
    pub phones: Vec<(Phone, PhoneType)>,
    pub address: Option<Address>,
    pub tags: Vec<String>,
    pub custom: Vec<(String, String)>,
    /// Said by the file (Action Network's subscription status); else unsubscribed.
    pub email_status: Option<SubscriptionStatus>,
    pub do_not_call: bool,
    pub elector: Option<Elector>,
    /// Values kept raw because they did not read as what they should be.
    pub flags: Vec<String>,
}

/// What only the electoral register says: never exported, never in the API.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Elector {
    pub district: String,
    pub number: String,
    pub suffix: String,
    /// As the register gives them, e.g. "F" or "E K".
    pub markers: String,
    /// Date of birth or of attainment, as written.
    pub attainment: String,
}

impl Elector {
    /// An elector's key within one register edition: numbers are renumbered
    /// at each canvass, so it means nothing across editions.
    pub fn key(&self) -> String {
        format!("{}/{}/{}", self.district, self.number, self.suffix)
    }

    /// Marker N: an anonymous entry, which is never imported.
    pub fn is_anonymous(&self) -> bool {
        self.markers.chars().any(|c| c.eq_ignore_ascii_case(&'n'))
    }
}

/// How one row read.
#[derive(Clone, Debug, PartialEq)]
pub enum Read {
    Person(Box<Record>),
    /// It cannot become a person; the reason says why.
    Bad(String),
    /// An anonymous elector, left out by law.
    Anonymous,
}

impl Record {
    /// The one-upsert form of this row. New emails are unsubscribed unless
    /// the file says otherwise: an import never assumes consent.
    pub fn update(&self) -> PersonUpdate {
        let name = |n: &Option<String>| n.clone().map(Some);
        let phone_status = self.do_not_call.then_some(SubscriptionStatus::Unsubscribed);
        PersonUpdate {
            given_name: name(&self.given_name),
            family_name: name(&self.family_name),
            emails: (!self.emails.is_empty())
                .then(|| self.emails.iter().map(|e| EmailUpdate { email: e.clone(), status: self.email_status, primary: false }).collect()),
            phones: (!self.phones.is_empty()).then(|| {
                self.phones
                    .iter()
                    .map(|(p, kind)| PhoneUpdate { phone: p.clone(), number_type: *kind, status: phone_status, primary: false })
                    .collect()
            }),
            addresses: self.address.clone().map(|a| vec![a]),
            languages: None,
            custom: self.custom.iter().map(|(n, v)| (n.clone(), Some(v.clone()))).collect(),
            new_email_status: SubscriptionStatus::Unsubscribed,
        }
    }

    /// The name in lower case with single spaces, for matching at a flat.
    pub fn name_key(&self) -> String {
        crate::people::name_key(self.given_name.as_deref(), self.family_name.as_deref())
    }
}

/// Read one row of a file whose columns are `columns`.
pub fn read(columns: &Columns, row: u64, cells: &[String]) -> Read {
    let mut r = Record { row, ..Record::default() };
    let mut elector = Elector::default();
    let mut lines: Vec<String> = Vec::new();
    let mut locality = None;
    let mut postcode_raw = String::new();
    let mut bad_emails = Vec::new();
    for (i, (target, cell)) in columns.targets().iter().zip(cells).enumerate() {
        let cell = clean(cell);
        if cell.is_empty() {
            continue;
        }
        if *target != Target::Ignore && cell.chars().count() > CELL_MAX {
            return Read::Bad(format!("column {} is longer than {CELL_MAX} characters", i + 1));
        }
        match target {
            Target::GivenName | Target::FamilyName if cell.chars().count() > NAME_MAX => {
                return Read::Bad(format!("column {}: a name is at most {NAME_MAX} characters", i + 1));
            }
            Target::GivenName => r.given_name = Some(cell),
            Target::FamilyName => r.family_name = Some(cell),
            Target::Email => match Email::parse("email", &cell) {
                Ok(e) if !r.emails.iter().any(|x| x.key() == e.key()) => r.emails.push(e),
                Ok(_) => {}
                Err(_) => bad_emails.push(cell),
            },
            Target::Phone(kind) => match Phone::parse("phone", &cell) {
                Ok(p) if !r.phones.iter().any(|(x, _)| x.key() == p.key()) => r.phones.push((p, *kind)),
                Ok(_) => {}
                Err(e) => {
                    r.flags.push(format!("phone '{cell}' {}; kept raw in {RAW_PHONE_FIELD}", e.message));
                    r.custom.push((RAW_PHONE_FIELD.into(), cell));
                }
            },
            Target::AddressLine => lines.push(cell),
            Target::Locality => locality = Some(cell),
            Target::Postcode => postcode_raw = cell,
            Target::Tags => r.tags.extend(cell.split(',').map(str::trim).filter(|t| !t.is_empty()).map(String::from)),
            Target::EmailStatus => r.email_status = email_status(&cell),
            Target::DoNotCall => r.do_not_call = matches!(cell.to_lowercase().as_str(), "true" | "yes" | "y" | "1" | "t"),
            Target::Custom(name) => r.custom.push((name.clone(), cell)),
            Target::ElectorDistrict => elector.district = cell.to_uppercase(),
            Target::ElectorNumber => match cell.split_once(['/', '.']) {
                Some((n, s)) => (elector.number, elector.suffix) = (n.trim().into(), s.trim().into()),
                None => elector.number = cell,
            },
            Target::ElectorSuffix => elector.suffix = cell,
            Target::ElectorMarkers => elector.markers = cell,
            Target::ElectorAttainment => elector.attainment = cell,
            Target::Ignore => {}
        }
    }
    let uk = columns.format == Format::ElectoralRegister;
    let postcode = match Postcode::parse("postcode", &postcode_raw).and_then(|p| plausible(p, uk)) {
        Ok(p) => Some(p),
        Err(_) if postcode_raw.is_empty() => None,
        Err(e) => {
            r.flags.push(format!("postcode '{postcode_raw}' {}; kept raw in {RAW_POSTCODE_FIELD}", e.message));
            r.custom.push((RAW_POSTCODE_FIELD.into(), postcode_raw));
            None
        }
    };
    if !lines.is_empty() || locality.is_some() || postcode.is_some() {
        r.address = Some(Address { address_lines: lines, locality, postcode, primary: true, ..Address::default() });
    }
    if columns.format == Format::ElectoralRegister {
        if elector.is_anonymous() {
            return Read::Anonymous;
        }
        if elector.number.is_empty() {
            return Read::Bad("no elector number".into());
        }
        r.elector = Some(elector);
    }
    if columns.format == Format::ActionNetwork && r.emails.is_empty() {
        return Read::Bad(match bad_emails.first() {
            Some(e) => format!("email '{e}' is not an email address, and Action Network rows are known by their email"),
            None => "no email, and Action Network rows are known by their email".into(),
        });
    }
    for e in bad_emails {
        r.flags.push(format!("email '{e}' is not an email address; left out"));
    }
    if r.given_name.is_none() && r.family_name.is_none() && r.emails.is_empty() && r.phones.is_empty() {
        return Read::Bad("no name and no email or phone".into());
    }
    Read::Person(Box::new(r))
}

/// A subscription status as Action Network writes it, or NationBuilder's
/// opt-in as true or false.
fn email_status(cell: &str) -> Option<SubscriptionStatus> {
    match cell.to_lowercase().as_str() {
        "true" | "yes" | "y" | "1" | "t" => Some(SubscriptionStatus::Subscribed),
        "false" | "no" | "n" | "0" | "f" => Some(SubscriptionStatus::Unsubscribed),
        other => SubscriptionStatus::parse("email_status", other).ok(),
    }
}

/// Every postal code we know has a digit ("NOT KNOWN" is no postcode); a
/// British register's are whole UK postcodes ("NP22 3AA", not "NP22").
pub fn plausible(p: Postcode, uk: bool) -> Result<Postcode, crate::Problem> {
    let key = p.key();
    let district = crate::contact::postcode_district(&key);
    if !key.chars().any(|c| c.is_ascii_digit()) {
        Err(crate::Problem::new("postcode", "is not a postcode, such as NP22 3AB (it has no digit)"))
    } else if uk && district == key {
        Err(crate::Problem::new("postcode", "is not a whole UK postcode, such as NP22 3AB"))
    } else {
        Ok(p)
    }
}

/// Trim, and fold runs of spaces and control characters into one space.
fn clean(cell: &str) -> String {
    cell.split(|c: char| c.is_whitespace() || c.is_control()).filter(|w| !w.is_empty()).collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]
mod tests {
    use super::*;

    fn cells(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    fn person(read: Read) -> Record {
        match read {
            Read::Person(r) => *r,
            other => panic!("expected a person, got {other:?}"),
        }
    }

    #[test]
    fn an_xpress_register_row_reads_with_its_elector_key_and_address() {
        let headers = cells(&[
            "Elector Number Prefix",
            "Elector Number",
            "Elector Number Suffix",
            "Elector Markers",
            "Elector DOB",
            "Elector Surname",
            "Elector Forename",
            "Address1",
            "Address2",
            "Address3",
            "PostCode",
        ]);
        let columns = Columns::detect(&headers, None, None).unwrap();
        assert_eq!((columns.format, columns.layout), (Format::ElectoralRegister, Some(Layout::Xpress)));
        let row = cells(&["AB", "12", "1", "", "", "Jones", "Ann  Mary", "Flat 3", "Bevan Court", "Tredegar", "np22 3aa"]);
        let r = person(read(&columns, 2, &row));
        assert_eq!(r.given_name.as_deref(), Some("Ann Mary"));
        assert_eq!(r.elector.as_ref().unwrap().key(), "AB/12/1");
        let a = r.address.unwrap();
        assert_eq!(a.address_lines, ["Flat 3", "Bevan Court", "Tredegar"]);
        assert_eq!(a.postcode.unwrap().as_str(), "NP22 3AA");
        let anonymous = cells(&["AB", "13", "", "N", "", "", "", "", "", "", ""]);
        assert_eq!(read(&columns, 3, &anonymous), Read::Anonymous);
    }

    #[test]
    fn the_other_register_layouts_are_known_by_their_headers() {
        let pd = cells(&[
            "PD",
            "ENO",
            "Title",
            "First Names",
            "Surname",
            "Suffix",
            "Date of Attainment",
            "Franchise Flag",
            "Address 1",
            "Postcode",
        ]);
        let c = Columns::detect(&pd, None, None).unwrap();
        assert_eq!(c.layout, Some(Layout::PollingDistrict));
        let r = person(read(&c, 2, &cells(&["CA", "7", "Mr", "Dai", "Rees", "2", "01/02/2009", "G", "4 High St", "NP22 1AB"])));
        let e = r.elector.unwrap();
        assert_eq!((e.key(), e.markers.as_str(), e.attainment.as_str()), ("CA/7/2".into(), "G", "01/02/2009"));
        let district = cells(&["DISTRICT", "ELNO", "FORENAMES", "SURNAME", "DO18", "PCODE"]);
        let c = Columns::detect(&district, None, None).unwrap();
        assert_eq!(c.layout, Some(Layout::District));
        let r = person(read(&c, 2, &cells(&["XA", "101/3", "Sian", "Evans", "", "NP22 1AB"])));
        assert_eq!(r.elector.unwrap().key(), "XA/101/3");
    }

    #[test]
    fn action_network_rows_need_a_valid_email_and_keep_custom_fields() {
        let an = cells(&["uuid", "first_name", "last_name", "email", "zip_code", "can2_phone", "can2_subscription_status", "Tenancy"]);
        let c = Columns::detect(&an, None, None).unwrap();
        assert_eq!(c.format, Format::ActionNetwork);
        let bad = read(&c, 2, &cells(&["u1", "Ann", "Jones", "ann@", "NP22 3AA", "", "subscribed", ""]));
        assert!(matches!(bad, Read::Bad(ref why) if why.contains("'ann@'")), "{bad:?}");
        let r = person(read(&c, 3, &cells(&["u2", "Bob", "Lee", "bob@example.org", "!!", "07700 900123", "subscribed", "council"])));
        assert_eq!(r.email_status, Some(SubscriptionStatus::Subscribed));
        assert!(r.custom.contains(&("Tenancy".into(), "council".into())));
        assert!(r.custom.contains(&(RAW_POSTCODE_FIELD.into(), "!!".into())), "a bad postcode is kept raw: {:?}", r.custom);
        assert_eq!(r.flags.len(), 1);
    }

    #[test]
    fn a_row_with_no_name_and_no_contact_is_bad() {
        let c = Columns::detect(&cells(&["first_name", "last_name", "email", "phone"]), None, None).unwrap();
        assert_eq!(c.format, Format::Generic);
        assert_eq!(read(&c, 2, &cells(&["", " ", "not an email", "x"])), Read::Bad("no name and no email or phone".into()));
        let r = person(read(&c, 3, &cells(&["", "", "", "07700 900123"])));
        assert_eq!(r.phones.len(), 1);
        let long = "x".repeat(201);
        assert_eq!(read(&c, 4, &cells(&[&long, "", "", ""])), Read::Bad("column 1: a name is at most 200 characters".into()));
    }
}
