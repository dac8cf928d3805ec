use crate::api::aliases::AliasesView;
use crate::api::aliases::{list_aliases, AddAlias, RemoveAlias};
use crate::components::{use_form_error, FormAlert};
use crate::error::AppError;
use crate::i18n::*;
use crate::pages::address_fields::{domains_resource, AddressFields, DomainsResource};
use leptos::prelude::*;

/// What the aliases section shows and does, made once by the page (see `DomainsResource`).
#[derive(Clone, Copy)]
pub struct AliasesData {
    user: Signal<i64>,
    add: ServerAction<AddAlias>,
    remove: ServerAction<RemoveAlias>,
    aliases: Resource<Result<AliasesView, AppError>>,
    domains: DomainsResource,
}

impl AliasesData {
    pub fn new(user: Signal<i64>) -> Self {
        let add = ServerAction::<AddAlias>::new();
        let remove = ServerAction::<RemoveAlias>::new();
        // Reloads after each change; without JavaScript the forms redirect back to this page.
        let aliases = Resource::new(
            move || (user.get(), add.version().get(), remove.version().get()),
            |(user, ..)| list_aliases(user),
        );
        Self {
            user,
            add,
            remove,
            aliases,
            domains: domains_resource(),
        }
    }
}

/// A mailbox's other addresses: each with its remove button, and the form that adds one.
#[component]
pub fn AliasesSection(data: AliasesData) -> impl IntoView {
    let i18n = use_i18n();
    let AliasesData {
        user,
        add,
        remove,
        aliases,
        domains,
    } = data;
    let add_error = use_form_error(add);
    let remove_error = use_form_error(remove);
    view! {
        <section aria-labelledby="aliases-heading">
            <h2 id="aliases-heading">{t!(i18n, aliases_heading)}</h2>
            <p class="field-hint">{t!(i18n, aliases_hint)}</p>
            <FormAlert error=remove_error />
            <FormAlert error=add_error />
            <Transition fallback=move || view! { <p class="loading">{t!(i18n, loading)}</p> }>
                {move || Suspend::new(async move {
                    let Ok(AliasesView { aliases: rows, may_change }) = aliases.await else {
                        return None;
                    };
                    let list = if rows.is_empty() {
                        view! { <p class="empty">{t!(i18n, no_aliases)}</p> }.into_any()
                    } else {
                        view! {
                            <ul class="plain-list" aria-label=move || t_string!(i18n, aliases_heading).to_string()>
                                {rows
                                    .into_iter()
                                    .map(|a| {
                                        let email = a.email.clone();
                                        let remove_button = may_change.then(|| view! {
                                            <ActionForm action=remove>
                                                <input type="hidden" name="form[user]" value=move || user.get() />
                                                <input type="hidden" name="form[id]" value=a.id />
                                                <button type="submit" class="button-quiet">
                                                    {t!(i18n, remove_alias, email = move || email.clone())}
                                                </button>
                                            </ActionForm>
                                        });
                                        view! {
                                            <li class="member">
                                                <span>{a.email}</span>
                                                {remove_button}
                                            </li>
                                        }
                                    })
                                    .collect_view()}
                            </ul>
                        }
                            .into_any()
                    };
                    // Where only the account administrator sets aliases, the others see them.
                    let change = if may_change {
                        view! {
                            <ActionForm action=add>
                                <input type="hidden" name="form[user]" value=move || user.get() />
                                <div class="form-grid">
                                    <AddressFields label=Signal::derive(move || t_string!(i18n, alias_username).to_string()) domains error=add_error />
                                </div>
                                <button type="submit" class="button">{t!(i18n, add_alias)}</button>
                            </ActionForm>
                        }
                            .into_any()
                    } else {
                        view! { <p class="field-hint">{t!(i18n, aliases_account_admin_only)}</p> }.into_any()
                    };
                    Some(view! { {list} {change} })
                })}
            </Transition>
        </section>
    }
}
