//! Property tests of every parser of the model: whatever text arrives (any Unicode, control
//! characters, very long), a parser answers without panicking, and what it accepts is what the
//! rest of the panel counts on (one line of text, within its bounds, read back as it was).
use super::*;
use proptest::prelude::*;

/// Text as clients send it: any character, with the awkward ones (controls, separators, `@`,
/// dots, digits, combining marks, right-to-left, emoji) far more often than by chance.
fn text() -> impl Strategy<Value = String> {
    let awkward = prop::sample::select(vec![
        '\0', '\t', '\n', '\r', '\u{7}', '\u{1b}', '\u{7f}', '\u{85}', '\u{a0}', '\u{200b}',
        '\u{202e}', '\u{301}', '\u{feff}', '@', '.', '-', '_', ',', ';', ' ', '+', '"', '\'', '0',
        '9', 'a', 'Z', 'é', 'ß', 'İ', '李', '🙂',
    ]);
    prop::collection::vec(prop_oneof![3 => awkward, 1 => any::<char>()], 0..80)
        .prop_map(|chars| chars.into_iter().collect())
}

/// Text shaped like what a parser expects, mutated: close misses find the edges.
fn address_like() -> impl Strategy<Value = String> {
    ("[a-zA-Z0-9._\\-]{0,70}", "[a-zA-Z0-9.\\-]{0,70}", text()).prop_map(
        |(local, domain, noise)| match noise.len() % 4 {
            0 => format!("{local}@{domain}"),
            1 => format!(" {local}@{domain}.{noise}"),
            2 => format!("{local}{noise}@{domain}"),
            _ => format!("{local}@@{domain}"),
        },
    )
}

fn one_line(text: &str) -> bool {
    !text.chars().any(char::is_control)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    #[test]
    fn addresses_read_back_as_they_were_accepted(input in prop_oneof![text(), address_like()]) {
        if let Ok(address) = EmailAddress::parse(&input) {
            let written = address.to_string();
            prop_assert!(written.len() <= 64 + 1 + 253);
            prop_assert!(one_line(&written) && !written.contains(' '));
            prop_assert_eq!(written.matches('@').count(), 1);
            prop_assert_eq!(written.to_ascii_lowercase(), written.clone());
            prop_assert_eq!(EmailAddress::parse(&written), Ok(address));
        }
    }

    #[test]
    fn local_parts_and_domains_read_back(input in prop_oneof![text(), "[a-zA-Z0-9.\\-_]{0,300}"]) {
        if let Ok(local) = LocalPart::parse(&input) {
            prop_assert!(!local.as_str().is_empty() && local.as_str().len() <= 64);
            prop_assert_eq!(LocalPart::parse(local.as_str()), Ok(local.clone()));
        }
        if let Ok(domain) = DomainName::parse(&input) {
            prop_assert!(domain.as_str().len() <= 253 && domain.as_str().contains('.'));
            prop_assert_eq!(DomainName::parse(domain.as_str()), Ok(domain.clone()));
        }
    }

    #[test]
    fn address_lists_hold_each_address_once(input in text()) {
        if let Ok(list) = EmailAddress::parse_list(&input) {
            let mut seen = std::collections::HashSet::new();
            prop_assert!(list.iter().all(|a| seen.insert(a.to_string())));
        }
    }

    #[test]
    fn names_are_one_trimmed_line_within_their_length(input in text()) {
        match DisplayName::parse(&input) {
            Ok(name) => {
                prop_assert!(one_line(name.as_str()));
                prop_assert_eq!(name.as_str().trim(), name.as_str());
                prop_assert!(!name.as_str().is_empty());
                prop_assert!(name.as_str().chars().count() <= NAME_MAX_CHARS);
            }
            Err(code) => prop_assert!(matches!(
                code,
                crate::error::ErrorCode::Required
                    | crate::error::ErrorCode::NameTooLong
                    | crate::error::ErrorCode::ControlCharacter
            )),
        }
    }

    #[test]
    fn quotas_are_within_bounds_and_read_back(input in prop_oneof![text(), "[0-9]{0,25}([.,][0-9]{0,5})?"]) {
        if let Ok(quota) = Quota::parse_gb(&input) {
            prop_assert!(quota.mb() > 0 && quota.mb() <= Quota::MAX_MB);
            prop_assert_eq!(Quota::parse_gb(&quota.gb_text()), Ok(quota));
        }
    }

    #[test]
    fn choices_read_only_their_own_names(input in text()) {
        if let Ok(zone) = TimeZone::parse(&input) {
            prop_assert!(TIME_ZONES.contains(&zone.as_str()));
        }
        if let Ok(language) = Language::parse(&input) {
            prop_assert_eq!(Language::parse(language.as_str()), Ok(language));
        }
        if let Ok(format) = DateFormat::parse(&input) {
            prop_assert_eq!(DateFormat::parse(format.as_str()), Ok(format));
        }
        if let Some(separator) = Separator::parse(&input) {
            prop_assert_eq!(Separator::parse(separator.as_str()), Some(separator));
        }
        if let Some(preset) = PolicyPreset::parse(&input) {
            prop_assert_eq!(PolicyPreset::parse(preset.as_str()), Some(preset));
        }
    }

    #[test]
    fn passphrase_options_are_bounded_whatever_is_asked(words in any::<u8>(), digits in any::<u8>()) {
        for separator in Separator::ALL {
            let o = PassphraseOptions { words, separator, digits }.bounded();
            prop_assert!(PassphraseOptions::WORDS.contains(&o.words));
            prop_assert!(PassphraseOptions::DIGITS.contains(&o.digits));
        }
    }
}

proptest! {
    // zxcvbn scores each password: fewer, slower cases.
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn the_policy_refuses_or_accepts_within_its_lengths(password in text(), personal in text()) {
        for policy in PolicyPreset::ALL.map(PolicyPreset::policy) {
            if policy.check(&password, &[personal.as_str()]).is_ok() {
                let chars = password.chars().count() as u32;
                prop_assert!(chars >= policy.min_chars && chars <= policy.max_chars);
            }
        }
    }
}
