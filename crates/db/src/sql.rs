//! SQL whose shape is decided at run time: searches, OSDI filters, lists of
//! ids, and the scope's visibility rule. Text is pushed only from constants
//! in this crate; a value can only go in through `bind`, which writes its
//! placeholder and keeps the value in the same step, so no `$N` is counted by
//! hand and no placeholder can be left without its value.
//!
//! Fixed SQL does not use this: it stays a readable string in the
//! `fetch_all!`-style macros.

use chrono::{DateTime, Utc};

use crate::{DbError, Result, Tx};

mod filter;
pub use filter::{FilterColumn, FilterKind};

/// A value bound into built SQL.
#[derive(Clone, Debug)]
pub enum Arg {
    Text(String),
    Time(DateTime<Utc>),
    Id(uuid::Uuid),
    Bool(bool),
    Int(i64),
    Date(chrono::NaiveDate),
    /// An id or a time that may be NULL, typed so PostgreSQL knows what it is.
    MaybeId(Option<uuid::Uuid>),
    MaybeTime(Option<DateTime<Utc>>),
    MaybeText(Option<String>),
    MaybeInt(Option<i64>),
    MaybeFloat(Option<f64>),
}

impl From<Option<i64>> for Arg {
    fn from(v: Option<i64>) -> Arg {
        Arg::MaybeInt(v)
    }
}

impl From<Option<f64>> for Arg {
    fn from(v: Option<f64>) -> Arg {
        Arg::MaybeFloat(v)
    }
}

impl From<Option<&str>> for Arg {
    fn from(v: Option<&str>) -> Arg {
        Arg::MaybeText(v.map(str::to_string))
    }
}

impl From<Option<DateTime<Utc>>> for Arg {
    fn from(v: Option<DateTime<Utc>>) -> Arg {
        Arg::MaybeTime(v)
    }
}

impl From<chrono::NaiveDate> for Arg {
    fn from(v: chrono::NaiveDate) -> Arg {
        Arg::Date(v)
    }
}

impl From<&str> for Arg {
    fn from(v: &str) -> Arg {
        Arg::Text(v.to_string())
    }
}
impl From<String> for Arg {
    fn from(v: String) -> Arg {
        Arg::Text(v)
    }
}
impl From<DateTime<Utc>> for Arg {
    fn from(v: DateTime<Utc>) -> Arg {
        Arg::Time(v)
    }
}
impl From<uuid::Uuid> for Arg {
    fn from(v: uuid::Uuid) -> Arg {
        Arg::Id(v)
    }
}
impl From<bool> for Arg {
    fn from(v: bool) -> Arg {
        Arg::Bool(v)
    }
}
impl From<i64> for Arg {
    fn from(v: i64) -> Arg {
        Arg::Int(v)
    }
}

macro_rules! id_args {
    ($($id:ident),*) => {$(
        impl From<tredegar_domain::$id> for Arg {
            fn from(v: tredegar_domain::$id) -> Arg {
                Arg::Id(v.0)
            }
        }
        impl From<Option<tredegar_domain::$id>> for Arg {
            fn from(v: Option<tredegar_domain::$id>) -> Arg {
                Arg::MaybeId(v.map(|v| v.0))
            }
        }
    )*};
}
id_args!(
    GroupId,
    UserId,
    PersonId,
    TagId,
    TaggingId,
    CampaignId,
    CustomFieldId,
    InvitationId,
    ConversationId,
    ThemeId,
    FollowUpId,
    ListId,
    JobId,
    MessageId,
    BroadcastId,
    PetitionId,
    SignatureId,
    EventId,
    AttendanceId,
    AuditId,
    CallListId,
    RungId,
    AreaId,
    BuildingId,
    UnitId,
    ResidencyId,
    OrganisationId,
    OwnershipId,
    ImportId,
    RegisterId,
    WalkListId,
    QuestionId,
    KnockId,
    GoalId,
    UploadId,
    NeedId,
    AidCategoryId,
    NeedChangeId,
    DemandId,
    RepresentativeId,
    PledgeId,
    RecordId,
    ActorId,
    StepId,
    AskId,
    DocumentId
);

