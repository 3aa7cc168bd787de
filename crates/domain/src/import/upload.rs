//! An import uploaded through the web: where it stands, and the choices an
//! admin makes before it is read (format, what each column holds, what to
//! do with bad rows, and for an electoral register the law's four facts).

use chrono::NaiveDate;

use super::{Columns, Format, Target};
use crate::contact::one_line_text;
use crate::{FieldErrors, Problem};

/// Where an upload stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UploadStatus {
    /// Waiting for its columns to be checked.
    Uploaded,
    Queued,
    Running,
    /// A dry run finished: it says what importing would do.
    Checked,
    Done,
    Failed,
}

crate::stored_as_text!(UploadStatus {
    Uploaded = "uploaded",
    Queued = "queued",
    Running = "running",
    Checked = "checked",
    Done = "done",
    Failed = "failed",
});

impl UploadStatus {
    pub fn label(self) -> &'static str {
        match self {
            UploadStatus::Uploaded => "Columns to check",
            UploadStatus::Queued => "Waiting to start",
            UploadStatus::Running => "Reading",
            UploadStatus::Checked => "Dry run done",
            UploadStatus::Done => "Imported",
            UploadStatus::Failed => "Failed",
        }
    }

    /// A job is on it: the choices cannot change.
    pub fn busy(self) -> bool {
        matches!(self, UploadStatus::Queued | UploadStatus::Running)
    }
}

/// What to do with rows that cannot become a person.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OnError {
    /// Keep the good rows and report the bad.
    Skip,
    /// Write nothing if any row is bad.
    Abort,
}

crate::stored_as_text!(OnError { Skip = "skip", Abort = "abort" });

/// What the law asks a register import to record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Register {
    /// Who supplied it, e.g. "Blaenau Gwent County Borough Council".
    pub source: String,
    /// Which edition, e.g. "2026 revised register, 1 December 2026".
    pub edition: String,
    /// The purpose it may be used for, e.g. "electoral purposes only".
    pub purpose: String,
    pub destroy_by: NaiveDate,
}

/// The mapping page, as typed: `columns` holds, for each header in order,
/// what it holds (a mapping word), or nothing for what Tredegar reads it as.
#[derive(Clone, Debug, Default)]
pub struct ChoicesInput {
    pub format: String,
    pub on_error: String,
    pub columns: Vec<String>,
    pub register_source: String,
    pub register_edition: String,
    pub purpose: String,
    pub destroy_by: String,
}

/// The choices, checked against the file's headers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Choices {
    pub format: Option<Format>,
    pub on_error: OnError,
    /// Header and what it holds, for the columns the admin said.
    pub mapping: Vec<(String, String)>,
    pub register: Option<Register>,
}

