//! The document's title, in the reader's language.
use crate::i18n::*;
use leptos::prelude::*;
use leptos::text_prop::TextProp;
use leptos_i18n::I18nContext;
use leptos_meta::Title;

/// Sets the page's title. On the server the text is read once, here, during the render:
/// leptos_meta reads a title's text only after the page has rendered, when the locale's signal
/// may already be disposed, and reading it then panics and drops the connection with no answer.
/// In the browser the title follows a language switch.
#[component]
pub fn PageTitle(text: fn(I18nContext<Locale>) -> String) -> impl IntoView {
    let i18n = use_i18n();
    #[cfg(feature = "ssr")]
    let text = TextProp::from(text(i18n));
    #[cfg(not(feature = "ssr"))]
    let text = TextProp::from(move || text(i18n));
    view! { <Title text /> }
}
