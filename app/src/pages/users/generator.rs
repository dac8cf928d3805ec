use crate::api::passwords::{generate_password, GeneratorForm};
use crate::components::error_text;
use crate::i18n::*;
use crate::model::{PassphraseOptions, Separator};
use leptos::prelude::*;

/// Generate, next to a form's `password` and `password_confirm` fields: fills both with a
/// memorable password from the server and says how many bits of randomness it holds; "Show
/// password" turns both into plain text; "Copy password" puts it on the clipboard. It needs the
/// browser's script, so it appears only once the page is interactive; without it the admin types
/// a password. The password avoids the words of mailbox `user`, or, for a user not created yet,
/// what the form's `personal_fields` hold when Generate is pressed.
#[component]
pub fn PasswordGenerator(
    user: Option<i64>,
    #[prop(optional)] personal_fields: &'static [&'static str],
) -> impl IntoView {
    let i18n = use_i18n();
    let interactive = RwSignal::new(false);
    Effect::new(move |_| {
        interactive.set(true);
        // A generator starts with the fields hidden, also when it replaces an earlier one.
        show_password_fields(false);
    });
    let defaults = PassphraseOptions::default();
    let words = RwSignal::new(defaults.words);
    let digits = RwSignal::new(defaults.digits);
    let separator = RwSignal::new(defaults.separator);
    let generate = Action::new(move |o: &PassphraseOptions| {
        let o = *o;
        generate_password(GeneratorForm {
            user,
            typed: typed_words(personal_fields),
            words: o.words,
            separator: o.separator.as_str().to_owned(),
            digits: o.digits,
        })
    });
    Effect::new(move |_| {
        if let Some(Ok(drawn)) = generate.value().get() {
            fill_password_fields(&drawn.password);
        }
    });
    // One status line says the latest outcome: a draw (and its strength) or a copy.
    let message = RwSignal::new(None::<String>);
    Effect::new(move |_| match generate.value().get() {
        Some(Ok(drawn)) => {
            let bits = format!("{:.0}", drawn.entropy_bits);
            message.set(Some(t_string!(i18n, generated_bits, bits).to_string()));
        }
        Some(Err(e)) => message.set(e.field("form").map(|code| error_text(i18n, code))),
        None => {}
    });
    let copy = move |_| {
        copy_password(move |copied| {
            message.set(Some(if copied {
                t_string!(i18n, copied).to_string()
            } else {
                t_string!(i18n, copy_failed).to_string()
            }))
        })
    };
    let separator_label = move |s: Separator| match s {
        Separator::Hyphen => t_string!(i18n, separator_hyphen).to_string(),
        Separator::Period => t_string!(i18n, separator_period).to_string(),
        Separator::Underscore => t_string!(i18n, separator_underscore).to_string(),
        Separator::Space => t_string!(i18n, separator_space).to_string(),
        Separator::Random => t_string!(i18n, separator_random).to_string(),
    };
    view! {
        <Show when=move || interactive.get()>
            <fieldset class="generator">
                <legend>{t!(i18n, generator_legend)}</legend>
                <div class="generator-options">
                    <label for="generator-words">
                        {t!(i18n, generator_words)}
                        <select id="generator-words" on:change=move |ev| {
                            if let Ok(n) = event_target_value(&ev).parse() { words.set(n) }
                        }>
                            {PassphraseOptions::WORDS
                                .map(|n| view! { <option value=n selected=n == defaults.words>{n}</option> })
                                .collect_view()}
                        </select>
                    </label>
                    <label for="generator-separator">
                        {t!(i18n, generator_separator)}
                        <select id="generator-separator" on:change=move |ev| {
                            if let Some(s) = Separator::parse(&event_target_value(&ev)) { separator.set(s) }
                        }>
                            {Separator::ALL
                                .into_iter()
                                .map(|s| view! {
                                    <option value=s.as_str() selected=s == defaults.separator>{move || separator_label(s)}</option>
                                })
                                .collect_view()}
                        </select>
                    </label>
                    <label for="generator-digits">
                        {t!(i18n, generator_digits)}
                        <select id="generator-digits" on:change=move |ev| {
                            if let Ok(n) = event_target_value(&ev).parse() { digits.set(n) }
                        }>
                            {PassphraseOptions::DIGITS
                                .map(|n| view! { <option value=n selected=n == defaults.digits>{n}</option> })
                                .collect_view()}
                        </select>
                    </label>
                </div>
                <div class="generator-actions">
                    <button
                        type="button"
                        class="button"
                        disabled=move || generate.pending().get()
                        on:click=move |_| {
                            generate.dispatch(PassphraseOptions {
                                words: words.get(),
                                separator: separator.get(),
                                digits: digits.get(),
                            });
                        }
                    >
                        {t!(i18n, generate_password)}
                    </button>
                    <button type="button" class="button" on:click=copy>{t!(i18n, copy_password)}</button>
                    <label class="inline-check">
                        <input type="checkbox" on:change=move |ev| show_password_fields(event_target_checked(&ev)) />
                        {t!(i18n, show_password)}
                    </label>
                </div>
                // Only while there is something to say: the page's own status stays the only one.
                {move || message.get().map(|text| view! { <p class="field-hint" role="status">{text}</p> })}
            </fieldset>
        </Show>
    }
}

/// The form's inputs `password` and `password_confirm`, found by the ids `Field` gives them.
#[cfg(feature = "hydrate")]
fn password_inputs() -> Vec<web_sys::HtmlInputElement> {
    use wasm_bindgen::JsCast;
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return Vec::new();
    };
    ["field-password", "field-password_confirm"]
        .into_iter()
        .filter_map(|id| document.get_element_by_id(id))
        .filter_map(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok())
        .collect()
}

/// What the password's form holds in `fields` now.
fn typed_words(fields: &'static [&'static str]) -> Vec<String> {
    #[cfg(feature = "hydrate")]
    {
        let Some(form) = password_inputs().first().and_then(|i| i.form()) else {
            return Vec::new();
        };
        fields
            .iter()
            .filter_map(|name| crate::components::field_text(&form, name))
            .filter(|text| !text.is_empty())
            .collect()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = fields;
        Vec::new()
    }
}

fn fill_password_fields(password: &str) {
    #[cfg(feature = "hydrate")]
    for input in password_inputs() {
        input.set_value(password);
        // As if typed, so the strength meter (listening for input) assesses it too.
        let init = web_sys::EventInit::new();
        init.set_bubbles(true);
        if let Ok(event) = web_sys::Event::new_with_event_init_dict("input", &init) {
            let _ = input.dispatch_event(&event);
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = password;
}

fn show_password_fields(show: bool) {
    #[cfg(feature = "hydrate")]
    for input in password_inputs() {
        input.set_type(if show { "text" } else { "password" });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = show;
}

/// Puts the `password` field's value on the clipboard, then tells `done` whether it worked.
fn copy_password(done: impl FnOnce(bool) + 'static) {
    #[cfg(feature = "hydrate")]
    match password_inputs().into_iter().next() {
        Some(input) => crate::components::copy_text(input.value(), done),
        None => done(false),
    }
    #[cfg(not(feature = "hydrate"))]
    done(false);
}
