use crate::api::mail_rules::{current_mail_rules, SetMailRules};
use crate::api::organisation::{
    account_help_settings, usage, SetAccountHelp, SetLimits, SetPasswordPolicy,
};
use crate::api::passwords::current_policy;
use crate::api::two_factor::{two_factor_rule, SetTwoFactorRule};
use crate::components::{
    score_words, use_form_error, CheckboxField, Field, FormAlert, PageTitle, SelectField,
};
use crate::components::{use_notice, NoticeAlert};
use crate::i18n::*;
use crate::model::{gb_number, AliasManagers, PasswordPolicy, PolicyPreset, TwoFactorRequirement};
use leptos::prelude::*;

/// The account administrator's settings: licences and the storage pool.
#[component]
pub fn SettingsPage() -> impl IntoView {
    let i18n = use_i18n();
    let save = ServerAction::<SetLimits>::new();
    let error = use_form_error(save);
    // The server answers a save with a redirect here, so the page (and the usage strip) reload.
    let notice = use_notice();
    let current = Resource::new(move || notice.get(), |_| usage());
    view! {
        <PageTitle text=|i| t_string!(i, settings_title).to_string() />
        <h1>{t!(i18n, settings_title)}</h1>
        <p>{t!(i18n, settings_intro)}</p>
        <NoticeAlert />
        <FormAlert error />
        <Transition fallback=move || view! { <p class="loading">{t!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                let now = current.await.unwrap_or_default();
                let pool = gb_number(now.storage_pool_mb);
                view! {
                    <ActionForm action=save>
                        <div class="form-grid">
                            <Field name="licences" value=now.mailbox_licences.to_string() inputmode="numeric" required=true error>
                                {t!(i18n, licences)}
                            </Field>
                            <Field name="storage_gb" value=pool inputmode="decimal" required=true error>
                                {t!(i18n, storage_pool_gb)}
                            </Field>
                        </div>
                        <button type="submit" class="button-primary">{t!(i18n, save)}</button>
                    </ActionForm>
                }
            })}
        </Transition>
        <PasswordPolicySection />
        <TwoFactorRuleSection />
        <AccountHelpSection />
        <MailRulesSection />
    }
}

/// Help for users who can't sign in: "Forgot password" by mail, and how long an
/// administrator's one-time password opens a mailbox.
#[component]
fn AccountHelpSection() -> impl IntoView {
    let i18n = use_i18n();
    let save = ServerAction::<SetAccountHelp>::new();
    let error = use_form_error(save);
    let notice = use_notice();
    let current = Resource::new(move || notice.get(), |_| account_help_settings());
    view! {
        <section aria-labelledby="account-help-heading">
            <h2 id="account-help-heading">{t!(i18n, account_help_title)}</h2>
            <FormAlert error />
            <Transition fallback=move || view! { <p class="loading">{t!(i18n, loading)}</p> }>
                {move || Suspend::new(async move {
                    current.await.ok().map(|help| view! {
                        <ActionForm action=save>
                            <CheckboxField
                                name="self_service_recovery"
                                checked=help.self_service_recovery
                                hint=Signal::derive(move || t_string!(i18n, self_service_recovery_hint).to_string())
                                error
                            >
                                {t!(i18n, self_service_recovery_label)}
                            </CheckboxField>
                            <Field
                                name="one_time_password_minutes"
                                value=help.one_time_password_minutes.to_string()
                                inputmode="numeric"
                                required=true
                                hint=Signal::derive(move || t_string!(i18n, one_time_password_minutes_hint).to_string())
                                error
                            >
                                {t!(i18n, one_time_password_minutes_label)}
                            </Field>
                            <CheckboxField name="notify_when_acted_for" checked=help.notify_when_acted_for error>
                                {t!(i18n, notify_when_acted_for_label)}
                            </CheckboxField>
                            <button type="submit" class="button-primary">{t!(i18n, save_account_help)}</button>
                        </ActionForm>
                    })
                })}
            </Transition>
        </section>
    }
}

/// Who must sign in with a second factor.
#[component]
fn TwoFactorRuleSection() -> impl IntoView {
    let i18n = use_i18n();
    let save = ServerAction::<SetTwoFactorRule>::new();
    let error = use_form_error(save);
    let notice = use_notice();
    let current = Resource::new(move || notice.get(), |_| two_factor_rule());
    let options = Signal::derive(move || {
        TwoFactorRequirement::ALL
            .into_iter()
            .map(|r| {
                let label = match r {
                    TwoFactorRequirement::Nobody => t_string!(i18n, two_factor_rule_nobody),
                    TwoFactorRequirement::Admins => t_string!(i18n, two_factor_rule_admins),
                    TwoFactorRequirement::Everyone => t_string!(i18n, two_factor_rule_everyone),
                };
                (r.as_str().to_owned(), label.to_string())
            })
            .collect::<Vec<_>>()
    });
    view! {
        <section aria-labelledby="two-factor-rule-heading">
            <h2 id="two-factor-rule-heading">{t!(i18n, two_factor_title)}</h2>
            <p>{t!(i18n, two_factor_rule_intro)}</p>
            <FormAlert error />
            <Transition fallback=move || view! { <p class="loading">{t!(i18n, loading)}</p> }>
                {move || Suspend::new(async move {
                    current.await.ok().map(|rules| view! {
                        <ActionForm action=save>
                            <SelectField name="required" options selected=rules.required.as_str().to_owned() error>
                                {t!(i18n, two_factor_rule_label)}
                            </SelectField>
                            <CheckboxField
                                name="app_passwords_only"
                                checked=rules.app_passwords_only
                                hint=Signal::derive(move || t_string!(i18n, app_passwords_only_hint).to_string())
                                error
                            >
                                {t!(i18n, app_passwords_only_label)}
                            </CheckboxField>
                            <button type="submit" class="button-primary">{t!(i18n, save_two_factor_rule)}</button>
                        </ActionForm>
                    })
                })}
            </Transition>
        </section>
    }
}

