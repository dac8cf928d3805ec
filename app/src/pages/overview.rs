use crate::api::organisation::load_overview;
use crate::components::{size_text, tally_text, AuditTable, LastSignIn, PageTitle};
use crate::i18n::*;
use crate::model::UserRow;
use leptos::prelude::*;
use leptos_i18n::I18nContext;

/// What needs an administrator's eye: stale and disabled accounts, and what admins did lately.
#[component]
pub fn OverviewPage() -> impl IntoView {
    let i18n = use_i18n();
    let data = Resource::new(|| (), |_| load_overview());
    view! {
        <PageTitle text=|i| t_string!(i, overview_title).to_string() />
        <h1>{t!(i18n, overview_title)}</h1>
        <Transition fallback=move || view! { <p class="loading">{t!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                let Ok(o) = data.await else {
                    return view! { <p class="alert alert-error" role="alert">{t!(i18n, err_internal)}</p> }.into_any();
                };
                let u = o.usage.clone();
                let (used, total) = (u.mailboxes_used, u.mailbox_licences);
                let (allocated, pool) = (u.storage_allocated_mb, u.storage_pool_mb);
                let review = o.review;
                let (never_n, stale_n, disabled_n) = (review.never_count, review.stale_count, review.disabled_count);
                let tally = move |t| move || tally_text(i18n, t);
                view! {
                    <ul class="stats">
                        <li>{t!(i18n, usage_mailboxes, used, total)}</li>
                        <li>{t!(i18n, usage_storage, used = move || size_text(i18n.get_locale(), allocated), total = move || size_text(i18n.get_locale(), pool))}</li>
                    </ul>
                    <h2>{t!(i18n, never_heading, n = tally(never_n))}</h2>
                    <AccountList users=review.never caption=|i| t_string!(i, never_caption).to_string() />
                    <h2>{t!(i18n, stale_heading, n = tally(stale_n))}</h2>
                    <AccountList users=review.stale caption=|i| t_string!(i, stale_caption).to_string() />
                    <h2>{t!(i18n, disabled_heading, n = tally(disabled_n))}</h2>
                    <AccountList users=review.disabled caption=|i| t_string!(i, disabled_caption).to_string() />
                    <h2>{t!(i18n, recent_heading)}</h2>
                    <AuditTable
                        lines=o.recent_actions
                        caption=Signal::derive(move || t_string!(i18n, recent_caption).to_string())
                    />
                }
                    .into_any()
            })}
        </Transition>
    }
}

#[component]
fn AccountList(users: Vec<UserRow>, caption: fn(I18nContext<Locale>) -> String) -> impl IntoView {
    let i18n = use_i18n();
    if users.is_empty() {
        return view! { <p class="empty">{t!(i18n, none_to_show)}</p> }.into_any();
    }
    view! {
        <table class="data-table">
            <caption class="visually-hidden">{move || caption(i18n)}</caption>
            <thead>
                <tr>
                    <th scope="col">{t!(i18n, col_name)}</th>
                    <th scope="col">{t!(i18n, col_address)}</th>
                    <th scope="col">{t!(i18n, col_last_login)}</th>
                </tr>
            </thead>
            <tbody>
                {users
                    .into_iter()
                    .map(|u| {
                        view! {
                            <tr>
                                <th scope="row" data-label=move || t_string!(i18n, col_name).to_string()>
                                    <a href=format!("/users/{}", u.id)>{u.name}</a>
                                </th>
                                <td data-label=move || t_string!(i18n, col_address).to_string()>{u.email}</td>
                                <td data-label=move || t_string!(i18n, col_last_login).to_string()>
                                    <LastSignIn at=u.last_login_at />
                                </td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}
