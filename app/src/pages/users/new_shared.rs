use crate::api::domains::list_domains;
use crate::api::shared::CreateSharedMailbox;
use crate::components::{use_form_error, Field, FormAlert, PageTitle, SelectField};
use crate::i18n::*;
use crate::model::Domain;
use leptos::prelude::*;

/// "New shared mailbox": an address, a name and a quota. No licence, no password: its members
/// are chosen on its page once it exists.
#[component]
pub fn NewSharedMailboxPage() -> impl IntoView {
    let i18n = use_i18n();
    let create = ServerAction::<CreateSharedMailbox>::new();
    let error = use_form_error(create);
    let domains = Resource::new(|| (), |_| list_domains());
    view! {
        <PageTitle text=|i| t_string!(i, new_shared_title).to_string() />
        <h1>{t!(i18n, new_shared_title)}</h1>
        <p>{t!(i18n, new_shared_intro)}</p>
        <FormAlert error />
        <Transition fallback=move || view! { <p class="loading">{t!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                let all = domains.await.unwrap_or_default();
                let main = Domain::main(&all).map(|d| d.id.to_string()).unwrap_or_default();
                let options: Vec<(String, String)> =
                    all.into_iter().map(|d| (d.id.to_string(), d.name)).collect();
                view! {
                    <ActionForm action=create>
                        <div class="form-grid">
                            <SelectField name="domain" options=Signal::stored(options) selected=main error>
                                {t!(i18n, domain)}
                            </SelectField>
                            <Field
                                name="username"
                                autocomplete="off"
                                required=true
                                hint=Signal::derive(move || t_string!(i18n, username_hint).to_string())
                                error
                            >
                                {t!(i18n, username)}
                            </Field>
                            <Field name="name" autocomplete="off" required=true error>
                                {t!(i18n, display_name)}
                            </Field>
                            <Field
                                name="quota_gb"
                                value="1"
                                inputmode="decimal"
                                required=true
                                hint=Signal::derive(move || t_string!(i18n, quota_hint).to_string())
                                error
                            >
                                {t!(i18n, quota_gb)}
                            </Field>
                        </div>
                        <div class="form-actions">
                            <button type="submit" class="button-primary">{t!(i18n, create_shared)}</button>
                            <a class="button" href="/users">{t!(i18n, cancel)}</a>
                        </div>
                    </ActionForm>
                }
            })}
        </Transition>
    }
}
