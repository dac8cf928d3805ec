use crate::api::bulk::{selected_users, BulkUpdate};
use crate::components::{error_text, use_form_error, CheckboxField, FormAlert, PageTitle};
use crate::i18n::*;
use crate::model::{BulkAction, UserDetail};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// The one confirmation of a bulk action: the accounts ticked in the list, what will happen to
/// them, and the button that does it in one transaction.
#[component]
pub fn BulkPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let action = move || BulkAction::parse(&query.read().get("action").unwrap_or_default());
    let ids = move || query.read().get_all("id").unwrap_or_default().join(",");
    let chosen = Resource::new(ids, selected_users);
    view! {
        <PageTitle text=|i| t_string!(i, bulk_title).to_string() />
        <h1>{t!(i18n, bulk_title)}</h1>
        <Transition fallback=move || view! { <p class="loading">{t!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                let error = match (chosen.await, action()) {
                    (Ok(users), Some(action)) => {
                        return view! { <BulkConfirm action users ids=ids() /> }.into_any();
                    }
                    (Err(e), _) => e.field("form").map(|code| error_text(i18n, code)),
                    (Ok(_), None) => None,
                };
                let text = error.unwrap_or_else(|| t_string!(i18n, err_not_found).to_string());
                view! {
                    <p class="alert alert-error" role="alert">{text}</p>
                    <p><a href="/users">{t!(i18n, go_to_users)}</a></p>
                }
                    .into_any()
            })}
        </Transition>
    }
}

#[component]
fn BulkConfirm(action: BulkAction, users: Vec<UserDetail>, ids: String) -> impl IntoView {
    let i18n = use_i18n();
    let submit = ServerAction::<BulkUpdate>::new();
    let error = use_form_error(submit);
    let n = users.len();
    let working = submit.pending();
    let question = move || match action {
        BulkAction::Disable => t_string!(i18n, bulk_confirm_disable, n).to_string(),
        BulkAction::Enable => t_string!(i18n, bulk_confirm_enable, n).to_string(),
        BulkAction::Delete => t_string!(i18n, bulk_confirm_delete, n).to_string(),
    };
    let button = move || match action {
        BulkAction::Disable => t_string!(i18n, bulk_do_disable, n).to_string(),
        BulkAction::Enable => t_string!(i18n, bulk_do_enable, n).to_string(),
        BulkAction::Delete => t_string!(i18n, bulk_do_delete, n).to_string(),
    };
    let button_class = if action == BulkAction::Delete {
        "button-danger"
    } else {
        "button-primary"
    };
    view! {
        <p>{question}</p>
        <ul class="plain-list" aria-label=move || t_string!(i18n, bulk_selected_caption).to_string()>
            {users
                .into_iter()
                .map(|u| view! { <li><strong>{u.name}</strong> " " <span class="muted">{u.email}</span></li> })
                .collect_view()}
        </ul>
        <FormAlert error />
        <ActionForm action=submit>
            <input type="hidden" name="form[action]" value=action.as_str() />
            <input type="hidden" name="form[ids]" value=ids />
            {(action == BulkAction::Delete)
                .then(|| {
                    view! {
                        <CheckboxField name="confirm" checked=false error>
                            {t!(i18n, bulk_delete_ack)}
                        </CheckboxField>
                    }
                })}
            <div class="form-actions">
                <button type="submit" class=button_class disabled=working>{button}</button>
                <a class="button" href="/users">{t!(i18n, cancel)}</a>
            </div>
            <Show when=move || working.get()>
                <p class="progress" role="status">
                    <progress aria-label=move || t_string!(i18n, bulk_working, n).to_string()></progress>
                    " " {t!(i18n, bulk_working, n)}
                </p>
            </Show>
        </ActionForm>
    }
}
