use crate::api::organisation::{usage, SetLimits};
use crate::components::{use_form_error, Field, FormAlert};
use crate::i18n::*;
use crate::model::format_mb;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// The account administrator's settings: licences and the storage pool.
#[component]
pub fn SettingsPage() -> impl IntoView {
    let i18n = use_i18n();
    let save = ServerAction::<SetLimits>::new();
    let error = use_form_error(save);
    let query = use_query_map();
    // The server answers a save with a redirect here, so the page (and the usage strip) reload.
    let saved = move || query.read().get("saved").is_some();
    let current = Resource::new(move || query.read().get("saved"), |_| usage());
    view! {
        <Title text=move || t_string!(i18n, settings_title).to_string() />
        <h1>{t!(i18n, settings_title)}</h1>
        <p>{t!(i18n, settings_intro)}</p>
        <Show when=saved>
            <p class="alert alert-success" role="status">{t!(i18n, saved)}</p>
        </Show>
        <FormAlert error />
        <Transition fallback=move || view! { <p class="loading">{t!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                let now = current.await.unwrap_or_default();
                let pool = format_mb(now.storage_pool_mb).trim_end_matches(" GB").to_owned();
                view! {
                    <ActionForm action=save>
                        <div class="form-grid">
                            <Field name="licences" value=now.mailbox_licences.to_string() inputmode="numeric" required=true error>
                                {t!(i18n, licences)}
                            </Field>
                            <Field name="storage_gb" value=pool inputmode="decimal" required=true error>
                                {t!(i18n, storage_pool_gb)}
                            </Field>
                        </div>
                        <button type="submit" class="button-primary">{t!(i18n, save)}</button>
                    </ActionForm>
                }
            })}
        </Transition>
    }
}
