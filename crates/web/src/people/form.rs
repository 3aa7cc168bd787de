//! The person form: what the page shows, and turning what was sent back into
//! checked `PersonDetails`. Rows are numbered (`email_0`, `phone_1`) so the
//! form works as plain HTML; each row has one blank spare for adding.

use tredegar_db::fields::CustomField;
use tredegar_db::people::Person;
use tredegar_domain::contact::{one_line_text, optional_text};
use tredegar_domain::people::{Address, EmailEntry, PersonDetails, PhoneEntry, PhoneType, parse_languages};
use tredegar_domain::{Email, FieldErrors, Phone, Postcode, SubscriptionStatus};

/// More rows than any real person has; a form cannot make us loop forever.
const MAX_ROWS: usize = 20;

#[derive(Clone, Debug, Default)]
pub struct AddressRow {
    pub lines: String,
    pub locality: String,
    pub region: String,
    pub postcode: String,
    pub country: String,
}

#[derive(Clone, Debug)]
pub struct CustomRow {
    pub name: String,
    pub label: String,
    pub kind: &'static str,
    pub choices: Vec<String>,
    pub value: String,
}

/// The form as shown: every value is the text a person typed or will edit.
#[derive(Clone, Debug, Default)]
pub struct PersonForm {
    pub given_name: String,
    pub family_name: String,
    pub emails: Vec<(String, String)>,
    pub phones: Vec<(String, String)>,
    pub addresses: Vec<AddressRow>,
    pub languages: String,
    pub custom: Vec<CustomRow>,
}

fn custom_rows(fields: &[CustomField], value: impl Fn(&str) -> String) -> Vec<CustomRow> {
    fields
        .iter()
        .map(|f| CustomRow {
            name: f.name.clone(),
            label: f.label.clone(),
            kind: f.kind.as_str(),
            choices: f.kind.choices().to_vec(),
            value: value(&f.name),
        })
        .collect()
}

impl PersonForm {
    pub fn blank(fields: &[CustomField]) -> PersonForm {
        PersonForm { custom: custom_rows(fields, |_| String::new()), ..Default::default() }.with_spares()
    }

    pub fn from_person(p: &Person, fields: &[CustomField]) -> PersonForm {
        let d = &p.details;
        PersonForm {
            given_name: d.given_name.clone().unwrap_or_default(),
            family_name: d.family_name.clone().unwrap_or_default(),
            emails: d.emails.iter().map(|e| (e.email.as_str().into(), e.status.as_str().into())).collect(),
            phones: d.phones.iter().map(|p| (p.phone.as_str().into(), p.number_type.as_str().into())).collect(),
            addresses: d
                .addresses
                .iter()
                .map(|a| AddressRow {
                    lines: a.address_lines.join("\n"),
                    locality: a.locality.clone().unwrap_or_default(),
                    region: a.region.clone().unwrap_or_default(),
                    postcode: a.postcode.as_ref().map(|p| p.as_str().to_string()).unwrap_or_default(),
                    country: a.country.clone().unwrap_or_default(),
                })
                .collect(),
            languages: d.languages.join(", "),
            custom: custom_rows(fields, |name| d.custom.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone()).unwrap_or_default()),
        }
        .with_spares()
    }

    /// What was sent, to show again beside its errors.
    pub fn from_sent(sent: &[(String, String)], fields: &[CustomField]) -> PersonForm {
        let get = |k: &str| field(sent, k).to_string();
        let rows = |prefix: &'static str| (0..MAX_ROWS).filter(move |i| !field(sent, &format!("{prefix}_{i}")).trim().is_empty());
        PersonForm {
            given_name: get("given_name"),
            family_name: get("family_name"),
            emails: rows("email").map(|i| (get(&format!("email_{i}")), get(&format!("email_status_{i}")))).collect(),
            phones: rows("phone").map(|i| (get(&format!("phone_{i}")), get(&format!("phone_type_{i}")))).collect(),
            addresses: (0..MAX_ROWS)
                .map(|i| AddressRow {
                    lines: get(&format!("address_lines_{i}")),
                    locality: get(&format!("locality_{i}")),
                    region: get(&format!("region_{i}")),
                    postcode: get(&format!("postcode_{i}")),
                    country: get(&format!("country_{i}")),
                })
                .filter(|a| {
                    !(a.lines.trim().is_empty()
                        && a.locality.trim().is_empty()
                        && a.postcode.trim().is_empty()
                        && a.region.trim().is_empty()
                        && a.country.trim().is_empty())
                })
                .collect(),
            languages: get("languages"),
            custom: custom_rows(fields, |name| get(&format!("custom_{name}"))),
        }
        .with_spares()
    }

    /// Empty rows to fill in: one more than there are, and at least two, so a
    /// second email or phone is always there to type. A new email is not
    /// subscribed until someone says they agreed.
    fn with_spares(mut self) -> PersonForm {
        while self.emails.len() < 2 || self.emails.last().is_some_and(|(a, _)| !a.is_empty()) {
            self.emails.push((String::new(), "unsubscribed".into()));
        }
        while self.phones.len() < 2 || self.phones.last().is_some_and(|(n, _)| !n.is_empty()) {
            self.phones.push((String::new(), "mobile".into()));
        }
        if self.addresses.is_empty() {
            self.addresses.push(AddressRow::default());
        }
        self
    }
}

