//! Plain types and rules of Tredegar: ids, roles, validated values and the
//! problems bad input has. No IO and no async: everything here is checked by
//! unit tests and used by the db and web crates.

pub mod contact;
pub mod filter;
pub mod groups;
pub mod ids;
pub mod people;
pub mod problems;
pub mod roles;

pub use contact::{Email, Phone, Postcode, SubscriptionStatus};
pub use ids::*;
pub use problems::{FieldErrors, Problem};
pub use roles::Role;
