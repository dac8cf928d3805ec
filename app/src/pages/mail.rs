//! The Mail tab, on My account and on a user's page: what the mail server does with the
//! mailbox's incoming mail (forwarding).
use crate::api::forwarding::{forwarding_of, ForwardingView, SetForwarding};
use crate::components::{
    use_form_error, use_notice, CheckboxField, FormAlert, NoticeAlert, PageTitle, TextAreaField,
};
use crate::i18n::*;
use crate::model::FORWARD_ADDRESSES_AT_MOST;
use leptos::prelude::*;

/// My account > Mail.
#[component]
pub fn AccountMailPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <PageTitle text=|i| t_string!(i, my_mail_title).to_string() />
        <h1>{t!(i18n, my_account)}</h1>
        <super::account::AccountTabs current="mail" />
        <NoticeAlert />
        <MailSections user=None />
    }
}

/// The sections of a Mail tab: the caller's own mailbox (`user` none) or mailbox `user`.
#[component]
pub(crate) fn MailSections(user: Option<i64>) -> impl IntoView {
    let i18n = use_i18n();
    let notice = use_notice();
    let current = Resource::new(move || notice.get(), move |_| forwarding_of(user));
    view! {
        <Transition fallback=move || view! { <p class="loading">{t!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                current.await.ok().map(|view| view! { <ForwardingSection user view /> })
            })}
        </Transition>
    }
}

/// Forwarding: the addresses, one a line, and whether the mailbox keeps a copy.
#[component]
fn ForwardingSection(user: Option<i64>, view: ForwardingView) -> impl IntoView {
    let i18n = use_i18n();
    let save = ServerAction::<SetForwarding>::new();
    let error = use_form_error(save);
    let ForwardingView {
        forwarding,
        external_allowed,
        domains,
    } = view;
    let on = forwarding.is_on();
    let state = if on {
        t_string!(
            i18n,
            forwarding_on,
            addresses = forwarding.addresses.join(", ")
        )
        .to_string()
    } else {
        t_string!(i18n, forwarding_off).to_string()
    };
    let domains = domains.join(", ");
    let hint = Signal::derive(move || {
        let limit = t_string!(
            i18n,
            forwarding_addresses_hint,
            n = FORWARD_ADDRESSES_AT_MOST
        );
        if external_allowed {
            limit.to_string()
        } else {
            let within = t_string!(i18n, forwarding_within_domains, domains = domains.clone());
            format!("{limit} {within}")
        }
    });
    view! {
        <section aria-labelledby="forwarding-heading">
            <h2 id="forwarding-heading">{t!(i18n, forwarding_title)}</h2>
            <p>{state}</p>
            <FormAlert error />
            <ActionForm action=save>
                {user.map(|id| view! { <input type="hidden" name="form[user]" value=id /> })}
                <TextAreaField name="addresses" value=forwarding.addresses.join("\n") rows=3 hint error>
                    {t!(i18n, forwarding_addresses_label)}
                </TextAreaField>
                <CheckboxField name="keep_copy" checked=forwarding.keep_copy error>
                    {t!(i18n, keep_copy_label)}
                </CheckboxField>
                <button type="submit" class="button-primary">{t!(i18n, save_forwarding)}</button>
            </ActionForm>
        </section>
    }
}
