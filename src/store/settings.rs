//! Instance-wide values kept in the database, such as the generated hashing secret.

use super::{Db, write_db};

/// Returns the stored value for `key`, storing `make()` first if there is none. Safe when several
/// instances start at once: the first insert wins and everyone reads that one.
pub async fn get_or_insert(
    db: &Db,
    key: &str,
    make: impl FnOnce() -> String,
) -> sqlx::Result<String> {
    let candidate = make();
    write_db!(db, pool => {
        sqlx::query("INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING")
            .bind(key)
            .bind(&candidate)
            .execute(pool)
            .await?;
        sqlx::query_scalar("SELECT value FROM settings WHERE key = $1").bind(key).fetch_one(pool).await
    })
}
