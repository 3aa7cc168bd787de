//! Assessments: where a person stands on a campaign, from 1 (a leader) to 5
//! (opposed). Each group may rename the levels; the numbers stay.

use crate::Problem;

/// A level on the 1–5 scale.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "i64", into = "i64")]
pub struct Level(u8);

impl Level {
    pub const ALL: [Level; 5] = [Level(1), Level(2), Level(3), Level(4), Level(5)];

    pub fn parse(field: &str, s: &str) -> Result<Level, Problem> {
        s.trim().parse::<i64>().ok().and_then(|n| Level::try_from(n).ok()).ok_or_else(|| Problem::new(field, "must be a level from 1 to 5"))
    }

    pub fn number(self) -> u8 {
        self.0
    }

    /// Where this level sits in a list of five, counting from 0.
    pub fn index(self) -> usize {
        usize::from(self.0 - 1)
    }

    /// The words every group starts with.
    pub fn default_label(self) -> &'static str {
        match self.0 {
            1 => "Leader, organising others",
            2 => "Active supporter",
            3 => "Undecided",
            4 => "Passive or unlikely",
            _ => "Opposed",
        }
    }

    /// "2 · Active supporter", in the group's words.
    pub fn numbered_in(self, names: &LevelNames) -> String {
        format!("{self} · {}", names.name(self))
    }

    /// The level's name in the group's words.
    pub fn name_in(self, names: &LevelNames) -> &str {
        names.name(self)
    }

    /// Leaders and active supporters: the people to develop and keep close.
    pub fn is_supporter(self) -> bool {
        self.0 <= 2
    }
}

impl TryFrom<i64> for Level {
    type Error = String;
    fn try_from(n: i64) -> Result<Level, String> {
        match u8::try_from(n) {
            Ok(n @ 1..=5) => Ok(Level(n)),
            _ => Err(format!("{n} is not a level from 1 to 5")),
        }
    }
}

impl From<Level> for i64 {
    fn from(l: Level) -> i64 {
        i64::from(l.0)
    }
}

impl std::fmt::Display for Level {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl<DB: sqlx::Database> sqlx::Type<DB> for Level
where
    i64: sqlx::Type<DB>,
{
    fn type_info() -> DB::TypeInfo {
        <i64 as sqlx::Type<DB>>::type_info()
    }
    fn compatible(ty: &DB::TypeInfo) -> bool {
        <i64 as sqlx::Type<DB>>::compatible(ty)
    }
}

impl<'r, DB: sqlx::Database> sqlx::Decode<'r, DB> for Level
where
    i64: sqlx::Decode<'r, DB>,
{
    fn decode(value: <DB as sqlx::Database>::ValueRef<'r>) -> Result<Self, sqlx::error::BoxDynError> {
        Ok(Level::try_from(<i64 as sqlx::Decode<DB>>::decode(value)?)?)
    }
}

impl<'q, DB: sqlx::Database> sqlx::Encode<'q, DB> for Level
where
    i64: sqlx::Encode<'q, DB>,
{
    fn encode_by_ref(&self, buf: &mut <DB as sqlx::Database>::ArgumentBuffer) -> Result<sqlx::encode::IsNull, sqlx::error::BoxDynError> {
        <i64 as sqlx::Encode<DB>>::encode(i64::from(*self), buf)
    }
}

/// A group's names for the five levels: its own where it renamed one, the
/// defaults elsewhere.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LevelNames([String; 5]);

impl Default for LevelNames {
    fn default() -> Self {
        LevelNames(Level::ALL.map(|l| l.default_label().to_string()))
    }
}

impl LevelNames {
    /// The defaults, with each of the group's renamings applied.
    pub fn with(renamed: impl IntoIterator<Item = (Level, String)>) -> LevelNames {
        let mut names = LevelNames::default();
        for (level, name) in renamed {
            if let Some(slot) = names.0.get_mut(level.index()) {
                *slot = name;
            }
        }
        names
    }

    pub fn name(&self, level: Level) -> &str {
        self.0.get(level.index()).map_or("", String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_run_from_one_to_five() {
        assert_eq!(Level::parse("level", " 2 ").map(Level::number), Ok(2));
        for bad in ["0", "6", "two", "", "-1"] {
            assert!(Level::parse("level", bad).is_err_and(|p| p.field == "level" && p.message.contains("1 to 5")), "{bad}");
        }
        assert!(Level::ALL.iter().all(|l| Level::try_from(i64::from(*l)) == Ok(*l)));
        assert!(Level::try_from(1).is_ok_and(Level::is_supporter) && Level::try_from(3).is_ok_and(|l| !l.is_supporter()));
    }

    #[test]
    fn a_group_renames_some_levels_and_keeps_the_rest() {
        let one = Level::ALL[0];
        let five = Level::ALL[4];
        let names = LevelNames::with([(one, "Tenant leader".to_string())]);
        assert_eq!(names.name(one), "Tenant leader");
        assert_eq!(names.name(five), "Opposed");
        assert_eq!(five.numbered_in(&names), "5 · Opposed");
    }
}
