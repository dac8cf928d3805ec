use crate::api::domains::list_domains;
use crate::components::{Field, SelectField};
use crate::error::AppError;
use crate::i18n::*;
use crate::model::Domain;
use leptos::prelude::*;

/// The organisation's domains, for the drop-down of `AddressFields`. Made by the page, outside
/// any Suspend: the server renders a Suspend's children more than once, and a resource made in
/// each pass would not match the browser's single pass.
pub type DomainsResource = Resource<Result<Vec<Domain>, AppError>>;

pub fn domains_resource() -> DomainsResource {
    Resource::new(|| (), |_| list_domains())
}

/// The two inputs of a new address, `username` and `domain`: the part before @ and one of the
/// organisation's domains. For aliases and distribution lists.
#[component]
pub fn AddressFields(
    /// The text of the username's label.
    #[prop(into)]
    label: Signal<String>,
    domains: DomainsResource,
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let options = Signal::derive(move || {
        domains
            .get()
            .and_then(Result::ok)
            .unwrap_or_default()
            .into_iter()
            .map(|d| (d.id.to_string(), d.name))
            .collect::<Vec<_>>()
    });
    view! {
        <Suspense>
            {move || Suspend::new(async move {
                let _ = domains.await;
                view! {
                    <Field name="username" autocomplete="off" required=true error>
                        {move || label.get()}
                    </Field>
                    <SelectField name="domain" options error>
                        {t!(i18n, domain)}
                    </SelectField>
                }
            })}
        </Suspense>
    }
}
