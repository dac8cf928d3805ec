use crate::api::domains::list_domains;
use crate::api::users::list_users;
use crate::components::NoticeAlert;
use crate::components::{query_string, size_text, submit_after_pause, LastSignIn, PageTitle};
use crate::i18n::*;
use crate::model::{
    AccountStatus, AccountType, UserCursor, UserPage, UserQuery, UserRow, UserSort,
};
use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

#[component]
pub fn UsersPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let state = Memo::new(move |_| {
        let q = query.read();
        UserQuery::from_url(|name| q.get(name))
    });
    // The export takes the list's search and domain, so what is shown is what downloads.
    let export_href = move || {
        let s = state.get();
        let domain = s.domain_id.map(|d| d.to_string()).unwrap_or_default();
        format!(
            "/api/users/export_csv?{}",
            query_string([
                ("query[search]", s.search.as_str()),
                ("query[domain_id]", domain.as_str()),
            ])
        )
    };
    let users = Resource::new(move || state.get(), list_users);
    let domains = Resource::new(|| (), |_| list_domains());

    view! {
        <PageTitle text=|i| t_string!(i, users_title).to_string() />
        <div class="page-head">
            <h1>{t!(i18n, users_title)}</h1>
            <div class="page-tools">
                <a class="button" href="/users/import">{t!(i18n, import_users)}</a>
                <a class="button" href=export_href download>{t!(i18n, export_csv)}</a>
                <a class="button" href="/users/new-shared">{t!(i18n, new_shared_title)}</a>
                <a class="button button-primary" href="/users/new">{t!(i18n, nav_new_user)}</a>
            </div>
        </div>
        <NoticeAlert />
        <Form method="GET" action="/users" attr:class="filters" attr:role="search">
            <div class="field">
                <label for="users-search">{t!(i18n, search)}</label>
                <input
                    id="users-search"
                    type="search"
                    name="search"
                    autocomplete="off"
                    placeholder=move || t_string!(i18n, search_placeholder).to_string()
                    prop:value=move || state.get().search
                    on:input=submit_after_pause
                />
            </div>
            // Folded on a phone under its own button, so the list starts on the first screen;
            // always open on a wider screen (style/main.css).
            <details class="filter-sort">
            <summary class="button">{t!(i18n, filter_and_sort)}</summary>
            <div class="filter-sort-body">
            <div class="field">
                <label for="users-domain">{t!(i18n, domain)}</label>
                <select id="users-domain" name="domain" on:change=submit_now>
                    <option value="">{t!(i18n, all_domains)}</option>
                    <Suspense>
                        {move || Suspend::new(async move {
                            let chosen = state.get_untracked().domain_id;
                            domains
                                .await
                                .unwrap_or_default()
                                .into_iter()
                                .map(|d| {
                                    let selected = Some(d.id) == chosen;
                                    let id = d.id.to_string();
                                    view! { <option value=id selected=selected>{d.name}</option> }
                                })
                                .collect_view()
                        })}
                    </Suspense>
                </select>
            </div>
            <div class="field">
                <label for="users-sort">{t!(i18n, sort_by)}</label>
                <select id="users-sort" name="sort" on:change=submit_now>
                    {move || {
                        let chosen = state.get().sort;
                        UserSort::ALL
                            .into_iter()
                            .map(|s| {
                                let label = move || match s {
                                    UserSort::Address => t_string!(i18n, sort_address).to_string(),
                                    UserSort::Name => t_string!(i18n, sort_name).to_string(),
                                    UserSort::LastSignIn => t_string!(i18n, sort_last_sign_in).to_string(),
                                    UserSort::Quota => t_string!(i18n, sort_quota).to_string(),
                                };
                                view! { <option value=s.as_str() selected=s == chosen>{label}</option> }
                            })
                            .collect_view()
                    }}
                </select>
            </div>
            <div class="field">
                <label for="users-dir">{t!(i18n, order)}</label>
                <select id="users-dir" name="dir" on:change=submit_now>
                    <option value="asc" selected=move || !state.get().descending>{t!(i18n, order_asc)}</option>
                    <option value="desc" selected=move || state.get().descending>{t!(i18n, order_desc)}</option>
                </select>
            </div>
            </div>
            </details>
            <button type="submit" class="button">{t!(i18n, apply_filters)}</button>
        </Form>
        <Transition fallback=move || view! { <p class="loading">{t!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                match users.await {
                    Ok(page) => view! { <UsersTable page state=state.get_untracked() /> }.into_any(),
                    Err(_) => view! {
                        <p class="alert alert-error" role="alert">{t!(i18n, err_internal)}</p>
                    }
                        .into_any(),
                }
            })}
        </Transition>
    }
}

