//! Events of the audit trail as a table: the overview's latest ones and the audit log's pages.
use super::utc_minutes;
use crate::i18n::*;
use crate::model::AuditLine;
use leptos::prelude::*;
use leptos_i18n::I18nContext;

/// The reader's wording of an audit action code.
pub fn action_text(i18n: I18nContext<Locale>, action: &str) -> String {
    match action {
        "sign_in" => t_string!(i18n, action_sign_in).to_string(),
        "sign_out" => t_string!(i18n, action_sign_out).to_string(),
        "setup" => t_string!(i18n, action_setup).to_string(),
        "password.reset" => t_string!(i18n, action_password_reset).to_string(),
        "password.change" => t_string!(i18n, action_password_change).to_string(),
        "password.confirm" => t_string!(i18n, action_password_confirm).to_string(),
        "password.set_by_link" => t_string!(i18n, action_password_set_by_link).to_string(),
        "password.recovery_request" => {
            t_string!(i18n, action_password_recovery_request).to_string()
        }
        "session.sign_out_devices" => t_string!(i18n, action_session_sign_out_devices).to_string(),
        "user.create" => t_string!(i18n, action_user_create).to_string(),
        "user.update" => t_string!(i18n, action_user_update).to_string(),
        "user.delete" => t_string!(i18n, action_user_delete).to_string(),
        "user.disable" => t_string!(i18n, action_user_disable).to_string(),
        "user.enable" => t_string!(i18n, action_user_enable).to_string(),
        "user.convert_shared" => t_string!(i18n, action_user_convert_shared).to_string(),
        "user.unlock" => t_string!(i18n, action_user_unlock).to_string(),
        "user.sign_out" => t_string!(i18n, action_user_sign_out).to_string(),
        "user.role" => t_string!(i18n, action_user_role).to_string(),
        "user.act_as" => t_string!(i18n, action_user_act_as).to_string(),
        "user.act_as_end" => t_string!(i18n, action_user_act_as_end).to_string(),
        "account.preferences" => t_string!(i18n, action_account_preferences).to_string(),
        "alias.add" => t_string!(i18n, action_alias_add).to_string(),
        "alias.remove" => t_string!(i18n, action_alias_remove).to_string(),
        "list.create" => t_string!(i18n, action_list_create).to_string(),
        "list.delete" => t_string!(i18n, action_list_delete).to_string(),
        "list.add_member" => t_string!(i18n, action_list_add_member).to_string(),
        "list.remove_member" => t_string!(i18n, action_list_remove_member).to_string(),
        "domain.add" => t_string!(i18n, action_domain_add).to_string(),
        "domain.remove" => t_string!(i18n, action_domain_remove).to_string(),
        "organisation.limits" => t_string!(i18n, action_organisation_limits).to_string(),
        "organisation.password_policy" => {
            t_string!(i18n, action_organisation_password_policy).to_string()
        }
        "audit.export" => t_string!(i18n, action_audit_export).to_string(),
        "two_factor.enable" => t_string!(i18n, action_two_factor_enable).to_string(),
        "two_factor.disable" => t_string!(i18n, action_two_factor_disable).to_string(),
        "two_factor.recovery_codes" => {
            t_string!(i18n, action_two_factor_recovery_codes).to_string()
        }
        "two_factor.reset" => t_string!(i18n, action_two_factor_reset).to_string(),
        "organisation.two_factor" => t_string!(i18n, action_organisation_two_factor).to_string(),
        "app_password.create" => t_string!(i18n, action_app_password_create).to_string(),
        "app_password.revoke" => t_string!(i18n, action_app_password_revoke).to_string(),
        "one_time_password.create" => t_string!(i18n, action_one_time_password_create).to_string(),
        "one_time_password.end" => t_string!(i18n, action_one_time_password_end).to_string(),
        "organisation.mail_rules" => t_string!(i18n, action_organisation_mail_rules).to_string(),
        "forwarding.set" => t_string!(i18n, action_forwarding_set).to_string(),
        "auto_reply.set" => t_string!(i18n, action_auto_reply_set).to_string(),
        "shared.create" => t_string!(i18n, action_shared_create).to_string(),
        "shared.add_member" => t_string!(i18n, action_shared_add_member).to_string(),
        "shared.remove_member" => t_string!(i18n, action_shared_remove_member).to_string(),
        "organisation.account_help" => {
            t_string!(i18n, action_organisation_account_help).to_string()
        }
        other => other.to_owned(),
    }
}

/// A recorded detail object as plain text: `{"reason":"locked"}` reads `reason: locked`.
fn detail_text(detail: &str) -> String {
    let inner = detail.trim().trim_start_matches('{').trim_end_matches('}');
    inner.replace('"', "").replace(',', ", ").replace(':', ": ")
}

/// The events, newest first. `detailed` adds the address they came from and their options.
#[component]
pub fn AuditTable(
    lines: Vec<AuditLine>,
    caption: Signal<String>,
    #[prop(optional)] detailed: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    if lines.is_empty() {
        return view! { <p class="empty">{t!(i18n, none_to_show)}</p> }.into_any();
    }
    let label = move |text: fn(I18nContext<Locale>) -> String| move || text(i18n);
    view! {
        <table class="data-table">
            <caption class="visually-hidden">{caption}</caption>
            <thead>
                <tr>
                    <th scope="col">{t!(i18n, col_when)}</th>
                    <th scope="col">{t!(i18n, col_who)}</th>
                    <th scope="col">{t!(i18n, col_action)}</th>
                    <th scope="col">{t!(i18n, col_target)}</th>
                    <th scope="col">{t!(i18n, col_result)}</th>
                    {detailed.then(|| view! {
                        <th scope="col">{t!(i18n, col_ip)}</th>
                        <th scope="col">{t!(i18n, col_detail)}</th>
                    })}
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
                                <td data-label=label(|i| t_string!(i, col_when).to_string())>{utc_minutes(l.at)}</td>
                                <td data-label=label(|i| t_string!(i, col_who).to_string())>{l.actor}</td>
                                <td data-label=label(|i| t_string!(i, col_action).to_string())>{move || action_text(i18n, &action)}</td>
                                <td data-label=label(|i| t_string!(i, col_target).to_string())>{l.target}</td>
                                <td data-label=label(|i| t_string!(i, col_result).to_string())>
                                    {move || if ok { t_string!(i18n, result_ok).to_string() } else { t_string!(i18n, result_refused).to_string() }}
                                </td>
                                {detailed.then(|| view! {
                                    <td data-label=label(|i| t_string!(i, col_ip).to_string())>{l.ip.clone()}</td>
                                    <td data-label=label(|i| t_string!(i, col_detail).to_string())>{detail_text(&l.detail)}</td>
                                })}
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn details_read_as_plain_text() {
        assert_eq!(
            detail_text(r#"{"reason":"wrong_password","locked_until":1800000060}"#),
            "reason: wrong_password, locked_until: 1800000060"
        );
        assert_eq!(detail_text("{}"), "");
    }
}