fn field<'a>(sent: &'a [(String, String)], key: &str) -> &'a str {
    sent.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str()).unwrap_or_default()
}

/// Check everything that was sent; report every problem by its field.
pub fn parse(sent: &[(String, String)], fields: &[CustomField]) -> Result<PersonDetails, FieldErrors> {
    let mut errors = FieldErrors::default();
    let mut d = PersonDetails {
        given_name: errors.check(optional_text("given_name", field(sent, "given_name"), 200)).flatten(),
        family_name: errors.check(optional_text("family_name", field(sent, "family_name"), 200)).flatten(),
        languages: errors.check(parse_languages("languages", field(sent, "languages"))).unwrap_or_default(),
        ..Default::default()
    };
    for i in 0..MAX_ROWS {
        let address = field(sent, &format!("email_{i}"));
        if !address.trim().is_empty() {
            let email = errors.check(Email::parse(&format!("email_{i}"), address));
            let status = errors.check(SubscriptionStatus::parse(
                &format!("email_status_{i}"),
                or(field(sent, &format!("email_status_{i}")), "unsubscribed"),
            ));
            if let (Some(email), Some(status)) = (email, status) {
                d.emails.push(EmailEntry { email, status, primary: false });
            }
        }
        let number = field(sent, &format!("phone_{i}"));
        if !number.trim().is_empty() {
            let phone = errors.check(Phone::parse(&format!("phone_{i}"), number));
            let kind = errors.check(PhoneType::parse(&format!("phone_type_{i}"), field(sent, &format!("phone_type_{i}"))));
            if let (Some(phone), Some(number_type)) = (phone, kind) {
                // Nobody is texted until they say yes, so a typed number starts unsubscribed.
                d.phones.push(PhoneEntry { phone, number_type, status: SubscriptionStatus::Unsubscribed, primary: false });
            }
        }
        let f = |name: &str| format!("{name}_{i}");
        let postcode = field(sent, &f("postcode"));
        let address = Address {
            address_lines: field(sent, &f("address_lines"))
                .lines()
                .filter_map(|l| errors.check(one_line_text(&f("address_lines"), l, 200)).flatten())
                .collect(),
            locality: errors.check(optional_text(&f("locality"), field(sent, &f("locality")), 200)).flatten(),
            region: errors.check(optional_text(&f("region"), field(sent, &f("region")), 200)).flatten(),
            postcode: if postcode.trim().is_empty() { None } else { errors.check(Postcode::parse(&f("postcode"), postcode)) },
            country: errors.check(optional_text(&f("country"), field(sent, &f("country")), 100)).flatten(),
            ..Default::default()
        };
        if !address.is_empty() {
            d.addresses.push(address);
        }
    }
    for f in fields {
        let name = format!("custom_{}", f.name);
        if let Some(Some(v)) = errors.check(f.kind.check(&name, field(sent, &name)).map_err(|p| p.shown_as(&f.label))) {
            d.custom.push((f.name.clone(), v));
        }
    }
    errors.into_result()?;
    d.check()
}

fn or<'a>(s: &'a str, default: &'a str) -> &'a str {
    if s.trim().is_empty() { default } else { s }
}
