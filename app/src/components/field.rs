use super::field_error_text;
use crate::api::form::field_name;
use crate::error::AppError;
use crate::i18n::*;
use leptos::prelude::*;

/// The translated refusal of `name` in the form's last error.
pub fn field_message(
    error: Signal<Option<AppError>>,
    name: &'static str,
) -> Signal<Option<String>> {
    let i18n = use_i18n();
    Signal::derive(move || {
        error
            .get()
            .and_then(|e| e.field_error(name).map(|f| field_error_text(i18n, f)))
    })
}

/// The `aria-describedby` of a field: its hint, if it has one, and its error while there is one.
fn described_by(
    hint_id: Option<String>,
    error_id: String,
    message: Signal<Option<String>>,
) -> impl Fn() -> Option<String> + Send + Sync + 'static {
    move || {
        let error = message.get().is_some().then(|| error_id.clone());
        let ids: Vec<String> = hint_id.clone().into_iter().chain(error).collect();
        (!ids.is_empty()).then(|| ids.join(" "))
    }
}

/// What an input posts under: its form struct's field, or for a filter form that sets the
/// page's own URL query, its plain name.
fn input_name(name: &'static str, plain: bool) -> String {
    if plain {
        name.to_owned()
    } else {
        field_name(name)
    }
}

/// A labelled input with its hint and the error that concerns it, wired for screen readers.
/// The children are the label's text.
#[component]
pub fn Field(
    /// The form struct's field, also the server's key for its errors.
    name: &'static str,
    /// Posts as `name` itself, for a GET form that sets the page's URL query.
    #[prop(optional)]
    plain: bool,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional, into)] value: Option<String>,
    #[prop(optional)] required: bool,
    #[prop(optional, into)] hint: Option<Signal<String>>,
    #[prop(optional, into)] suffix: Option<Signal<String>>,
    #[prop(optional, into)] inputmode: Option<&'static str>,
    /// The id of a `<datalist>` whose options the browser suggests while typing.
    #[prop(optional)]
    list: Option<&'static str>,
    error: Signal<Option<AppError>>,
    children: Children,
) -> impl IntoView {
    let id = format!("field-{name}");
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let message = field_message(error, name);
    let described = described_by(
        hint.is_some().then(|| hint_id.clone()),
        error_id.clone(),
        message,
    );
    view! {
        <div class="field" class:field-invalid=move || message.get().is_some()>
            <label for=id.clone()>{children()}</label>
            <div class="field-control">
                <input
                    id=id.clone()
                    name=input_name(name, plain)
                    type=kind
                    value=value
                    autocomplete=autocomplete
                    inputmode=inputmode
                    list=list
                    required=required
                    aria-invalid=move || message.get().is_some().then_some("true")
                    aria-describedby=described
                />
                {suffix.map(|s| view! { <span class="field-suffix">{s}</span> })}
            </div>
            {hint.map(|h| view! { <p class="field-hint" id=hint_id.clone()>{h}</p> })}
            <p class="field-error" id=error_id.clone() hidden=move || message.get().is_none()>
                {message}
            </p>
        </div>
    }
}

/// A labelled multi-line text box with its hint and error, such as a list of addresses.
#[component]
pub fn TextAreaField(
    name: &'static str,
    #[prop(optional, into)] value: String,
    #[prop(default = 4)] rows: u32,
    #[prop(optional, into)] hint: Option<Signal<String>>,
    error: Signal<Option<AppError>>,
    children: Children,
) -> impl IntoView {
    debug_assert!(
        crate::api::form::MULTI_LINE_FIELDS.contains(&name),
        "{name}: the server refuses line breaks in fields not in MULTI_LINE_FIELDS"
    );
    let id = format!("field-{name}");
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let message = field_message(error, name);
    let described = described_by(
        hint.is_some().then(|| hint_id.clone()),
        error_id.clone(),
        message,
    );
    view! {
        <div class="field" class:field-invalid=move || message.get().is_some()>
            <label for=id.clone()>{children()}</label>
            <textarea
                id=id.clone()
                name=field_name(name)
                rows=rows
                spellcheck="false"
                aria-invalid=move || message.get().is_some().then_some("true")
                aria-describedby=described
            >
                {value}
            </textarea>
            {hint.map(|h| view! { <p class="field-hint" id=hint_id.clone()>{h}</p> })}
            <p class="field-error" id=error_id.clone() hidden=move || message.get().is_none()>
                {message}
            </p>
        </div>
    }
}

/// A labelled drop-down. `options` are (value, text) pairs.
#[component]
pub fn SelectField(
    name: &'static str,
    /// Posts as `name` itself, for a GET form that sets the page's URL query.
    #[prop(optional)]
    plain: bool,
    #[prop(into)] options: Signal<Vec<(String, String)>>,
    #[prop(optional, into)] selected: Option<String>,
    error: Signal<Option<AppError>>,
    children: Children,
) -> impl IntoView {
    let id = format!("field-{name}");
    let error_id = format!("{id}-error");
    let message = field_message(error, name);
    let selected = StoredValue::new(selected);
    view! {
        <div class="field" class:field-invalid=move || message.get().is_some()>
            <label for=id.clone()>{children()}</label>
            <select
                id=id.clone()
                name=input_name(name, plain)
                aria-invalid=move || message.get().is_some().then_some("true")
                aria-describedby=described_by(None, error_id.clone(), message)
            >
                <For each=move || options.get() key=|(v, _)| v.clone() let((value, text))>
                    <option
                        value=value.clone()
                        selected=selected.with_value(|s| s.as_deref() == Some(value.as_str()))
                    >
                        {text}
                    </option>
                </For>
            </select>
            <p class="field-error" id=error_id.clone() hidden=move || message.get().is_none()>
                {message}
            </p>
        </div>
    }
}

/// A labelled checkbox with its hint and error. The form sends `on` only when ticked, which
/// the form struct reads with [`crate::api::form::ticked`].
#[component]
pub fn CheckboxField(
    name: &'static str,
    #[prop(optional)] checked: bool,
    #[prop(optional, into)] hint: Option<Signal<String>>,
    error: Signal<Option<AppError>>,
    children: Children,
) -> impl IntoView {
    let id = format!("field-{name}");
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let message = field_message(error, name);
    let described = described_by(
        hint.is_some().then(|| hint_id.clone()),
        error_id.clone(),
        message,
    );
    view! {
        <div class="field field-check" class:field-invalid=move || message.get().is_some()>
            <input id=id.clone() name=field_name(name) type="checkbox" checked=checked aria-describedby=described />
            <label for=id.clone()>{children()}</label>
            {hint.map(|h| view! { <p class="field-hint" id=hint_id.clone()>{h}</p> })}
            <p class="field-error" id=error_id.clone() hidden=move || message.get().is_none()>
                {message}
            </p>
        </div>
    }
}

/// What a field of `form` shows: an input's value, or a select's chosen option as it reads.
#[cfg(feature = "hydrate")]
pub fn field_text(form: &web_sys::HtmlFormElement, name: &str) -> Option<String> {
    use leptos::wasm_bindgen::JsCast;
    let field = form
        .elements()
        .named_item(&crate::api::form::field_name(name))?;
    if let Some(select) = field.dyn_ref::<web_sys::HtmlSelectElement>() {
        let index = u32::try_from(select.selected_index()).ok()?;
        return select
            .item(index)
            .and_then(|o| o.dyn_into::<web_sys::HtmlOptionElement>().ok())
            .map(|o| o.text());
    }
    field
        .dyn_into::<web_sys::HtmlInputElement>()
        .ok()
        .map(|i| i.value())
}
