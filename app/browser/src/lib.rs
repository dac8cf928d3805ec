//! The WASM's entry point: the pages the server rendered, made interactive.
#![cfg(feature = "hydrate")]

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::app::App);
    // Lets end-to-end tests wait for the interactive page instead of guessing.
    if let Some(body) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.body())
    {
        let _ = body.set_attribute("data-hydrated", "true");
    }
}
