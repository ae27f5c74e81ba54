//! Threads: one per (site, page URI), created by the page's first comment.

use sqlx::FromRow;

use super::{Db, read_db};

/// A page's thread as the public API shows it.
#[derive(Debug, Clone, FromRow)]
pub struct ThreadRow {
    /// Row id.
    pub id: i64,
    /// Page title given by the widget, if any.
    pub title: Option<String>,
    /// Whether a moderator locked it.
    pub locked: bool,
    /// When its first comment was written (epoch ms).
    pub created_at: i64,
}

/// Most URIs one counts request may ask about.
pub const MAX_COUNT_URIS: usize = 100;

/// The thread for a page, if anyone has commented there.
pub async fn find(db: &Db, site: &str, uri: &str) -> sqlx::Result<Option<ThreadRow>> {
    read_db!(db, pool => {
        sqlx::query_as("SELECT id, title, locked, created_at FROM threads WHERE site = $1 AND uri = $2")
            .bind(site)
            .bind(uri)
            .fetch_optional(pool)
            .await
    })
}

/// Approved comments per page for the given pages of a site; pages without any are absent.
pub async fn approved_counts(
    db: &Db,
    site: &str,
    uris: &[String],
) -> sqlx::Result<Vec<(String, i64)>> {
    if uris.is_empty() {
        return Ok(Vec::new());
    }
    let placeholders: Vec<String> = (2..uris.len() + 2).map(|n| format!("${n}")).collect();
    let sql = format!(
        "SELECT t.uri, COUNT(c.id) FROM threads t \
         JOIN comments c ON c.thread_id = t.id AND c.status = 'approved' \
         WHERE t.site = $1 AND t.uri IN ({}) GROUP BY t.uri",
        placeholders.join(", ")
    );
    read_db!(db, pool => {
        let mut query = sqlx::query_as(&sql).bind(site);
        for uri in uris {
            query = query.bind(uri);
        }
        query.fetch_all(pool).await
    })
}
