//! argon2id hashing off the async runtime, on threads of its own so that a sign-in flood queues
//! instead of filling memory. The policy a new password must pass is shared with the browser's
//! meter: `model::PasswordPolicy`.
use crate::error::AppError;
use argon2::password_hash::{rand_core::OsRng, Output, PasswordHash, Salt, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use std::sync::OnceLock;

/// argon2id with OWASP's first recommended setting: 19 MiB, two passes, one lane.
const MEMORY_KIB: u32 = 19_456;
const PASSES: u32 = 2;
const LANES: u32 = 1;

fn params() -> Params {
    Params::new(MEMORY_KIB, PASSES, LANES, None).expect("valid argon2 parameters")
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

/// Work for a hashing thread, given that thread's argon2 memory.
type Job = Box<dyn FnOnce(&mut Vec<Block>) + Send>;

/// One hashing thread per core, each reusing one block of argon2 memory. Hashing is CPU- and
/// memory-bound, so more at once would only wait in RAM: a flood of sign-ins waits in this
/// queue, holding a password each, and the process's memory stays at cores × 19 MiB however
/// many clients there are. (Hashed on tokio's blocking pool instead, each hash allocated its
/// 19 MiB afresh on whichever of hundreds of threads ran it, and the allocator kept a heap per
/// thread: 16 clients signing in grew the server from 26 MB to over 370 MB.)
fn hashing_threads() -> &'static flume::Sender<Job> {
    static JOBS: OnceLock<flume::Sender<Job>> = OnceLock::new();
    JOBS.get_or_init(|| {
        let (jobs, queue) = flume::unbounded::<Job>();
        let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
        for n in 0..threads {
            let queue: flume::Receiver<Job> = queue.clone();
            std::thread::Builder::new()
                .name(format!("argon2-{n}"))
                .spawn(move || {
                    let mut memory = Vec::new();
                    for job in queue.iter() {
                        // A panic fails that one call (its answer channel closes), not the thread.
                        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                            job(&mut memory)
                        }));
                    }
                })
                .expect("start a hashing thread");
        }
        jobs
    })
}

/// Runs `work` on a hashing thread; skipped if its caller has gone (a request cancelled while
/// it waited in the queue).
async fn on_hashing_thread<T: Send + 'static>(
    work: impl FnOnce(&mut Vec<Block>) -> T + Send + 'static,
) -> Result<T, AppError> {
    let (answer, answered) = tokio::sync::oneshot::channel();
    let job: Job = Box::new(move |memory| {
        if !answer.is_closed() {
            let _ = answer.send(work(memory));
        }
    });
    hashing_threads().send(job).map_err(|_| {
        tracing::error!("the hashing threads have stopped");
        AppError::Internal
    })?;
    answered.await.map_err(|_| {
        tracing::error!("a hash failed on its thread (it panicked)");
        AppError::Internal
    })
}

/// The hash of `password` with `salt` and `argon`'s settings, computed in `memory` (grown to
/// the settings' size the first time; a stored hash stronger than today's gets memory of its
/// own for that one call, so the kept block never grows past today's setting).
fn hash_in(
    memory: &mut Vec<Block>,
    argon: &Argon2,
    password: &[u8],
    salt: Salt,
) -> argon2::password_hash::Result<Output> {
    let blocks = argon.params().block_count();
    let mut own = Vec::new();
    let memory = if blocks <= params().block_count() {
        if memory.len() < blocks {
            memory.resize(blocks, Block::default());
        }
        &mut memory[..blocks]
    } else {
        own.resize(blocks, Block::default());
        &mut own[..]
    };
    let mut salt_bytes = [0u8; 64];
    let salt = salt.decode_b64(&mut salt_bytes)?;
    let length = argon
        .params()
        .output_len()
        .unwrap_or(Params::DEFAULT_OUTPUT_LEN);
    Output::init_with(length, |out| {
        argon
            .hash_password_into_with_memory(password, salt, out, &mut *memory)
            .map_err(Into::into)
    })
}

