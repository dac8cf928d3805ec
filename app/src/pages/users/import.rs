use crate::api::import::{get_import, CancelImport, CheckImport, ConfirmImport};
use crate::components::{
    error_text, field_error_text, size_text, use_form_error, FormAlert, PageTitle,
};
use crate::i18n::*;
use crate::model::{AccountType, ImportPreview, ImportRow, ImportState, IMPORT_MAX_ROWS};
use crate::pages::use_route_id;
use leptos::prelude::*;

/// Step one of an import: the CSV file (or its text, pasted), checked on the server.
#[component]
pub fn ImportPage() -> impl IntoView {
    let i18n = use_i18n();
    let check = ServerAction::<CheckImport>::new();
    let error = use_form_error(check);
    let message = Signal::derive(move || {
        error
            .get()
            .and_then(|e| e.field("csv"))
            .map(|code| error_text(i18n, code))
    });
    let text = RwSignal::new(String::new());
    // The file picker needs WASM to read the file; without it the text box alone works.
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    view! {
        <PageTitle text=|i| t_string!(i, import_title).to_string() />
        <h1>{t!(i18n, import_title)}</h1>
        <p>{t!(i18n, import_intro, n = IMPORT_MAX_ROWS)}</p>
        // Wider than a phone: it scrolls, so it takes the focus for keys to scroll it.
        <pre class="sample" tabindex="0">"email,name,quota_gb,account_type,password\njane.doe@example.org,Jane Doe,2,basic,\n"</pre>
        <p>
            {t!(i18n, import_template_hint)} " "
            <a href="/api/users/export_csv" download>{t!(i18n, export_csv)}</a>
        </p>
        <FormAlert error />
        <ActionForm action=check>
            <Show when=move || hydrated.get()>
                <div class="field">
                    <label for="import-file">{t!(i18n, import_file)}</label>
                    <input id="import-file" type="file" accept=".csv,text/csv" on:change=move |ev| read_file(ev, text) />
                </div>
            </Show>
            <div class="field" class:field-invalid=move || message.get().is_some()>
                <label for="field-csv">{t!(i18n, import_text)}</label>
                <textarea
                    id="field-csv"
                    name="form[csv]"
                    rows="10"
                    required
                    spellcheck="false"
                    aria-describedby=move || message.get().map(|_| "field-csv-error")
                    prop:value=move || text.get()
                    on:input=move |ev| text.set(event_target_value(&ev))
                ></textarea>
                {move || message.get().map(|m| view! { <p id="field-csv-error" class="field-error">{m}</p> })}
            </div>
            <div class="form-actions">
                <button type="submit" class="button-primary" disabled=move || check.pending().get()>
                    {t!(i18n, import_check)}
                </button>
                <a class="button" href="/users">{t!(i18n, cancel)}</a>
            </div>
            <Show when=move || check.pending().get()>
                <p class="progress" role="status"><progress></progress> " " {t!(i18n, import_checking)}</p>
            </Show>
        </ActionForm>
    }
}

