use crate::api::auth::whoami;
use crate::api::domains::{domain_summaries, AddDomain, RemoveDomain};
use crate::components::{use_form_error, Field, FormAlert, PageTitle};
use crate::i18n::*;
use crate::model::Role;
use leptos::prelude::*;

/// The organisation's domains with their mailbox counts (a domain admin's only); the account
/// admin adds one, or removes an empty one.
#[component]
pub fn DomainsPage() -> impl IntoView {
    let i18n = use_i18n();
    let add = ServerAction::<AddDomain>::new();
    let remove = ServerAction::<RemoveDomain>::new();
    let add_error = use_form_error(add);
    let remove_error = use_form_error(remove);
    let domains = Resource::new(
        move || (add.version().get(), remove.version().get()),
        |_| domain_summaries(),
    );
    let viewer = Resource::new(|| (), |_| whoami());
    let added = move || matches!(add.value().get(), Some(Ok(())));
    let removed = move || matches!(remove.value().get(), Some(Ok(())));
    view! {
        <PageTitle text=|i| t_string!(i, domains_title).to_string() />
        <h1>{t!(i18n, domains_title)}</h1>
        <Show when=added>
            <p class="alert alert-success" role="status">{t!(i18n, domain_added)}</p>
        </Show>
        <Show when=removed>
            <p class="alert alert-success" role="status">{t!(i18n, domain_removed)}</p>
        </Show>
        <FormAlert error=remove_error />
        <Transition fallback=move || view! { <p class="loading">{t!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                let owner = viewer.await.is_ok_and(|me| me.role == Role::AccountAdmin);
                let rows = domains.await.unwrap_or_default();
                view! {
                    <table class="data-table">
                        <caption class="visually-hidden">{t!(i18n, domains_caption)}</caption>
                        <thead>
                            <tr>
                                <th scope="col">{t!(i18n, col_domain)}</th>
                                <th scope="col">{t!(i18n, col_mailboxes)}</th>
                                {owner.then(|| view! { <th scope="col">{t!(i18n, col_actions)}</th> })}
                            </tr>
                        </thead>
                        <tbody>
                            {rows
                                .into_iter()
                                .map(|d| {
                                    let name = d.name.clone();
                                    view! {
                                        <tr>
                                            <th scope="row" data-label=move || t_string!(i18n, col_domain).to_string()>{d.name}</th>
                                            <td data-label=move || t_string!(i18n, col_mailboxes).to_string()>{d.mailboxes}</td>
                                            {owner.then(|| view! {
                                                <td>
                                                    <ActionForm action=remove>
                                                        <input type="hidden" name="form[id]" value=d.id />
                                                        <button type="submit" class="button-quiet">
                                                            {t!(i18n, remove_domain, name = move || name.clone())}
                                                        </button>
                                                    </ActionForm>
                                                </td>
                                            })}
                                        </tr>
                                    }
                                })
                                .collect_view()}
                        </tbody>
                    </table>
                }
            })}
        </Transition>
        <Transition>
            {move || Suspend::new(async move {
                let owner = viewer.await.is_ok_and(|me| me.role == Role::AccountAdmin);
                owner.then(|| view! {
                    <h2>{t!(i18n, add_domain)}</h2>
                    <FormAlert error=add_error />
                    <ActionForm action=add>
                        <Field name="name" autocomplete="off" required=true error=add_error>
                            {t!(i18n, domain_name)}
                        </Field>
                        <button type="submit" class="button-primary">{t!(i18n, add_domain)}</button>
                    </ActionForm>
                })
            })}
        </Transition>
    }
}
