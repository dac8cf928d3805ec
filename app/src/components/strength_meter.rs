//! The live password strength meter. zxcvbn and its dictionaries are big, so they live in a WASM
//! chunk of their own (`#[lazy]`, split by `cargo leptos build --split`) that the browser fetches
//! when a password field is first focused, never with the first page.
use crate::i18n::*;
use crate::model::{Assessment, PasswordPolicy, Suggestion, Warning};
use leptos::prelude::*;
use leptos_i18n::I18nContext;

/// How long typing must pause before the password is assessed again.
#[cfg(feature = "hydrate")]
const PAUSE_MS: u32 = 150;

#[lazy]
fn assess_password(policy: PasswordPolicy, password: String, personal: Vec<String>) -> Assessment {
    let personal: Vec<&str> = personal.iter().map(String::as_str).collect();
    policy.assess(&password, &personal)
}

/// Wraps a form's fields and follows the one named `password`: as it is typed (or generated),
/// a bar with the score in words, the time to guess it, zxcvbn's warning and suggestions, and
/// the policy's verdict, which is the server's. `personal` are the holder's own words; on a form
/// that is still describing its holder, `personal_fields` names the fields (inputs or selects)
/// whose current values count too.
#[component]
pub fn StrengthMeter(
    policy: PasswordPolicy,
    #[prop(optional)] personal: Vec<String>,
    #[prop(optional)] personal_fields: &'static [&'static str],
    children: Children,
) -> impl IntoView {
    let i18n = use_i18n();
    let assessment = RwSignal::new(None::<Assessment>);
    let personal = StoredValue::new(personal);
    let on_input = move |ev: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        assess_after_pause(
            ev,
            policy,
            personal.get_value(),
            personal_fields,
            assessment,
        );
        #[cfg(not(feature = "hydrate"))]
        let _ = (ev, personal, personal_fields);
    };
    // The first focus fetches the meter's chunk, so it is ready by the first pause in typing.
    let fetched = StoredValue::new(false);
    let on_focus = move |_| {
        if !fetched.get_value() {
            fetched.set_value(true);
            leptos::task::spawn_local(async move {
                assess_password(policy, String::new(), Vec::new()).await;
            });
        }
    };
    view! {
        <div class="with-meter" on:input=on_input on:focusin=on_focus>
            {children()}
            // One labelled bar with its verdict beside it, then what the verdict rests on. Said
            // when it changes, after the pause, so a screen reader isn't interrupted per key.
            <div class="meter" aria-live="polite" hidden=move || assessment.with(Option::is_none)>
                <div class="meter-bar">
                    <label for="password-strength">{t!(i18n, strength_label)}</label>
                    <meter
                        id="password-strength"
                        min="0"
                        max="4"
                        low="2"
                        high="3"
                        optimum="4"
                        value=move || assessment.with(|a| a.as_ref().map_or(0, |a| a.score))
                        aria-describedby="password-strength-score password-strength-words"
                    ></meter>
                    <span id="password-strength-score" class="meter-score">
                        {move || assessment.get().map(|a| score_words(i18n, a.score))}
                    </span>
                </div>
                <div id="password-strength-words">
                    {move || assessment.get().map(|a| view! { <MeterReading assessment=a /> })}
                </div>
            </div>
        </div>
    }
}

#[component]
fn MeterReading(assessment: Assessment) -> impl IntoView {
    let i18n = use_i18n();
    let time = time_words(i18n, assessment.seconds_to_guess());
    let verdict = match assessment.refusal {
        Some(code) => crate::components::error_text(i18n, code),
        None => t_string!(i18n, strength_accepted).to_string(),
    };
    let accepted = assessment.refusal.is_none();
    let warning = assessment.warning.map(|w| warning_words(i18n, w));
    let suggestions: Vec<String> = assessment
        .suggestions
        .iter()
        .map(|s| suggestion_words(i18n, *s))
        .collect();
    view! {
        <p class="field-hint">{t!(i18n, time_to_guess, time = move || time.clone())}</p>
        <p class=if accepted { "meter-verdict meter-ok" } else { "meter-verdict meter-refused" }>{verdict}</p>
        {warning.map(|w| view! { <p class="meter-warning">{w}</p> })}
        {(!suggestions.is_empty()).then(|| view! {
            <ul class="meter-suggestions">
                {suggestions.into_iter().map(|s| view! { <li>{s}</li> }).collect_view()}
            </ul>
        })}
    }
}

/// Assesses the field's value once typing pauses; a newer keystroke cancels the pending one, and
/// an answer for a value the field no longer holds is dropped.
#[cfg(feature = "hydrate")]
fn assess_after_pause(
    ev: leptos::ev::Event,
    policy: PasswordPolicy,
    mut personal: Vec<String>,
    personal_fields: &'static [&'static str],
    assessment: RwSignal<Option<Assessment>>,
) {
    use gloo_timers::callback::Timeout;
    use leptos::wasm_bindgen::JsCast;
    use std::cell::RefCell;
    thread_local! {
        static PENDING: RefCell<Option<Timeout>> = const { RefCell::new(None) };
    }
    let Some(input) = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        .filter(|i| i.name() == crate::api::form::field_name("password"))
    else {
        return;
    };
    if let Some(form) = input.form() {
        personal.extend(
            personal_fields
                .iter()
                .filter_map(|name| super::field_text(&form, name)),
        );
    }
    let password = input.value();
    if password.is_empty() {
        PENDING.with(|p| p.borrow_mut().take());
        assessment.set(None);
        return;
    }
    let timeout = Timeout::new(PAUSE_MS, move || {
        leptos::task::spawn_local(async move {
            let result = assess_password(policy, password.clone(), personal).await;
            if input.value() == password {
                assessment.set(Some(result));
            }
        });
    });
    // Replacing the pending timeout drops it, which cancels it.
    PENDING.with(|p| *p.borrow_mut() = Some(timeout));
}

