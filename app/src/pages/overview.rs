use crate::api::organisation::load_overview;
use crate::components::{utc_minutes, LastSignIn};
use crate::i18n::*;
use crate::model::{format_mb, AuditLine, UserRow};
use leptos::prelude::*;
use leptos_i18n::I18nContext;
use leptos_meta::Title;

/// What needs an administrator's eye: stale and disabled accounts, and what admins did lately.
#[component]
pub fn OverviewPage() -> impl IntoView {
    let i18n = use_i18n();
    let data = Resource::new(|| (), |_| load_overview());
    view! {
        <Title text=move || t_string!(i18n, overview_title).to_string() />
        <h1>{t!(i18n, overview_title)}</h1>
        <Transition fallback=move || view! { <p class="loading">{t!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                let Ok(o) = data.await else {
                    return view! { <p class="alert alert-error" role="alert">{t!(i18n, err_internal)}</p> }.into_any();
                };
                let u = o.usage.clone();
                let (used, total) = (u.mailboxes_used, u.mailbox_licences);
                let (allocated, pool) = (format_mb(u.storage_allocated_mb), format_mb(u.storage_pool_mb));
                let (stale_n, disabled_n) = (o.stale_count, o.disabled_count);
                view! {
                    <ul class="stats">
                        <li>{t!(i18n, usage_mailboxes, used, total)}</li>
                        <li>{t!(i18n, usage_storage, used = move || allocated.clone(), total = move || pool.clone())}</li>
                    </ul>
                    <h2>{t!(i18n, stale_heading, n = stale_n)}</h2>
                    <AccountList users=o.stale caption=|i| t_string!(i, stale_caption).to_string() />
                    <h2>{t!(i18n, disabled_heading, n = disabled_n)}</h2>
                    <AccountList users=o.disabled caption=|i| t_string!(i, disabled_caption).to_string() />
                    <h2>{t!(i18n, recent_heading)}</h2>
                    <RecentActions lines=o.recent_actions />
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

/// The reader's wording of an audit action code.
fn action_text(i18n: I18nContext<Locale>, action: &str) -> String {
    match action {
        "sign_in" => t_string!(i18n, action_sign_in).to_string(),
        "sign_out" => t_string!(i18n, action_sign_out).to_string(),
        "setup" => t_string!(i18n, action_setup).to_string(),
        "user.create" => t_string!(i18n, action_user_create).to_string(),
        "user.update" => t_string!(i18n, action_user_update).to_string(),
        "user.delete" => t_string!(i18n, action_user_delete).to_string(),
        "alias.add" => t_string!(i18n, action_alias_add).to_string(),
        "alias.remove" => t_string!(i18n, action_alias_remove).to_string(),
        "list.create" => t_string!(i18n, action_list_create).to_string(),
        "list.delete" => t_string!(i18n, action_list_delete).to_string(),
        "list.add_member" => t_string!(i18n, action_list_add_member).to_string(),
        "list.remove_member" => t_string!(i18n, action_list_remove_member).to_string(),
        "user.convert_shared" => t_string!(i18n, action_user_convert_shared).to_string(),
        "user.disable" => t_string!(i18n, action_user_disable).to_string(),
        "user.enable" => t_string!(i18n, action_user_enable).to_string(),
        "domain.add" => t_string!(i18n, action_domain_add).to_string(),
        "domain.remove" => t_string!(i18n, action_domain_remove).to_string(),
        "organisation.limits" => t_string!(i18n, action_organisation_limits).to_string(),
        other => other.to_owned(),
    }
}

#[component]
fn RecentActions(lines: Vec<AuditLine>) -> impl IntoView {
    let i18n = use_i18n();
    if lines.is_empty() {
        return view! { <p class="empty">{t!(i18n, none_to_show)}</p> }.into_any();
    }
    view! {
        <table class="data-table">
            <caption class="visually-hidden">{t!(i18n, recent_caption)}</caption>
            <thead>
                <tr>
                    <th scope="col">{t!(i18n, col_when)}</th>
                    <th scope="col">{t!(i18n, col_who)}</th>
                    <th scope="col">{t!(i18n, col_action)}</th>
                    <th scope="col">{t!(i18n, col_target)}</th>
                    <th scope="col">{t!(i18n, col_result)}</th>
                </tr>
            </thead>
            <tbody>
                {lines
                    .into_iter()
                    .map(|l| {
                        let action = l.action.clone();
                        let ok = l.success;
                        view! {
                            <tr>
                                <td data-label=move || t_string!(i18n, col_when).to_string()>{utc_minutes(l.at)}</td>
                                <td data-label=move || t_string!(i18n, col_who).to_string()>{l.actor}</td>
                                <td data-label=move || t_string!(i18n, col_action).to_string()>{move || action_text(i18n, &action)}</td>
                                <td data-label=move || t_string!(i18n, col_target).to_string()>{l.target}</td>
                                <td data-label=move || t_string!(i18n, col_result).to_string()>
                                    {move || if ok { t_string!(i18n, result_ok).to_string() } else { t_string!(i18n, result_refused).to_string() }}
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
