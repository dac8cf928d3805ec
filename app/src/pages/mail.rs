//! The Mail tab, on My account and on a user's page: what the mail server does with the
//! mailbox's incoming mail (forwarding, the automatic reply).
use crate::api::auto_reply::{auto_reply_of, AutoReplyView, SetAutoReply};
use crate::api::forwarding::{forwarding_of, ForwardingView, SetForwarding};
use crate::components::{
    use_form_error, use_notice, CheckboxField, Field, FormAlert, NoticeAlert, PageTitle,
    TextAreaField,
};
use crate::i18n::*;
use crate::model::{AUTO_REPLY_DAYS, FORWARD_ADDRESSES_AT_MOST};
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
        <MailSections user=Signal::stored(None) />
    }
}

/// The sections of a Mail tab: the caller's own mailbox (`user` none) or mailbox `user`. Made
/// at the page's top level, outside any Suspend, so its resources hydrate as they rendered.
#[component]
pub(crate) fn MailSections(user: Signal<Option<i64>>) -> impl IntoView {
    let i18n = use_i18n();
    let notice = use_notice();
    // Made here, so each section reads again after a successful save even when its redirect
    // lands on the URL the page already has (a second save in a row); a refused one keeps
    // what was typed.
    let save_forwarding = ServerAction::<SetForwarding>::new();
    let save_reply = ServerAction::<SetAutoReply>::new();
    let forwarding_saves = successes(save_forwarding);
    let reply_saves = successes(save_reply);
    let forwarding = Resource::new(
        move || (user.get(), notice.get(), forwarding_saves.get()),
        |(user, ..)| forwarding_of(user),
    );
    let auto_reply = Resource::new(
        move || (user.get(), notice.get(), reply_saves.get()),
        |(user, ..)| auto_reply_of(user),
    );
    view! {
        <Transition fallback=move || view! { <p class="loading">{t!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                let user = user.get_untracked();
                let forwarding = forwarding.await.ok().map(|view| view! { <ForwardingSection user view save=save_forwarding /> });
                let auto_reply = auto_reply.await.ok().map(|view| view! { <AutoReplySection user view save=save_reply /> });
                view! { {forwarding} {auto_reply} }
            })}
        </Transition>
    }
}

/// How many times `action` has succeeded in this page.
fn successes<S>(action: ServerAction<S>) -> ReadSignal<u32>
where
    S: leptos::server_fn::ServerFn<Output = ()> + Clone + Send + Sync + 'static,
    S::Error: Clone + Send + Sync + 'static,
{
    let (count, set_count) = signal(0u32);
    Effect::new(move |_| {
        if let Some(Ok(())) = action.value().get() {
            set_count.update(|n| *n += 1);
        }
    });
    count
}

/// Forwarding: the addresses, one a line, and whether the mailbox keeps a copy.
#[component]
fn ForwardingSection(
    user: Option<i64>,
    view: ForwardingView,
    save: ServerAction<SetForwarding>,
) -> impl IntoView {
    let i18n = use_i18n();
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

/// The automatic reply: on or off, the days it covers (in the mailbox's time zone), the
/// subject and the message.
#[component]
fn AutoReplySection(
    user: Option<i64>,
    view: AutoReplyView,
    save: ServerAction<SetAutoReply>,
) -> impl IntoView {
    let i18n = use_i18n();
    let error = use_form_error(save);
    let AutoReplyView { reply, time_zone } = view;
    let zone = time_zone.replace('_', " ");
    let state = match (reply.enabled, &reply.starts_on, &reply.ends_on) {
        (false, ..) => t_string!(i18n, auto_reply_off).to_string(),
        (true, None, None) => t_string!(i18n, auto_reply_on).to_string(),
        (true, Some(from), None) => {
            t_string!(i18n, auto_reply_on_from, from = from.clone()).to_string()
        }
        (true, None, Some(until)) => {
            t_string!(i18n, auto_reply_on_until, until = until.clone()).to_string()
        }
        (true, Some(from), Some(until)) => t_string!(
            i18n,
            auto_reply_on_between,
            from = from.clone(),
            until = until.clone()
        )
        .to_string(),
    };
    let days_hint = Signal::derive(move || {
        t_string!(i18n, auto_reply_days_hint, zone = zone.clone()).to_string()
    });
    view! {
        <section aria-labelledby="auto-reply-heading">
            <h2 id="auto-reply-heading">{t!(i18n, auto_reply_title)}</h2>
            <p>{state}</p>
            <FormAlert error />
            <ActionForm action=save>
                {user.map(|id| view! { <input type="hidden" name="form[user]" value=id /> })}
                <CheckboxField
                    name="enabled"
                    checked=reply.enabled
                    hint=Signal::derive(move || t_string!(i18n, auto_reply_enabled_hint, n = AUTO_REPLY_DAYS).to_string())
                    error
                >
                    {t!(i18n, auto_reply_enabled)}
                </CheckboxField>
                <div class="form-grid">
                    <Field name="starts_on" kind="date" value=reply.starts_on.clone().unwrap_or_default() hint=days_hint error>
                        {t!(i18n, auto_reply_starts_on)}
                    </Field>
                    <Field name="ends_on" kind="date" value=reply.ends_on.clone().unwrap_or_default() hint=days_hint error>
                        {t!(i18n, auto_reply_ends_on)}
                    </Field>
                </div>
                <Field
                    name="subject"
                    value=reply.subject.clone()
                    hint=Signal::derive(move || t_string!(i18n, auto_reply_subject_hint).to_string())
                    error
                >
                    {t!(i18n, auto_reply_subject)}
                </Field>
                <TextAreaField name="message" value=reply.message.clone() rows=6 error>
                    {t!(i18n, auto_reply_message)}
                </TextAreaField>
                <button type="submit" class="button-primary">{t!(i18n, save_auto_reply)}</button>
            </ActionForm>
        </section>
    }
}
