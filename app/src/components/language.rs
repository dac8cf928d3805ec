use crate::api::prefs::SetLanguage;
use crate::i18n::*;
use leptos::prelude::*;

/// Two buttons, one per language. A plain form post sets the cookie and returns to the page;
/// with WASM the page switches at once and the post only remembers the choice.
#[component]
pub fn LanguageSwitch() -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<SetLanguage>::new();
    Effect::new(move |_| {
        if let Some(Ok(())) = action.value().get() {
            if let Some(input) = action.input().get_untracked() {
                let locale = if input.locale == "fr" {
                    Locale::fr
                } else {
                    Locale::en
                };
                i18n.set_locale(locale);
            }
        }
    });
    let button = move |locale: Locale, name: &'static str| {
        view! {
            <button
                type="submit"
                name="form[locale]"
                value=locale.as_str()
                lang=locale.as_str()
                aria-pressed=move || (i18n.get_locale() == locale).to_string()
                on:click=move |_| i18n.set_locale(locale)
            >
                {name}
            </button>
        }
    };
    view! {
        <ActionForm action=action>
            <fieldset class="language-switch">
                <legend class="visually-hidden">{t!(i18n, change_language)}</legend>
                {button(Locale::en, "English")}
                {button(Locale::fr, "Français")}
            </fieldset>
        </ActionForm>
    }
}
