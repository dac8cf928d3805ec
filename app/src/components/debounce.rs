//! Submits a form once typing pauses, so a search follows the keyboard without a request per key.
use leptos::ev::Event;

/// How long typing must pause before the form is submitted.
#[cfg(feature = "hydrate")]
pub const PAUSE_MS: u32 = 300;

#[cfg(feature = "hydrate")]
pub fn submit_after_pause(ev: Event) {
    use gloo_timers::callback::Timeout;
    use leptos::wasm_bindgen::JsCast;
    use std::cell::RefCell;
    thread_local! {
        static PENDING: RefCell<Option<Timeout>> = const { RefCell::new(None) };
    }
    let Some(input) = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
    else {
        return;
    };
    let Some(form) = input.form() else { return };
    let timeout = Timeout::new(PAUSE_MS, move || {
        let _ = form.request_submit();
    });
    // Replacing the pending timeout drops it, which cancels it.
    PENDING.with(|p| *p.borrow_mut() = Some(timeout));
}

#[cfg(not(feature = "hydrate"))]
pub fn submit_after_pause(_ev: Event) {}
