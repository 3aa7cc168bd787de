//! Who is asking: passwords, sessions, CSRF protection, and the extractors
//! that say who may call a handler (`CurrentUser`, then `Member`,
//! `Organiser` and `Admin`, each holding the `Scope` that db functions
//! need). The sign-in pages themselves are the `account` capability.

mod csrf;
mod extractors;
mod passwords;
mod sessions;
pub mod throttle;

pub use csrf::{CsrfToken, constant_time_eq, csrf_layer, signature, signed_id, signed_token};
pub use extractors::{Admin, CurrentUser, Member, Organiser};
pub use passwords::{hash_password, unknown_account_hash, verify_password};
pub use sessions::{end_session, start_session};