fn submit_now(ev: leptos::ev::Event) {
    #[cfg(feature = "hydrate")]
    {
        use leptos::wasm_bindgen::JsCast;
        if let Some(form) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlSelectElement>().ok())
            .and_then(|s| s.form())
        {
            let _ = form.request_submit();
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = ev;
}

/// Ticks or clears every row of the page along with the header's box (with WASM only).
fn select_every(ev: leptos::ev::Event) {
    #[cfg(feature = "hydrate")]
    {
        use leptos::wasm_bindgen::JsCast;
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let Some(form) = input.form() else { return };
        let Ok(boxes) = form.query_selector_all("input[name=id]") else {
            return;
        };
        for i in 0..boxes.length() {
            if let Some(b) = boxes
                .item(i)
                .and_then(|n| n.dyn_into::<web_sys::HtmlInputElement>().ok())
            {
                b.set_checked(input.checked());
            }
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = ev;
}

#[component]
fn UsersTable(page: UserPage, state: UserQuery) -> impl IntoView {
    let i18n = use_i18n();
    let link = |cursor: UserCursor| {
        let pairs = state.to_url(Some(&cursor));
        format!(
            "/users?{}",
            query_string(pairs.iter().map(|(k, v)| (*k, v.as_str())))
        )
    };
    let prev = page.prev.map(|c| link(UserCursor::Before(c)));
    let next = page.next.map(|c| link(UserCursor::After(c)));
    if page.users.is_empty() {
        return view! { <p class="empty">{t!(i18n, no_users)}</p> }.into_any();
    }
    // A plain GET form: the ticked ids go to the confirmation page, with or without WASM.
    view! {
        <form method="get" action="/users/bulk" class="bulk-form">
        <div class="bulk-bar" role="group" aria-label=move || t_string!(i18n, bulk_label).to_string()>
            <button type="submit" name="action" value="disable" class="button">{t!(i18n, bulk_disable)}</button>
            <button type="submit" name="action" value="enable" class="button">{t!(i18n, bulk_enable)}</button>
            <button type="submit" name="action" value="delete" class="button button-danger">{t!(i18n, bulk_delete)}</button>
        </div>
        <table class="data-table users-table">
            <caption class="visually-hidden">{t!(i18n, users_caption)}</caption>
            <thead>
                <tr>
                    <th scope="col" class="select-cell">
                        <label class="select-box">
                            <input type="checkbox" on:change=select_every />
                            <span class="visually-hidden">{t!(i18n, select_page)}</span>
                        </label>
                    </th>
                    <th scope="col">{t!(i18n, col_name)}</th>
                    <th scope="col">{t!(i18n, col_address)}</th>
                    <th scope="col">{t!(i18n, col_type)}</th>
                    <th scope="col">{t!(i18n, col_quota)}</th>
                    <th scope="col">{t!(i18n, col_status)}</th>
                    <th scope="col">{t!(i18n, col_last_login)}</th>
                    <th scope="col">{t!(i18n, col_actions)}</th>
                </tr>
            </thead>
            <tbody>
                {page.users.into_iter().map(|u| view! { <UserLine user=u /> }).collect_view()}
            </tbody>
        </table>
        </form>
        <nav class="pager" aria-label=move || t_string!(i18n, pagination).to_string()>
            {prev.map(|href| view! { <a href=href rel="prev">{t!(i18n, prev_page)}</a> })}
            {next.map(|href| view! { <a href=href rel="next">{t!(i18n, next_page)}</a> })}
        </nav>
    }
    .into_any()
}

#[component]
fn UserLine(user: UserRow) -> impl IntoView {
    let i18n = use_i18n();
    let quota_mb = user.quota_mb;
    let quota = move || size_text(i18n.get_locale(), quota_mb);
    let last = user.last_login_at;
    let kind = user.account_type;
    let shared = user.shared;
    let status = user.status;
    let name = user.name.clone();
    // Acting for a user, or opening their mailbox for a few minutes: for mailbox users who can
    // sign in. The pages these lead to ask for what they need (a confirmation) and say why not.
    let actionable = !user.role.is_admin() && !shared && status == AccountStatus::Active;
    let id = user.id;
    view! {
        <tr>
            <td class="select-cell">
                <label class="select-box">
                    <input type="checkbox" name="id" value=user.id />
                    <span class="visually-hidden">{t!(i18n, select_user, name = name.clone())}</span>
                </label>
            </td>
            <th scope="row" class="cell-name" data-label=move || t_string!(i18n, col_name).to_string()>
                <a href=format!("/users/{}", user.id)>{user.name}</a>
            </th>
            <td class="cell-address" data-label=move || t_string!(i18n, col_address).to_string()>
                // A long address breaks at its @, never inside a word.
                {match user.email.split_once('@') {
                    Some((local, domain)) => view! { {local.to_owned()}<wbr />"@"{domain.to_owned()} }.into_any(),
                    None => user.email.clone().into_any(),
                }}
            </td>
            // On a phone a row is name, address and status: the user's page has the rest.
            <td class="cell-extra" data-label=move || t_string!(i18n, col_type).to_string()>
                {move || match kind {
                    _ if shared => t_string!(i18n, type_shared).to_string(),
                    AccountType::Basic => t_string!(i18n, type_basic).to_string(),
                    AccountType::Enhanced => t_string!(i18n, type_enhanced).to_string(),
                }}
            </td>
            <td class="cell-extra cell-quota" data-label=move || t_string!(i18n, col_quota).to_string()>{quota}</td>
            <td class="cell-status" data-label=move || t_string!(i18n, col_status).to_string()>
                <span class=format!("badge badge-{}", status.as_str())>
                    {move || match status {
                        AccountStatus::Active => t_string!(i18n, status_active).to_string(),
                        AccountStatus::Disabled => t_string!(i18n, status_disabled).to_string(),
                    }}
                </span>
            </td>
            <td class="cell-extra" data-label=move || t_string!(i18n, col_last_login).to_string()>
                <LastSignIn at=last />
            </td>
            <td class="cell-extra row-actions" data-label=move || t_string!(i18n, col_actions).to_string()>
                // The row names the user, so the links need not (WCAG's link purpose in context).
                {actionable.then(|| view! {
                    <a href=format!("/users/{id}#act-as-heading")>{t!(i18n, act_as_short)}</a>
                    " "
                    <a href=format!("/users/{id}/security#one-time-password-heading")>{t!(i18n, one_time_password_short)}</a>
                })}
            </td>
        </tr>
    }
}
