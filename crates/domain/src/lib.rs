//! Plain types and rules of Tredegar: ids, roles, validated values and the
//! problems bad input has. No IO and no async: everything here is checked by
//! unit tests and used by the db and web crates.

/// A closed set of words stored as text: `as_str` for storing and showing,
/// `from_stored` for reading back, `ALL` for choices, and sqlx encoding on
/// both backends (a stored word that is not in the set is a decode error).
#[macro_export]
macro_rules! stored_as_text {
    ($name:ident { $($variant:ident = $text:literal),* $(,)? }) => {
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),*];

            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)*
                }
            }

            pub fn from_stored(s: &str) -> Option<$name> {
                match s {
                    $($text => Some($name::$variant),)*
                    _ => None,
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl<DB: sqlx::Database> sqlx::Type<DB> for $name
        where
            String: sqlx::Type<DB>,
        {
            fn type_info() -> DB::TypeInfo {
                <String as sqlx::Type<DB>>::type_info()
            }
            fn compatible(ty: &DB::TypeInfo) -> bool {
                <String as sqlx::Type<DB>>::compatible(ty)
            }
        }

        impl<'r, DB: sqlx::Database> sqlx::Decode<'r, DB> for $name
        where
            String: sqlx::Decode<'r, DB>,
        {
            fn decode(value: <DB as sqlx::Database>::ValueRef<'r>) -> Result<Self, sqlx::error::BoxDynError> {
                let s = <String as sqlx::Decode<DB>>::decode(value)?;
                $name::from_stored(&s).ok_or_else(|| format!("'{s}' is not a stored {}", stringify!($name)).into())
            }
        }

        impl<'q, DB: sqlx::Database> sqlx::Encode<'q, DB> for $name
        where
            String: sqlx::Encode<'q, DB>,
        {
            fn encode_by_ref(&self, buf: &mut <DB as sqlx::Database>::ArgumentBuffer) -> Result<sqlx::encode::IsNull, sqlx::error::BoxDynError> {
                <String as sqlx::Encode<DB>>::encode(self.as_str().to_string(), buf)
            }
        }
    };
}

/// A word from a closed set, or a problem naming the choices.
pub(crate) fn one_of<T: Copy>(field: &str, s: &str, all: &[T], stored: impl Fn(T) -> &'static str) -> Result<T, Problem> {
    let s = s.trim().to_ascii_lowercase().replace([' ', '-'], "_");
    all.iter().copied().find(|k| stored(*k) == s).ok_or_else(|| {
        let words: Vec<&str> = all.iter().map(|k| stored(*k)).collect();
        Problem::new(field, format!("must be one of: {}", words.join(", ")))
    })
}

pub mod aid;
pub mod assessments;
pub mod audit;
pub mod calls;
pub mod campaigns;
pub mod contact;
pub mod conversations;
pub mod events;
pub mod filter;
pub mod groups;
pub mod ids;
pub mod import;
pub mod jobs;
pub mod ladder;
pub mod mail;
pub mod people;
pub mod person_update;
pub mod petitions;
pub mod places;
pub mod power_maps;
pub mod problems;
pub mod relationships;
pub mod representatives;
pub mod roles;
pub mod search;
pub mod segments;
pub mod spreadsheet;
pub mod supporters;
pub mod text;
pub mod walks;

pub use assessments::Level;
pub use audit::AuditAction;
pub use campaigns::CampaignStatus;
pub use contact::{Email, Phone, Postcode, SubscriptionStatus};
pub use conversations::{Answer, ConversationKind};
pub use ids::*;
pub use problems::{FieldErrors, Problem};
pub use roles::Role;
