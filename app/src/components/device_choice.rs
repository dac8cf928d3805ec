use super::utc_minutes;
use crate::i18n::*;
use crate::model::Device;
use leptos::prelude::*;

/// One signed-in device as a checkbox `end[index]` (its session id) to sign it out: the label
/// names the device and IP, the hint when it signed in and was last seen. The device asking
/// can't be ticked: it is said to be this one instead. `form` keeps the element ids apart
/// when two forms on one page list the same devices.
#[component]
pub fn DeviceChoice(
    form: &'static str,
    index: usize,
    device: Device,
    checked: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = format!("{form}-end-{}", device.id);
    let (first, last) = (
        utc_minutes(device.first_seen),
        utc_minutes(device.last_seen),
    );
    let current = device.current;
    let Device {
        label,
        ip,
        acting_admin,
        ..
    } = device;
    view! {
        <li class="field field-check">
            {(!current).then(|| view! {
                <input type="checkbox" id=id.clone() name=format!("form[end][{index}]") value=device.id checked=checked />
            })}
            <label for=id>
                {t!(i18n, sign_out_device, device = move || label.clone(), ip = move || ip.clone())}
                {current.then(|| view! { " " <strong>{t!(i18n, this_device)}</strong> })}
                {acting_admin.map(|admin| view! {
                    " " <span class="badge badge-acting">{t!(i18n, device_acting_admin, admin = move || admin.clone())}</span>
                })}
            </label>
            <p class="field-hint">
                {t!(i18n, device_seen, first = move || first.clone(), last = move || last.clone())}
            </p>
        </li>
    }
}
