//! Who may moderate what: an admin every site, a moderator the sites assigned to them; and how
//! an account appears in the audit log (the same wherever it acts: the admin pages or the
//! widget).

use crate::store::admins::AdminRow;

/// What an account may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Every site.
    Admin,
    /// The sites assigned.
    Moderator,
}

impl Role {
    /// Parses `admin` or `moderator`.
    pub fn parse(word: &str) -> Option<Self> {
        match word {
            "admin" => Some(Self::Admin),
            "moderator" => Some(Self::Moderator),
            _ => None,
        }
    }

    /// The stored word.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::Moderator => "moderator",
        }
    }
}

/// Whether this account may act on this site.
pub fn may_moderate(account: &AdminRow, site: &str) -> bool {
    Role::parse(&account.role) == Some(Role::Admin) || account.sites.split(',').any(|s| s == site)
}

/// How an admin-page account appears in the audit log: `admin:NAME`.
pub fn actor(account: &AdminRow) -> String {
    format!("admin:{}", account.name)
}
