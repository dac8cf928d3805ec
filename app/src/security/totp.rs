//! The second step of sign-in: time-based one-time passwords (RFC 6238) as every authenticator
//! app reads them (HMAC-SHA-1, six digits, 30-second steps), and the recovery codes that stand
//! in for the app once each. The HMAC and the codes come from `totp-rs`, the QR code from
//! `qrcode`; what is here is the panel's rules around them.
use base64::Engine;
use ring::rand::{SecureRandom, SystemRandom};
use totp_rs::{Algorithm, TOTP};

/// Seconds a code lasts.
pub const STEP_SECONDS: i64 = 30;
/// 160 bits, as RFC 4226 recommends.
pub const KEY_BYTES: usize = 20;
/// Codes of this many steps either side of now still count: a clock a little off, or a code
/// typed just as it changed.
pub const SKEW_STEPS: i64 = 1;
pub const RECOVERY_CODES: usize = 10;

/// A user's TOTP key. It leaves the server once, at set-up, and rests sealed with the server
/// key; `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct TotpKey(Vec<u8>);

impl std::fmt::Debug for TotpKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TotpKey(redacted)")
    }
}

impl TotpKey {
    /// A fresh key from the operating system's generator.
    pub fn generate() -> Self {
        let mut key = vec![0u8; KEY_BYTES];
        SystemRandom::new()
            .fill(&mut key)
            .expect("the OS random generator");
        Self(key)
    }

    /// A key read back from storage; `None` if it is not one of ours.
    pub fn from_bytes(bytes: Vec<u8>) -> Option<Self> {
        (bytes.len() == KEY_BYTES).then_some(Self(bytes))
    }

