use super::aliases::{AliasesData, AliasesSection};
use super::members::{MembersData, MembersSection};
use super::role::{role_text, RoleSection};
use crate::api::acting::ActAsUser;
use crate::api::auth::whoami;
use crate::api::domains::list_domains;
use crate::api::shared::ConvertToShared;
use crate::api::users::{get_user, DeleteUser, UpdateUser};
use crate::components::NoticeAlert;
use crate::components::{
    size_text, use_form_error, utc_minutes, CheckboxField, Field, FormAlert, PageTitle,
    SelectField, TextAreaField,
};
use crate::i18n::*;
use crate::model::{AccountStatus, Domain, Grant, Quota, Role, UserDetail, Viewer};
use crate::pages::use_route_id;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// One mailbox: its profile form, and the deletion that needs the address typed back.
#[component]
pub fn EditUserPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let id = use_route_id();
    let user = Resource::new(
        move || (id.get(), query.read().clone()),
        |(id, _)| get_user(id),
    );
    // Who looks decides what the page offers; the server functions decide it again.
    let viewer = Resource::new(|| (), |_| whoami());
    let domains = Resource::new(|| (), |_| list_domains());
    // Made here, outside the Suspend that shows it (see `DomainsResource`).
    let aliases = AliasesData::new(id);
    let members = MembersData::new(id);
    view! {
        <PageTitle text=|i| t_string!(i, edit_user_title).to_string() />
        <NoticeAlert />
        <Transition fallback=move || view! { <p class="loading">{t!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                match (user.await, viewer.await) {
                    (Ok(u), Ok(me)) => {
                        let domains = domains.await.unwrap_or_default();
                        view! { <UserForms user=u viewer=me domains /> }.into_any()
                    }
                    _ => view! { <p class="alert alert-error" role="alert">{t!(i18n, err_not_found)}</p> }.into_any(),
                }
            })}
        </Transition>
        <Transition>
            {move || Suspend::new(async move {
                match (user.await, viewer.await) {
                    (Ok(u), Ok(me)) if me.may_manage(&u) => Some(view! {
                        {u.shared.then(|| view! { <MembersSection mailbox=u.id address=u.email.clone() data=members /> })}
                        <AliasesSection data=aliases />
                        <DangerZone user=u />
                    }),
                    _ => None,
                }
            })}
        </Transition>
    }
}

/// "Sign in as this user", for whoever manages a mailbox user (never another administrator).
#[component]
fn ActAsSection(user: i64) -> impl IntoView {
    let i18n = use_i18n();
    let act = ServerAction::<ActAsUser>::new();
    let error = use_form_error(act);
    view! {
        <section aria-labelledby="act-as-heading">
            <h2 id="act-as-heading">{t!(i18n, act_as_heading)}</h2>
            <p class="field-hint">{t!(i18n, act_as_hint)}</p>
            <FormAlert error />
            <ActionForm action=act>
                <input type="hidden" name="form[user]" value=user />
                <input type="hidden" name="form[next]" value=format!("/users/{user}") />
                <button type="submit">{t!(i18n, act_as_button)}</button>
            </ActionForm>
        </section>
    }
}

