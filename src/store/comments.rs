//! Comments: reading a page's thread and what the site knows of an author. (Writing a new
//! comment is `new_comment.rs`.)

use sqlx::FromRow;

use super::{Db, read_db};

/// A comment as the API shows it (no email, no IP).
#[derive(Debug, Clone, FromRow)]
pub struct CommentRow {
    /// Row id.
    pub id: i64,
    /// The comment this one replies to.
    pub parent_id: Option<i64>,
    /// The credential that wrote it (recognises "mine").
    pub reader_id: Option<i64>,
    /// The signed-in account that wrote it.
    pub user_id: Option<i64>,
    /// Display name (data, never HTML).
    pub author_name: String,
    /// The author's website.
    pub author_url: Option<String>,
    /// Path of the avatar on this server.
    pub author_avatar: String,
    /// Sign-in provider id, `None` for guests.
    pub author_provider: Option<String>,
    /// Sanitised HTML.
    pub html: String,
    /// `pending`, `approved`, `rejected`, `spam`, `deleted`.
    pub status: String,
    /// When it was written (epoch ms).
    pub created_at: i64,
    /// When it was last edited (epoch ms).
    pub edited_at: Option<i64>,
    /// Written by a moderator from the admin page (shown with a badge).
    pub moderator: bool,
}

pub(super) const COMMENT_COLUMNS: &str = "id, parent_id, reader_id, user_id, author_name, author_url, author_avatar, \
     author_provider, html, status, created_at, edited_at, moderator";

/// The comments of a thread a viewer may see, oldest first: every approved one, the viewer's own
/// pending ones when `reader_id` is given (every pending one for a `moderator` of the site, who
/// works the queue in place), and deleted ones that still have replies (shown as tombstones so
/// the replies keep their place).
pub async fn visible_in_thread(
    db: &Db,
    thread_id: i64,
    reader_id: Option<i64>,
    moderator: bool,
) -> sqlx::Result<Vec<CommentRow>> {
    let sql = format!(
        "SELECT {COMMENT_COLUMNS} FROM comments WHERE thread_id = $1 \
         AND (status = 'approved' OR (status = 'pending' AND ($3 OR reader_id = $2)) \
              OR (status = 'deleted' AND EXISTS (SELECT 1 FROM comments r WHERE r.parent_id = comments.id AND r.status = 'approved'))) \
         ORDER BY id"
    );
    read_db!(db, pool => sqlx::query_as(&sql).bind(thread_id).bind(reader_id).bind(moderator).fetch_all(pool).await)
}

/// Where a comment stands: its site, page and status (what a reader's report needs to know).
#[derive(Debug, Clone, FromRow)]
pub struct CommentPlace {
    /// Site id.
    pub site: String,
    /// Page URI.
    pub uri: String,
    /// Status word.
    pub status: String,
}

/// A comment's site, page and status, by id (one index probe, unlike the moderators' view).
pub async fn place(db: &Db, id: i64) -> sqlx::Result<Option<CommentPlace>> {
    read_db!(db, pool => {
        sqlx::query_as("SELECT t.site, t.uri, c.status FROM comments c JOIN threads t ON t.id = c.thread_id WHERE c.id = $1")
            .bind(id)
            .fetch_optional(pool)
            .await
    })
}
