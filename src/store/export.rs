//! Reading a site's comments for an export, streamed row by row (never the whole site in
//! memory), ordered by page and then by id, so that parents come before their replies.

use futures_util::TryStreamExt;
use sqlx::FromRow;

use super::{Db, read_db};

/// Everything replybox holds about one comment, with its page.
#[derive(Debug, Clone, FromRow)]
pub struct ExportRow {
    /// The page's address (the thread key).
    pub uri: String,
    /// The page's title.
    pub title: Option<String>,
    /// The thread is locked.
    pub locked: bool,
    /// When the thread began.
    pub thread_created_at: i64,
    /// Comment id.
    pub id: i64,
    /// The comment it replies to.
    pub parent_id: Option<i64>,
    /// Display name.
    pub author_name: String,
    /// Email (never published; exported for the owner).
    pub author_email: Option<String>,
    /// Website.
    pub author_url: Option<String>,
    /// Avatar path on this server.
    pub author_avatar: String,
    /// Sign-in provider, for signed-in authors.
    pub author_provider: Option<String>,
    /// The signed-in account.
    pub user_id: Option<i64>,
    /// Markdown (or imported text) as written.
    pub body: String,
    /// The published HTML.
    pub html: String,
    /// Status word.
    pub status: String,
    /// Why moderation chose it.
    pub reason: Option<String>,
    /// Keyed digest of the client address (IPv6 by /64).
    pub ip_hash: Option<String>,
    /// When it was written (epoch ms).
    pub created_at: i64,
    /// When it was last edited.
    pub edited_at: Option<i64>,
    /// Written by a moderator.
    pub moderator: bool,
    /// Notifications the author asked for.
    pub notify: Option<String>,
    /// Where an imported comment came from.
    pub source: Option<String>,
}

const SQL: &str = "SELECT t.uri, t.title, t.locked, t.created_at AS thread_created_at, c.id, c.parent_id, \
     c.author_name, c.author_email, c.author_url, c.author_avatar, c.author_provider, c.user_id, c.body, c.html, \
     c.status, c.reason, c.ip_hash, c.created_at, c.edited_at, c.moderator, c.notify, c.source \
     FROM comments c JOIN threads t ON t.id = c.thread_id WHERE t.site = $1 ORDER BY t.uri, c.id";

/// Calls `each` for every comment of `site`, in page order; the number of comments.
pub async fn each_comment(
    db: &Db,
    site: &str,
    mut each: impl FnMut(ExportRow) -> anyhow::Result<()>,
) -> anyhow::Result<usize> {
    let mut count = 0;
    read_db!(db, pool => {
        let mut rows = sqlx::query_as::<_, ExportRow>(SQL).bind(site).fetch(pool);
        while let Some(row) = rows.try_next().await? {
            each(row)?;
            count += 1;
        }
    });
    Ok(count)
}
