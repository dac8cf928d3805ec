//! App passwords: what a mail app (IMAP, POP3, SMTP submission) signs in with instead of the
//! person's own password. Twenty characters of a 32-letter alphabet that no one misreads,
//! typed in lower case without spaces (the mail server compares what was typed as it is).
//! The first four are the lookup: stored in clear, they let the mail server find the one hash
//! to verify among the user's app passwords (`WHERE lookup = '%4w'`); the sixteen after them,
//! 80 bits from the operating system's generator, are the secret, kept only as an argon2id hash.
use ring::rand::{SecureRandom, SystemRandom};

/// Lower-case letters and digits without the pairs read for each other (0/o, 1/l): 32
/// symbols, 5 bits each.
const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyz23456789";
/// Characters in all.
pub const LENGTH: usize = 20;
/// Characters the mail server matches in clear before verifying the hash.
pub const LOOKUP: usize = 4;

/// A fresh app password.
pub fn generate() -> String {
    let random = SystemRandom::new();
    (0..LENGTH)
        .map(|_| loop {
            let mut byte = [0u8; 1];
            random.fill(&mut byte).expect("the OS random generator");
            // Rejection sampling keeps every symbol equally likely.
            let limit = 256 - 256 % ALPHABET.len();
            if (byte[0] as usize) < limit {
                break char::from(ALPHABET[byte[0] as usize % ALPHABET.len()]);
            }
        })
        .collect()
}

/// The part the mail server looks the hash up by.
pub fn lookup(password: &str) -> &str {
    &password[..LOOKUP.min(password.len())]
}

/// Bits of secret beyond the lookup.
pub fn secret_bits() -> f64 {
    (LENGTH - LOOKUP) as f64 * (ALPHABET.len() as f64).log2()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn twenty_characters_with_eighty_secret_bits_after_the_lookup() {
        assert_eq!(ALPHABET.len(), 32);
        assert!(secret_bits() >= 80.0);
        let a = generate();
        assert_eq!(a.len(), LENGTH);
        assert!(a.bytes().all(|b| ALPHABET.contains(&b)));
        assert_ne!(a, generate());
        assert_eq!(lookup(&a), &a[..4]);
    }
}
