//! Argon2id password hashes, made and checked off the async threads.

use crate::{AppError, random_token};
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use tredegar_domain::contact::Password;

/// Hashes made or checked at once: each takes 19 MiB and a core, so a flood
/// of sign-ins waits here instead of using up the memory.
static HASHING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(4);

async fn hashing_slot() -> Result<tokio::sync::SemaphorePermit<'static>, AppError> {
    HASHING.acquire().await.map_err(|e| AppError::Internal(e.to_string()))
}

/// Argon2id with the crate's default (OWASP) parameters, off the async threads.
pub async fn hash_password(password: Password) -> Result<String, AppError> {
    let _slot = hashing_slot().await?;
    tokio::task::spawn_blocking(move || {
        let mut salt = [0u8; 16];
        getrandom::fill(&mut salt).map_err(|e| AppError::Internal(e.to_string()))?;
        let salt = SaltString::encode_b64(&salt).map_err(|e| AppError::Internal(e.to_string()))?;
        Argon2::default()
            .hash_password(password.expose().as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| AppError::Internal(e.to_string()))
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?
}

/// A real hash of a random password, made once, to check against when the account does not exist.
pub async fn unknown_account_hash() -> Result<String, AppError> {
    static HASH: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();
    HASH.get_or_try_init(|| async { hash_password(Password::parse("password", &random_token()?)?).await }).await.cloned()
}

pub async fn verify_password(password: String, hash: String) -> bool {
    let Ok(_slot) = hashing_slot().await else { return false };
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&hash).is_ok_and(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
    })
    .await
    .unwrap_or(false)
}
