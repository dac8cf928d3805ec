use super::app_passwords::{AppPasswordActions, UserAppPasswords};
use super::credentials_mail::{EmailChoice, MailHistory};
use super::devices::DevicesSection;
use super::generator::PasswordGenerator;
use super::one_time_password::{OneTimePasswordActions, OneTimePasswordSection};
use super::sign_in_lock::SignInLock;
use super::two_factor::TwoFactorSection;
use super::UserTabs;
use crate::api::app_passwords::{fresh_user_app_password, user_app_passwords};
use crate::api::auth::whoami;
use crate::api::devices::SignOutDevices;
use crate::api::one_time_passwords::{fresh_one_time_password, user_one_time_password};
use crate::api::passwords::{current_policy, list_devices, user_mail, ResetPassword};
use crate::api::two_factor::user_two_factor;
use crate::api::users::get_user;
use crate::components::NoticeAlert;
use crate::components::{
    use_form_error, CheckboxField, DeviceChoice, FormAlert, NewPasswordFields, PageTitle,
    StrengthMeter,
};
use crate::error::AppError;
use crate::i18n::*;
use crate::model::{Device, PasswordPolicy, UserDetail};
use crate::pages::use_route_id;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// The Security tab of a user's page: the password reset, with its sign-out choices.
#[component]
pub fn UserSecurityPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let id = use_route_id();
    // Both reload after a reset: the query string changes with each one.
    let user = Resource::new(
        move || (id.get(), query.read().clone()),
        |(id, _)| get_user(id),
    );
    // A sign-out in the devices section may land on the very URL it left: its version, too,
    // makes the list read again.
    let sign_out = ServerAction::<SignOutDevices>::new();
    let devices = Resource::new(
        move || (id.get(), query.read().clone(), sign_out.version().get()),
        |(id, _, _)| list_devices(id),
    );
    let mail = Resource::new(
        move || (id.get(), query.read().clone()),
        |(id, _)| user_mail(id),
    );
    let two_factor = Resource::new(
        move || (id.get(), query.read().clone()),
        |(id, _)| user_two_factor(id),
    );
    let app_actions = AppPasswordActions::for_page();
    let app_passwords = Resource::new(
        move || (id.get(), query.read().clone(), app_actions.versions()),
        |(id, _, _)| user_app_passwords(id),
    );
    let fresh_app_password = Resource::new(
        move || (id.get(), query.read().clone()),
        |(id, _)| fresh_user_app_password(id),
    );
    let one_time_actions = OneTimePasswordActions::for_page();
    let one_time = Resource::new(
        move || (id.get(), query.read().clone(), one_time_actions.versions()),
        |(id, _, _)| user_one_time_password(id),
    );
    let fresh_one_time = Resource::new(
        move || (id.get(), query.read().clone()),
        |(id, _)| fresh_one_time_password(id),
    );
    let policy = Resource::new(|| (), |_| current_policy());
    let viewer = Resource::new(|| (), |_| whoami());
    view! {
        <PageTitle text=|i| t_string!(i, security_title).to_string() />
        <NoticeAlert />
        <Transition fallback=move || view! { <p class="loading">{t!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                let not_found = move || view! { <p class="alert alert-error" role="alert">{t!(i18n, err_not_found)}</p> }.into_any();
                let (Ok(u), Ok(me)) = (user.await, viewer.await) else {
                    return not_found();
                };
                if !me.may_manage(&u) {
                    return view! {
                        <h1>{u.name.clone()}</h1>
                        <UserTabs id=u.id current="security" />
                        <p class="alert" role="status">{t!(i18n, manage_refused)}</p>
                    }
                    .into_any();
                }
                let apps = app_passwords.await;
                let fresh = fresh_app_password.await.ok().flatten();
                let fresh_one_time = fresh_one_time.await.ok().flatten();
                let one_time = one_time.await;
                match (devices.await, policy.await, mail.await, two_factor.await, apps, one_time) {
                    (Ok(d), Ok(p), Ok(m), Ok(t), Ok(a), Ok(o)) => view! {
                        <ResetForm user=u.clone() devices=d.clone() policy=p />
                        <TwoFactorSection user=u.clone() status=t />
                        <DevicesSection user=u.id devices=d sign_out mail_apps=a.len() />
                        <UserAppPasswords user=u.id items=a fresh actions=app_actions />
                        <OneTimePasswordSection user=u.id current=o fresh=fresh_one_time actions=one_time_actions />
                        <MailHistory mail=m />
                    }
                    .into_any(),
                    _ => not_found(),
                }
            })}
        </Transition>
    }
}