/// SQL being built, with its values.
#[derive(Clone, Debug, Default)]
pub struct Sql {
    text: String,
    args: Vec<Arg>,
}

impl Sql {
    pub fn new(text: &'static str) -> Sql {
        Sql { text: text.to_string(), args: Vec::new() }
    }

    /// Fixed SQL text. It must not hold a placeholder: values go through `bind`.
    pub fn push(&mut self, text: &'static str) -> &mut Sql {
        debug_assert!(!text.contains('$'), "placeholders are written by bind: {text}");
        self.text.push_str(text);
        self
    }

    /// `alias.column`.
    pub fn column(&mut self, alias: &'static str, column: &'static str) -> &mut Sql {
        self.push(alias).push(".").push(column)
    }

    /// A placeholder for `value`, numbered after those already bound.
    pub fn bind(&mut self, value: impl Into<Arg>) -> &mut Sql {
        self.args.push(value.into());
        self.text.push('$');
        self.text.push_str(&self.args.len().to_string());
        self
    }

    /// `$a, $b, ...` for each value: the inside of an `IN (...)`.
    pub fn bind_list<A: Into<Arg>>(&mut self, values: impl IntoIterator<Item = A>) -> &mut Sql {
        for (i, v) in values.into_iter().enumerate() {
            if i > 0 {
                self.push(", ");
            }
            self.bind(v);
        }
        self
    }

    /// Insert many rows in as few statements as the backends allow: `head`
    /// is `INSERT INTO t (a, b) VALUES`, and `row` binds one row's values,
    /// comma-separated, without the brackets.
    pub async fn insert_rows<T>(tx: &mut Tx, head: &'static str, tail: &'static str, rows: &[T], row: impl Fn(&mut Sql, &T)) -> Result<()> {
        Sql::insert_chunks(tx, || Sql::new(head), tail, rows, row).await
    }

    /// `INSERT INTO table (columns) VALUES`, for rows to follow.
    pub(crate) fn insert_into(table: &'static str, columns: &'static str) -> Sql {
        Sql { text: format!("INSERT INTO {table} ({columns}) VALUES"), args: Vec::new() }
    }

    /// `insert_rows`, with each statement begun by `head()`.
    pub(crate) async fn insert_chunks<T>(
        tx: &mut Tx,
        head: impl Fn() -> Sql,
        tail: &'static str,
        rows: &[T],
        row: impl Fn(&mut Sql, &T),
    ) -> Result<()> {
        // Both backends take 32,766 values at least; rows are at most 12 wide.
        for chunk in rows.chunks(2000) {
            let mut q = head();
            for (i, r) in chunk.iter().enumerate() {
                q.push(if i == 0 { " (" } else { ", (" });
                row(&mut q, r);
                q.push(")");
            }
            q.push(tail);
            q.execute(tx).await?;
        }
        Ok(())
    }

    /// The rows in a window of time, newest first: ` AND at < $a`, then
    /// `order` (which must begin with `at DESC`), then ` LIMIT n`, leaving
    /// out what the window leaves open.
    pub fn window(&mut self, window: crate::Window, at: &'static str, order: &'static str) -> &mut Sql {
        if let Some(before) = window.before {
            self.push(" AND ").push(at).push(" < ").bind(before);
        }
        self.push(order);
        if let Some(n) = window.take {
            self.limit(n);
        }
        self
    }

    /// ` LIMIT n`, written into the text: SQLite plans with a LIMIT's value,
    /// so a statement whose LIMIT is a bound parameter is parsed and planned
    /// again every time it runs. The set of limits is small, so each stays
    /// one prepared statement. (An OFFSET does not inform the plan.)
    pub fn limit(&mut self, n: i64) -> &mut Sql {
        self.text.push_str(" LIMIT ");
        self.text.push_str(&n.to_string());
        self
    }

    /// `LIMIT n OFFSET $a` for a page.
    pub fn page(&mut self, page: crate::Page) -> &mut Sql {
        self.limit(page.per_page).push(" OFFSET ").bind(page.offset())
    }

    fn text(&self) -> sqlx::AssertSqlSafe<String> {
        sqlx::AssertSqlSafe(self.text.clone())
    }

