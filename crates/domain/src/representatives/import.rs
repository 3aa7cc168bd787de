//! Reading files of representatives: Democracy Club's candidates CSV (one
//! representative per `person_id`, with each ballot they stood in) and a
//! generic CSV of name, party, ward or constituency, body and email. The
//! caller reads the CSV; this turns its rows into representatives, and
//! names each row it cannot read.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::{Office, OfficeKind, Representative, RepresentativeInput};
use crate::Problem;

/// One representative read from a file: the key that finds them again on a
/// re-import, who they are, and their offices or ballots.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    pub key: String,
    pub person: Representative,
    pub offices: Vec<Office>,
}

/// A row of the file, numbered by its line.
pub type Row = (u64, Vec<String>);

/// Rows that could not be read, each with its line and why.
pub type BadLines = Vec<(u64, Problem)>;

fn position(headers: &[String], names: &[&str]) -> Option<usize> {
    headers.iter().position(|h| names.iter().any(|n| h.trim().eq_ignore_ascii_case(n)))
}

fn cell(row: &[String], at: Option<usize>) -> &str {
    at.and_then(|i| row.get(i)).map_or("", |s| s.trim())
}

/// Collects candidates by key, in the order first seen; a later row of the
/// same key adds its office, replacing one of the same ballot.
#[derive(Default)]
struct Gathered {
    order: Vec<Candidate>,
    at: HashMap<String, usize>,
}

impl Gathered {
    fn add(&mut self, key: String, person: Representative, office: Office) {
        match self.at.get(&key).and_then(|&i| self.order.get_mut(i)) {
            Some(c) => {
                c.offices.retain(|o| o.ballot_id != office.ballot_id);
                c.offices.push(office);
                // The latest ballot's party and details speak for them now.
                let newest = c.offices.iter().map(|o| o.election_date).max().flatten();
                if c.offices.last().is_some_and(|o| o.election_date >= newest) {
                    // A contact route one row leaves empty, another may give.
                    let or = |new: String, old: &str| if new.is_empty() { old.to_string() } else { new };
                    let email = or(person.email, &c.person.email);
                    let phone = or(person.phone, &c.person.phone);
                    let website = or(person.website, &c.person.website);
                    c.person = Representative { name: person.name, party: person.party, email, phone, website, office: Office::default() };
                }
            }
            None => {
                self.at.insert(key.clone(), self.order.len());
                self.order.push(Candidate { key, person: Representative { office: Office::default(), ..person }, offices: vec![office] });
            }
        }
    }
}

fn elected(field: &str, s: &str) -> Result<Option<bool>, Problem> {
    match s.to_ascii_lowercase().as_str() {
        "" => Ok(None),
        "true" | "t" | "yes" | "y" | "1" => Ok(Some(true)),
        "false" | "f" | "no" | "n" | "0" => Ok(Some(false)),
        _ => Err(Problem::new(field, format!("'{s}' is not true or false"))),
    }
}

/// Democracy Club's candidates CSV.
pub fn democracy_club(headers: &[String], rows: impl IntoIterator<Item = Row>) -> Result<(Vec<Candidate>, BadLines), Problem> {
    let col = |n: &str| position(headers, &[n]);
    let (Some(id), Some(name), Some(election), Some(ballot)) =
        (col("person_id"), col("person_name"), col("election_id"), col("ballot_paper_id"))
    else {
        return Err(Problem::new(
            "format",
            "a Democracy Club candidates file has the columns person_id, person_name, election_id and ballot_paper_id",
        ));
    };
    let (date, party, post, won, email, home) =
        (col("election_date"), col("party_name"), col("post_label"), col("elected"), col("email"), col("homepage_url"));
    let mut gathered = Gathered::default();
    let mut bad = Vec::new();
    for (line, row) in rows {
        let read = || -> Result<(String, Representative, Office), Problem> {
            let key = cell(&row, Some(id));
            if key.is_empty() {
                return Err(Problem::new("person_id", "is empty"));
            }
            let input = RepresentativeInput {
                name: cell(&row, Some(name)).into(),
                party: cell(&row, party).into(),
                email: cell(&row, email).into(),
                website: cell(&row, home).into(),
                kind: OfficeKind::Other.as_str().into(),
                post: cell(&row, post).into(),
                ..RepresentativeInput::default()
            };
            let person = input.check().map_err(|e| e.0.into_iter().next().unwrap_or_else(|| Problem::new("row", "cannot be read")))?;
            let election_id = super::line("election_id", cell(&row, Some(election)), 200)?.unwrap_or_default();
            let (kind, body) = OfficeKind::of_election(&election_id);
            let election_date = match cell(&row, date) {
                "" => None,
                d => Some(
                    NaiveDate::parse_from_str(d, "%Y-%m-%d").map_err(|_| Problem::new("election_date", format!("'{d}' is not a date")))?,
                ),
            };
            let ballot_id = super::line("ballot_paper_id", cell(&row, Some(ballot)), 200)?
                .ok_or_else(|| Problem::new("ballot_paper_id", "is empty"))?;
            let office = Office {
                kind,
                post: person.office.post.clone(),
                body,
                party: person.party.clone(),
                ballot_id,
                election_id,
                election_date,
                elected: elected("elected", cell(&row, won))?,
                term_from: None,
                term_to: None,
            };
            Ok((key.to_string(), person, office))
        };
        match read() {
            Ok((key, person, office)) => gathered.add(key, person, office),
            Err(p) => bad.push((line, p)),
        }
    }
    Ok((gathered.order, bad))
}

