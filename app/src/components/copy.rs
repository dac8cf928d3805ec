//! "Copy" for a secret shown once. It needs the browser's clipboard, so the button appears
//! only once the page is interactive; without it the text stays on the page to select.
use crate::i18n::*;
use leptos::prelude::*;

/// Puts `text` on the clipboard, then tells `done` whether it worked.
pub fn copy_text(text: String, done: impl FnOnce(bool) + 'static) {
    #[cfg(feature = "hydrate")]
    {
        let Some(window) = web_sys::window() else {
            return done(false);
        };
        let promise = window.navigator().clipboard().write_text(&text);
        wasm_bindgen_futures::spawn_local(async move {
            done(wasm_bindgen_futures::JsFuture::from(promise).await.is_ok());
        });
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = text;
        done(false);
    }
}

/// A button that copies `text`, and says whether it did. The children are its label.
#[component]
pub fn CopyButton(text: String, children: Children) -> impl IntoView {
    let i18n = use_i18n();
    let interactive = RwSignal::new(false);
    Effect::new(move |_| interactive.set(true));
    let copied = RwSignal::new(None::<bool>);
    let label = children();
    view! {
        <span class="copy" hidden=move || !interactive.get()>
            <button type="button" on:click=move |_| copy_text(text.clone(), move |ok| copied.set(Some(ok)))>
                {label}
            </button>
            <span role="status" class="field-hint">
                {move || copied.get().map(|ok| if ok {
                    t_string!(i18n, copied_text).to_string()
                } else {
                    t_string!(i18n, copy_text_failed).to_string()
                })}
            </span>
        </span>
    }
}