/// A zxcvbn score (0 to 4) in words.
pub fn score_words(i18n: I18nContext<Locale>, score: u8) -> String {
    match score {
        0 => t_string!(i18n, strength_0),
        1 => t_string!(i18n, strength_1),
        2 => t_string!(i18n, strength_2),
        3 => t_string!(i18n, strength_3),
        _ => t_string!(i18n, strength_4),
    }
    .to_string()
}

/// The largest whole unit, as zxcvbn's own display does.
fn time_words(i18n: I18nContext<Locale>, seconds: f64) -> String {
    const MINUTE: f64 = 60.0;
    const HOUR: f64 = 60.0 * MINUTE;
    const DAY: f64 = 24.0 * HOUR;
    const MONTH: f64 = 31.0 * DAY;
    const YEAR: f64 = 12.0 * MONTH;
    let n = |unit: f64| (seconds / unit).round() as u64;
    if seconds < 1.0 {
        t_string!(i18n, crack_instant).to_string()
    } else if seconds < MINUTE {
        t_string!(i18n, crack_seconds, n = n(1.0)).to_string()
    } else if seconds < HOUR {
        t_string!(i18n, crack_minutes, n = n(MINUTE)).to_string()
    } else if seconds < DAY {
        t_string!(i18n, crack_hours, n = n(HOUR)).to_string()
    } else if seconds < MONTH {
        t_string!(i18n, crack_days, n = n(DAY)).to_string()
    } else if seconds < YEAR {
        t_string!(i18n, crack_months, n = n(MONTH)).to_string()
    } else if seconds < 100.0 * YEAR {
        t_string!(i18n, crack_years, n = n(YEAR)).to_string()
    } else {
        t_string!(i18n, crack_centuries).to_string()
    }
}

fn warning_words(i18n: I18nContext<Locale>, warning: Warning) -> String {
    match warning {
        Warning::StraightRowsOfKeysAreEasyToGuess => t_string!(i18n, zx_straight_rows),
        Warning::ShortKeyboardPatternsAreEasyToGuess => {
            t_string!(i18n, zx_short_keyboard_patterns)
        }
        Warning::RepeatsLikeAaaAreEasyToGuess => t_string!(i18n, zx_repeats_aaa),
        Warning::RepeatsLikeAbcAbcAreOnlySlightlyHarderToGuess => {
            t_string!(i18n, zx_repeats_abcabc)
        }
        Warning::ThisIsATop10Password => t_string!(i18n, zx_top10),
        Warning::ThisIsATop100Password => t_string!(i18n, zx_top100),
        Warning::ThisIsACommonPassword => t_string!(i18n, zx_common),
        Warning::ThisIsSimilarToACommonlyUsedPassword => t_string!(i18n, zx_similar_to_common),
        Warning::SequencesLikeAbcAreEasyToGuess => t_string!(i18n, zx_sequences),
        Warning::RecentYearsAreEasyToGuess => t_string!(i18n, zx_recent_years),
        Warning::AWordByItselfIsEasyToGuess => t_string!(i18n, zx_word_by_itself),
        Warning::DatesAreOftenEasyToGuess => t_string!(i18n, zx_dates),
        Warning::NamesAndSurnamesByThemselvesAreEasyToGuess => {
            t_string!(i18n, zx_names_by_themselves)
        }
        Warning::CommonNamesAndSurnamesAreEasyToGuess => t_string!(i18n, zx_common_names),
    }
    .to_string()
}

fn suggestion_words(i18n: I18nContext<Locale>, suggestion: Suggestion) -> String {
    match suggestion {
        Suggestion::UseAFewWordsAvoidCommonPhrases => t_string!(i18n, zx_use_a_few_words),
        Suggestion::NoNeedForSymbolsDigitsOrUppercaseLetters => {
            t_string!(i18n, zx_no_need_for_symbols)
        }
        Suggestion::AddAnotherWordOrTwo => t_string!(i18n, zx_add_a_word),
        Suggestion::CapitalizationDoesntHelpVeryMuch => t_string!(i18n, zx_capitalization),
        Suggestion::AllUppercaseIsAlmostAsEasyToGuessAsAllLowercase => {
            t_string!(i18n, zx_all_uppercase)
        }
        Suggestion::ReversedWordsArentMuchHarderToGuess => t_string!(i18n, zx_reversed_words),
        Suggestion::PredictableSubstitutionsDontHelpVeryMuch => {
            t_string!(i18n, zx_substitutions)
        }
        Suggestion::UseALongerKeyboardPatternWithMoreTurns => {
            t_string!(i18n, zx_longer_keyboard_pattern)
        }
        Suggestion::AvoidRepeatedWordsAndCharacters => t_string!(i18n, zx_avoid_repeats),
        Suggestion::AvoidSequences => t_string!(i18n, zx_avoid_sequences),
        Suggestion::AvoidRecentYears => t_string!(i18n, zx_avoid_recent_years),
        Suggestion::AvoidYearsThatAreAssociatedWithYou => t_string!(i18n, zx_avoid_your_years),
        Suggestion::AvoidDatesAndYearsThatAreAssociatedWithYou => {
            t_string!(i18n, zx_avoid_your_dates)
        }
    }
    .to_string()
}
