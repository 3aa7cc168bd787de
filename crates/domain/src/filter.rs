//! The OData subset that OSDI clients send as `filter`:
//! `field eq|gt|lt 'value'`, joined by `and` / `or` (`and` binds tighter).

use crate::Problem;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Eq,
    Gt,
    Lt,
}

impl Op {
    pub fn sql(self) -> &'static str {
        match self {
            Op::Eq => "=",
            Op::Gt => ">",
            Op::Lt => "<",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Condition {
    pub field: String,
    pub op: Op,
    pub value: String,
}

/// Alternatives (`or`), each a list of conditions that must all hold (`and`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filter(pub Vec<Vec<Condition>>);

impl Filter {
    pub fn is_empty(&self) -> bool {
        self.0.iter().all(Vec::is_empty)
    }
}

#[derive(Debug, PartialEq)]
enum Token {
    Word(String),
    Quoted(String),
}

fn tokens(s: &str) -> Result<Vec<Token>, Problem> {
    let bad = |m: String| Problem::new("filter", m);
    let mut out = Vec::new();
    let mut chars = s.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
        } else if c == '\'' {
            chars.next();
            let mut value = String::new();
            loop {
                match chars.next() {
                    Some('\'') if chars.peek() == Some(&'\'') => {
                        chars.next();
                        value.push('\'');
                    }
                    Some('\'') => break,
                    Some(c) => value.push(c),
                    None => return Err(bad("a quoted value is not closed with '".into())),
                }
            }
            out.push(Token::Quoted(value));
        } else if c.is_ascii_alphanumeric() || c == '_' {
            let mut word = String::new();
            while let Some(&c) = chars.peek() {
                if c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '-' || c == ':' {
                    word.push(c);
                    chars.next();
                } else {
                    break;
                }
            }
            out.push(Token::Word(word));
        } else {
            return Err(bad(format!("unexpected '{c}' (only field eq|gt|lt 'value' joined by and/or is understood)")));
        }
    }
    Ok(out)
}

/// The most conditions one filter may hold: enough for any real query, and
/// a bound on the SQL a request can make us build.
pub const MAX_TERMS: usize = 20;

/// Parse `s`, accepting only the fields in `allowed`.
pub fn parse(s: &str, allowed: &[&str]) -> Result<Filter, Problem> {
    let bad = |m: String| Problem::new("filter", m);
    let toks = tokens(s)?;
    if toks.is_empty() {
        return Ok(Filter::default());
    }
    let mut alternatives = vec![Vec::new()];
    let mut it = toks.into_iter();
    loop {
        let field = match it.next() {
            Some(Token::Word(w)) => w,
            _ => return Err(bad("expected a field name".into())),
        };
        if allowed.is_empty() {
            return Err(bad("this collection cannot be filtered".into()));
        }
        if !allowed.contains(&field.as_str()) {
            return Err(bad(format!("cannot filter by '{field}'; use one of: {}", allowed.join(", "))));
        }
        let op = match it.next() {
            Some(Token::Word(w)) if w.eq_ignore_ascii_case("eq") => Op::Eq,
            Some(Token::Word(w)) if w.eq_ignore_ascii_case("gt") => Op::Gt,
            Some(Token::Word(w)) if w.eq_ignore_ascii_case("lt") => Op::Lt,
            _ => return Err(bad(format!("expected eq, gt or lt after '{field}'"))),
        };
        let value = match it.next() {
            Some(Token::Quoted(v)) => v,
            _ => return Err(bad(format!("expected a quoted value after '{field}'"))),
        };
        if let Some(last) = alternatives.last_mut() {
            last.push(Condition { field, op, value });
        }
        if alternatives.iter().map(Vec::len).sum::<usize>() > MAX_TERMS {
            return Err(bad(format!("a filter may have at most {MAX_TERMS} conditions")));
        }
        match it.next() {
            None => break,
            Some(Token::Word(w)) if w.eq_ignore_ascii_case("and") => {}
            Some(Token::Word(w)) if w.eq_ignore_ascii_case("or") => alternatives.push(Vec::new()),
            _ => return Err(bad("expected 'and' or 'or' between conditions".into())),
        }
    }
    Ok(Filter(alternatives))
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIELDS: &[&str] = &["email_address", "given_name", "modified_date"];

    #[test]
    fn parses_and_or() {
        let f = parse("given_name eq 'Ann' and modified_date gt '2026-01-01' or email_address eq 'o''neil@x.org'", FIELDS);
        let f = f.unwrap_or_default();
        assert_eq!(f.0.iter().map(Vec::len).collect::<Vec<_>>(), [2, 1]);
        assert_eq!(f.0.last().and_then(|c| c.first()).map(|c| c.value.as_str()), Some("o'neil@x.org"));
    }

    #[test]
    fn rejects_unknown_and_malformed() {
        assert!(parse("shoe_size eq '9'", FIELDS).is_err_and(|p| p.message.contains("shoe_size")));
        assert!(parse("given_name eq Ann", FIELDS).is_err());
        assert!(parse("given_name eq 'Ann", FIELDS).is_err());
        assert!(parse("(given_name eq 'Ann')", FIELDS).is_err());
        assert!(parse("given_name eq 'Ann' given_name eq 'Bo'", FIELDS).is_err());
    }

    #[test]
    fn at_most_twenty_conditions() {
        let terms = |n: usize| vec!["given_name eq 'A'"; n].join(" or ");
        assert!(parse(&terms(20), FIELDS).is_ok());
        assert!(parse(&terms(21), FIELDS).is_err_and(|p| p.message.contains("at most 20")));
    }
}
