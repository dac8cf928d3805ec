use crate::api::roles::SetRole;
use crate::components::{field_message, use_form_error, FormAlert};
use crate::i18n::*;
use crate::model::{AdminScope, Domain, Grant, Role};
use leptos::prelude::*;
use leptos_i18n::I18nContext;

/// A person's role in the reader's language, with the domains of a domain admin.
pub fn role_text(i18n: I18nContext<Locale>, role: Role, scope: &AdminScope) -> String {
    match (role, scope) {
        (Role::AccountAdmin, _) => t_string!(i18n, role_account_admin).to_string(),
        (Role::UserAdmin, AdminScope::Organisation) => t_string!(i18n, role_user_admin).to_string(),
        (Role::UserAdmin, AdminScope::Domains(domains)) => {
            let names = domains
                .iter()
                .map(|d| d.name.as_str())
                .collect::<Vec<_>>()
                .join(", ");
            t_string!(i18n, role_domain_admin_of, domains = names).to_string()
        }
        (Role::User, _) => t_string!(i18n, role_user).to_string(),
    }
}

fn grant_label(i18n: I18nContext<Locale>, grant: Grant) -> String {
    match grant {
        Grant::MailboxUser => t_string!(i18n, grant_user).to_string(),
        Grant::UserAdmin => t_string!(i18n, grant_user_admin).to_string(),
        Grant::DomainAdmin => t_string!(i18n, grant_domain_admin).to_string(),
    }
}

/// The account admin's choice of what this user may do in the panel: a mailbox user, a user
/// admin over the whole organisation, or a domain admin over the domains ticked.
#[component]
pub fn RoleSection(
    user: i64,
    current: Grant,
    scope: AdminScope,
    domains: Vec<Domain>,
) -> impl IntoView {
    let i18n = use_i18n();
    let set_role = ServerAction::<SetRole>::new();
    let error = use_form_error(set_role);
    let role_error = field_message(error, "role");
    let domains_error = field_message(error, "domains");
    view! {
        <section aria-labelledby="role-heading">
            <h2 id="role-heading">{t!(i18n, role_heading)}</h2>
            <p>{t!(i18n, role_intro)}</p>
            <FormAlert error />
            <ActionForm action=set_role>
                <input type="hidden" name="form[id]" value=user />
                <fieldset class="role-choice">
                    <legend>{t!(i18n, role_legend)}</legend>
                    {Grant::ALL.into_iter().map(|grant| {
                        let id = format!("role-{}", grant.as_str());
                        view! {
                            <div class="field field-check">
                                <input type="radio" id=id.clone() name="form[role]" value=grant.as_str() checked=grant == current />
                                <label for=id>{move || grant_label(i18n, grant)}</label>
                            </div>
                        }
                    }).collect_view()}
                    <p class="field-error" role="alert" hidden=move || role_error.get().is_none()>{role_error}</p>
                </fieldset>
                <fieldset class="role-domains">
                    <legend>{t!(i18n, role_domains_legend)}</legend>
                    <p class="field-hint">{t!(i18n, role_domains_hint)}</p>
                    {domains.into_iter().enumerate().map(|(i, d)| {
                        let id = format!("role-domain-{}", d.id);
                        let checked = matches!(&scope, AdminScope::Domains(_)) && scope.covers_domain(d.id);
                        view! {
                            <div class="field field-check">
                                <input type="checkbox" id=id.clone() name=format!("form[domains][{i}]") value=d.id checked=checked />
                                <label for=id>{d.name}</label>
                            </div>
                        }
                    }).collect_view()}
                    <p class="field-error" role="alert" hidden=move || domains_error.get().is_none()>{domains_error}</p>
                </fieldset>
                <button type="submit" class="button">{t!(i18n, save_role)}</button>
            </ActionForm>
        </section>
    }
}
