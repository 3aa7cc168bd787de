//! Many new rows into one table at once, for bulk paths such as imports:
//! `COPY ... FROM STDIN` on PostgreSQL (one stream, no statement to plan, no
//! 32,767-parameter cap), a multi-row `INSERT` on SQLite. A row is its values
//! only, in the columns' order, so both forms can be made from it. There is no
//! `ON CONFLICT`: a row that breaks a constraint fails the whole call, as an
//! `INSERT` would.

use std::fmt::Write as _;

use crate::sql::Arg;
use crate::{Result, Sql, Tx};

/// Fewer rows than this go in by INSERT.
const COPY_FROM: usize = 50;

/// Write `rows` into `table (columns)`; `row` gives one row's values.
pub async fn rows<T>(tx: &mut Tx, table: &'static str, columns: &'static str, rows: &[T], row: impl Fn(&T) -> Vec<Arg>) -> Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    match tx {
        // COPY takes a round trip more than an INSERT: worth it for many rows only.
        Tx::Postgres(c) if rows.len() >= COPY_FROM => {
            let mut data = String::new();
            for r in rows {
                for (j, v) in row(r).into_iter().enumerate() {
                    if j > 0 {
                        data.push('\t');
                    }
                    copy_text(&mut data, &v);
                }
                data.push('\n');
            }
            let statement = format!("COPY {table} ({columns}) FROM STDIN");
            let mut copy = c.copy_in_raw(&statement).await?;
            copy.send(data.into_bytes()).await?;
            copy.finish().await?;
        }
        _ => {
            Sql::insert_chunks(
                tx,
                || Sql::insert_into(table, columns),
                "",
                rows,
                |q, r| {
                    q.bind_list(row(r));
                },
            )
            .await?;
        }
    }
    Ok(())
}

/// One value in COPY's text format: `\N` for NULL, and a backslash, tab,
/// newline or carriage return escaped.
fn copy_text(out: &mut String, value: &Arg) {
    const NULL: &str = "\\N";
    // Writing to a String cannot fail.
    let _ = match value {
        Arg::Text(s) | Arg::MaybeText(Some(s)) => {
            for c in s.chars() {
                match c {
                    '\\' => out.push_str("\\\\"),
                    '\t' => out.push_str("\\t"),
                    '\n' => out.push_str("\\n"),
                    '\r' => out.push_str("\\r"),
                    c => out.push(c),
                }
            }
            Ok(())
        }
        Arg::Time(t) | Arg::MaybeTime(Some(t)) => write!(out, "{}", t.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)),
        Arg::Id(id) | Arg::MaybeId(Some(id)) => write!(out, "{id}"),
        Arg::Bool(b) => write!(out, "{}", if *b { 't' } else { 'f' }),
        Arg::Int(i) | Arg::MaybeInt(Some(i)) => write!(out, "{i}"),
        Arg::Date(d) => write!(out, "{d}"),
        // Rust writes a float in full, never with an exponent; PostgreSQL reads "NaN" and "inf".
        Arg::MaybeFloat(Some(f)) => write!(out, "{f}"),
        Arg::MaybeText(None) | Arg::MaybeTime(None) | Arg::MaybeId(None) | Arg::MaybeInt(None) | Arg::MaybeFloat(None) => {
            out.push_str(NULL);
            Ok(())
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_written_as_copy_reads_them() {
        let mut out = String::new();
        for v in [
            Arg::Text("a\\b\tc\nd\re".into()),
            Arg::MaybeText(None),
            Arg::Bool(true),
            Arg::Int(-3),
            Arg::MaybeFloat(Some(51.5)),
            Arg::Date(chrono::NaiveDate::from_ymd_opt(2026, 11, 27).unwrap_or_default()),
        ] {
            copy_text(&mut out, &v);
            out.push('|');
        }
        assert_eq!(out, "a\\\\b\\tc\\nd\\re|\\N|t|-3|51.5|2026-11-27|");
    }
}
