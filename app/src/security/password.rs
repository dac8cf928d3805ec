//! argon2id hashing off the async runtime, bounded so a sign-in flood queues. The policy a new
//! password must pass is shared with the browser's meter: `model::PasswordPolicy`.
use crate::error::AppError;
use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, SaltString};
use argon2::{Algorithm, Argon2, Params, PasswordVerifier, Version};
use std::sync::OnceLock;
use tokio::sync::Semaphore;

/// argon2id with OWASP's first recommended setting: 19 MiB, two passes, one lane.
const MEMORY_KIB: u32 = 19_456;
const PASSES: u32 = 2;
const LANES: u32 = 1;

fn hasher() -> Argon2<'static> {
    let params = Params::new(MEMORY_KIB, PASSES, LANES, None).expect("valid argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Whether a stored hash was made with another algorithm or weaker settings than today's, so
/// that a successful sign-in should store a fresh one.
pub fn needs_rehash(stored: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(stored) else {
        return true;
    };
    if parsed.algorithm != Algorithm::Argon2id.ident() {
        return true;
    }
    match Params::try_from(&parsed) {
        Ok(p) => p.m_cost() < MEMORY_KIB || p.t_cost() < PASSES || p.p_cost() < LANES,
        Err(_) => true,
    }
}

/// One permit per core: hashing is CPU- and memory-bound, so more at once only queues in RAM.
fn hashing_permits() -> &'static Semaphore {
    static PERMITS: OnceLock<Semaphore> = OnceLock::new();
    PERMITS
        .get_or_init(|| Semaphore::new(std::thread::available_parallelism().map_or(2, |n| n.get())))
}

async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, AppError> {
    let _permit = hashing_permits().acquire().await.map_err(|e| {
        tracing::error!(error = %e, "hashing semaphore closed");
        AppError::Internal
    })?;
    tokio::task::spawn_blocking(work).await.map_err(|e| {
        tracing::error!(error = %e, "hashing task failed");
        AppError::Internal
    })
}

/// A PHC string `$argon2id$v=19$m=19456,t=2,p=1$salt$hash` with a fresh random salt.
pub async fn hash_password(password: String) -> Result<String, AppError> {
    blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        hasher()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
    })
    .await?
    .map_err(|e| {
        tracing::error!(error = %e, "password hashing failed");
        AppError::Internal
    })
}

/// Verifies against a stored hash; with no hash (unknown account) it verifies against a dummy
/// so both cases take about as long and answer the same.
pub async fn verify_password(password: String, stored: Option<String>) -> Result<bool, AppError> {
    blocking(move || {
        let known = stored.is_some();
        let phc = stored.unwrap_or_else(|| dummy_hash().to_owned());
        let ok = PasswordHash::new(&phc)
            .map(|parsed| {
                hasher()
                    .verify_password(password.as_bytes(), &parsed)
                    .is_ok()
            })
            .unwrap_or(false);
        known && ok
    })
    .await
}

fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        let salt = SaltString::generate(&mut OsRng);
        hasher()
            .hash_password(b"not a password anyone has", &salt)
            .expect("dummy hash")
            .to_string()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weaker_hashes_are_flagged_for_rehashing() {
        let weak = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(8_192, 1, 1, None).unwrap(),
        )
        .hash_password(b"pw", &SaltString::generate(&mut OsRng))
        .unwrap()
        .to_string();
        assert!(needs_rehash(&weak));
        assert!(needs_rehash(
            "$argon2i$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo"
        ));
        assert!(needs_rehash("not a hash"));
        assert!(!needs_rehash(dummy_hash()));
    }

    #[tokio::test]
    async fn hashes_are_argon2id_phc_and_verify() {
        let phc = hash_password("a long passphrase".into()).await.unwrap();
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
        let again = hash_password("a long passphrase".into()).await.unwrap();
        assert_ne!(phc, again, "each hash has its own salt");
        assert!(
            verify_password("a long passphrase".into(), Some(phc.clone()))
                .await
                .unwrap()
        );
        assert!(!verify_password("another one".into(), Some(phc))
            .await
            .unwrap());
        assert!(!verify_password("anything".into(), None).await.unwrap());
    }
}
