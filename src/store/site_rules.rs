//! What moderators keep per site: bans, trusted authors, word lists, and thread locks.

use sqlx::FromRow;

use super::{Db, read_db, write_db};

/// A ban as listed.
#[derive(Debug, Clone, FromRow)]
pub struct BanRow {
    /// Row id.
    pub id: i64,
    /// Site id, or `None` for every site.
    pub site: Option<String>,
    /// `user`, `reader`, `email`, `ip` or `network`.
    pub kind: String,
    /// What is banned (an id, an email, a salted address hash or a CIDR).
    pub value: String,
    /// The moderator's note (e.g. whose comment it was).
    pub note: Option<String>,
    /// Who banned.
    pub created_by: String,
    /// When (epoch ms).
    pub created_at: i64,
    /// Until when (epoch ms), `None` for good.
    pub expires_at: Option<i64>,
}

/// A new ban.
#[derive(Debug, Clone)]
pub struct NewBan<'a> {
    /// Site id, or `None` for every site.
    pub site: Option<&'a str>,
    /// Kind of value.
    pub kind: &'a str,
    /// The value.
    pub value: &'a str,
    /// A note for other moderators.
    pub note: Option<&'a str>,
    /// Who banned.
    pub created_by: &'a str,
    /// Until when.
    pub expires_at: Option<i64>,
}

/// Stores a ban.
pub async fn ban(db: &Db, ban: &NewBan<'_>, now: i64) -> sqlx::Result<()> {
    write_db!(db, pool => {
        sqlx::query(
            "INSERT INTO bans (site, kind, value, note, created_by, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(ban.site)
        .bind(ban.kind)
        .bind(ban.value)
        .bind(ban.note)
        .bind(ban.created_by)
        .bind(now)
        .bind(ban.expires_at)
        .execute(pool)
        .await
        .map(|_| ())
    })
}

/// Bans in force or expired, newest first, on the given sites (and global ones).
pub async fn bans(db: &Db) -> sqlx::Result<Vec<BanRow>> {
    read_db!(db, pool => {
        sqlx::query_as(
            "SELECT id, site, kind, value, note, created_by, created_at, expires_at FROM bans ORDER BY id DESC LIMIT 500",
        )
        .fetch_all(pool)
        .await
    })
}

/// One ban.
pub async fn find_ban(db: &Db, id: i64) -> sqlx::Result<Option<BanRow>> {
    read_db!(db, pool => {
        sqlx::query_as("SELECT id, site, kind, value, note, created_by, created_at, expires_at FROM bans WHERE id = $1")
            .bind(id)
            .fetch_optional(pool)
            .await
    })
}

/// Lifts a ban.
pub async fn lift_ban(db: &Db, id: i64) -> sqlx::Result<()> {
    write_db!(db, pool => sqlx::query("DELETE FROM bans WHERE id = $1").bind(id).execute(pool).await.map(|_| ()))
}

/// A trusted author as listed.
#[derive(Debug, Clone, FromRow)]
pub struct TrustedRow {
    /// Row id.
    pub id: i64,
    /// Site id.
    pub site: String,
    /// `user` or `reader`.
    pub kind: String,
    /// The account or credential id.
    pub value: String,
    /// The author's name when trusted.
    pub label: String,
    /// Who trusted them.
    pub created_by: String,
}

/// Trusts an author on a site (again is fine).
pub async fn trust(
    db: &Db,
    site: &str,
    kind: &str,
    value: &str,
    label: &str,
    by: &str,
    now: i64,
) -> sqlx::Result<()> {
    write_db!(db, pool => {
        sqlx::query(
            "INSERT INTO trusted_authors (site, kind, value, label, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (site, kind, value) DO NOTHING",
        )
        .bind(site)
        .bind(kind)
        .bind(value)
        .bind(label)
        .bind(by)
        .bind(now)
        .execute(pool)
        .await
        .map(|_| ())
    })
}

/// Trusted authors of a site.
pub async fn trusted(db: &Db, site: &str) -> sqlx::Result<Vec<TrustedRow>> {
    read_db!(db, pool => {
        sqlx::query_as("SELECT id, site, kind, value, label, created_by FROM trusted_authors WHERE site = $1 ORDER BY label")
            .bind(site)
            .fetch_all(pool)
            .await
    })
}

/// Stops trusting an author; returns the site it was on.
pub async fn distrust(db: &Db, id: i64) -> sqlx::Result<Option<String>> {
    write_db!(db, pool => {
        sqlx::query_scalar("DELETE FROM trusted_authors WHERE id = $1 RETURNING site").bind(id).fetch_optional(pool).await
    })
}

/// A site's word list (`watched` or `blocked`), as the moderator wrote it.
pub async fn word_list(db: &Db, site: &str, list: &str) -> sqlx::Result<String> {
    let words: Option<String> = read_db!(db, pool => {
        sqlx::query_scalar("SELECT words FROM word_lists WHERE site = $1 AND list = $2")
            .bind(site)
            .bind(list)
            .fetch_optional(pool)
            .await
    })?;
    Ok(words.unwrap_or_default())
}

/// Replaces a site's word list.
pub async fn set_word_list(db: &Db, site: &str, list: &str, words: &str) -> sqlx::Result<()> {
    write_db!(db, pool => {
        sqlx::query(
            "INSERT INTO word_lists (site, list, words) VALUES ($1, $2, $3) ON CONFLICT (site, list) DO UPDATE SET words = excluded.words",
        )
        .bind(site)
        .bind(list)
        .bind(words)
        .execute(pool)
        .await
        .map(|_| ())
    })
}

/// Locks or unlocks a page's thread; `false` if the page has no thread yet.
pub async fn set_thread_locked(db: &Db, site: &str, uri: &str, locked: bool) -> sqlx::Result<bool> {
    let changed = write_db!(db, pool => {
        sqlx::query("UPDATE threads SET locked = $1 WHERE site = $2 AND uri = $3")
            .bind(locked)
            .bind(site)
            .bind(uri)
            .execute(pool)
            .await?
            .rows_affected()
    });
    Ok(changed == 1)
}