/// The fields of a generic file, and the headers each is known by.
const GENERIC: &[(&str, &[&str])] = &[
    ("name", &["name", "full name", "representative", "councillor"]),
    ("party", &["party", "party name"]),
    ("post", &["post", "ward", "constituency", "division", "electoral division"]),
    ("body", &["body", "council", "authority", "organisation"]),
    ("email", &["email", "email address"]),
    ("phone", &["phone", "telephone"]),
    ("website", &["website", "homepage", "url"]),
    ("kind", &["kind", "office", "role"]),
    ("term_from", &["term_from", "term from", "term start", "elected on"]),
    ("term_to", &["term_to", "term to", "term end", "term ends"]),
];

/// A generic CSV. `mapping` pairs a header with the field it holds (name,
/// party, post, body, email, phone, website, kind); without one, headers
/// are known by their usual words. A representative is found again by
/// their name and body.
pub fn generic(
    headers: &[String],
    mapping: Option<&[(String, String)]>,
    rows: impl IntoIterator<Item = Row>,
) -> Result<(Vec<Candidate>, BadLines), Problem> {
    if let Some((_, field)) = mapping.into_iter().flatten().find(|(_, f)| !GENERIC.iter().any(|(g, _)| g == f)) {
        let fields: Vec<&str> = GENERIC.iter().map(|(g, _)| *g).collect();
        return Err(Problem::new("mapping", format!("'{field}' is not a field: use one of {}", fields.join(", "))));
    }
    // A mapped header holds its field; the rest are known by their usual words.
    let mapped: Vec<usize> = mapping.into_iter().flatten().filter_map(|(h, _)| position(headers, &[h.as_str()])).collect();
    let at = |field: &str| -> Option<usize> {
        let by_mapping = mapping.and_then(|m| m.iter().find(|(_, f)| f == field)).and_then(|(h, _)| position(headers, &[h.as_str()]));
        by_mapping.or_else(|| {
            GENERIC.iter().find(|(f, _)| *f == field).and_then(|(_, words)| position(headers, words)).filter(|i| !mapped.contains(i))
        })
    };
    let [name, party, post, body, email, phone, website, kind, term_from, term_to] =
        ["name", "party", "post", "body", "email", "phone", "website", "kind", "term_from", "term_to"].map(at);
    if name.is_none() {
        return Err(Problem::new(
            "mapping",
            format!(
                "no column holds the name (the headers are: {}): say which with --mapping, as [columns] \"Cllr\" = \"name\"",
                headers.join(", ")
            ),
        ));
    }
    let mut gathered = Gathered::default();
    let mut bad = Vec::new();
    for (line, row) in rows {
        let body_text = cell(&row, body);
        let kind_text = match (cell(&row, kind), body_text.to_ascii_lowercase()) {
            ("", b) if b.contains("council") => OfficeKind::Councillor.as_str(),
            ("", b) if b.contains("commons") => OfficeKind::Mp.as_str(),
            ("", _) => OfficeKind::Other.as_str(),
            (k, _) => k,
        };
        let input = RepresentativeInput {
            name: cell(&row, name).into(),
            party: cell(&row, party).into(),
            email: cell(&row, email).into(),
            phone: cell(&row, phone).into(),
            website: cell(&row, website).into(),
            kind: kind_text.into(),
            post: cell(&row, post).into(),
            body: body_text.into(),
            term_from: cell(&row, term_from).into(),
            term_to: cell(&row, term_to).into(),
        };
        match input.check() {
            Ok(person) => {
                let key = format!("{}|{}", crate::text::words(&person.name).join(" "), crate::text::words(&person.office.body).join(" "));
                let office = person.office.clone();
                gathered.add(key, person, office);
            }
            Err(e) => bad.extend(e.0.into_iter().next().map(|p| (line, p))),
        }
    }
    Ok((gathered.order, bad))
}

