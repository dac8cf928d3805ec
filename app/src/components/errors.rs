use super::size_text;
use crate::error::{AppError, ErrorCode, FieldError, RequestProblem};
use crate::i18n::*;
use leptos::prelude::*;
use leptos::server::ServerAction;
use leptos_i18n::I18nContext;
use server_fn::ServerFn;

/// The reader's wording of a refusal.
pub fn error_text(i18n: I18nContext<Locale>, code: ErrorCode) -> String {
    match code {
        ErrorCode::Required => t_string!(i18n, err_required).to_string(),
        ErrorCode::EmailInvalid => t_string!(i18n, err_email_invalid).to_string(),
        ErrorCode::DomainInvalid => t_string!(i18n, err_domain_invalid).to_string(),
        ErrorCode::DomainUnknown => t_string!(i18n, err_domain_unknown).to_string(),
        ErrorCode::LocalPartInvalid => t_string!(i18n, err_local_part_invalid).to_string(),
        ErrorCode::NameTooLong => t_string!(i18n, err_name_too_long).to_string(),
        ErrorCode::QuotaInvalid => t_string!(i18n, err_quota_invalid).to_string(),
        ErrorCode::PasswordTooShort(n) => t_string!(i18n, err_password_too_short, n).to_string(),
        ErrorCode::PasswordTooLong(n) => t_string!(i18n, err_password_too_long, n).to_string(),
        ErrorCode::PasswordMismatch => t_string!(i18n, err_password_mismatch).to_string(),
        ErrorCode::PasswordPersonal => t_string!(i18n, err_password_personal).to_string(),
        ErrorCode::PasswordCommon => t_string!(i18n, err_password_common).to_string(),
        ErrorCode::PasswordTooWeak => t_string!(i18n, err_password_too_weak).to_string(),
        ErrorCode::PasswordNeedsUpper => t_string!(i18n, err_password_needs_upper).to_string(),
        ErrorCode::PasswordNeedsLower => t_string!(i18n, err_password_needs_lower).to_string(),
        ErrorCode::PasswordNeedsDigit => t_string!(i18n, err_password_needs_digit).to_string(),
        ErrorCode::PasswordNeedsSymbol => t_string!(i18n, err_password_needs_symbol).to_string(),
        ErrorCode::AddressTaken => t_string!(i18n, err_address_taken).to_string(),
        ErrorCode::DomainTaken => t_string!(i18n, err_domain_taken).to_string(),
        ErrorCode::SetupTokenInvalid => t_string!(i18n, err_setup_token_invalid).to_string(),
        ErrorCode::SetupDone => t_string!(i18n, err_setup_done).to_string(),
        ErrorCode::SignInFailed => t_string!(i18n, err_sign_in_failed).to_string(),
        ErrorCode::ConfirmMismatch => t_string!(i18n, err_confirm_mismatch).to_string(),
        ErrorCode::SelfAction => t_string!(i18n, err_self_action).to_string(),
        ErrorCode::OwnRole => t_string!(i18n, err_own_role).to_string(),
        ErrorCode::SharedHasNoRole => t_string!(i18n, err_shared_has_no_role).to_string(),
        ErrorCode::NoDomainChosen => t_string!(i18n, err_no_domain_chosen).to_string(),
        ErrorCode::NoDeviceChosen => t_string!(i18n, err_no_device_chosen).to_string(),
        ErrorCode::ResetOwnPassword => t_string!(i18n, err_reset_own_password).to_string(),
        ErrorCode::CurrentPasswordWrong => t_string!(i18n, err_current_password_wrong).to_string(),
        ErrorCode::PasswordUnchanged => t_string!(i18n, err_password_unchanged).to_string(),
        ErrorCode::NoRecoveryAddress => t_string!(i18n, err_no_recovery_address).to_string(),
        ErrorCode::EmailedPasswordNeedsChange => {
            t_string!(i18n, err_emailed_password_needs_change).to_string()
        }
        ErrorCode::RecoveryIsMailbox => t_string!(i18n, err_recovery_is_mailbox).to_string(),
        ErrorCode::LinkInvalid => t_string!(i18n, err_link_invalid).to_string(),
        ErrorCode::TemporaryPasswordExpired => {
            t_string!(i18n, err_temporary_password_expired).to_string()
        }
        ErrorCode::NothingSelected => t_string!(i18n, err_nothing_selected).to_string(),
        ErrorCode::TooManySelected(n) => t_string!(i18n, err_too_many_selected, n).to_string(),
        ErrorCode::ConfirmRequired => t_string!(i18n, err_confirm_required).to_string(),
        ErrorCode::DateInvalid => t_string!(i18n, err_date_invalid).to_string(),
        ErrorCode::ChoiceInvalid => t_string!(i18n, err_choice_invalid).to_string(),
        ErrorCode::DuplicateInFile => t_string!(i18n, err_duplicate_in_file).to_string(),
        ErrorCode::CsvInvalid => t_string!(i18n, err_csv_invalid).to_string(),
        ErrorCode::CsvEmpty => t_string!(i18n, err_csv_empty).to_string(),
        ErrorCode::CsvTooManyRows(n) => t_string!(i18n, err_csv_too_many_rows, n).to_string(),
        ErrorCode::AddressTakenOnLine(n) => {
            t_string!(i18n, err_address_taken_on_line, n).to_string()
        }
        ErrorCode::ImportNotChecked => t_string!(i18n, err_import_not_checked).to_string(),
        ErrorCode::AddressIsAlias | ErrorCode::AddressIsList => {
            t_string!(i18n, err_address_taken).to_string()
        }
        ErrorCode::MailboxUnknown => t_string!(i18n, err_mailbox_unknown).to_string(),
        ErrorCode::AlreadyMember => t_string!(i18n, err_already_member).to_string(),
        ErrorCode::CodeWrong => t_string!(i18n, err_code_wrong).to_string(),
        ErrorCode::SignInExpired => t_string!(i18n, err_sign_in_expired).to_string(),
        ErrorCode::SignInLocked => t_string!(i18n, err_sign_in_locked).to_string(),
        ErrorCode::TwoFactorRequired => t_string!(i18n, err_two_factor_required).to_string(),
        ErrorCode::TwoFactorAlreadyOn => t_string!(i18n, err_two_factor_already_on).to_string(),
        ErrorCode::ResetAdminTwoFactor => t_string!(i18n, err_reset_admin_two_factor).to_string(),
        ErrorCode::NumberInvalid => t_string!(i18n, err_number_invalid).to_string(),
        ErrorCode::MinutesOutOfRange => t_string!(i18n, err_minutes_out_of_range).to_string(),
        ErrorCode::ForwardToSelf => t_string!(i18n, err_forward_to_self).to_string(),
        ErrorCode::TooManyForwards(n) => t_string!(i18n, err_too_many_forwards, n).to_string(),
        ErrorCode::ForwardOutside => t_string!(i18n, err_forward_outside_short).to_string(),
        ErrorCode::MemberIsShared => t_string!(i18n, err_member_is_shared).to_string(),
        ErrorCode::ControlCharacter => t_string!(i18n, err_control_character).to_string(),
        ErrorCode::NotText => t_string!(i18n, err_not_text).to_string(),
        ErrorCode::TextTooLong(n) => t_string!(i18n, err_text_too_long, n).to_string(),
        ErrorCode::EndBeforeStart => t_string!(i18n, err_end_before_start).to_string(),
        ErrorCode::LicencesExhausted(n) => t_string!(i18n, err_licences_exhausted, n).to_string(),
        ErrorCode::QuotaOverPool(mb) => t_string!(
            i18n,
            err_quota_over_pool,
            left = size_text(i18n.get_locale(), mb)
        )
        .to_string(),
        ErrorCode::DomainInUse(n) => t_string!(i18n, err_domain_in_use, n).to_string(),
        ErrorCode::LicencesBelowUse(n) => t_string!(i18n, err_licences_below_use, n).to_string(),
        ErrorCode::PoolBelowAllocated(mb) => t_string!(
            i18n,
            err_pool_below_allocated,
            size = size_text(i18n.get_locale(), mb)
        )
        .to_string(),
        ErrorCode::QuotaBelowUsed(mb) => t_string!(
            i18n,
            err_quota_below_used,
            size = size_text(i18n.get_locale(), mb)
        )
        .to_string(),
    }
}

