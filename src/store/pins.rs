//! Pinned comments (`comments.pinned_at`): a moderator pins a published comment so that its
//! thread shows it first. Pinning and unpinning write the audit entry in the same transaction.

use super::moderation::NewAuditEntry;
use super::{Db, read_db, write_tx};

/// What became of a request to pin or unpin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pinning {
    /// No such comment.
    NotFound,
    /// Only published comments are pinned or unpinned; nothing was written.
    NotApproved,
    /// It was already so; nothing was written (no audit entry for a change that did not happen).
    Unchanged,
    /// Pinned or unpinned, and logged.
    Changed,
}

/// Pins comment `id` (`pinned`) or unpins it, on behalf of `actor` (audit actions `pin` and
/// `unpin`), if it is published.
pub async fn set(db: &Db, id: i64, pinned: bool, actor: &str, now: i64) -> sqlx::Result<Pinning> {
    Ok(write_tx!(db, tx => {
        let found: Option<(String, Option<i64>, String)> = sqlx::query_as(
            "SELECT c.status, c.pinned_at, t.site FROM comments c JOIN threads t ON t.id = c.thread_id WHERE c.id = $1",
        )
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
        match found {
            None => Pinning::NotFound,
            Some((status, _, _)) if status != "approved" => Pinning::NotApproved,
            Some((_, pinned_at, _)) if pinned_at.is_some() == pinned => Pinning::Unchanged,
            Some((_, _, site)) => {
                sqlx::query("UPDATE comments SET pinned_at = $1 WHERE id = $2")
                    .bind(pinned.then_some(now))
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                let event = NewAuditEntry {
                    site: &site,
                    comment_id: Some(id),
                    actor,
                    action: if pinned { "pin" } else { "unpin" },
                    before: None,
                    after: None,
                    detail: None,
                };
                super::moderation::bind_event!(event, now)
                    .execute(&mut *tx)
                    .await?;
                Pinning::Changed
            }
        }
    }))
}

/// A comment's status and whether it is pinned, by id.
pub async fn standing(db: &Db, id: i64) -> sqlx::Result<Option<(String, bool)>> {
    let row: Option<(String, Option<i64>)> = read_db!(db, pool => {
        sqlx::query_as("SELECT status, pinned_at FROM comments WHERE id = $1")
            .bind(id)
            .fetch_optional(pool)
            .await
    })?;
    Ok(row.map(|(status, pinned_at)| (status, pinned_at.is_some())))
}