    /// The text for SQLite, its placeholders written `?`. They are bound in
    /// order, so `$n` is the n-th `?`; and SQLite looks a named parameter up
    /// by walking the list of names, so a multi-row insert's thousand `$n`
    /// would cost a million steps to bind.
    fn sqlite_text(&self) -> sqlx::AssertSqlSafe<String> {
        let mut out = String::with_capacity(self.text.len());
        let mut chars = self.text.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '$' && chars.peek().is_some_and(char::is_ascii_digit) {
                while chars.peek().is_some_and(char::is_ascii_digit) {
                    chars.next();
                }
                out.push('?');
            } else {
                out.push(c);
            }
        }
        sqlx::AssertSqlSafe(out)
    }

    pub async fn fetch_all<T>(&self, tx: &mut Tx) -> Result<Vec<T>>
    where
        T: for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow> + for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow> + Send + Unpin,
    {
        let args = self.args.clone();
        Ok(match tx {
            Tx::Sqlite(c) => bind_args!(sqlx::query_as::<_, T>(self.sqlite_text()), args).fetch_all(&mut **c).await?,
            Tx::Postgres(c) => bind_args!(sqlx::query_as::<_, T>(self.text()), args).fetch_all(&mut **c).await?,
        })
    }

    pub async fn fetch_optional<T>(&self, tx: &mut Tx) -> Result<Option<T>>
    where
        T: for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow> + for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow> + Send + Unpin,
    {
        let args = self.args.clone();
        Ok(match tx {
            Tx::Sqlite(c) => bind_args!(sqlx::query_as::<_, T>(self.sqlite_text()), args).fetch_optional(&mut **c).await?,
            Tx::Postgres(c) => bind_args!(sqlx::query_as::<_, T>(self.text()), args).fetch_optional(&mut **c).await?,
        })
    }

    /// A statement that answers one row of one JSON text, an aggregate of
    /// many rows (each row is a hop between threads in sqlx's SQLite
    /// driver), read as `T`; no row, or NULL, reads as `[]`.
    pub async fn fetch_json<T: serde::de::DeserializeOwned>(&self, tx: &mut Tx, what: &str) -> Result<T> {
        let (json,): (Option<String>,) = self.fetch_optional(tx).await?.unwrap_or((None,));
        serde_json::from_str(json.as_deref().unwrap_or("[]")).map_err(|e| DbError::Corrupt(format!("{what} did not read as JSON: {e}")))
    }

    /// A `SELECT COUNT(*)`.
    pub async fn count(&self, tx: &mut Tx) -> Result<i64> {
        let args = self.args.clone();
        Ok(match tx {
            Tx::Sqlite(c) => bind_args!(sqlx::query_scalar::<_, i64>(self.sqlite_text()), args).fetch_one(&mut **c).await?,
            Tx::Postgres(c) => bind_args!(sqlx::query_scalar::<_, i64>(self.text()), args).fetch_one(&mut **c).await?,
        })
    }

    /// A statement; the number of rows it changed.
    pub async fn execute(&self, tx: &mut Tx) -> Result<u64> {
        let args = self.args.clone();
        Ok(match tx {
            Tx::Sqlite(c) => bind_args!(sqlx::query(self.sqlite_text()), args).execute(&mut **c).await?.rows_affected(),
            Tx::Postgres(c) => bind_args!(sqlx::query(self.text()), args).execute(&mut **c).await?.rows_affected(),
        })
    }

    /// How SQLite will run this: one line per step of `EXPLAIN QUERY PLAN`,
    /// such as "SEARCH t USING COVERING INDEX person_terms_search (group_id=? AND term>? AND term<?)".
    /// Empty on PostgreSQL, whose plans depend on its statistics.
    pub async fn sqlite_plan(&self, tx: &mut Tx) -> Result<Vec<String>> {
        let Tx::Sqlite(c) = tx else { return Ok(Vec::new()) };
        let args = self.args.clone();
        let text = sqlx::AssertSqlSafe(format!("EXPLAIN QUERY PLAN {}", self.text));
        let rows: Vec<(i64, i64, i64, String)> = bind_args!(sqlx::query_as(text), args).fetch_all(&mut **c).await?;
        Ok(rows.into_iter().map(|r| r.3).collect())
    }

    /// Each row sent down `to` as it comes, never all held at once. Stops
    /// quietly when the receiver goes away (a download abandoned).
    pub async fn send_each<T, U>(&self, tx: &mut Tx, to: &tokio::sync::mpsc::Sender<U>, map: fn(T) -> U) -> Result<()>
    where
        T: for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow> + for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow> + Send + Unpin,
    {
        use futures_util::TryStreamExt;
        let args = self.args.clone();
        macro_rules! send_rows {
            ($c:expr) => {{
                let mut rows = bind_args!(sqlx::query_as::<_, T>(self.text()), args).fetch(&mut **$c);
                while let Some(row) = rows.try_next().await? {
                    if to.send(map(row)).await.is_err() {
                        break;
                    }
                }
            }};
        }
        match tx {
            Tx::Sqlite(c) => send_rows!(c),
            Tx::Postgres(c) => send_rows!(c),
        }
        Ok(())
    }
}

