//! Who may moderate what: an admin every site, a moderator the sites assigned to them.

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