/// A PHC string `$argon2id$v=19$m=19456,t=2,p=1$salt$hash` with a fresh random salt.
pub async fn hash_password(password: String) -> Result<String, AppError> {
    on_hashing_thread(move |memory| {
        let salt = SaltString::generate(&mut OsRng);
        let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params());
        let hash = hash_in(memory, &argon, password.as_bytes(), salt.as_salt())?;
        Ok::<_, argon2::password_hash::Error>(
            PasswordHash {
                algorithm: Algorithm::Argon2id.ident(),
                version: Some(Version::V0x13.into()),
                params: argon2::password_hash::ParamsString::try_from(argon.params())?,
                salt: Some(salt.as_salt()),
                hash: Some(hash),
            }
            .to_string(),
        )
    })
    .await?
    .map_err(|e| {
        tracing::error!(error = %e, "password hashing failed");
        AppError::Internal
    })
}

/// Whether `password` gives the hash `stored` holds, with the settings written in it.
fn verify_in(memory: &mut Vec<Block>, password: &[u8], stored: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(stored) else {
        return false;
    };
    let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else {
        return false;
    };
    let argon = match (
        Algorithm::try_from(parsed.algorithm),
        parsed
            .version
            .map_or(Ok(Version::default()), Version::try_from),
        Params::try_from(&parsed),
    ) {
        (Ok(algorithm), Ok(version), Ok(params)) => Argon2::new(algorithm, version, params),
        _ => return false,
    };
    // `Output`'s equality takes the same time wherever the bytes differ.
    hash_in(memory, &argon, password, salt).is_ok_and(|computed| computed == expected)
}

/// Verifies against a stored hash; with no hash (unknown account) it verifies against a dummy
/// so both cases take about as long and answer the same.
pub async fn verify_password(password: String, stored: Option<String>) -> Result<bool, AppError> {
    on_hashing_thread(move |memory| {
        let known = stored.is_some();
        let phc = stored.unwrap_or_else(|| dummy_hash().to_owned());
        let ok = verify_in(memory, password.as_bytes(), &phc);
        known && ok
    })
    .await
}

fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        use argon2::PasswordHasher;
        let salt = SaltString::generate(&mut OsRng);
        Argon2::new(Algorithm::Argon2id, Version::V0x13, params())
            .hash_password(b"not a password anyone has", &salt)
            .expect("dummy hash")
            .to_string()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use argon2::{PasswordHasher, PasswordVerifier};

    fn standard_hash(m: u32, t: u32, password: &[u8]) -> String {
        Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(m, t, 1, None).unwrap(),
        )
        .hash_password(password, &SaltString::generate(&mut OsRng))
        .unwrap()
        .to_string()
    }

    /// The reused memory gives the hashes argon2's own path gives, both ways, for hashes of
    /// today's settings, of weaker ones (part of the block) and of stronger ones (memory of
    /// their own): Dovecot and any other reader verify what the panel writes.
    #[tokio::test]
    async fn hashes_in_reused_memory_are_argon2s_own() {
        let ours = hash_password("correct horse".into()).await.unwrap();
        let parsed = PasswordHash::new(&ours).unwrap();
        assert!(Argon2::default()
            .verify_password(b"correct horse", &parsed)
            .is_ok());
        assert!(Argon2::default()
            .verify_password(b"incorrect horse", &parsed)
            .is_err());
        for (m, t) in [
            (MEMORY_KIB, PASSES),
            (8_192, 1),
            (32_768, 3),
            (MEMORY_KIB, PASSES),
        ] {
            let theirs = standard_hash(m, t, b"battery staple");
            assert!(
                verify_password("battery staple".into(), Some(theirs.clone()))
                    .await
                    .unwrap(),
                "m={m} t={t}"
            );
            assert!(!verify_password("battery stapler".into(), Some(theirs))
                .await
                .unwrap());
        }
    }

    #[test]
    fn weaker_hashes_are_flagged_for_rehashing() {
        let weak = standard_hash(8_192, 1, b"pw");
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
