//! Password policy (NIST SP 800-63B: length and guessability, no composition rules by default)
//! and argon2id hashing off the async runtime, bounded so a sign-in flood queues.
use crate::error::{AppError, ErrorCode};
use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, SaltString};
use argon2::{Algorithm, Argon2, Params, PasswordVerifier, Version};
use std::sync::OnceLock;
use tokio::sync::Semaphore;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PasswordPolicy {
    pub min_chars: u32,
    pub max_chars: u32,
    /// Lowest acceptable zxcvbn score, 0 to 4.
    pub min_score: u8,
}

impl Default for PasswordPolicy {
    fn default() -> Self {
        Self {
            min_chars: 12,
            max_chars: 128,
            min_score: 3,
        }
    }
}

impl PasswordPolicy {
    /// Checks a password against the policy. `personal` holds the holder's name, username,
    /// address and domain: a password containing any of them is refused.
    /// Length counts characters (code points); nothing is trimmed or case-folded.
    pub fn check(&self, password: &str, personal: &[&str]) -> Result<(), ErrorCode> {
        let chars = password.chars().count();
        // Refuse oversize input before any expensive work runs on it.
        if chars > self.max_chars as usize {
            return Err(ErrorCode::PasswordTooLong(self.max_chars));
        }
        if chars < self.min_chars as usize {
            return Err(ErrorCode::PasswordTooShort(self.min_chars));
        }
        let lowered = password.to_lowercase();
        let words: Vec<String> = personal
            .iter()
            .flat_map(|p| p.split(|c: char| c.is_whitespace() || c == '@'))
            .map(str::to_lowercase)
            .filter(|w| w.chars().count() >= 3)
            .collect();
        if words.iter().any(|w| lowered.contains(w.as_str())) {
            return Err(ErrorCode::PasswordPersonal);
        }
        let inputs: Vec<&str> = words.iter().map(String::as_str).collect();
        let score: u8 = zxcvbn::zxcvbn(password, &inputs).score().into();
        if score < self.min_score {
            return Err(ErrorCode::PasswordTooWeak);
        }
        Ok(())
    }
}

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

    fn policy() -> PasswordPolicy {
        PasswordPolicy::default()
    }

    #[test]
    fn length_counts_characters_not_bytes() {
        // 12 characters, 24 bytes: long enough.
        let twelve = "ééééééééééé9";
        assert_eq!(twelve.chars().count(), 12);
        assert_ne!(
            policy().check(twelve, &[]),
            Err(ErrorCode::PasswordTooShort(12))
        );
        assert_eq!(
            policy().check("short", &[]),
            Err(ErrorCode::PasswordTooShort(12))
        );
        let long = "x".repeat(129);
        assert_eq!(
            policy().check(&long, &[]),
            Err(ErrorCode::PasswordTooLong(128))
        );
    }

    #[test]
    fn refuses_personal_words_and_common_passwords() {
        assert_eq!(
            policy().check(
                "JaneSmith-garden-42",
                &["Jane Smith", "jane", "example.org"]
            ),
            Err(ErrorCode::PasswordPersonal)
        );
        assert_eq!(
            policy().check("password1234", &[]),
            Err(ErrorCode::PasswordTooWeak)
        );
        assert_eq!(policy().check("correct horse battery staple", &[]), Ok(()));
    }

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
