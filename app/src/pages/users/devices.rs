use crate::api::devices::SignOutDevices;
use crate::components::{use_form_error, DeviceChoice, FormAlert};
use crate::i18n::*;
use crate::model::Device;
use leptos::prelude::*;

/// Where the user is signed in, with a sign-out of the ticked devices or of all of them (mail
/// apps' connections included), apart from any password reset: for a lost phone, a shared
/// computer, a departure. Both forms share
/// `sign_out`, which the page watches to read the devices again.
#[component]
pub fn DevicesSection(
    user: i64,
    devices: Vec<Device>,
    sign_out: ServerAction<SignOutDevices>,
    /// The user's app passwords, which mail apps sign in with.
    mail_apps: usize,
) -> impl IntoView {
    let i18n = use_i18n();
    let error = use_form_error(sign_out);
    let none = devices.is_empty();
    view! {
        <section aria-labelledby="devices-heading">
            <h2 id="devices-heading">{t!(i18n, devices_heading)}</h2>
            {if none {
                view! { <p class="field-hint">{t!(i18n, devices_none)}</p> }.into_any()
            } else {
                view! {
                    <p>{t!(i18n, devices_intro)}</p>
                    <FormAlert error />
                    <ActionForm action=sign_out>
                        <input type="hidden" name="form[user]" value=user />
                        <ul class="devices">
                            {devices
                                .into_iter()
                                .enumerate()
                                .map(|(i, d)| view! { <DeviceChoice form="devices" index=i device=d checked=false /> })
                                .collect_view()}
                        </ul>
                        <button type="submit" class="button">{t!(i18n, sign_out_ticked)}</button>
                    </ActionForm>
                }
                .into_any()
            }}
            <p class="field-hint">{t!(i18n, devices_app_passwords, n = mail_apps)}</p>
            // Even with no panel session left, mail apps may still hold IMAP connections.
            <p class="field-hint">{t!(i18n, sign_out_all_hint)}</p>
            <ActionForm action=sign_out>
                <input type="hidden" name="form[user]" value=user />
                <input type="hidden" name="form[all]" value="1" />
                <button type="submit" class="button-danger">{t!(i18n, sign_out_all_now)}</button>
            </ActionForm>
        </section>
    }
}