#[cfg(test)]
#[allow(clippy::indexing_slicing)]
mod tests {
    use super::*;

    fn rows(lines: &[&str]) -> Vec<Row> {
        lines.iter().enumerate().map(|(i, l)| (i as u64 + 2, l.split(',').map(String::from).collect())).collect()
    }

    fn headers(h: &str) -> Vec<String> {
        h.split(',').map(String::from).collect()
    }

    #[test]
    fn one_representative_per_person_with_each_ballot() {
        let h = headers("person_id,person_name,election_id,ballot_paper_id,election_date,party_name,post_label,elected,email");
        let (got, bad) = democracy_club(
            &h,
            rows(&[
                "501,Ann Hughes,local.blaenau-gwent.2022-05-05,local.blaenau-gwent.tredegar-central.2022-05-05,2022-05-05,Labour Party,Tredegar Central,True,ann@example.gov.uk",
                "502,Bryn Evans,local.blaenau-gwent.2022-05-05,local.blaenau-gwent.tredegar-central.2022-05-05,2022-05-05,Plaid Cymru,Tredegar Central,False",
                "501,Ann Hughes,senedd.c.2026-05-07,senedd.c.blaenau-gwent.2026-05-07,2026-05-07,Independent,Blaenau Gwent,",
                ",Nobody,parl.2024-07-04,parl.1,2024-07-04,,,",
                "503,Cai,parl.2024-07-04,parl.1,4 July,,,",
            ]),
        )
        .map_err(|p| p.to_string())
        .unwrap_or_default();
        assert_eq!(got.len(), 2);
        let ann = &got[0];
        assert_eq!((ann.key.as_str(), ann.person.name.as_str(), ann.person.party.as_str()), ("501", "Ann Hughes", "Independent"));
        assert_eq!(ann.offices.len(), 2);
        // Her later ballot gives no email: the earlier one's is kept.
        assert_eq!(ann.person.email, "ann@example.gov.uk");
        assert_eq!(
            (ann.offices[0].kind, ann.offices[0].elected, ann.offices[0].body.as_str()),
            (OfficeKind::Councillor, Some(true), "Blaenau Gwent Council")
        );
        assert_eq!((ann.offices[1].kind, ann.offices[1].elected), (OfficeKind::Member, None));
        assert_eq!(got[1].offices[0].elected, Some(false));
        let lines: Vec<(u64, &str)> = bad.iter().map(|(l, p)| (*l, p.field.as_str())).collect();
        assert_eq!(lines, [(5, "person_id"), (6, "election_date")]);
        assert!(democracy_club(&headers("name,party"), rows(&[])).is_err_and(|p| p.message.contains("person_id")));
    }

    #[test]
    fn a_generic_file_reads_its_usual_headers_or_a_mapping() {
        let h = headers("Councillor,Party,Ward,Council,Email address");
        let (got, bad) = generic(
            &h,
            None,
            rows(&[
                "Dai Morgan,Labour,Georgetown,Blaenau Gwent Council,dai@example.gov.uk",
                "Eve,Green,Sirhowy,Blaenau Gwent Council,not-an-email",
            ]),
        )
        .map_err(|p| p.to_string())
        .unwrap_or_default();
        assert_eq!(got.len(), 1);
        assert_eq!(
            (got[0].key.as_str(), got[0].offices[0].kind, got[0].offices[0].post.as_str()),
            ("dai morgan|blaenau gwent council", OfficeKind::Councillor, "Georgetown")
        );
        assert_eq!(bad.len(), 1);
        assert_eq!(bad[0].1.field, "email");
        let mapping = vec![("Who".to_string(), "name".to_string()), ("Seat".to_string(), "post".to_string())];
        let (got, _) =
            generic(&headers("Who,Seat"), Some(&mapping), rows(&["Fay,Ebbw Vale"])).map_err(|p| p.to_string()).unwrap_or_default();
        assert_eq!((got[0].person.name.as_str(), got[0].offices[0].post.as_str()), ("Fay", "Ebbw Vale"));
        let wrong = vec![("Who".to_string(), "shoe size".to_string())];
        assert!(generic(&headers("Who"), Some(&wrong), rows(&[])).is_err_and(|p| p.field == "mapping"));
    }
}
