//! Webhooks' storage: the deliveries waiting to be POSTed, and their claims, successes and
//! failures. Deliveries are written by [`super::mail::complete_event`], in the transaction that
//! marks their event processed, so each event becomes each delivery exactly once.

use sqlx::FromRow;

use super::{Db, read_db, write_db};

/// A delivery to queue: one event's body for one webhook URL.
#[derive(Debug, Clone)]
pub struct NewDelivery {
    /// Random id sent as `X-Replybox-Delivery` (the same on every retry, for idempotency).
    pub delivery_id: String,
    /// Site id.
    pub site: String,
    /// Which of the site's webhooks (a digest of site and URL; the URL stays in the config).
    pub target: String,
    /// `created`, `held`, `approved`, `rejected`, `deleted`, `flagged` or `edited`.
    pub event: &'static str,
    /// The body to POST, exactly as it is signed.
    pub body: String,
}

/// Inserts a delivery: `$1` delivery id, `$2` event id, `$3` site, `$4` target, `$5` event,
/// `$6` body, `$7` now (due at once).
pub(super) const INSERT_DELIVERY: &str = "INSERT INTO webhook_deliveries \
     (delivery_id, event_id, site, target, event, body, next_attempt_at, created_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $7)";

/// A queued delivery.
#[derive(Debug, Clone, FromRow)]
pub struct DeliveryRow {
    /// Row id.
    pub id: i64,
    /// `X-Replybox-Delivery`.
    pub delivery_id: String,
    /// Site id.
    pub site: String,
    /// Which webhook.
    pub target: String,
    /// `X-Replybox-Event`.
    pub event: String,
    /// The body.
    pub body: String,
    /// Failed attempts so far.
    pub attempts: i32,
}

/// Deliveries due now that have not used up their attempts, oldest first.
pub async fn due(
    db: &Db,
    now: i64,
    max_attempts: i32,
    limit: i64,
) -> sqlx::Result<Vec<DeliveryRow>> {
    read_db!(db, pool => {
        sqlx::query_as(
            "SELECT id, delivery_id, site, target, event, body, attempts FROM webhook_deliveries \
             WHERE sent_at IS NULL AND next_attempt_at <= $1 AND attempts < $2 ORDER BY id LIMIT $3",
        )
        .bind(now)
        .bind(max_attempts)
        .bind(limit)
        .fetch_all(pool)
        .await
    })
}

/// Takes a due delivery until `until` (longer than one attempt may take); `false` if another
/// worker — on this instance or another one on the same database — took it first.
pub async fn claim(db: &Db, id: i64, now: i64, until: i64) -> sqlx::Result<bool> {
    let claimed = write_db!(db, pool => {
        sqlx::query("UPDATE webhook_deliveries SET next_attempt_at = $1 WHERE id = $2 AND sent_at IS NULL AND next_attempt_at <= $3")
            .bind(until)
            .bind(id)
            .bind(now)
            .execute(pool)
            .await?
            .rows_affected()
    });
    Ok(claimed == 1)
}

/// Marks a delivery received (the URL answered 2xx).
pub async fn mark_sent(db: &Db, id: i64, now: i64) -> sqlx::Result<()> {
    write_db!(db, pool => {
        sqlx::query("UPDATE webhook_deliveries SET sent_at = $1, last_error = NULL WHERE id = $2")
            .bind(now)
            .bind(id)
            .execute(pool)
            .await
            .map(|_| ())
    })
}

/// Records a failed attempt (or a refusal to connect) and when to try again.
pub async fn mark_failed(db: &Db, id: i64, error: &str, retry_at: i64) -> sqlx::Result<()> {
    write_db!(db, pool => {
        sqlx::query("UPDATE webhook_deliveries SET attempts = attempts + 1, last_error = $1, next_attempt_at = $2 WHERE id = $3")
            .bind(error)
            .bind(retry_at)
            .bind(id)
            .execute(pool)
            .await
            .map(|_| ())
    })
}
