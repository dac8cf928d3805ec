use crate::api::lists::{
    get_list, list_lists, AddListMember, CreateList, DeleteList, RemoveListMember,
};
use crate::components::{use_form_error, Field, FormAlert, PageTitle};
use crate::components::{use_notice, NoticeAlert};
use crate::i18n::*;
use crate::model::ListDetail;
use crate::pages::address_fields::{domains_resource, AddressFields};
use crate::pages::use_route_id;
use leptos::prelude::*;

/// The organisation's distribution lists, and the form that adds one.
#[component]
pub fn ListsPage() -> impl IntoView {
    let i18n = use_i18n();
    let create = ServerAction::<CreateList>::new();
    let error = use_form_error(create);
    let notice = use_notice();
    let lists = Resource::new(move || notice.get(), |_| list_lists());
    let domains = domains_resource();
    view! {
        <PageTitle text=|i| t_string!(i, lists_title).to_string() />
        <h1>{t!(i18n, lists_title)}</h1>
        <NoticeAlert />
        <Transition fallback=move || view! { <p class="loading">{t!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                let rows = lists.await.unwrap_or_default();
                if rows.is_empty() {
                    return view! { <p class="empty">{t!(i18n, no_lists)}</p> }.into_any();
                }
                view! {
                    <table class="data-table">
                        <caption class="visually-hidden">{t!(i18n, lists_caption)}</caption>
                        <thead>
                            <tr>
                                <th scope="col">{t!(i18n, col_name)}</th>
                                <th scope="col">{t!(i18n, col_address)}</th>
                                <th scope="col">{t!(i18n, col_members)}</th>
                            </tr>
                        </thead>
                        <tbody>
                            {rows
                                .into_iter()
                                .map(|l| view! {
                                    <tr>
                                        <th scope="row" data-label=move || t_string!(i18n, col_name).to_string()>
                                            <a href=format!("/lists/{}", l.id)>{l.name}</a>
                                        </th>
                                        <td data-label=move || t_string!(i18n, col_address).to_string()>{l.email}</td>
                                        <td data-label=move || t_string!(i18n, col_members).to_string()>{l.members}</td>
                                    </tr>
                                })
                                .collect_view()}
                        </tbody>
                    </table>
                }
                    .into_any()
            })}
        </Transition>
        <h2>{t!(i18n, new_list)}</h2>
        <FormAlert error />
        <ActionForm action=create>
            <div class="form-grid">
                <Field name="name" autocomplete="off" required=true error>
                    {t!(i18n, list_name)}
                </Field>
                <AddressFields label=Signal::derive(move || t_string!(i18n, list_username).to_string()) domains error />
            </div>
            <button type="submit" class="button-primary">{t!(i18n, create_list)}</button>
        </ActionForm>
    }
}

/// One list: who it delivers to, adding and removing members, and deleting it.
#[component]
pub fn ListPage() -> impl IntoView {
    let i18n = use_i18n();
    let id = use_route_id();
    let add = ServerAction::<AddListMember>::new();
    let remove = ServerAction::<RemoveListMember>::new();
    // Reloads after each change of membership; without JavaScript the forms redirect here.
    let list = Resource::new(
        move || (id.get(), add.version().get(), remove.version().get()),
        |(id, ..)| get_list(id),
    );
    view! {
        <PageTitle text=|i| t_string!(i, list_title).to_string() />
        <Transition fallback=move || view! { <p class="loading">{t!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                match list.await {
                    Ok(l) => view! { <ListForms list=l add remove /> }.into_any(),
                    Err(_) => view! { <p class="alert alert-error" role="alert">{t!(i18n, err_not_found)}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn ListForms(
    list: ListDetail,
    add: ServerAction<AddListMember>,
    remove: ServerAction<RemoveListMember>,
) -> impl IntoView {
    let i18n = use_i18n();
    let delete = ServerAction::<DeleteList>::new();
    let add_error = use_form_error(add);
    let remove_error = use_form_error(remove);
    let delete_error = use_form_error(delete);
    let id = list.id;
    let email = list.email.clone();
    view! {
        <h1>{list.name.clone()}</h1>
        <dl class="facts">
            <dt>{t!(i18n, address)}</dt>
            <dd>{list.email.clone()}</dd>
        </dl>
        <h2>{t!(i18n, list_members_heading, n = list.members.len())}</h2>
        <FormAlert error=remove_error />
        <ul class="plain-list" aria-label=move || t_string!(i18n, list_members_caption).to_string()>
            {list
                .members
                .into_iter()
                .map(|m| {
                    let who = m.email.clone();
                    view! {
                        <li class="member">
                            <span><strong>{m.name}</strong> " " <span class="muted">{m.email}</span></span>
                            <ActionForm action=remove>
                                <input type="hidden" name="form[id]" value=id />
                                <input type="hidden" name="form[user]" value=m.user_id />
                                <button type="submit" class="button-quiet">
                                    {t!(i18n, remove_member, email = move || who.clone())}
                                </button>
                            </ActionForm>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
        <FormAlert error=add_error />
        <ActionForm action=add>
            <input type="hidden" name="form[id]" value=id />
            <Field name="email" kind="email" autocomplete="off" required=true error=add_error>
                {t!(i18n, member_address)}
            </Field>
            <button type="submit" class="button-primary">{t!(i18n, add_member)}</button>
        </ActionForm>
        <section class="danger-zone" aria-labelledby="delete-list-heading">
            <h2 id="delete-list-heading">{t!(i18n, delete_list_heading)}</h2>
            <p>{t!(i18n, delete_list_warning, email = move || email.clone())}</p>
            <FormAlert error=delete_error />
            <ActionForm action=delete>
                <input type="hidden" name="form[id]" value=id />
                <Field name="confirm" autocomplete="off" required=true error=delete_error>
                    {t!(i18n, delete_confirm)}
                </Field>
                <button type="submit" class="button-danger">{t!(i18n, delete_list)}</button>
            </ActionForm>
        </section>
    }
}
