use crate::api::account::{
    own_activity, own_devices, own_password_context, own_preferences, ChangeOwnPassword,
    OwnPasswordRules, SetOwnPreferences, SignOutOwnDevices,
};
use crate::api::app_passwords::own_app_passwords;
use crate::components::{
    use_form_error, AuditTable, CheckboxField, DeviceChoice, Field, FormAlert, NewPasswordFields,
    PageTitle, StrengthMeter,
};
use crate::components::{use_notice, NoticeAlert};
use crate::error::AppError;
use crate::i18n::*;
use crate::model::Device;
use leptos::prelude::*;

/// My account > Password: the signed-in user's own password, with the same meter and policy as
/// an administrator's reset. After such a reset with "ask for a new password", it is the only
/// page the user can reach until the change is done.
#[component]
pub fn AccountPasswordPage() -> impl IntoView {
    let i18n = use_i18n();
    let notice = use_notice();
    // Read again after each change here: a password change or a sign-out ends devices.
    let context = Resource::new(move || notice.get(), |_| own_password_context());
    let devices = Resource::new(move || notice.get(), |_| own_devices());
    let app_passwords = Resource::new(move || notice.get(), |_| own_app_passwords());
    let activity = Resource::new(move || notice.get(), |_| own_activity());
    let preferences = Resource::new(move || notice.get(), |_| own_preferences());
    view! {
        <PageTitle text=|i| t_string!(i, my_password_title).to_string() />
        <h1>{t!(i18n, my_account)}</h1>
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                // While a new password is required, the other sections are shut.
                let open = match context.await {
                    Ok(c) => !c.must_change,
                    Err(e) => e == AppError::NotWhileActing,
                };
                open.then(|| view! { <AccountTabs current="password" /> })
            })}
        </Transition>
        <NoticeAlert />
        <Transition fallback=move || view! { <p class="loading">{t!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                let form = match context.await {
                    Ok(c) => Some(view! { <OwnPasswordForm context=c /> }.into_any()),
                    // An administrator acting for the user: the password stays the user's.
                    Err(AppError::NotWhileActing) => Some(view! {
                        <p class="alert">{t!(i18n, err_not_while_acting)}</p>
                    }.into_any()),
                    Err(_) => None,
                };
                // Closed (403) while a new password is required: the form above comes first.
                let mail_apps = app_passwords.await.map(|a| a.len()).unwrap_or_default();
                let devices = devices.await.ok().map(|d| view! { <OwnDevices devices=d mail_apps /> });
                let activity = activity.await.ok().map(|lines| view! { <OwnActivity lines /> });
                let preferences = preferences.await.ok().map(|current| view! { <OwnPreferences current /> });
                view! { {form} {preferences} {devices} {activity} }
            })}
        </Transition>
    }
}

/// The sections of My account.
#[component]
pub(super) fn AccountTabs(current: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    let current_if = move |tab: &str| (current == tab).then_some("page");
    view! {
        <nav class="tabs" aria-label=move || t_string!(i18n, account_sections).to_string()>
            <a href="/account/password" aria-current=current_if("password")>{t!(i18n, tab_password)}</a>
            <a href="/account/two-factor" aria-current=current_if("two-factor")>{t!(i18n, two_factor_title)}</a>
            <a href="/account/app-passwords" aria-current=current_if("app-passwords")>{t!(i18n, app_passwords_title)}</a>
            <a href="/account/mail" aria-current=current_if("mail")>{t!(i18n, tab_mail)}</a>
        </nav>
    }
}

/// Where the user is signed in, this device marked; the others can be ticked and signed out.
#[component]
fn OwnDevices(devices: Vec<Device>, mail_apps: usize) -> impl IntoView {
    let i18n = use_i18n();
    let sign_out = ServerAction::<SignOutOwnDevices>::new();
    let others = devices.iter().filter(|d| !d.current).count();
    view! {
        <section aria-labelledby="own-devices-heading">
            <h2 id="own-devices-heading">{t!(i18n, my_devices_heading)}</h2>
            <p>{t!(i18n, my_devices_intro)}</p>
            <p class="field-hint">{t!(i18n, devices_app_passwords, n = mail_apps)}</p>
            <ActionForm action=sign_out>
                <ul class="devices">
                    {devices
                        .into_iter()
                        .enumerate()
                        .map(|(i, d)| view! { <DeviceChoice form="own" index=i device=d checked=false /> })
                        .collect_view()}
                </ul>
                {if others == 0 {
                    view! { <p class="field-hint">{t!(i18n, no_other_devices)}</p> }.into_any()
                } else {
                    view! { <button type="submit" class="button">{t!(i18n, sign_out_ticked)}</button> }.into_any()
                }}
            </ActionForm>
        </section>
    }
}

/// The language the panel's mail to the user is written in, their time zone and date format.
#[component]
fn OwnPreferences(current: crate::model::Preferences) -> impl IntoView {
    let i18n = use_i18n();
    let save = ServerAction::<SetOwnPreferences>::new();
    let error = use_form_error(save);
    view! {
        <section aria-labelledby="own-preferences-heading">
            <h2 id="own-preferences-heading">{t!(i18n, my_preferences_heading)}</h2>
            <FormAlert error />
            <ActionForm action=save>
                <super::users::PreferenceFields current error open=true />
                <button type="submit" class="button">{t!(i18n, save_preferences)}</button>
            </ActionForm>
        </section>
    }
}

/// What happened to the account lately, whoever did it: the user sees an administrator's
/// one-time password or reset as well as their own sign-ins.
#[component]
fn OwnActivity(lines: Vec<crate::model::AuditLine>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section aria-labelledby="own-activity-heading">
            <h2 id="own-activity-heading">{t!(i18n, my_activity_heading)}</h2>
            <AuditTable lines caption=Signal::derive(move || t_string!(i18n, my_activity_heading).to_string()) />
        </section>
    }
}

#[component]
fn OwnPasswordForm(context: OwnPasswordRules) -> impl IntoView {
    let i18n = use_i18n();
    let change = ServerAction::<ChangeOwnPassword>::new();
    let error = use_form_error(change);
    let OwnPasswordRules {
        policy,
        personal,
        must_change,
    } = context;
    view! {
        <section aria-labelledby="own-password-heading">
            <h2 id="own-password-heading">{t!(i18n, password_heading)}</h2>
            <Show when=move || must_change>
                <p class="alert alert-error" role="alert">{t!(i18n, must_change_notice)}</p>
            </Show>
            <FormAlert error />
            <ActionForm action=change>
                <Field name="current" kind="password" autocomplete="current-password" required=true error>
                    {t!(i18n, current_password)}
                </Field>
                <StrengthMeter policy personal>
                    <div class="form-grid">
                        <NewPasswordFields policy error>{t!(i18n, new_password)}</NewPasswordFields>
                    </div>
                </StrengthMeter>
                <CheckboxField name="sign_out_others" error>
                    {t!(i18n, sign_out_others)}
                </CheckboxField>
                <button type="submit" class="button-primary">{t!(i18n, change_password)}</button>
            </ActionForm>
        </section>
    }
}