#[component]
fn ResetForm(user: UserDetail, devices: Vec<Device>, policy: PasswordPolicy) -> impl IntoView {
    let i18n = use_i18n();
    let reset = ServerAction::<ResetPassword>::new();
    let error = use_form_error(reset);
    let hint =
        move |s: fn(leptos_i18n::I18nContext<Locale>) -> String| Signal::derive(move || s(i18n));
    let pending = user.must_change_password;
    // After a reset the page stays, so the form empties itself: the password is gone from the
    // inputs, the defaults are back and the generator starts afresh (its "Show password" too).
    let form = NodeRef::<leptos::html::Form>::new();
    let resets = RwSignal::new(0u32);
    Effect::new(move |_| {
        if let Some(Ok(())) = reset.value().get() {
            #[cfg(feature = "hydrate")]
            if let Some(form) = form.get_untracked() {
                form.reset();
            }
            resets.update(|n| *n += 1);
        }
    });
    let id = user.id;
    let personal = user.personal_words();
    let recovery = user.recovery_email.clone();
    view! {
        <h1>{user.name.clone()}</h1>
        <UserTabs id=user.id current="security" />
        <SignInLock user=user.clone() />
        <section aria-labelledby="reset-heading">
            <h2 id="reset-heading">{t!(i18n, reset_password)}</h2>
            <Show when=move || pending>
                <p class="field-hint">{t!(i18n, password_change_pending)}</p>
            </Show>
            <FormAlert error />
            <ActionForm action=reset node_ref=form>
                <input type="hidden" name="form[user]" value=user.id />
                <StrengthMeter policy personal>
                <div class="form-grid">
                    <NewPasswordFields policy error optional=true>{t!(i18n, new_password)}</NewPasswordFields>
                </div>
                </StrengthMeter>
                {move || {
                    resets.track();
                    view! { <PasswordGenerator user=Some(id) /> }
                }}
                <CheckboxField
                    name="must_change"
                    checked=true
                    hint=hint(|i| t_string!(i, must_change_hint).to_string())
                    error
                >
                    {t!(i18n, must_change_label)}
                </CheckboxField>
                <SignOutChoice devices error />
                <CheckboxField name="revoke_app_passwords" error>
                    {t!(i18n, revoke_app_passwords_label)}
                </CheckboxField>
                <EmailChoice recovery=recovery error />
                <button type="submit" class="button-primary">{t!(i18n, reset_password)}</button>
            </ActionForm>
        </section>
    }
}

/// "Sign out from all devices" (the default), or only the devices ticked in the list, so a user
/// keeps the one they still have. The list shows only for the second choice (style/main.css,
/// no script needed) and starts unticked: with "all", the page lists each device once, in the
/// devices section, and nothing looks ticked that the reset would not act on.
#[component]
fn SignOutChoice(devices: Vec<Device>, error: Signal<Option<AppError>>) -> impl IntoView {
    let i18n = use_i18n();
    let none = devices.is_empty();
    let refused = move || {
        error
            .get()
            .and_then(|e| e.field("sign_out"))
            .map(|code| crate::components::error_text(i18n, code))
    };
    view! {
        <fieldset class="sign-out">
            <legend>{t!(i18n, sign_out_legend)}</legend>
            <div class="field field-check">
                <input type="radio" id="sign-out-all" name="form[sign_out]" value="all" checked />
                <label for="sign-out-all">{t!(i18n, sign_out_all)}</label>
            </div>
            <div class="field field-check">
                <input type="radio" id="sign-out-chosen" name="form[sign_out]" value="chosen" disabled=none />
                <label for="sign-out-chosen">{t!(i18n, sign_out_chosen)}</label>
            </div>
            <p class="field-error" hidden=move || refused().is_none()>{refused}</p>
            {if none {
                view! { <p class="field-hint">{t!(i18n, no_devices)}</p> }.into_any()
            } else {
                view! {
                    <ul class="devices">
                        {devices.into_iter().enumerate().map(|(i, d)| view! { <DeviceChoice form="reset" index=i device=d checked=false /> }).collect_view()}
                    </ul>
                }
                .into_any()
            }}
        </fieldset>
    }
}
