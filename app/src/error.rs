//! The only error the browser ever sees. Messages are codes, so each page words them in the
//! reader's language; causes of internal errors stay in the server log.
use serde::{Deserialize, Serialize};
use server_fn::codec::JsonEncoding;
use server_fn::error::{FromServerFnError, ServerFnErrorErr};

/// Why a field (or, with the field `form`, the whole form) was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "code", content = "n", rename_all = "snake_case")]
pub enum ErrorCode {
    Required,
    EmailInvalid,
    DomainInvalid,
    DomainUnknown,
    LocalPartInvalid,
    NameTooLong,
    QuotaInvalid,
    PasswordTooShort(u32),
    PasswordTooLong(u32),
    PasswordMismatch,
    PasswordPersonal,
    /// One of the passwords attackers try first.
    PasswordCommon,
    PasswordTooWeak,
    PasswordNeedsUpper,
    PasswordNeedsLower,
    PasswordNeedsDigit,
    PasswordNeedsSymbol,
    AddressTaken,
    DomainTaken,
    SetupTokenInvalid,
    SetupDone,
    SignInFailed,
    NumberInvalid,
    /// All this many licences are in use.
    LicencesExhausted(i64),
    /// Only this many MB are left in the storage pool.
    QuotaOverPool(i64),
    /// This many mailboxes still use the domain.
    DomainInUse(i64),
    /// This many mailboxes exist, more than the licences asked for.
    LicencesBelowUse(i64),
    /// Mailboxes already hold this many MB of quota, more than the pool asked for.
    PoolBelowAllocated(i64),
    /// The mailbox already holds this many MB, more than the quota asked for.
    QuotaBelowUsed(i64),
    /// The typed confirmation is not the mailbox's address.
    ConfirmMismatch,
    /// Administrators can't disable or delete their own account.
    SelfAction,
    /// The account admin grants roles to others, never to themselves.
    OwnRole,
    /// A shared mailbox can't sign in, so it takes no role.
    SharedHasNoRole,
    /// A domain admin needs at least one domain.
    NoDomainChosen,
    /// A sign-out of chosen devices without any device ticked.
    NoDeviceChosen,
    /// Administrators change their own password on My account, not by a reset.
    ResetOwnPassword,
    /// The current password typed to confirm a change is not the account's.
    CurrentPasswordWrong,
    /// The new password is the one it replaces.
    PasswordUnchanged,
    /// Credentials by email need the user's recovery address, and there is none.
    NoRecoveryAddress,
    /// A temporary password is emailed only if the user must change it at the next sign-in.
    EmailedPasswordNeedsChange,
    /// The recovery address is the mailbox itself, which a locked-out user can't read.
    RecoveryIsMailbox,
    /// The set-password link is unknown, used or expired.
    LinkInvalid,
    /// The right temporary password, but unused for too long after the reset.
    TemporaryPasswordExpired,
    /// A bulk action without any account chosen.
    NothingSelected,
    /// More accounts chosen than one bulk action takes (the limit).
    TooManySelected(i64),
    /// A box that must be ticked to confirm was not.
    ConfirmRequired,
    /// Not one of the values offered.
    ChoiceInvalid,
    /// Not a calendar date as `YYYY-MM-DD`.
    DateInvalid,
    /// An earlier line of the same file has this address.
    DuplicateInFile,
    /// The file is not CSV, or its first line doesn't name the columns.
    CsvInvalid,
    /// The file has no line after its header.
    CsvEmpty,
    /// More lines than one import takes (the limit).
    CsvTooManyRows(i64),
    /// The address on this line of an import was taken after its preview.
    AddressTakenOnLine(i64),
    /// The import's passwords are still being hashed, or their check stopped.
    ImportNotChecked,
    /// The address is an alias of the mailbox the error's detail names.
    AddressIsAlias,
    /// The address is the distribution list the error's detail names.
    AddressIsList,
    /// No mailbox of the organisation has this address.
    MailboxUnknown,
    /// The mailbox is on the list already.
    AlreadyMember,
    /// The authentication code (or recovery code) typed at sign-in or set-up is not right.
    CodeWrong,
    /// The second step of sign-in came more than five minutes after the password.
    SignInExpired,
    /// Wrong codes locked the account (said only to whoever typed its password).
    SignInLocked,
    /// The organisation requires two-factor authentication of this user: it stays on.
    TwoFactorRequired,
    /// A set-up is on already; it is turned off or reset before a new one.
    TwoFactorAlreadyOn,
    /// Administrators' two-factor authentication is their own to change, on My account.
    ResetAdminTwoFactor,
    /// A one-time password works from 1 to 60 minutes.
    MinutesOutOfRange,
    /// Forwarding to the mailbox itself; "keep a copy" does that.
    ForwardToSelf,
    /// More forwarding addresses than a mailbox takes (the limit).
    TooManyForwards(i64),
    /// The organisation keeps forwarding within its domains; the detail names the address.
    ForwardOutside,
    /// A shared mailbox can't be a member of one (its own conversion included): members are
    /// people's mailboxes.
    MemberIsShared,
    /// A control character (NUL, a bell...) where only text belongs.
    ControlCharacter,
    /// Bytes that are not UTF-8: no text at all.
    NotText,
    /// Longer than this many characters.
    TextTooLong(i64),
    /// The last day comes before the first.
    EndBeforeStart,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    #[serde(flatten)]
    pub code: ErrorCode,
    /// A name the message quotes, such as the mailbox an alias belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// Every refusal of a form, keyed by the name of the input it concerns.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldErrors(pub Vec<FieldError>);

impl FieldErrors {
    pub fn add(&mut self, field: &str, code: ErrorCode) {
        self.0.push(FieldError {
            field: field.to_owned(),
            code,
            detail: None,
        });
    }

