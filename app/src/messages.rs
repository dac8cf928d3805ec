//! The mails a password reset or a recovery sends, in plain text and in the user's own
//! language.
use crate::i18n::Locale;
use crate::model::{CredentialsByEmail, Language, MailKind, UserDetail};
use leptos_i18n::td_string;

/// A message ready to queue; its body may hold a secret, so it is sealed before it is stored.
pub struct Message {
    pub kind: MailKind,
    pub recipient: String,
    pub subject: String,
    pub body: String,
}

impl Message {
    /// The message as the outbox keeps it, its body sealed with the server's key.
    pub fn seal(self, sealer: &crate::security::seal::Sealer) -> crate::store::NewMail {
        crate::store::NewMail {
            kind: self.kind,
            recipient: self.recipient,
            subject: self.subject,
            sealed_body: sealer.seal(self.body.as_bytes()),
        }
    }
}

fn locale(user: &UserDetail) -> Locale {
    match user.preferences.language {
        Language::En => Locale::en,
        Language::Fr => Locale::fr,
    }
}

/// The single-use link, to the recovery address.
pub fn set_password_link(user: &UserDetail, to: &str, url: &str, hours: i64) -> Message {
    let l = locale(user);
    let (name, email) = (user.name.as_str(), user.email.as_str());
    Message {
        kind: MailKind::SetPasswordLink,
        recipient: to.to_owned(),
        subject: td_string!(l, mail_link_subject, email).to_string(),
        body: td_string!(l, mail_link_body, name, email, url, hours).to_string(),
    }
}

/// The link the user asked for on "Forgot password", to the recovery address only.
pub fn recovery_link(user: &UserDetail, to: &str, url: &str, minutes: i64) -> Message {
    let l = locale(user);
    let (name, email) = (user.name.as_str(), user.email.as_str());
    Message {
        kind: MailKind::RecoveryLink,
        recipient: to.to_owned(),
        subject: td_string!(l, mail_recovery_subject, email).to_string(),
        body: td_string!(l, mail_recovery_body, name, email, url, minutes).to_string(),
    }
}

/// A recovery link set a new password: the mailbox hears of it, so a recovery nobody asked
/// for is seen.
pub fn password_set_notice(user: &UserDetail) -> Message {
    let l = locale(user);
    let (name, email) = (user.name.as_str(), user.email.as_str());
    Message {
        kind: MailKind::PasswordSetNotice,
        recipient: user.email.clone(),
        subject: td_string!(l, mail_password_set_subject, email).to_string(),
        body: td_string!(l, mail_password_set_body, name, email).to_string(),
    }
}

/// An administrator signed in as the user: the mailbox hears who, so it never happens unseen.
pub fn acted_for_notice(user: &UserDetail, admin: &str) -> Message {
    let l = locale(user);
    let (name, email) = (user.name.as_str(), user.email.as_str());
    Message {
        kind: MailKind::ActedForNotice,
        recipient: user.email.clone(),
        subject: td_string!(l, mail_acted_for_subject, email).to_string(),
        body: td_string!(l, mail_acted_for_body, name, email, admin).to_string(),
    }
}

/// The temporary password itself, to the recovery address; the user must change it.
pub fn temporary_password(user: &UserDetail, to: &str, password: &str, url: &str) -> Message {
    let l = locale(user);
    let (name, email) = (user.name.as_str(), user.email.as_str());
    Message {
        kind: MailKind::TemporaryPassword,
        recipient: to.to_owned(),
        subject: td_string!(l, mail_password_subject, email).to_string(),
        body: td_string!(l, mail_password_body, name, email, password, url).to_string(),
    }
}

/// Every reset tells the mailbox itself, without any secret: a reset nobody asked for is seen.
pub fn reset_notice(user: &UserDetail, sent: CredentialsByEmail) -> Message {
    let l = locale(user);
    let (name, email) = (user.name.as_str(), user.email.as_str());
    let delivery = match sent {
        CredentialsByEmail::Link => td_string!(l, mail_notice_by_link).to_string(),
        CredentialsByEmail::Password => td_string!(l, mail_notice_by_password).to_string(),
        CredentialsByEmail::Nothing => td_string!(l, mail_notice_by_admin).to_string(),
    };
    Message {
        kind: MailKind::ResetNotice,
        recipient: user.email.clone(),
        subject: td_string!(l, mail_notice_subject, email).to_string(),
        body: td_string!(l, mail_notice_body, name, email, delivery).to_string(),
    }
}

/// An administrator reset the user's two-factor authentication: to the mailbox and to the
/// recovery address, so a reset nobody asked for is seen wherever the user reads mail.
pub fn two_factor_reset_notice(user: &UserDetail, to: &str) -> Message {
    let l = locale(user);
    let (name, email) = (user.name.as_str(), user.email.as_str());
    Message {
        kind: MailKind::TwoFactorResetNotice,
        recipient: to.to_owned(),
        subject: td_string!(l, mail_two_factor_reset_subject, email).to_string(),
        body: td_string!(l, mail_two_factor_reset_body, name, email).to_string(),
    }
}
