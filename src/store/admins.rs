//! Admin-page accounts (created only from the command line).

use sqlx::FromRow;

use super::{Db, read_db, write_db};

/// An account that may use the admin pages.
#[derive(Debug, Clone, FromRow)]
pub struct AdminRow {
    /// Row id.
    pub id: i64,
    /// Login name.
    pub name: String,
    /// Argon2id PHC string.
    pub password_hash: String,
    /// `admin` or `moderator`.
    pub role: String,
    /// Comma-separated site ids a moderator may act on.
    pub sites: String,
}

/// Creates an account; `Ok(false)` when the name is taken.
pub async fn create(
    db: &Db,
    name: &str,
    password_hash: &str,
    role: &str,
    sites: &str,
    now: i64,
) -> sqlx::Result<bool> {
    let inserted = write_db!(db, pool => {
        sqlx::query(
            "INSERT INTO admins (name, password_hash, role, sites, created_at) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (name) DO NOTHING",
        )
        .bind(name)
        .bind(password_hash)
        .bind(role)
        .bind(sites)
        .bind(now)
        .execute(pool)
        .await?
        .rows_affected()
    });
    Ok(inserted == 1)
}

/// The account with this login name.
pub async fn find_by_name(db: &Db, name: &str) -> sqlx::Result<Option<AdminRow>> {
    read_db!(db, pool => {
        sqlx::query_as("SELECT id, name, password_hash, role, sites FROM admins WHERE name = $1")
            .bind(name)
            .fetch_optional(pool)
            .await
    })
}

/// The account with this id.
pub async fn find(db: &Db, id: i64) -> sqlx::Result<Option<AdminRow>> {
    read_db!(db, pool => {
        sqlx::query_as("SELECT id, name, password_hash, role, sites FROM admins WHERE id = $1")
            .bind(id)
            .fetch_optional(pool)
            .await
    })
}