    /// A refusal whose message names something, such as who holds an address.
    pub fn one_with(field: &str, code: ErrorCode, detail: String) -> Self {
        Self(vec![FieldError {
            field: field.to_owned(),
            code,
            detail: Some(detail),
        }])
    }

    pub fn find(&self, field: &str) -> Option<&FieldError> {
        self.0.iter().find(|e| e.field == field)
    }

    pub fn one(field: &str, code: ErrorCode) -> Self {
        let mut errors = Self::default();
        errors.add(field, code);
        errors
    }

    /// Keeps a parsed value, or records its refusal under `field`.
    pub fn check<T>(&mut self, field: &str, parsed: Result<T, ErrorCode>) -> Option<T> {
        parsed.map_err(|code| self.add(field, code)).ok()
    }

    pub fn get(&self, field: &str) -> Option<ErrorCode> {
        self.0.iter().find(|e| e.field == field).map(|e| e.code)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Ok(value)` when nothing was refused, so parsers can collect every error before failing.
    pub fn into_result<T>(self, value: T) -> Result<T, AppError> {
        if self.is_empty() {
            Ok(value)
        } else {
            Err(AppError::Invalid(self))
        }
    }
}

/// Why a request was refused before its server function ran.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestProblem {
    /// Missing or wrongly typed arguments: not what the function's form sends.
    Undecodable,
    /// Over the body limit of its kind (a form, a CSV file).
    TooLarge,
    /// A body of another kind than a form's.
    UnsupportedType,
    /// A method the function does not answer (a GET to a POST).
    WrongMethod,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("sign-in required")]
    Unauthenticated,
    #[error("not allowed")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error("invalid input")]
    Invalid(FieldErrors),
    #[error("conflict")]
    Conflict(FieldErrors),
    #[error("too many requests")]
    RateLimited,
    /// An administrator reset the password with "ask for a new one": nothing but the change
    /// (and signing out) works until the user has chosen their own.
    #[error("password change required")]
    PasswordChangeRequired,
    /// The organisation requires two-factor authentication and the caller has none: nothing but
    /// its set-up (and signing out) works until it is on.
    #[error("two-factor set-up required")]
    TwoFactorSetupRequired,
    /// A sensitive action, and this session last proved its password too long ago: the caller
    /// confirms it (`account/confirm_password`) and tries again.
    #[error("password confirmation required")]
    ReauthRequired,
    /// An administrator signed in as the user: the user's password, two-factor set-up and
    /// recovery codes, and new app passwords, stay the user's own.
    #[error("not while signed in as the user")]
    NotWhileActing,
    #[error("internal error")]
    Internal,
    /// The database can't be reached for now: nothing was changed, and the same request may
    /// work in a moment.
    #[error("service unavailable")]
    Unavailable,
    /// What the client sent is not something any server function takes.
    #[error("bad request: {0:?}")]
    BadRequest(RequestProblem),
    /// The request never reached the function, or its answer could not be read.
    #[error("request failed: {0}")]
    Request(String),
}

impl AppError {
    /// The whole refusal of `field`, with what its message names.
    pub fn field_error(&self, field: &str) -> Option<&FieldError> {
        match self {
            AppError::Invalid(errors) | AppError::Conflict(errors) => errors.find(field),
            _ => None,
        }
    }

    pub fn field(&self, field: &str) -> Option<ErrorCode> {
        match self {
            AppError::Invalid(errors) | AppError::Conflict(errors) => errors.get(field),
            _ => None,
        }
    }

    pub fn http_status(&self) -> u16 {
        match self {
            AppError::Unauthenticated => 401,
            AppError::Forbidden
            | AppError::PasswordChangeRequired
            | AppError::TwoFactorSetupRequired
            | AppError::ReauthRequired
            | AppError::NotWhileActing => 403,
            AppError::NotFound => 404,
            AppError::Invalid(_) | AppError::Request(_) => 400,
            AppError::Conflict(_) => 409,
            AppError::BadRequest(problem) => match problem {
                RequestProblem::Undecodable => 400,
                RequestProblem::WrongMethod => 405,
                RequestProblem::TooLarge => 413,
                RequestProblem::UnsupportedType => 415,
            },
            AppError::RateLimited => 429,
            AppError::Internal => 500,
            AppError::Unavailable => 503,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    /// On the server, arguments that don't decode are the client's fault (400), never the
    /// server's; on the client, a request that failed on its way stays `Request`.
    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::MissingArg(_) => {
                AppError::BadRequest(RequestProblem::Undecodable)
            }
            #[cfg(feature = "ssr")]
            ServerFnErrorErr::Deserialization(_) => {
                AppError::BadRequest(RequestProblem::Undecodable)
            }
            ServerFnErrorErr::UnsupportedRequestMethod(_) => {
                AppError::BadRequest(RequestProblem::WrongMethod)
            }
            other => AppError::Request(other.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_errors_round_trip_as_json() {
        let err = AppError::Invalid(FieldErrors::one(
            "password",
            ErrorCode::PasswordTooShort(12),
        ));
        let json = serde_json_like(&err);
        assert_eq!(err.field("password"), Some(ErrorCode::PasswordTooShort(12)));
        assert!(json.contains("password_too_short"));
    }

    fn serde_json_like(err: &AppError) -> String {
        String::from_utf8(err.ser().to_vec()).unwrap()
    }

    #[test]
    fn statuses_match_the_variant() {
        assert_eq!(AppError::Unauthenticated.http_status(), 401);
        assert_eq!(
            AppError::Conflict(FieldErrors::default()).http_status(),
            409
        );
    }
}
