use crate::api::audit::{audit_log, AuditFilters};
use crate::components::{action_text, query_string, AuditTable, Field, PageTitle, SelectField};
use crate::i18n::*;
use crate::model::AUDIT_ACTIONS;
use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

/// Every admin action and sign-in of the organisation, filtered by the URL's query, newest
/// first, with older pages by keyset and the same selection as a CSV download.
#[component]
pub fn AuditLogPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let filters = Memo::new(move |_| {
        let q = query.read();
        AuditFilters::from_url(|name| q.get(name))
    });
    let page = Resource::new(move || filters.get(), audit_log);
    let error = Signal::derive(move || page.get().and_then(Result::err));
    let value = move |i: usize| filters.get_untracked().values()[i].to_owned();
    // The page's own links name the filters plainly; the export's are its argument's fields.
    let with_filters = move |extra: Option<(&'static str, String)>| {
        let f = filters.get();
        let mut pairs: Vec<(&str, &str)> =
            AuditFilters::NAMES.into_iter().zip(f.values()).collect();
        if let Some((k, v)) = &extra {
            pairs.push((k, v.as_str()));
        }
        query_string(pairs)
    };
    let export_href = move || {
        let f = filters.get();
        let names = AuditFilters::NAMES.map(|name| format!("filters[{name}]"));
        let pairs = names.iter().map(String::as_str).zip(f.values());
        format!("/api/audit/export_csv?{}", query_string(pairs))
    };
    let actions = Signal::derive(move || {
        std::iter::once((String::new(), t_string!(i18n, all_actions).to_string()))
            .chain(
                AUDIT_ACTIONS
                    .iter()
                    .map(|a| (a.to_string(), action_text(i18n, a))),
            )
            .collect::<Vec<_>>()
    });
    let results = Signal::derive(move || {
        vec![
            (String::new(), t_string!(i18n, all_results).to_string()),
            ("success".to_owned(), t_string!(i18n, result_ok).to_string()),
            (
                "failure".to_owned(),
                t_string!(i18n, result_refused).to_string(),
            ),
        ]
    });
    view! {
        <PageTitle text=|i| t_string!(i, audit_title).to_string() />
        <div class="page-head">
            <h1>{t!(i18n, audit_title)}</h1>
            <div class="page-tools">
                <a class="button" href=export_href download>{t!(i18n, export_csv)}</a>
            </div>
        </div>
        <Form method="GET" action="/audit" attr:class="filters audit-filters" attr:role="search">
            <Field name="target" plain=true kind="search" value=value(0) error>{t!(i18n, audit_filter_target)}</Field>
            <Field name="actor" plain=true kind="search" value=value(1) error>{t!(i18n, audit_filter_actor)}</Field>
            <SelectField name="action" plain=true options=actions selected=value(2) error>{t!(i18n, col_action)}</SelectField>
            <SelectField name="result" plain=true options=results selected=value(3) error>{t!(i18n, col_result)}</SelectField>
            <Field name="from" plain=true kind="date" value=value(4) error>{t!(i18n, audit_filter_from)}</Field>
            <Field name="until" plain=true kind="date" value=value(5) error>{t!(i18n, audit_filter_until)}</Field>
            <div class="field field-submit">
                <button type="submit">{t!(i18n, audit_filter_apply)}</button>
            </div>
        </Form>
        <Transition fallback=move || view! { <p class="loading">{t!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(p) => {
                        let older = p.next.map(|id| format!("/audit?{}", with_filters(Some(("before", id.to_string())))));
                        view! {
                            <AuditTable
                                lines=p.events
                                caption=Signal::derive(move || t_string!(i18n, audit_caption).to_string())
                                detailed=true
                            />
                            <nav class="pager" aria-label=move || t_string!(i18n, pagination).to_string()>
                                {filters.get_untracked().before.map(|_| view! {
                                    <a href=format!("/audit?{}", with_filters(None))>{t!(i18n, audit_newest)}</a>
                                })}
                                {older.map(|href| view! { <a href=href rel="next">{t!(i18n, audit_older)}</a> })}
                            </nav>
                        }
                        .into_any()
                    }
                    Err(e) if e.field("from").is_some() || e.field("until").is_some()
                        || e.field("action").is_some() || e.field("result").is_some() => {
                        view! { <p class="alert alert-error" role="alert">{t!(i18n, audit_filters_refused)}</p> }.into_any()
                    }
                    Err(_) => view! { <p class="alert alert-error" role="alert">{t!(i18n, err_internal)}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}
