//! OSDI filters (`given_name eq 'Ann' and modified_date gt '2026-01-01'`) as
//! SQL conditions: which column each field is, and how its value is read.

use chrono::{DateTime, Utc};
use tredegar_domain::Problem;
use tredegar_domain::filter::{Filter, Op};

use super::{Arg, Sql};
use crate::Result;

impl Sql {
    /// The OSDI filter as a condition (`TRUE` when empty); `column` says how
    /// each field is read, and an unknown field is a problem naming it.
    pub fn filter(&mut self, filter: &Filter, column: impl Fn(&str) -> Option<FilterColumn>) -> Result<&mut Sql> {
        if filter.is_empty() {
            self.push("TRUE");
            return Ok(self);
        }
        self.push("(");
        for (i, conds) in filter.0.iter().enumerate() {
            self.push(if i == 0 { "(" } else { " OR (" });
            for (j, c) in conds.iter().enumerate() {
                if j > 0 {
                    self.push(" AND ");
                }
                let col = column(&c.field).ok_or_else(|| Problem::new("filter", format!("cannot filter by '{}'", c.field)))?;
                let value = col.kind.value(&c.value)?;
                match (c.op, col.kind, &value) {
                    // `modified_date eq '2026-11-29'` means that day (UTC), not its first instant.
                    (Op::Eq, FilterKind::Time, Arg::Time(start)) if is_bare_date(&c.value) => {
                        let end = *start + chrono::Duration::days(1);
                        self.push("(").push(col.before).push(" >= ").bind(*start).push(col.after);
                        self.push(" AND ").push(col.before).push(" < ").bind(end).push(col.after).push(")");
                    }
                    _ => {
                        self.push(col.before).push(" ").push(c.op.sql()).push(" ").bind(value).push(col.after);
                    }
                }
            }
            self.push(")");
        }
        self.push(")");
        Ok(self)
    }
}

/// How a filterable field is compared: `{before} <op> $n{after}`, and how its
/// value is read.
pub struct FilterColumn {
    pub before: &'static str,
    pub after: &'static str,
    pub kind: FilterKind,
}

impl FilterColumn {
    /// A plain column: `p.family_name <op> $n`.
    pub fn plain(column: &'static str, kind: FilterKind) -> FilterColumn {
        FilterColumn { before: column, after: "", kind }
    }
}

#[derive(Clone, Copy)]
pub enum FilterKind {
    Id,
    Time,
    Text,
    Lower,
    PhoneKey,
    PostcodeKey,
}

impl FilterKind {
    fn value(self, raw: &str) -> Result<Arg> {
        Ok(match self {
            FilterKind::Id => {
                let bare = raw.rsplit(':').next().unwrap_or_default();
                Arg::Id(uuid::Uuid::parse_str(bare).map_err(|_| Problem::new("filter", format!("'{raw}' is not an identifier")))?)
            }
            FilterKind::Time => Arg::Time(parse_filter_time(raw)?),
            FilterKind::Text => Arg::Text(raw.to_string()),
            FilterKind::Lower => Arg::Text(raw.to_lowercase()),
            FilterKind::PhoneKey => Arg::Text(tredegar_domain::contact::phone_key_prefix(raw)),
            FilterKind::PostcodeKey => Arg::Text(tredegar_domain::contact::postcode_key(raw)),
        })
    }
}

/// A date with no time of day: `2026-11-29`.
fn is_bare_date(s: &str) -> bool {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok()
}

fn parse_filter_time(s: &str) -> Result<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&Utc));
    }
    if let Ok(t) = chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S") {
        return Ok(t.and_utc());
    }
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc())
        .ok_or_else(|| Problem::new("filter", format!("'{s}' is not a date (use YYYY-MM-DD or ISO 8601)")).into())
}
