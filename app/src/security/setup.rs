//! The one-time setup token: printed at start while no admin exists, good for one use.
use super::session::{new_token, token_hash};
use sha2::{Digest, Sha256};
use std::sync::Mutex;

#[derive(Default)]
pub struct SetupGate {
    hash: Mutex<Option<Vec<u8>>>,
}

impl SetupGate {
    /// Arms the gate and returns the token to print.
    pub fn arm(&self) -> String {
        let token = new_token();
        *self.hash.lock().expect("setup gate lock") = Some(token_hash(&token));
        token
    }

    pub fn is_armed(&self) -> bool {
        self.hash.lock().expect("setup gate lock").is_some()
    }

    /// Takes the gate if `token` matches, so a second use fails. Compares digests, not tokens.
    pub fn take(&self, token: &str) -> bool {
        let mut guard = self.hash.lock().expect("setup gate lock");
        let given = Sha256::digest(token.trim().as_bytes()).to_vec();
        if guard.as_deref() == Some(given.as_slice()) {
            *guard = None;
            true
        } else {
            false
        }
    }

    /// Puts a token back after the setup it opened failed, so the admin can try again.
    pub fn restore(&self, token: &str) {
        *self.hash.lock().expect("setup gate lock") = Some(token_hash(token.trim()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_opens_once() {
        let gate = SetupGate::default();
        assert!(!gate.take("anything"));
        let token = gate.arm();
        assert!(!gate.take("wrong"));
        assert!(gate.take(&token));
        assert!(!gate.take(&token));
        assert!(!gate.is_armed());
    }
}