/// Statements with more values than this are prepared each time, not kept.
/// sqlx keeps a connection's last 100 statements; an import's batch inserts
/// and long `IN` lists come in many lengths, each a program of its own of up
/// to megabytes, and kept they grew an import of a million rows by 26 MB.
/// Signing's batches (tens of rows) stay kept.
const KEPT_ARGS: usize = 1000;

macro_rules! bind_args {
    ($q:expr, $args:expr) => {{
        let args: Vec<Arg> = $args;
        let mut q = $q.persistent(args.len() <= KEPT_ARGS);
        for a in args {
            q = match a {
                Arg::Text(v) => q.bind(v),
                Arg::Time(v) => q.bind(v),
                Arg::Id(v) => q.bind(v),
                Arg::Bool(v) => q.bind(v),
                Arg::Int(v) => q.bind(v),
                Arg::Date(v) => q.bind(v),
                Arg::MaybeId(v) => q.bind(v),
                Arg::MaybeTime(v) => q.bind(v),
                Arg::MaybeText(v) => q.bind(v),
                Arg::MaybeInt(v) => q.bind(v),
                Arg::MaybeFloat(v) => q.bind(v),
            };
        }
        q
    }};
}
use bind_args;

#[cfg(test)]
mod tests {
    use super::Sql;

    #[test]
    fn placeholders_number_themselves_in_order() {
        let mut q = Sql::new("SELECT 1 FROM t WHERE a = ");
        q.bind("x").push(" AND b IN (").bind_list([1_i64, 2, 3]).push(")");
        q.page(crate::Page::new(2, 10));
        assert_eq!(q.text, "SELECT 1 FROM t WHERE a = $1 AND b IN ($2, $3, $4) LIMIT 10 OFFSET $5");
        assert_eq!(q.args.len(), 5);
        assert_eq!(q.sqlite_text().0, "SELECT 1 FROM t WHERE a = ? AND b IN (?, ?, ?) LIMIT 10 OFFSET ?");
    }

    #[test]
    fn a_filter_binds_each_value_and_names_an_unknown_field() {
        use super::{FilterColumn, FilterKind};
        let column = |f: &str| (f == "given_name").then(|| FilterColumn::plain("p.given_name", FilterKind::Text));
        let filter = tredegar_domain::filter::parse("given_name eq 'Ann' or given_name eq 'Bob'", &["given_name"]).ok();
        let mut q = Sql::new("SELECT 1 WHERE ");
        let built = filter.as_ref().map(|f| q.filter(f, column).map(|q| q.text.clone()));
        assert_eq!(built.and_then(Result::ok).as_deref(), Some("SELECT 1 WHERE ((p.given_name = $1) OR (p.given_name = $2))"));
        let bad = tredegar_domain::filter::parse("nickname eq 'x'", &["nickname"]).ok();
        let err = bad.map(|f| Sql::new("").filter(&f, column).map(|_| ()).map_err(|e| e.to_string()));
        assert!(matches!(err, Some(Err(e)) if e.contains("nickname")));
    }
}
