use super::UserTabs;
use crate::api::auth::whoami;
use crate::api::users::get_user;
use crate::components::{NoticeAlert, PageTitle};
use crate::i18n::*;
use crate::pages::mail::MailSections;
use crate::pages::use_route_id;
use leptos::prelude::*;

/// The Mail tab of a user's page: their forwarding, as the administrator sets it.
#[component]
pub fn UserMailPage() -> impl IntoView {
    let i18n = use_i18n();
    let id = use_route_id();
    let user = Resource::new(move || id.get(), get_user);
    let viewer = Resource::new(|| (), |_| whoami());
    view! {
        <PageTitle text=|i| t_string!(i, user_mail_title).to_string() />
        <NoticeAlert />
        <Transition fallback=move || view! { <p class="loading">{t!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                let (Ok(u), Ok(me)) = (user.await, viewer.await) else {
                    return view! { <p class="alert alert-error" role="alert">{t!(i18n, err_not_found)}</p> }.into_any();
                };
                let refused = (!me.may_manage(&u))
                    .then(|| view! { <p class="alert" role="status">{t!(i18n, manage_refused)}</p> });
                view! {
                    <h1>{u.name.clone()}</h1>
                    <UserTabs id=u.id current="mail" />
                    {refused}
                }
                .into_any()
            })}
        </Transition>
        // Empty where the caller may not manage the user: its server functions refuse them.
        <MailSections user=Signal::derive(move || Some(id.get())) />
    }
}