/// The organisation's password policy: a preset or its own values, with the reason composition
/// rules are off by default.
#[component]
fn PasswordPolicySection() -> impl IntoView {
    let i18n = use_i18n();
    let save = ServerAction::<SetPasswordPolicy>::new();
    let error = use_form_error(save);
    let notice = use_notice();
    let current = Resource::new(move || notice.get(), |_| current_policy());
    view! {
        <section aria-labelledby="policy-heading">
            <h2 id="policy-heading">{t!(i18n, policy_heading)}</h2>
            <p>{t!(i18n, policy_intro)}</p>
            <FormAlert error />
            <Transition fallback=move || view! { <p class="loading">{t!(i18n, loading)}</p> }>
                {move || Suspend::new(async move {
                    current.await.ok().map(|policy| view! { <PolicyForm policy save error /> })
                })}
            </Transition>
        </section>
    }
}

#[component]
fn PolicyForm(
    policy: PasswordPolicy,
    save: ServerAction<SetPasswordPolicy>,
    error: Signal<Option<crate::error::AppError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let presets = Signal::derive(move || {
        let named = |p: PolicyPreset| match p {
            PolicyPreset::Recommended => t_string!(i18n, preset_recommended).to_string(),
            PolicyPreset::HostStyle => t_string!(i18n, preset_host_style).to_string(),
            PolicyPreset::BackOffice => t_string!(i18n, preset_back_office).to_string(),
        };
        PolicyPreset::ALL
            .into_iter()
            .map(|p| (p.as_str().to_owned(), named(p)))
            .chain([(
                "custom".to_owned(),
                t_string!(i18n, preset_custom).to_string(),
            )])
            .collect::<Vec<_>>()
    });
    let scores = Signal::derive(move || {
        (0..=4u8)
            .map(|n| (n.to_string(), format!("{n}: {}", score_words(i18n, n))))
            .collect::<Vec<_>>()
    });
    let hint =
        move |s: fn(leptos_i18n::I18nContext<Locale>) -> String| Signal::derive(move || s(i18n));
    let preset = policy.preset().map_or("custom", PolicyPreset::as_str);
    view! {
        <ActionForm action=save>
            <SelectField name="preset" options=presets selected=preset.to_owned() error>
                {t!(i18n, policy_preset)}
            </SelectField>
            <p class="field-hint">{t!(i18n, policy_preset_hint)}</p>
            <div class="form-grid">
                <Field
                    name="min_chars"
                    value=policy.min_chars.to_string()
                    inputmode="numeric"
                    hint=hint(|i| t_string!(i, policy_min_chars_hint).to_string())
                    error
                >
                    {t!(i18n, policy_min_chars)}
                </Field>
                <SelectField name="min_score" options=scores selected=policy.min_score.to_string() error>
                    {t!(i18n, policy_min_score)}
                </SelectField>
            </div>
            <CheckboxField name="require_upper" checked=policy.require.upper error>
                {t!(i18n, policy_require_upper)}
            </CheckboxField>
            <CheckboxField name="require_lower" checked=policy.require.lower error>
                {t!(i18n, policy_require_lower)}
            </CheckboxField>
            <CheckboxField name="require_digit" checked=policy.require.digit error>
                {t!(i18n, policy_require_digit)}
            </CheckboxField>
            <CheckboxField name="require_symbol" checked=policy.require.symbol error>
                {t!(i18n, policy_require_symbol)}
            </CheckboxField>
            <button type="submit" class="button-primary">{t!(i18n, save_policy)}</button>
        </ActionForm>
    }
}

/// Who adds aliases, and whether forwarding may leave the organisation's domains.
#[component]
fn MailRulesSection() -> impl IntoView {
    let i18n = use_i18n();
    let save = ServerAction::<SetMailRules>::new();
    let error = use_form_error(save);
    let notice = use_notice();
    let current = Resource::new(move || notice.get(), |_| current_mail_rules());
    let managers = Signal::derive(move || {
        AliasManagers::ALL
            .into_iter()
            .map(|m| {
                let label = match m {
                    AliasManagers::AccountAdmin => t_string!(i18n, alias_managers_account_admin),
                    AliasManagers::UserAdmins => t_string!(i18n, alias_managers_user_admins),
                };
                (m.as_str().to_owned(), label.to_string())
            })
            .collect::<Vec<_>>()
    });
    view! {
        <section aria-labelledby="mail-rules-heading">
            <h2 id="mail-rules-heading">{t!(i18n, mail_rules_title)}</h2>
            <FormAlert error />
            <Transition fallback=move || view! { <p class="loading">{t!(i18n, loading)}</p> }>
                {move || Suspend::new(async move {
                    current.await.ok().map(|rules| view! {
                        <ActionForm action=save>
                            <SelectField name="alias_managers" options=managers selected=rules.alias_managers.as_str().to_owned() error>
                                {t!(i18n, alias_managers_label)}
                            </SelectField>
                            <CheckboxField
                                name="external_forwarding"
                                checked=rules.external_forwarding
                                hint=Signal::derive(move || t_string!(i18n, external_forwarding_hint).to_string())
                                error
                            >
                                {t!(i18n, external_forwarding_label)}
                            </CheckboxField>
                            <button type="submit" class="button-primary">{t!(i18n, save_mail_rules)}</button>
                        </ActionForm>
                    })
                })}
            </Transition>
        </section>
    }
}
