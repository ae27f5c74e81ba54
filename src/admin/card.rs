//! A comment as a card on the admin pages.

use crate::moderation::reports::Reason;
use crate::sites::Sites;
use crate::store::edits::Revision;
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
    /// When it was last edited (RFC 3339 UTC).
    pub edited: Option<String>,
    /// How the author signed in, or their guest email.
    pub identity: String,
    /// Readers' open reports, e.g. "spam ×2, abuse" (empty when there are none).
    pub reports: String,
    /// The comment on its page (`…/post/#comment-42`): where readers see it.
    pub permalink: String,
    /// What it said before each edit, newest first.
    pub history: Vec<EarlierText>,
}

/// One earlier text of an edited comment.
pub struct EarlierText {
    /// When it was replaced (RFC 3339 UTC).
    pub until: String,
    /// Who replaced it (`author:NAME`, `admin:NAME`).
    pub by: String,
    /// The status it had then.
    pub status: String,
    /// The markdown it had (shown as text).
    pub body: String,
}

impl From<Revision> for EarlierText {
    fn from(revision: Revision) -> Self {
        Self {
            until: rfc3339(revision.replaced_at),
            by: revision.edited_by,
            status: revision.status,
            body: revision.body,
        }
    }
}

impl Card {
    /// Cards for `rows`, with their open reports and earlier texts read for the cards that have
    /// any.
    pub async fn all(db: &Db, sites: &Sites, rows: Vec<QueueRow>) -> sqlx::Result<Vec<Self>> {
        let edited: Vec<i64> = (rows.iter())
            .filter(|row| row.edited_at.is_some())
            .map(|row| row.id)
            .collect();
        let mut histories = store::edits::revisions_of(db, &edited).await?;
        let mut cards = Vec::with_capacity(rows.len());
        for row in rows {
            let mut card = Card::from(row);
            if let Ok(site) = sites.get(&card.row.site) {
                card.permalink = site.comment_url(&card.row.uri, card.row.id);
            }
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
            if let Some(history) = histories.remove(&card.row.id) {
                card.history = history.into_iter().map(EarlierText::from).collect();
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
            edited: row.edited_at.map(rfc3339),
            identity,
            reports: String::new(),
            permalink: String::new(),
            history: Vec::new(),
            row,
        }
    }
}