#[component]
fn UserForms(user: UserDetail, viewer: Viewer, domains: Vec<Domain>) -> impl IntoView {
    let i18n = use_i18n();
    let manage = viewer.may_manage(&user);
    let role = role_text(i18n, user.role, &user.scope);
    // The account admin grants roles to others; the account admin's own is not granted.
    let grant = (viewer.role == Role::AccountAdmin && user.id != viewer.user_id && !user.shared)
        .then(|| Grant::of(user.role, &user.scope))
        .flatten()
        .map(|current| {
            view! { <RoleSection user=user.id current scope=user.scope.clone() domains /> }
        });
    let update = ServerAction::<UpdateUser>::new();
    let shared = user.shared;
    let update_error = use_form_error(update);
    let type_options = super::account_type_options(i18n);
    let hint =
        move |s: fn(leptos_i18n::I18nContext<Locale>) -> String| Signal::derive(move || s(i18n));
    let quota = Quota::from_mb(user.quota_mb)
        .map(Quota::gb_text)
        .unwrap_or_default();
    let created = utc_minutes(user.created_at);
    let (used_mb, quota_mb) = (user.used_mb, user.quota_mb);
    view! {
        <h1>{user.name.clone()}</h1>
        <super::UserTabs id=user.id current="profile" />
        <dl class="facts">
            <dt>{t!(i18n, address)}</dt>
            <dd>{user.email.clone()}</dd>
            <dt>{t!(i18n, created)}</dt>
            <dd>{created}</dd>
            <dt>{t!(i18n, role_fact)}</dt>
            <dd>{role}</dd>
            <dt>{t!(i18n, storage_used)}</dt>
            <dd>{t!(i18n, storage_used_of, used = move || size_text(i18n.get_locale(), used_mb), quota = move || size_text(i18n.get_locale(), quota_mb))}</dd>
            {shared.then(|| view! {
                <dt>{t!(i18n, col_type)}</dt>
                <dd>{t!(i18n, type_shared)}</dd>
            })}
        </dl>
        <p class="field-hint">{t!(i18n, username_fixed)}</p>
        {(!manage).then(|| view! { <p class="alert" role="status">{t!(i18n, manage_refused)}</p> })}
        {(manage && !user.role.is_admin() && !shared && user.status == AccountStatus::Active)
            .then(|| view! { <ActAsSection user=user.id /> })}
        {manage.then(|| view! {
        <h2>{t!(i18n, profile)}</h2>
        <FormAlert error=update_error />
        <ActionForm action=update>
            <input type="hidden" name="form[id]" value=user.id />
            <div class="form-grid">
                <Field name="name" value=user.name.clone() autocomplete="off" required=true error=update_error>
                    {t!(i18n, display_name)}
                </Field>
                <SelectField
                    name="account_type"
                    options=type_options
                    selected=user.account_type.as_str().to_owned()
                    error=update_error
                >
                    {t!(i18n, account_type)}
                </SelectField>
                <Field
                    name="quota_gb"
                    value=quota
                    inputmode="decimal"
                    required=true
                    hint=hint(|i| t_string!(i, quota_hint).to_string())
                    error=update_error
                >
                    {t!(i18n, quota_gb)}
                </Field>
                <Field
                    name="recovery_email"
                    kind="email"
                    value=user.recovery_email.clone().unwrap_or_default()
                    autocomplete="off"
                    hint=hint(|i| t_string!(i, recovery_email_hint).to_string())
                    error=update_error
                >
                    {t!(i18n, recovery_email)}
                </Field>
                <div>
                    <CheckboxField
                        name="disabled"
                        checked=user.status == AccountStatus::Disabled
                        hint=hint(|i| t_string!(i, disabled_hint).to_string())
                        error=update_error
                    >
                        {t!(i18n, disabled_label)}
                    </CheckboxField>
                    <CheckboxField
                        name="only_local_smtp"
                        checked=user.only_local_smtp
                        hint=hint(|i| t_string!(i, only_local_smtp_hint).to_string())
                        error=update_error
                    >
                        {t!(i18n, only_local_smtp)}
                    </CheckboxField>
                </div>
            </div>
            <super::PreferenceFields current=user.preferences.clone() error=update_error />
            <button type="submit" class="button-primary">{t!(i18n, save_changes)}</button>
        </ActionForm>
        })}
        {grant}
    }
}

/// Keeping the data (a JSON record, or a shared mailbox), then deleting with the address typed.
#[component]
fn DangerZone(user: UserDetail) -> impl IntoView {
    let i18n = use_i18n();
    let convert = ServerAction::<ConvertToShared>::new();
    let convert_error = use_form_error(convert);
    let delete = ServerAction::<DeleteUser>::new();
    let delete_error = use_form_error(delete);
    let shared = user.shared;
    let email = user.email.clone();
    view! {
        <section class="danger-zone" aria-labelledby="delete-heading">
            <h2 id="delete-heading">{t!(i18n, delete_user_heading)}</h2>
            <p>{t!(i18n, delete_warning, email = move || email.clone())}</p>
            <p>
                {t!(i18n, delete_keep_hint)} " "
                <a href=format!("/api/users/export?id={}", user.id) download>{t!(i18n, export_record)}</a>
            </p>
            <Show when=move || !shared>
                <p>{t!(i18n, convert_hint)}</p>
                <FormAlert error=convert_error />
                <ActionForm action=convert>
                    <input type="hidden" name="form[id]" value=user.id />
                    <div class="form-grid">
                        <TextAreaField
                            name="members"
                            rows=3
                            hint=Signal::derive(move || t_string!(i18n, convert_members_hint).to_string())
                            error=convert_error
                        >
                            {t!(i18n, convert_members)}
                        </TextAreaField>
                        <SelectField name="access" options=super::members::access_options(i18n) selected="read".to_owned() error=convert_error>
                            {t!(i18n, member_access)}
                        </SelectField>
                    </div>
                    <button type="submit" class="button">{t!(i18n, convert_to_shared)}</button>
                </ActionForm>
            </Show>
            <FormAlert error=delete_error />
            <ActionForm action=delete>
                <input type="hidden" name="form[id]" value=user.id />
                <Field name="confirm" autocomplete="off" required=true error=delete_error>
                    {t!(i18n, delete_confirm)}
                </Field>
                <button type="submit" class="button-danger">{t!(i18n, delete_user)}</button>
            </ActionForm>
        </section>
    }
}
