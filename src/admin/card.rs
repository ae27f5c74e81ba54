//! A comment as a card on the admin pages.

use crate::moderation::reports::Reason;
use crate::store::moderation::QueueRow;
use crate::store::{self, Db};
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
    /// Readers' open reports, e.g. "spam ×2, abuse" (empty when there are none).
    pub reports: String,
}

impl Card {
    /// Cards for `rows`, with their open reports read for the cards that have any.
    pub async fn all(db: &Db, rows: Vec<QueueRow>) -> sqlx::Result<Vec<Self>> {
        let mut cards = Vec::with_capacity(rows.len());
        for row in rows {
            let mut card = Card::from(row);
            if card.row.open_flags > 0 {
                card.reports = store::flags::open_by_reason(db, card.row.id)
                    .await?
                    .into_iter()
                    .map(|(reason, n)| match n {
                        1 => Reason::label(&reason).to_string(),
                        n => format!("{} ×{n}", Reason::label(&reason)),
                    })
                    .collect::<Vec<_>>()
                    .join(", ");
            }
            cards.push(card);
        }
        Ok(cards)
    }
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
            reports: String::new(),
            row,
        }
    }
}
