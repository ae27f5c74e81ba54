//! A comment as a card on the admin pages.

use crate::store::moderation::QueueRow;
use crate::time::rfc3339;

/// What a card shows. Every field but `html` is escaped by the template; `html` was cleaned by
/// `render.rs` when the comment was stored.
pub struct Card {
    /// The comment.
    pub row: QueueRow,
    /// When it was written (RFC 3339 UTC).
    pub when: String,
    /// How the author signed in, or their guest email.
    pub identity: String,
}

impl From<QueueRow> for Card {
    fn from(row: QueueRow) -> Self {
        let identity = match (&row.author_provider, &row.author_email) {
            (Some(provider), _) => format!("signed in with {provider}"),
            (None, Some(email)) => format!("guest · {email}"),
            (None, None) => "guest".to_string(),
        };
        Self {
            when: rfc3339(row.created_at),
            identity,
            row,
        }
    }
}