impl ChoicesInput {
    /// Check the choices against the headers, as the import will read them.
    pub fn check(&self, headers: &[String], today: NaiveDate) -> Result<Choices, FieldErrors> {
        let mut errors = FieldErrors::default();
        let format = match self.format.trim() {
            "" => Some(None),
            f => errors.check(Format::from_stored(f).map(Some).ok_or_else(|| Problem::new("format", "choose one of the formats listed"))),
        };
        let on_error =
            errors.check(OnError::from_stored(self.on_error.trim()).ok_or_else(|| Problem::new("on_error", "choose skip or abort")));
        let mut mapping = Vec::new();
        for (i, (header, word)) in headers.iter().zip(&self.columns).enumerate() {
            let word = word.trim();
            if word.is_empty() {
                continue;
            }
            if header.chars().any(char::is_control) {
                // The mapping is kept a line per column, header and word.
                errors.push(Problem::new(format!("column_{i}"), "its name has a tab or line break in it: rename the column in the file"));
            } else if errors.check(Target::parse(&format!("column_{i}"), word)).is_some() {
                mapping.push((header.clone(), word.to_string()));
            }
        }
        let (Some(format), Some(on_error)) = (format, on_error) else { return Err(errors) };
        for i in Columns::unplaced(headers, format) {
            if self.columns.get(i).is_none_or(|w| w.trim().is_empty()) {
                errors.push(Problem::new(format!("column_{i}"), "choose what this column holds, or Nothing to leave it out"));
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let columns = Columns::detect(headers, format, (!mapping.is_empty()).then_some(mapping.as_slice())).map_err(FieldErrors::from)?;
        let register = self.register(columns.format == Format::ElectoralRegister, today)?;
        Ok(Choices { format, on_error, mapping, register })
    }

    /// The law's four facts: all of them for a register, none for anything else.
    fn register(&self, needed: bool, today: NaiveDate) -> Result<Option<Register>, FieldErrors> {
        let given = [&self.register_source, &self.register_edition, &self.purpose, &self.destroy_by];
        if !needed {
            return match given.iter().any(|s| !s.trim().is_empty()) {
                true => Err(Problem::new("register_source", "only an electoral register takes these: leave them empty").into()),
                false => Ok(None),
            };
        }
        let mut errors = FieldErrors::default();
        let mut line = |field: &str, s: &str| match one_line_text(field, s, 200) {
            Ok(Some(s)) => Some(s),
            Ok(None) => {
                errors.push(Problem::new(field, "an electoral register needs this, as the law asks"));
                None
            }
            Err(p) => {
                errors.push(p);
                None
            }
        };
        let (source, edition, purpose) = (
            line("register_source", &self.register_source),
            line("register_edition", &self.register_edition),
            line("purpose", &self.purpose),
        );
        let destroy_by = match crate::conversations::parse_date("destroy_by", &self.destroy_by) {
            _ if self.destroy_by.trim().is_empty() => {
                errors.push(Problem::new("destroy_by", "an electoral register needs this, as the law asks"));
                None
            }
            Ok(d) if d > today => Some(d),
            Ok(_) => {
                errors.push(Problem::new("destroy_by", "has come: a register past its destroy-by date must be destroyed, not imported"));
                None
            }
            Err(p) => {
                errors.push(p);
                None
            }
        };
        match (source, edition, purpose, destroy_by) {
            (Some(source), Some(edition), Some(purpose), Some(destroy_by)) if errors.is_empty() => {
                Ok(Some(Register { source, edition, purpose, destroy_by }))
            }
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    fn headers(h: &[&str]) -> Vec<String> {
        h.iter().map(|s| s.to_string()).collect()
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 27).unwrap()
    }

    #[test]
    fn a_spreadsheet_with_its_own_headers_needs_them_mapped() {
        let h = headers(&["Name", "Surname", "Flat"]);
        let mut input = ChoicesInput { on_error: "skip".into(), columns: vec![String::new(); 3], ..Default::default() };
        let e = input.check(&h, today()).unwrap_err();
        let fields: Vec<&str> = e.0.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["column_0", "column_2"], "Surname is known; Name and Flat are not");
        input.columns = vec!["given_name".into(), String::new(), "address_line".into()];
        let c = input.check(&h, today()).unwrap();
        assert_eq!(c.mapping, [("Name".to_string(), "given_name".to_string()), ("Flat".into(), "address_line".into())]);
        assert_eq!((c.format, c.on_error, c.register), (None, OnError::Skip, None));
        input.columns[1] = "maiden_name".into();
        let e = input.check(&h, today()).unwrap_err();
        assert!(e.message_for("column_1").is_some_and(|m| m.contains("'maiden_name' is not something")), "{e:?}");
    }

    #[test]
    fn a_register_needs_the_laws_four_facts_and_nothing_else_takes_them() {
        let h = headers(&["PD", "ENO", "Franchise Flag", "First Names", "Surname", "Address 1", "Postcode"]);
        let mut input = ChoicesInput { on_error: "abort".into(), destroy_by: "2026-11-27".into(), ..Default::default() };
        let e = input.check(&h, today()).unwrap_err();
        let fields: Vec<&str> = e.0.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["register_source", "register_edition", "purpose", "destroy_by"]);
        input.register_source = "Blaenau Gwent Council".into();
        input.register_edition = "2026 revised".into();
        input.purpose = "electoral purposes only".into();
        input.destroy_by = "2027-12-01".into();
        let c = input.check(&h, today()).unwrap();
        assert_eq!(c.register.map(|r| r.destroy_by.to_string()), Some("2027-12-01".into()));
        let spreadsheet = headers(&["first_name", "email"]);
        let e = input.check(&spreadsheet, today()).unwrap_err();
        assert!(e.message_for("register_source").is_some_and(|m| m.contains("only an electoral register")), "{e:?}");
        input.format = "csv".into();
        assert!(input.check(&h, today()).unwrap_err().message_for("format").is_some());
    }
}
