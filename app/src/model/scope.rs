use super::{Domain, Role, UserDetail, Viewer};
use serde::{Deserialize, Serialize};

/// The mailboxes an administrator with the User Management permission looks after: the whole
/// organisation, or only the listed domains (a domain admin). Meaningless for a mailbox user.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum AdminScope {
    #[default]
    Organisation,
    /// May be empty when the domains were removed since: then the admin manages nothing.
    Domains(Vec<Domain>),
}

impl AdminScope {
    pub fn covers_domain(&self, domain_id: i64) -> bool {
        match self {
            AdminScope::Organisation => true,
            AdminScope::Domains(domains) => domains.iter().any(|d| d.id == domain_id),
        }
    }

    /// Whether `address` lies in one of the scope's domains (compared without case).
    pub fn covers_address(&self, address: &str) -> bool {
        match self {
            AdminScope::Organisation => true,
            AdminScope::Domains(domains) => address.rsplit_once('@').is_some_and(|(_, domain)| {
                domains.iter().any(|d| d.name.eq_ignore_ascii_case(domain))
            }),
        }
    }

    /// The domain ids a query must stay within; `None` for the whole organisation.
    pub fn domain_ids(&self) -> Option<Vec<i64>> {
        match self {
            AdminScope::Organisation => None,
            AdminScope::Domains(domains) => Some(domains.iter().map(|d| d.id).collect()),
        }
    }
}

impl Viewer {
    /// Whether this person may see the user at all: an admin whose scope holds the address.
    pub fn may_see(&self, user: &UserDetail) -> bool {
        self.role.is_admin() && self.scope.covers_address(&user.email)
    }

    /// Whether this person may change, reset, sign out or delete the user. The account admin
    /// may act on anyone; a user admin on mailbox users of their scope and on themselves, never
    /// on another admin.
    pub fn may_manage(&self, user: &UserDetail) -> bool {
        self.may_see(user)
            && (self.role == Role::AccountAdmin || !user.role.is_admin() || user.id == self.user_id)
    }
}

/// What the account admin grants on a user's page: a role together with its scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Grant {
    /// Only their own mailbox.
    MailboxUser,
    /// User Management over the whole organisation.
    UserAdmin,
    /// User Management over chosen domains.
    DomainAdmin,
}

impl Grant {
    pub const ALL: [Grant; 3] = [Grant::MailboxUser, Grant::UserAdmin, Grant::DomainAdmin];

    pub fn as_str(self) -> &'static str {
        match self {
            Grant::MailboxUser => "user",
            Grant::UserAdmin => "user_admin",
            Grant::DomainAdmin => "domain_admin",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Grant::ALL.into_iter().find(|g| g.as_str() == value)
    }

    /// The grant a user holds now; `None` for the account admin, whose role is not granted.
    pub fn of(role: Role, scope: &AdminScope) -> Option<Self> {
        match (role, scope) {
            (Role::AccountAdmin, _) => None,
            (Role::User, _) => Some(Grant::MailboxUser),
            (Role::UserAdmin, AdminScope::Organisation) => Some(Grant::UserAdmin),
            (Role::UserAdmin, AdminScope::Domains(_)) => Some(Grant::DomainAdmin),
        }
    }

    pub fn role(self) -> Role {
        match self {
            Grant::MailboxUser => Role::User,
            Grant::UserAdmin | Grant::DomainAdmin => Role::UserAdmin,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn domains() -> AdminScope {
        AdminScope::Domains(vec![Domain {
            id: 7,
            name: "a.test".into(),
        }])
    }

    #[test]
    fn a_domain_scope_covers_its_domains_only() {
        let scope = domains();
        assert!(scope.covers_domain(7));
        assert!(!scope.covers_domain(8));
        assert!(scope.covers_address("ann@A.test"));
        assert!(!scope.covers_address("bob@b.test"));
        assert!(!scope.covers_address("bob@xa.test"));
        assert!(!scope.covers_address("no-at-sign"));
        assert_eq!(scope.domain_ids(), Some(vec![7]));
        assert!(AdminScope::Domains(vec![]).domain_ids() == Some(vec![]));
    }

    #[test]
    fn the_organisation_scope_covers_everything() {
        let scope = AdminScope::Organisation;
        assert!(scope.covers_domain(1) && scope.covers_address("x@y.test"));
        assert_eq!(scope.domain_ids(), None);
    }

    #[test]
    fn grants_round_trip_and_map_to_roles() {
        for grant in Grant::ALL {
            assert_eq!(Grant::parse(grant.as_str()), Some(grant));
        }
        assert_eq!(Grant::parse("account_admin"), None);
        assert_eq!(
            Grant::of(Role::UserAdmin, &domains()),
            Some(Grant::DomainAdmin)
        );
        assert_eq!(
            Grant::of(Role::AccountAdmin, &AdminScope::Organisation),
            None
        );
        assert_eq!(Grant::DomainAdmin.role(), Role::UserAdmin);
    }
}
