//! Readers' reports of published comments ("flags"): one per credential per comment, a hold
//! when enough distinct readers reported it, and a moderator's dismissal.

use super::credentials::{Holder, holder_reader_id};
use super::{Db, read_db, write_tx};

/// A report to record.
#[derive(Debug, Clone)]
pub struct NewFlag<'a> {
    /// The comment reported.
    pub comment_id: i64,
    /// Who reports.
    pub reporter: Holder,
    /// `spam`, `abuse`, `off_topic` or `other`.
    pub reason: &'a str,
    /// The keyed digest of the reporter's network.
    pub ip_hash: &'a str,
    /// Open reports from this many distinct networks send the comment back to Pending (0: never).
    pub hold_at: u32,
    /// Record a `comment_flagged` event (mail or webhooks are configured).
    pub record_event: bool,
    /// Now (epoch ms).
    pub now: i64,
}

/// What came of a report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reported {
    /// This reader had reported the comment before; nothing changed.
    Again,
    /// Recorded.
    Recorded {
        /// The reporter's credential.
        reader_id: i64,
        /// Distinct networks among the comment's open reports, this one included.
        reporters: i64,
        /// Whether this report sent the comment back to Pending.
        held: bool,
    },
}

/// Records a report, and holds the comment when it reaches `hold_at` — in one transaction, so
/// two reports at once cannot both miss (or both make) the hold.
pub async fn report(db: &Db, flag: &NewFlag<'_>) -> sqlx::Result<Reported> {
    Ok(write_tx!(db, tx => {
        let reader_id = holder_reader_id!(&flag.reporter, tx, flag.now);
        let inserted = sqlx::query(
            "INSERT INTO flags (comment_id, reader_id, reason, ip_hash, created_at) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (comment_id, reader_id) DO NOTHING",
        )
        .bind(flag.comment_id)
        .bind(reader_id)
        .bind(flag.reason)
        .bind(flag.ip_hash)
        .bind(flag.now)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if inserted == 0 {
            Reported::Again
        } else {
            let reporters: i64 = sqlx::query_scalar(
                "SELECT COUNT(DISTINCT ip_hash) FROM flags WHERE comment_id = $1 AND dismissed_at IS NULL",
            )
            .bind(flag.comment_id)
            .fetch_one(&mut *tx)
            .await?;
            let mut held = false;
            if flag.hold_at > 0 && reporters >= i64::from(flag.hold_at) {
                let reason = format!("reported by {reporters} readers");
                held = sqlx::query("UPDATE comments SET status = 'pending', reason = $1 WHERE id = $2 AND status = 'approved'")
                    .bind(&reason)
                    .bind(flag.comment_id)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected()
                    == 1;
                if held {
                    let site: String = sqlx::query_scalar("SELECT t.site FROM comments c JOIN threads t ON t.id = c.thread_id WHERE c.id = $1")
                        .bind(flag.comment_id)
                        .fetch_one(&mut *tx)
                        .await?;
                    sqlx::query("INSERT INTO moderation_events (site, comment_id, actor, action, status_before, status_after, detail, created_at) \
                                 VALUES ($1, $2, 'readers', 'hold_reported', 'approved', 'pending', $3, $4)")
                        .bind(site)
                        .bind(flag.comment_id)
                        .bind(reason)
                        .bind(flag.now)
                        .execute(&mut *tx)
                        .await?;
                }
            }
            if flag.record_event {
                sqlx::query("INSERT INTO events (kind, comment_id, created_at, status) VALUES ('comment_flagged', $1, $2, $3)")
                    .bind(flag.comment_id)
                    .bind(flag.now)
                    .bind(if held { "pending" } else { "approved" })
                    .execute(&mut *tx)
                    .await?;
            }
            Reported::Recorded { reader_id, reporters, held }
        }
    }))
}

/// Closes a comment's open reports on behalf of `actor` (logged); returns how many were open.
pub async fn dismiss(db: &Db, comment_id: i64, actor: &str, now: i64) -> sqlx::Result<u64> {
    Ok(write_tx!(db, tx => {
        let closed = sqlx::query("UPDATE flags SET dismissed_at = $1 WHERE comment_id = $2 AND dismissed_at IS NULL")
            .bind(now)
            .bind(comment_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if closed > 0 {
            sqlx::query("INSERT INTO moderation_events (site, comment_id, actor, action, status_before, status_after, detail, created_at) \
                         SELECT t.site, c.id, $1, 'dismiss_reports', c.status, c.status, $2, $3 FROM comments c JOIN threads t ON t.id = c.thread_id WHERE c.id = $4")
                .bind(actor)
                .bind(format!("{closed} reports dismissed"))
                .bind(now)
                .bind(comment_id)
                .execute(&mut *tx)
                .await?;
        }
        closed
    }))
}

/// A comment's open reports by reason, most frequent first (for its card).
pub async fn open_by_reason(db: &Db, comment_id: i64) -> sqlx::Result<Vec<(String, i64)>> {
    read_db!(db, pool => {
        sqlx::query_as("SELECT reason, COUNT(*) FROM flags WHERE comment_id = $1 AND dismissed_at IS NULL GROUP BY reason ORDER BY COUNT(*) DESC, reason")
            .bind(comment_id)
            .fetch_all(pool)
            .await
    })
}
