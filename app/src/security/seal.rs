//! Authenticated encryption for secrets that have to wait somewhere: a queued mail holding a
//! set-password link or a temporary password rests sealed with the server's key, so a copy of
//! the database alone never reveals it.
use ring::aead::{Aad, LessSafeKey, Nonce, UnboundKey, CHACHA20_POLY1305, NONCE_LEN};
use ring::rand::{SecureRandom, SystemRandom};

pub struct Sealer {
    key: LessSafeKey,
    random: SystemRandom,
}

impl std::fmt::Debug for Sealer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Sealer(redacted)")
    }
}

impl Sealer {
    pub const KEY_LEN: usize = 32;

    pub fn new(key: &[u8; Self::KEY_LEN]) -> Self {
        let key = UnboundKey::new(&CHACHA20_POLY1305, key).expect("a 32-byte key");
        Self {
            key: LessSafeKey::new(key),
            random: SystemRandom::new(),
        }
    }

    /// A fresh random key from the OS generator.
    pub fn generate_key() -> [u8; Self::KEY_LEN] {
        let mut key = [0u8; Self::KEY_LEN];
        SystemRandom::new()
            .fill(&mut key)
            .expect("the OS random generator");
        key
    }

    /// A random nonce followed by the ciphertext and its tag.
    pub fn seal(&self, plain: &[u8]) -> Vec<u8> {
        self.seal_for(b"", plain)
    }

    /// `None` when the data was not sealed with this key or was altered.
    pub fn open(&self, sealed: &[u8]) -> Option<Vec<u8>> {
        self.open_for(b"", sealed)
    }

    /// Seals `plain` for one `purpose` only: what was sealed for one use (a half-way sign-in)
    /// never opens as another (a secret shown once).
    pub fn seal_for(&self, purpose: &[u8], plain: &[u8]) -> Vec<u8> {
        let mut nonce = [0u8; NONCE_LEN];
        self.random
            .fill(&mut nonce)
            .expect("the OS random generator");
        let mut sealed = plain.to_vec();
        self.key
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(purpose),
                &mut sealed,
            )
            .expect("sealing a message in memory");
        let mut out = nonce.to_vec();
        out.append(&mut sealed);
        out
    }

    /// `None` when the data was not sealed with this key for `purpose`, or was altered.
    pub fn open_for(&self, purpose: &[u8], sealed: &[u8]) -> Option<Vec<u8>> {
        if sealed.len() < NONCE_LEN {
            return None;
        }
        let (nonce, body) = sealed.split_at(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(nonce).ok()?;
        let mut body = body.to_vec();
        let plain = self
            .key
            .open_in_place(nonce, Aad::from(purpose), &mut body)
            .ok()?;
        Some(plain.to_vec())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opens_what_it_sealed_and_nothing_else() {
        let sealer = Sealer::new(&Sealer::generate_key());
        let sealed = sealer.seal(b"quartz meadow tumble 7");
        assert!(!sealed.windows(6).any(|w| w == b"quartz" || w == b"meadow"));
        assert_eq!(sealer.open(&sealed).unwrap(), b"quartz meadow tumble 7");
        // Two seals of one text differ: the nonce is fresh each time.
        assert_ne!(sealer.seal(b"same"), sealer.seal(b"same"));
        let mut altered = sealed.clone();
        *altered.last_mut().unwrap() ^= 1;
        assert_eq!(sealer.open(&altered), None);
        let stranger = Sealer::new(&Sealer::generate_key());
        assert_eq!(stranger.open(&sealed), None);
        let for_one = sealer.seal_for(b"one", b"text");
        assert_eq!(sealer.open_for(b"one", &for_one).unwrap(), b"text");
        assert_eq!(sealer.open_for(b"other", &for_one), None);
        assert_eq!(sealer.open(&for_one), None);
    }
}
