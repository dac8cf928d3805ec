//! Memorable random passwords in the style of xkpasswd: words from the EFF large word list
//! (7,776 words chosen to be easy to type and tell apart), each in lower or title case at random,
//! a separator, and digits padding both ends. Every draw comes from the operating system's
//! generator.
use crate::model::PasswordPolicy;
use crate::model::{GeneratedPassword, PassphraseOptions, Separator};
use rand::rngs::OsRng;
use rand::seq::SliceRandom;
use rand::Rng;
use std::sync::OnceLock;

/// The EFF large list without its dice numbers, and without its few hyphenated words
/// ("t-shirt"), so that every separator splits the password back into its words.
fn words() -> &'static [&'static str] {
    static WORDS: OnceLock<Vec<&'static str>> = OnceLock::new();
    WORDS.get_or_init(|| {
        eff_wordlist::large::LIST
            .iter()
            .map(|(_, word)| *word)
            .filter(|word| word.chars().all(|c| c.is_ascii_lowercase()))
            .collect()
    })
}

fn pick_word(rng: &mut OsRng) -> &'static str {
    words().choose(rng).expect("the word list is not empty")
}

fn title_case(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

fn digits(rng: &mut OsRng, n: u8) -> String {
    (0..n)
        .map(|_| char::from(b'0' + rng.gen_range(0..10u8)))
        .collect()
}

/// Bits of randomness in a password drawn with `options`: each word is one of the list and one of
/// two cases, each digit one of ten, and a random separator one of its set.
pub fn entropy_bits(options: PassphraseOptions) -> f64 {
    let o = options.bounded();
    let per_word = (words().len() as f64).log2() + 1.0;
    let separator = match o.separator.fixed() {
        Some(_) => 0.0,
        None => (Separator::RANDOM_SET.len() as f64).log2(),
    };
    f64::from(o.words) * per_word + f64::from(2 * o.digits) * 10f64.log2() + separator
}

/// One draw, without regard to any policy.
pub fn generate(options: PassphraseOptions) -> GeneratedPassword {
    let o = options.bounded();
    let mut rng = OsRng;
    let separator = o.separator.fixed().unwrap_or_else(|| {
        *Separator::RANDOM_SET
            .choose(&mut rng)
            .expect("the separator set is not empty")
    });
    let mut parts = Vec::with_capacity(usize::from(o.words) + 2);
    if o.digits > 0 {
        parts.push(digits(&mut rng, o.digits));
    }
    for _ in 0..o.words {
        let word = pick_word(&mut rng);
        parts.push(if rng.gen() {
            title_case(word)
        } else {
            word.to_owned()
        });
    }
    if o.digits > 0 {
        parts.push(digits(&mut rng, o.digits));
    }
    GeneratedPassword {
        password: parts.join(&separator.to_string()),
        entropy_bits: entropy_bits(o),
    }
}

/// A draw the policy accepts for this holder. A refused draw (it holds the user's name, or falls
/// short of a long minimum length) is drawn again, with one more word every few tries; `None`
/// only if even the most words allowed can't satisfy the policy.
pub fn generate_for(
    options: PassphraseOptions,
    policy: &PasswordPolicy,
    personal: &[&str],
) -> Option<GeneratedPassword> {
    let mut o = options.bounded();
    // What draws alone can't bring: a digit needs padding, a symbol a separator that is one.
    if policy.require.digit && o.digits == 0 {
        o.digits = 1;
    }
    if policy.require.symbol && o.separator == Separator::Space {
        o.separator = Separator::Hyphen;
    }
    for attempt in 1..=64 {
        let drawn = generate(o);
        if policy.check(&drawn.password, personal).is_ok() {
            return Some(drawn);
        }
        if attempt % 8 == 0 && o.words < *PassphraseOptions::WORDS.end() {
            o.words += 1;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn is_listed(word: &str) -> bool {
        words().contains(&word.to_lowercase().as_str())
    }

    #[test]
    fn the_list_holds_thousands_of_distinct_words() {
        let all: HashSet<&str> = words().iter().copied().collect();
        assert!(all.len() >= 7_000, "{} words", all.len());
        assert_eq!(all.len(), words().len(), "no word twice");
    }

    #[test]
    fn a_draw_is_digits_words_and_digits_joined_by_one_separator() {
        let options = PassphraseOptions {
            words: 4,
            separator: Separator::Period,
            digits: 2,
        };
        let drawn = generate(options);
        let parts: Vec<&str> = drawn.password.split('.').collect();
        assert_eq!(parts.len(), 6, "{}", drawn.password);
        for end in [parts[0], parts[5]] {
            assert!(
                end.len() == 2 && end.chars().all(|c| c.is_ascii_digit()),
                "{end}"
            );
        }
        for word in &parts[1..5] {
            assert!(is_listed(word), "{word} is not from the list");
        }
    }

    #[test]
    fn a_random_separator_is_one_character_used_throughout() {
        let options = PassphraseOptions {
            words: 5,
            separator: Separator::Random,
            digits: 0,
        };
        for _ in 0..20 {
            let drawn = generate(options);
            let sep = drawn
                .password
                .chars()
                .find(|c| !c.is_ascii_alphabetic())
                .expect("a separator");
            assert!(Separator::RANDOM_SET.contains(&sep), "{}", drawn.password);
            let parts: Vec<&str> = drawn.password.split(sep).collect();
            assert_eq!(parts.len(), 5, "{}", drawn.password);
            assert!(parts.iter().all(|w| is_listed(w)), "{}", drawn.password);
        }
    }

    #[test]
    fn entropy_counts_words_cases_digits_and_separator() {
        let four = PassphraseOptions::default();
        let listed = words().len() as f64;
        let expected = 4.0 * (listed.log2() + 1.0) + 4.0 * 10f64.log2();
        assert!((entropy_bits(four) - expected).abs() < 1e-9);
        assert!(entropy_bits(four) > 68.0, "{}", entropy_bits(four));
        let random = PassphraseOptions {
            separator: Separator::Random,
            ..four
        };
        assert!((entropy_bits(random) - entropy_bits(four) - 3.0).abs() < 1e-9);
        assert!((generate(four).entropy_bits - expected).abs() < 1e-9);
    }

    #[test]
    fn options_out_of_bounds_are_brought_within() {
        let o = PassphraseOptions {
            words: 1,
            separator: Separator::Space,
            digits: 200,
        }
        .bounded();
        assert_eq!((o.words, o.digits), (3, 4));
        let o = PassphraseOptions { words: 99, ..o }.bounded();
        assert_eq!(o.words, 8);
    }

    #[test]
    fn every_draw_for_a_holder_passes_the_policy() {
        let policy = PasswordPolicy::default();
        let personal = ["Jane Doe", "jane", "council.test"];
        let mut seen = HashSet::new();
        for _ in 0..50 {
            let drawn = generate_for(PassphraseOptions::default(), &policy, &personal)
                .expect("a draw passes");
            assert!(policy.check(&drawn.password, &personal).is_ok());
            seen.insert(drawn.password);
        }
        assert_eq!(seen.len(), 50, "no draw repeats");
    }

    #[test]
    fn a_long_minimum_adds_words_until_it_is_met() {
        let policy = PasswordPolicy {
            min_chars: 40,
            ..PasswordPolicy::default()
        };
        let options = PassphraseOptions {
            words: 3,
            separator: Separator::Hyphen,
            digits: 0,
        };
        let drawn = generate_for(options, &policy, &[]).expect("more words reach 40");
        assert!(drawn.password.chars().count() >= 40);
    }
}