/// Puts the chosen file's text in the text box, where the form sends it from.
fn read_file(ev: leptos::ev::Event, text: RwSignal<String>) {
    #[cfg(feature = "hydrate")]
    {
        use leptos::wasm_bindgen::JsCast;
        let file = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            .and_then(|input| input.files())
            .and_then(|files| files.get(0));
        if let Some(file) = file {
            leptos::task::spawn_local(async move {
                let read = wasm_bindgen_futures::JsFuture::from(file.text()).await;
                if let Some(content) = read.ok().and_then(|v| v.as_string()) {
                    text.set(content);
                }
            });
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (ev, text);
}

/// Step two: how far the check of the passwords is, then every line with its problems and
/// the one button that creates the rest.
#[component]
pub fn ImportPreviewPage() -> impl IntoView {
    let i18n = use_i18n();
    let id = use_route_id();
    // Each tick asks again while the passwords are hashed.
    let tick = RwSignal::new(0u32);
    let preview = Resource::new(move || (id.get(), tick.get()), |(id, _)| get_import(id));
    view! {
        <PageTitle text=|i| t_string!(i, import_preview_title).to_string() />
        <h1>{t!(i18n, import_preview_title)}</h1>
        <Transition fallback=move || view! { <p class="loading">{t!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                match preview.await {
                    Ok(p) => match p.state {
                        ImportState::Ready => view! { <Preview preview=p /> }.into_any(),
                        ImportState::Checking { hashed, total } => {
                            view! { <Checking hashed total tick /> }.into_any()
                        }
                        ImportState::Stopped => view! { <Stopped id=p.id /> }.into_any(),
                    },
                    Err(_) => view! {
                        <p class="alert alert-error" role="alert">{t!(i18n, import_gone)}</p>
                        <p><a href="/users/import">{t!(i18n, import_again)}</a></p>
                    }
                        .into_any(),
                }
            })}
        </Transition>
    }
}

/// How many of the passwords are hashed. With WASM the page asks again every half second;
/// without, the browser reloads it every two seconds (a refresh only a browser without
/// scripts reads, so it never reloads a hydrated page).
#[component]
fn Checking(hashed: u64, total: u64, tick: RwSignal<u32>) -> impl IntoView {
    let i18n = use_i18n();
    Effect::new(move |_| {
        set_timeout(
            move || tick.update(|t| *t = t.wrapping_add(1)),
            std::time::Duration::from_millis(500),
        );
    });
    view! {
        <noscript inner_html=r#"<meta http-equiv="refresh" content="2">"#></noscript>
        <div class="import-progress">
            <progress
                max=total
                value=hashed
                aria-label=move || t_string!(i18n, import_progress_label).to_string()
            ></progress>
            <p role="status">{t!(i18n, import_hashing, hashed, total)}</p>
            <p class="muted">{t!(i18n, import_follow)}</p>
        </div>
    }
}

/// A check cut short: the upload can only be cancelled and sent again.
#[component]
fn Stopped(id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let cancel = ServerAction::<CancelImport>::new();
    view! {
        <p class="alert alert-error" role="alert">{t!(i18n, import_stopped)}</p>
        <ActionForm action=cancel>
            <input type="hidden" name="form[id]" value=id />
            <button type="submit" class="button">{t!(i18n, import_cancel)}</button>
        </ActionForm>
    }
}

#[component]
fn Preview(preview: ImportPreview) -> impl IntoView {
    let i18n = use_i18n();
    let confirm = ServerAction::<ConfirmImport>::new();
    let cancel = ServerAction::<CancelImport>::new();
    let confirm_error = use_form_error(confirm);
    let total = preview.rows.len();
    let valid = preview.valid();
    let skipped = total - valid;
    let blocked = preview.blocked.map(|code| error_text(i18n, code));
    let can_create = valid > 0 && blocked.is_none();
    let id = preview.id;
    view! {
        <p role="status">{t!(i18n, import_summary, total, valid, skipped)}</p>
        {blocked.map(|text| view! { <p class="alert alert-error" role="alert">{text}</p> })}
        <table class="data-table">
            <caption class="visually-hidden">{t!(i18n, import_caption)}</caption>
            <thead>
                <tr>
                    <th scope="col">{t!(i18n, col_line)}</th>
                    <th scope="col">{t!(i18n, col_address)}</th>
                    <th scope="col">{t!(i18n, col_name)}</th>
                    <th scope="col">{t!(i18n, col_type)}</th>
                    <th scope="col">{t!(i18n, col_quota)}</th>
                    <th scope="col">{t!(i18n, col_password)}</th>
                    <th scope="col">{t!(i18n, col_problems)}</th>
                </tr>
            </thead>
            <tbody>
                {preview.rows.into_iter().map(|row| view! { <PreviewLine row /> }).collect_view()}
            </tbody>
        </table>
        <FormAlert error=confirm_error />
        <div class="form-actions">
            <ActionForm action=confirm>
                <input type="hidden" name="form[id]" value=id />
                <button type="submit" class="button-primary" disabled=move || !can_create || confirm.pending().get()>
                    {t!(i18n, import_create, n = valid)}
                </button>
            </ActionForm>
            <ActionForm action=cancel>
                <input type="hidden" name="form[id]" value=id />
                <button type="submit" class="button">{t!(i18n, import_cancel)}</button>
            </ActionForm>
        </div>
        <Show when=move || confirm.pending().get()>
            <p class="progress" role="status"><progress></progress> " " {t!(i18n, import_creating, n = valid)}</p>
        </Show>
    }
}

#[component]
fn PreviewLine(row: ImportRow) -> impl IntoView {
    let i18n = use_i18n();
    let problems: Vec<String> = row
        .errors
        .iter()
        .map(|e| format!("{}: {}", e.field, field_error_text(i18n, e)))
        .collect();
    let ok = problems.is_empty();
    let kind = row.account_type;
    let quota_mb = row.quota_mb;
    let quota = move || (quota_mb > 0).then(|| size_text(i18n.get_locale(), quota_mb));
    let has_password = row.has_password;
    view! {
        <tr class:row-invalid=!ok>
            <td data-label=move || t_string!(i18n, col_line).to_string()>{row.line}</td>
            <td data-label=move || t_string!(i18n, col_address).to_string()>{row.email}</td>
            <td data-label=move || t_string!(i18n, col_name).to_string()>{row.name}</td>
            <td data-label=move || t_string!(i18n, col_type).to_string()>
                {move || match kind {
                    AccountType::Basic => t_string!(i18n, type_basic).to_string(),
                    AccountType::Enhanced => t_string!(i18n, type_enhanced).to_string(),
                }}
            </td>
            <td data-label=move || t_string!(i18n, col_quota).to_string()>{quota}</td>
            <td data-label=move || t_string!(i18n, col_password).to_string()>
                {move || if has_password {
                    t_string!(i18n, import_password_set).to_string()
                } else {
                    t_string!(i18n, import_password_none).to_string()
                }}
            </td>
            <td data-label=move || t_string!(i18n, col_problems).to_string()>
                {if ok {
                    view! { <span class="badge badge-active">{t!(i18n, import_ready)}</span> }.into_any()
                } else {
                    view! { <ul class="problems">{problems.into_iter().map(|p| view! { <li>{p}</li> }).collect_view()}</ul> }.into_any()
                }}
            </td>
        </tr>
    }
}
