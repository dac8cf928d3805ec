use super::generator::PasswordGenerator;
use crate::api::domains::list_domains;
use crate::api::passwords::current_policy;
use crate::api::users::CreateUser;
use crate::components::{
    use_form_error, Field, FormAlert, NewPasswordFields, PageTitle, SelectField, StrengthMeter,
};
use crate::i18n::*;
use crate::model::{Domain, Language, Preferences};
use leptos::prelude::*;
use leptos_i18n::I18nContext;

/// The fields whose words the password must not contain, as typed so far.
const PERSONAL_FIELDS: &[&str] = &["username", "name", "domain"];

#[component]
pub fn NewUserPage() -> impl IntoView {
    let i18n = use_i18n();
    let create = ServerAction::<CreateUser>::new();
    let error = use_form_error(create);
    let domains = Resource::new(|| (), |_| list_domains());
    let policy = Resource::new(|| (), |_| current_policy());
    let domain_options = Signal::derive(move || {
        domains
            .get()
            .and_then(Result::ok)
            .unwrap_or_default()
            .into_iter()
            .map(|d| (d.id.to_string(), d.name))
            .collect::<Vec<_>>()
    });
    // Listed by name, chosen by default: the main domain, where most new mailboxes go.
    let main_domain = move || {
        domains
            .get()
            .and_then(Result::ok)
            .and_then(|all| Domain::main(&all).map(|d| d.id.to_string()))
    };
    let type_options = super::account_type_options(i18n);
    let hint = move |s: fn(I18nContext<Locale>) -> String| Signal::derive(move || s(i18n));
    view! {
        <PageTitle text=|i| t_string!(i, new_user_title).to_string() />
        <h1>{t!(i18n, new_user_title)}</h1>
        <FormAlert error />
        <Transition fallback=move || view! { <p class="loading">{t!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                let _ = domains.await;
                let policy = policy.await.unwrap_or_default();
                view! {
                    <ActionForm action=create>
                        <div class="form-grid">
                            <SelectField name="account_type" options=type_options selected="basic".to_string() error>
                                {t!(i18n, account_type)}
                            </SelectField>
                            <SelectField name="domain" options=domain_options selected=main_domain().unwrap_or_default() error>
                                {t!(i18n, domain)}
                            </SelectField>
                            <Field
                                name="username"
                                autocomplete="off"
                                required=true
                                hint=hint(|i| t_string!(i, username_hint).to_string())
                                error
                            >
                                {t!(i18n, username)}
                            </Field>
                            <Field name="name" autocomplete="off" required=true error>
                                {t!(i18n, display_name)}
                            </Field>
                            // The password must not hold the name, username or domain typed above.
                            {view! {
                                <StrengthMeter policy personal_fields=PERSONAL_FIELDS>
                                    <NewPasswordFields policy error>{t!(i18n, password)}</NewPasswordFields>
                                </StrengthMeter>
                                <PasswordGenerator user=None personal_fields=PERSONAL_FIELDS />
                            }
                                .into_any()}
                            <Field
                                name="quota_gb"
                                value="1"
                                inputmode="decimal"
                                required=true
                                hint=hint(|i| t_string!(i, quota_hint).to_string())
                                error
                            >
                                {t!(i18n, quota_gb)}
                            </Field>
                        </div>
                        <super::PreferenceFields current=new_user_preferences(i18n) error />
                        <div class="form-actions">
                            <button type="submit" class="button-primary">{t!(i18n, create_user)}</button>
                            <a class="button" href="/users">{t!(i18n, cancel)}</a>
                        </div>
                    </ActionForm>
                }
            })}
        </Transition>
    }
}

/// A new user speaks the admin's current language until told otherwise.
fn new_user_preferences(i18n: I18nContext<Locale>) -> Preferences {
    let language = match i18n.get_locale_untracked() {
        Locale::fr => Language::Fr,
        Locale::en => Language::En,
    };
    Preferences {
        language,
        ..Preferences::default()
    }
}
