//! The outcome of the last change, said on the page the form's redirect lands on.
use crate::i18n::*;
use crate::model::{BulkAction, Notice};
use leptos::prelude::*;
use leptos_i18n::I18nContext;
use leptos_router::hooks::use_query_map;

/// The notice the page's query carries, if any.
pub fn use_notice() -> Memo<Option<Notice>> {
    let query = use_query_map();
    Memo::new(move |_| {
        let query = query.read();
        Notice::from_query(|key| query.get(key))
    })
}

/// Says the notice of the page's query, as a status message.
#[component]
pub fn NoticeAlert() -> impl IntoView {
    let i18n = use_i18n();
    let notice = use_notice();
    move || {
        notice.get().map(|notice| {
            view! { <p class="alert alert-success" role="status">{notice_text(i18n, notice)}</p> }
        })
    }
}

fn notice_text(i18n: I18nContext<Locale>, notice: Notice) -> String {
    match notice {
        Notice::SetupDone => t_string!(i18n, setup_done).to_string(),
        Notice::PasswordSetByLink => t_string!(i18n, password_set_by_link).to_string(),
        Notice::UserCreated => t_string!(i18n, user_created).to_string(),
        Notice::UserDeleted => t_string!(i18n, user_deleted).to_string(),
        Notice::UsersImported(n) => t_string!(i18n, users_imported, n).to_string(),
        Notice::Bulk(BulkAction::Disable, n) => t_string!(i18n, bulk_done_disable, n).to_string(),
        Notice::Bulk(BulkAction::Enable, n) => t_string!(i18n, bulk_done_enable, n).to_string(),
        Notice::Bulk(BulkAction::Delete, n) => t_string!(i18n, bulk_done_delete, n).to_string(),
        Notice::ChangesSaved => t_string!(i18n, changes_saved).to_string(),
        Notice::ConvertedToShared => t_string!(i18n, converted_to_shared).to_string(),
        Notice::RoleChanged => t_string!(i18n, role_changed).to_string(),
        Notice::AliasAdded => t_string!(i18n, alias_added).to_string(),
        Notice::AliasRemoved => t_string!(i18n, alias_removed).to_string(),
        Notice::PasswordReset {
            devices_ended: n,
            must_change,
            emailed,
        } => {
            let mut text = t_string!(i18n, password_was_reset, n).to_string();
            if must_change {
                text.push(' ');
                text.push_str(t_string!(i18n, password_change_pending));
            }
            if emailed {
                text.push(' ');
                text.push_str(t_string!(i18n, reset_emailed));
            }
            text
        }
        Notice::AccountUnlocked => t_string!(i18n, account_unlocked).to_string(),
        Notice::DevicesSignedOut(n) => t_string!(i18n, user_devices_signed_out, n).to_string(),
        Notice::OwnPasswordChanged(n) => t_string!(i18n, own_password_changed, n).to_string(),
        Notice::OwnDevicesSignedOut(n) => t_string!(i18n, own_devices_signed_out, n).to_string(),
        Notice::ListDeleted => t_string!(i18n, list_deleted).to_string(),
        Notice::LimitsSaved => t_string!(i18n, saved).to_string(),
        Notice::PolicySaved => t_string!(i18n, policy_saved).to_string(),
        Notice::TwoFactorOn => t_string!(i18n, two_factor_turned_on).to_string(),
        Notice::TwoFactorOff => t_string!(i18n, two_factor_turned_off).to_string(),
        Notice::RecoveryCodesReplaced => t_string!(i18n, recovery_codes_replaced).to_string(),
        Notice::RecoveryCodeUsed(n) => t_string!(i18n, recovery_code_used, n).to_string(),
        Notice::TwoFactorReset(n) => t_string!(i18n, two_factor_was_reset, n).to_string(),
        Notice::TwoFactorRuleSaved => t_string!(i18n, two_factor_rule_saved).to_string(),
        Notice::AppPasswordCreated => t_string!(i18n, app_password_created).to_string(),
        Notice::AppPasswordRevoked => t_string!(i18n, app_password_revoked).to_string(),
        Notice::OneTimePasswordCreated => t_string!(i18n, one_time_password_created).to_string(),
        Notice::OneTimePasswordEnded => t_string!(i18n, one_time_password_ended).to_string(),
        Notice::AccountHelpSaved => t_string!(i18n, account_help_saved).to_string(),
        Notice::MailRulesSaved => t_string!(i18n, mail_rules_saved).to_string(),
        Notice::ForwardingSaved => t_string!(i18n, forwarding_saved).to_string(),
        Notice::AutoReplySaved => t_string!(i18n, auto_reply_saved).to_string(),
        Notice::SharedCreated => t_string!(i18n, shared_created).to_string(),
        Notice::MemberAdded => t_string!(i18n, member_added).to_string(),
        Notice::MemberRemoved => t_string!(i18n, member_removed).to_string(),
        Notice::RecoveryRequested => t_string!(i18n, recovery_requested).to_string(),
    }
}
