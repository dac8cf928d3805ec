use crate::api::shared::{shared_members, AddSharedMember, RemoveSharedMember};
use crate::api::users::list_users;
use crate::components::{use_form_error, Field, FormAlert, SelectField};
use crate::error::AppError;
use crate::i18n::*;
use crate::model::{SharedAccess, SharedMember, UserQuery, UserRow};
use leptos::prelude::*;
use leptos_i18n::I18nContext;
use leptos_router::hooks::use_query_map;

/// The accesses as (value, label) pairs for a drop-down, in the reader's language.
pub(super) fn access_options(i18n: I18nContext<Locale>) -> Signal<Vec<(String, String)>> {
    Signal::derive(move || {
        SharedAccess::ALL
            .into_iter()
            .map(|a| (a.as_str().to_owned(), access_text(i18n, a)))
            .collect()
    })
}

fn access_text(i18n: I18nContext<Locale>, access: SharedAccess) -> String {
    match access {
        SharedAccess::Read => t_string!(i18n, access_read).to_string(),
        SharedAccess::ReadAndSendAs => t_string!(i18n, access_read_and_send_as).to_string(),
    }
}

/// What the members section shows and does, made once by the page outside the Suspend that
/// shows it (see `DomainsResource`): resources made inside one don't hydrate.
#[derive(Clone, Copy)]
pub struct MembersData {
    add: ServerAction<AddSharedMember>,
    remove: ServerAction<RemoveSharedMember>,
    members: Resource<Result<Vec<SharedMember>, AppError>>,
    typed: RwSignal<String>,
    suggestions: Resource<Vec<UserRow>>,
}

impl MembersData {
    pub fn new(mailbox: Signal<i64>) -> Self {
        let add = ServerAction::<AddSharedMember>::new();
        let remove = ServerAction::<RemoveSharedMember>::new();
        // Another mailbox than a shared one answers not found, and the section isn't shown.
        // Read again with the page's query too, which a conversion's redirect changes.
        let query = use_query_map();
        let members = Resource::new(
            move || {
                let changes = (add.version().get(), remove.version().get());
                (mailbox.get(), query.read().clone(), changes)
            },
            |(mailbox, ..)| shared_members(mailbox),
        );
        // Suggestions for the address field: the organisation's people matching what is typed
        // (shared mailboxes can't be members). Without JavaScript the whole address is typed.
        let typed = RwSignal::new(String::new());
        let suggestions = Resource::new(
            move || typed.get(),
            |search| async move {
                if search.trim().chars().count() < 2 {
                    return Vec::new();
                }
                let query = UserQuery {
                    search,
                    ..UserQuery::default()
                };
                list_users(query)
                    .await
                    .map(|page| page.users.into_iter().filter(|u| !u.shared).collect())
                    .unwrap_or_default()
            },
        );
        Self {
            add,
            remove,
            members,
            typed,
            suggestions,
        }
    }
}

/// A shared mailbox's members: who opens it and who may send as it, each with "Remove", and
/// the form that lets a colleague in (or changes what a member may do).
#[component]
pub fn MembersSection(mailbox: i64, address: String, data: MembersData) -> impl IntoView {
    let i18n = use_i18n();
    let MembersData {
        add,
        remove,
        members,
        typed,
        suggestions,
    } = data;
    let add_error = use_form_error(add);
    let remove_error = use_form_error(remove);
    let login = format!("{address}*");
    view! {
        <section aria-labelledby="members-heading">
            <h2 id="members-heading">{t!(i18n, members_heading)}</h2>
            <p class="field-hint">{t!(i18n, members_hint, login = move || login.clone())}</p>
            <FormAlert error=remove_error />
            <Transition fallback=move || view! { <p class="loading">{t!(i18n, loading)}</p> }>
                {move || Suspend::new(async move {
                    let rows = members.await.unwrap_or_default();
                    if rows.is_empty() {
                        return view! { <p class="empty">{t!(i18n, no_members)}</p> }.into_any();
                    }
                    view! {
                        <ul class="plain-list" aria-label=move || t_string!(i18n, members_heading).to_string()>
                            {rows
                                .into_iter()
                                .map(|m| {
                                    let email = m.email.clone();
                                    let access = access_text(i18n, m.access);
                                    view! {
                                        <li class="member">
                                            <span>{m.name} " <" {m.email} "> · " {access}</span>
                                            <ActionForm action=remove>
                                                <input type="hidden" name="form[mailbox]" value=mailbox />
                                                <input type="hidden" name="form[member]" value=m.user_id />
                                                <button type="submit" class="button-quiet">
                                                    {t!(i18n, remove_shared_member, email = move || email.clone())}
                                                </button>
                                            </ActionForm>
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                    }
                        .into_any()
                })}
            </Transition>
            <FormAlert error=add_error />
            <ActionForm action=add>
                <input type="hidden" name="form[mailbox]" value=mailbox />
                <div class="form-grid" on:input=move |ev| {
                    let field = event_target::<leptos::web_sys::HtmlElement>(&ev).get_attribute("name");
                    if field.as_deref() == Some("form[email]") {
                        typed.set(event_target_value(&ev));
                    }
                }>
                    <datalist id="member-suggestions">
                        <Transition>
                            {move || Suspend::new(async move {
                                suggestions
                                    .await
                                    .into_iter()
                                    .map(|u| view! { <option value=u.email>{u.name}</option> })
                                    .collect_view()
                            })}
                        </Transition>
                    </datalist>
                    <Field
                        name="email"
                        kind="email"
                        autocomplete="off"
                        list="member-suggestions"
                        required=true
                        hint=Signal::derive(move || t_string!(i18n, member_email_hint).to_string())
                        error=add_error
                    >
                        {t!(i18n, member_email)}
                    </Field>
                    <SelectField name="access" options=access_options(i18n) selected="read".to_owned() error=add_error>
                        {t!(i18n, member_access)}
                    </SelectField>
                </div>
                <button type="submit" class="button">{t!(i18n, add_shared_member)}</button>
            </ActionForm>
        </section>
    }
}