/// The reader's wording of a refusal that names something (who holds an address).
pub fn field_error_text(i18n: I18nContext<Locale>, error: &FieldError) -> String {
    let detail = error.detail.clone().unwrap_or_default();
    match error.code {
        ErrorCode::AddressIsAlias => {
            t_string!(i18n, err_address_is_alias, holder = detail).to_string()
        }
        ErrorCode::AddressIsList => {
            t_string!(i18n, err_address_is_list, holder = detail).to_string()
        }
        ErrorCode::ForwardOutside => {
            t_string!(i18n, err_forward_outside, address = detail).to_string()
        }
        ErrorCode::MailboxUnknown | ErrorCode::MemberIsShared if !detail.is_empty() => {
            format!("{detail}: {}", error_text(i18n, error.code))
        }
        code => error_text(i18n, code),
    }
}

/// A one-line summary for errors that concern no single field.
fn summary_text(i18n: I18nContext<Locale>, error: &AppError) -> Option<String> {
    Some(match error {
        AppError::Invalid(_) | AppError::Conflict(_) => match error.field_error("form") {
            Some(e) => field_error_text(i18n, e),
            None => t_string!(i18n, err_form).to_string(),
        },
        AppError::Unauthenticated => t_string!(i18n, err_unauthenticated).to_string(),
        AppError::Forbidden => t_string!(i18n, err_forbidden).to_string(),
        AppError::NotFound => t_string!(i18n, err_not_found).to_string(),
        AppError::RateLimited => t_string!(i18n, err_rate_limited).to_string(),
        AppError::PasswordChangeRequired => t_string!(i18n, must_change_notice).to_string(),
        AppError::TwoFactorSetupRequired => t_string!(i18n, two_factor_required_notice).to_string(),
        AppError::ReauthRequired => t_string!(i18n, err_reauth_required).to_string(),
        AppError::NotWhileActing => t_string!(i18n, err_not_while_acting).to_string(),
        AppError::Internal => t_string!(i18n, err_internal).to_string(),
        AppError::Unavailable => t_string!(i18n, err_unavailable).to_string(),
        AppError::BadRequest(problem) => match problem {
            RequestProblem::Undecodable => t_string!(i18n, err_undecodable).to_string(),
            RequestProblem::TooLarge => t_string!(i18n, err_too_large).to_string(),
            RequestProblem::UnsupportedType | RequestProblem::WrongMethod => {
                t_string!(i18n, err_unsupported_type).to_string()
            }
        },
        AppError::Request(_) => t_string!(i18n, err_request).to_string(),
    })
}

/// The error of a form's last submission. Without WASM the server redirects a failed form post
/// back with the error in the URL, and the router seeds the action with it, so both paths meet here.
pub fn use_form_error<S>(action: ServerAction<S>) -> Signal<Option<AppError>>
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    let value = action.value();
    Signal::derive(move || value.get().and_then(Result::err))
}

/// The summary line above a form, announced to screen readers when it appears.
#[component]
pub fn FormAlert(error: Signal<Option<AppError>>) -> impl IntoView {
    let i18n = use_i18n();
    let location = leptos_router::hooks::use_location();
    move || {
        let error = error.get()?;
        let text = summary_text(i18n, &error)?;
        // A sensitive action asked for the password again: the way there, and back to this page.
        let confirm = matches!(error, AppError::ReauthRequired).then(|| {
            let here = format!("{}{}", location.pathname.get(), location.search.get());
            let href = format!(
                "/account/confirm?{}",
                super::query_string([("next", here.as_str())])
            );
            view! { " " <a href=href>{t!(i18n, confirm_password_link)}</a> }
        });
        Some(view! { <p class="alert alert-error" role="alert">{text}{confirm}</p> })
    }
}
