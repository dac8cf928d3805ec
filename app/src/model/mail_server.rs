/// A command for the mail server about one address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailServerAction {
    /// Close every open connection of the user (and forget their cached logins).
    EndConnections,
    /// Forget cached logins only: the next login reads the database again.
    ForgetLogins,
}

impl MailServerAction {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::EndConnections => "end_connections",
            Self::ForgetLogins => "forget_logins",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "end_connections" => Some(Self::EndConnections),
            "forget_logins" => Some(Self::ForgetLogins),
            _ => None,
        }
    }
}
