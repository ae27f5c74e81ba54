//! A reader's own data (the domain is [`crate::reader_data`]): everything stored about one
//! identity, read in one snapshot, and erased in one transaction.
//!
//! Every query names the identity by the same two parameters, `$1` the account (NULL for a
//! guest) and `$2` the guest's browser credential (NULL for an account, whose credentials are
//! all found by `$1`). A comparison with NULL is never true, so one text serves both: comments
//! `c.user_id = $1 OR c.reader_id = $2`, credentials `user_id = $1 OR id = $2`, likes by voter
//! `'u:' || $1` or `'r:' || $2`.

mod erase;
mod read;

pub use erase::{CommentsFate, Erased, Erasure, SiteCounts, erase};
pub use read::{
    AccountData, ActData, BrowserData, CommentData, Holdings, IdentityData, RevisionData,
    SubscriptionData, holdings,
};

/// Whose data: a signed-in account across all its browsers, or one guest browser.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    /// A guest: one browser credential.
    Guest {
        /// The credential.
        reader_id: i64,
    },
    /// A signed-in account: every credential of the user.
    Account {
        /// The user.
        user_id: i64,
    },
}

impl Owner {
    /// `$1`: the account, or NULL.
    fn user(self) -> Option<i64> {
        match self {
            Self::Account { user_id } => Some(user_id),
            Self::Guest { .. } => None,
        }
    }

    /// `$2`: the guest's credential, or NULL.
    fn reader(self) -> Option<i64> {
        match self {
            Self::Guest { reader_id } => Some(reader_id),
            Self::Account { .. } => None,
        }
    }
}

/// The identity's credentials (`$1`, `$2`).
const CREDENTIALS: &str = "SELECT id FROM credentials WHERE user_id = $1 OR id = $2";
/// The identity's comments, as a condition on `c` (`$1`, `$2`).
const THEIR_COMMENTS: &str = "(c.user_id = $1 OR c.reader_id = $2)";
/// The identity's likes, as a condition on `l` (`$1`, `$2`).
const THEIR_LIKES: &str = "(l.user_id = $1 OR l.voter = 'u:' || $1 OR l.voter = 'r:' || $2)";

/// Addresses the identity proved: by a verification link one of its credentials asked for, or,
/// signed in, an identity's address its provider verified (`$1`, `$2`). Typed ones never count.
fn proven_emails() -> String {
    format!(
        "SELECT e.email FROM reader_emails e WHERE e.reader_id IN ({CREDENTIALS}) \
         UNION SELECT LOWER(i.email) FROM identities i WHERE i.user_id = $1 AND i.email_verified AND i.email IS NOT NULL"
    )
}

/// Subscriptions to their comments' replies, or to an address they proved, as a condition on `s`.
fn their_subscriptions() -> String {
    format!(
        "(s.comment_id IN (SELECT c.id FROM comments c WHERE {THEIR_COMMENTS}) OR s.email IN ({}))",
        proven_emails()
    )
}