    /// The key as [`TotpKey::typed`] shows it, read back as an app reads a typed key.
    pub fn from_typed(typed: &str) -> Option<Self> {
        let base32: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
        totp_rs::Secret::Encoded(base32)
            .to_bytes()
            .ok()
            .and_then(Self::from_bytes)
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The key as the set-up page shows it for typing into an app: base32 in groups of four.
    pub fn typed(&self) -> String {
        let base32 = self.totp("", "").get_secret_base32();
        let chars: Vec<char> = base32.chars().collect();
        chars
            .chunks(4)
            .map(|group| group.iter().collect::<String>())
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The `otpauth://` address the QR code holds: the app lists the account as
    /// "issuer (account)".
    pub fn otpauth_uri(&self, issuer: &str, account: &str) -> String {
        self.totp(issuer, account).get_url()
    }

    /// The code of the step that holds `at` (Unix seconds).
    pub fn code_at(&self, at: i64) -> String {
        self.totp("", "").generate(at.max(0) as u64)
    }

    /// The step `code` belongs to, if it is the code of a step within [`SKEW_STEPS`] of `now`
    /// and later than `last_used`, the step of the last code accepted: each code works once,
    /// and none older than one already used.
    pub fn verify(&self, code: &str, now: i64, last_used: Option<i64>) -> Option<i64> {
        let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
        if code.len() != 6 || !code.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
        let totp = self.totp("", "");
        let current = now.div_euclid(STEP_SECONDS);
        (current - SKEW_STEPS..=current + SKEW_STEPS)
            .filter(|step| *step >= 0 && last_used.is_none_or(|used| *step > used))
            // `check` compares in constant time; with no skew of its own it tests one step.
            .find(|step| totp.check(&code, (*step * STEP_SECONDS) as u64))
    }

    fn totp(&self, issuer: &str, account: &str) -> TOTP {
        let issuer = (!issuer.is_empty()).then(|| issuer.to_owned());
        TOTP::new_unchecked(
            Algorithm::SHA1,
            6,
            0,
            STEP_SECONDS as u64,
            self.0.clone(),
            issuer,
            account.to_owned(),
        )
    }
}

/// The QR code of `text` as an SVG image in a `data:` address, which the page's CSP allows for
/// images: it shows without JavaScript and without any outside service.
pub fn qr_image(text: &str) -> Option<String> {
    let code = qrcode::QrCode::new(text.as_bytes()).ok()?;
    let svg = code
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(200, 200)
        .quiet_zone(true)
        .build();
    let encoded = base64::engine::general_purpose::STANDARD.encode(svg);
    Some(format!("data:image/svg+xml;base64,{encoded}"))
}

/// Letters and digits that no one misreads for another (no 0/o, 1/l/i).
const RECOVERY_ALPHABET: &[u8] = b"23456789abcdefghjkmnpqrstuvwxyz";

/// Ten fresh recovery codes, `xxxxx-xxxxx`: 10 characters of 31, about 49 bits each, enough
/// for a code that works once and counts towards the account's lock when wrong.
pub fn recovery_codes() -> Vec<String> {
    let random = SystemRandom::new();
    (0..RECOVERY_CODES)
        .map(|_| {
            let chars: String = (0..10)
                .map(|_| {
                    // Rejection sampling keeps every character equally likely.
                    loop {
                        let mut byte = [0u8; 1];
                        random.fill(&mut byte).expect("the OS random generator");
                        let limit = 256 - 256 % RECOVERY_ALPHABET.len();
                        if (byte[0] as usize) < limit {
                            break RECOVERY_ALPHABET[byte[0] as usize % RECOVERY_ALPHABET.len()]
                                as char;
                        }
                    }
                })
                .collect();
            format!("{}-{}", &chars[..5], &chars[5..])
        })
        .collect()
}

/// A recovery code as typed, in the form it was shown: case and spaces don't matter.
pub fn normalise_recovery_code(typed: &str) -> String {
    let plain: String = typed
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    if plain.len() == 10 {
        format!("{}-{}", &plain[..5], &plain[5..])
    } else {
        plain
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238, appendix B: the SHA-1 key, and its codes (the last six digits of the eight).
    fn rfc_key() -> TotpKey {
        TotpKey::from_bytes(b"12345678901234567890".to_vec()).unwrap()
    }

    #[test]
    fn codes_match_the_rfc_test_vectors() {
        let key = rfc_key();
        for (at, code) in [
            (59, "287082"),
            (1_111_111_109, "081804"),
            (1_234_567_890, "005924"),
            (2_000_000_000, "279037"),
        ] {
            assert_eq!(key.code_at(at), code, "at {at}");
        }
    }

    #[test]
    fn a_code_counts_one_step_either_side_and_once() {
        let key = rfc_key();
        let now = 1_234_567_890;
        let step = now / STEP_SECONDS;
        let code = key.code_at(now);
        assert_eq!(key.verify(&code, now, None), Some(step));
        assert_eq!(key.verify(&code, now + STEP_SECONDS, None), Some(step));
        assert_eq!(key.verify(&code, now - STEP_SECONDS, None), Some(step));
        assert_eq!(key.verify(&code, now + 2 * STEP_SECONDS, None), None);
        assert_eq!(key.verify(&code, now - 2 * STEP_SECONDS, None), None);
        // Used once: refused, and so is the code before it.
        assert_eq!(key.verify(&code, now, Some(step)), None);
        let earlier = key.code_at(now - STEP_SECONDS);
        assert_eq!(key.verify(&earlier, now, Some(step)), None);
        let later = key.code_at(now + STEP_SECONDS);
        assert_eq!(key.verify(&later, now, Some(step)), Some(step + 1));
    }

    #[test]
    fn only_six_digits_are_a_code() {
        let key = rfc_key();
        let now = 1_234_567_890;
        let code = key.code_at(now);
        assert_eq!(
            key.verify(&format!("{} {}", &code[..3], &code[3..]), now, None),
            Some(now / STEP_SECONDS)
        );
        for typed in ["", "12345", "1234567", "abcdef", "٠٠٥٩٢٤"] {
            assert_eq!(key.verify(typed, now, None), None, "{typed:?}");
        }
    }

    #[test]
    fn a_key_is_160_random_bits_shown_for_typing() {
        let (a, b) = (TotpKey::generate(), TotpKey::generate());
        assert_eq!(a.as_bytes().len(), 20);
        assert_ne!(a, b);
        assert_eq!(format!("{a:?}"), "TotpKey(redacted)");
        let typed = rfc_key().typed();
        assert_eq!(typed, "GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ");
        assert_eq!(TotpKey::from_typed(&typed), Some(rfc_key()));
        assert!(TotpKey::from_typed("GEZD GNBV").is_none());
        assert!(TotpKey::from_bytes(vec![1; 19]).is_none());
    }

    #[test]
    fn the_qr_code_holds_the_otpauth_address() {
        let uri = rfc_key().otpauth_uri("Postmaster", "ann@council.test");
        assert!(
            uri.starts_with("otpauth://totp/Postmaster:ann%40council.test?"),
            "{uri}"
        );
        assert!(
            uri.contains("secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"),
            "{uri}"
        );
        assert!(uri.contains("issuer=Postmaster"), "{uri}");
        let image = qr_image(&uri).unwrap();
        assert!(image.starts_with("data:image/svg+xml;base64,"));
    }

    #[test]
    fn recovery_codes_are_ten_distinct_and_read_back_as_typed() {
        let codes = recovery_codes();
        assert_eq!(codes.len(), RECOVERY_CODES);
        let distinct: std::collections::HashSet<_> = codes.iter().collect();
        assert_eq!(distinct.len(), RECOVERY_CODES);
        for code in &codes {
            assert_eq!(code.len(), 11);
            assert_eq!(
                normalise_recovery_code(&code.to_uppercase().replace('-', " ")),
                *code
            );
        }
    }
}
