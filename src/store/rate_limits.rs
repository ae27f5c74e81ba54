//! Rate limits kept in PostgreSQL, so that several instances share one budget per client
//! (see [`crate::ratelimit`]). The generic cell rate algorithm in one statement: each key holds
//! the moment its budget is fully spent again ("theoretical arrival time"); a request is allowed
//! when pushing that moment one interval further stays within `burst` intervals of now.

use super::Db;

/// Takes one request from `key`'s budget: one request per `interval_ms`, up to `burst` at once.
/// `Ok(None)` when allowed, `Ok(Some(ms))` when refused, with how long until one more would
/// be allowed. Only on PostgreSQL (SQLite instances keep their limits in memory).
pub async fn take(
    db: &Db,
    key: &str,
    now: i64,
    interval_ms: i64,
    burst: i64,
) -> sqlx::Result<Option<i64>> {
    let Db::Postgres(pool) = db else {
        return Ok(None);
    };
    let allowed: Option<i64> = sqlx::query_scalar(
        "INSERT INTO rate_limits (key, tat) VALUES ($1, $2 + $3) \
         ON CONFLICT (key) DO UPDATE SET tat = GREATEST(rate_limits.tat, $2) + $3 \
         WHERE GREATEST(rate_limits.tat, $2) + $3 - $2 <= $3 * $4 \
         RETURNING tat",
    )
    .bind(key)
    .bind(now)
    .bind(interval_ms)
    .bind(burst)
    .fetch_optional(pool)
    .await?;
    if allowed.is_some() {
        return Ok(None);
    }
    let tat: Option<i64> = sqlx::query_scalar("SELECT tat FROM rate_limits WHERE key = $1")
        .bind(key)
        .fetch_optional(pool)
        .await?;
    Ok(Some(
        tat.map_or(interval_ms, |tat| {
            tat + interval_ms - interval_ms * burst - now
        })
        .max(1),
    ))
}

/// Forgets keys whose budget has fully recovered; returns how many are still tracked.
pub async fn forget_recovered(db: &Db, now: i64) -> sqlx::Result<i64> {
    let Db::Postgres(pool) = db else {
        return Ok(0);
    };
    sqlx::query("DELETE FROM rate_limits WHERE tat < $1")
        .bind(now)
        .execute(pool)
        .await?;
    sqlx::query_scalar("SELECT COUNT(*) FROM rate_limits")
        .fetch_one(pool)
        .await
}
