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
    /// The markdown as written (shown only to its author, for editing).
    pub body: String,
    /// When a moderator pinned it (pinned comments are shown first).
    pub pinned_at: Option<i64>,
    /// Readers who like it.
    pub likes: i64,
}

/// The columns of a [`CommentRow`] but its like count (`likes`, which each query adds: counted,
/// or 0 for a comment just written).
pub(super) const COMMENT_COLUMNS: &str = "id, parent_id, reader_id, user_id, author_name, author_url, author_avatar, \
     author_provider, html, status, created_at, edited_at, moderator, body, pinned_at";

/// A comment's like count, for a query over `comments` (one index range of `likes` each).
const LIKE_COUNT: &str = "(SELECT COUNT(*) FROM likes l WHERE l.comment_id = comments.id) AS likes";

/// The comments of a thread a viewer may see, oldest first: every approved one, the viewer's own
/// pending ones (written with this browser's credential `reader_id`, or with their account
/// `user_id` in any browser), every pending one for a `moderator` of the site, who works the
/// queue in place, and deleted ones that still have replies (shown as tombstones so the replies
/// keep their place).
pub async fn visible_in_thread(
    db: &Db,
    thread_id: i64,
    (reader_id, user_id): (Option<i64>, Option<i64>),
    moderator: bool,
) -> sqlx::Result<Vec<CommentRow>> {
    let sql = format!(
        "SELECT {COMMENT_COLUMNS}, {LIKE_COUNT} FROM comments WHERE thread_id = $1 \
         AND (status = 'approved' OR (status = 'pending' AND ($3 OR reader_id = $2 OR user_id = $4)) \
              OR (status = 'deleted' AND EXISTS (SELECT 1 FROM comments r WHERE r.parent_id = comments.id AND r.status = 'approved'))) \
         ORDER BY id"
    );
    read_db!(db, pool => {
        sqlx::query_as(&sql)
            .bind(thread_id)
            .bind(reader_id)
            .bind(moderator)
            .bind(user_id)
            .fetch_all(pool)
            .await
    })
}

/// One comment as readers see it (after an edit, a like), whatever its status.
pub async fn one(db: &Db, id: i64) -> sqlx::Result<Option<CommentRow>> {
    let sql = format!("SELECT {COMMENT_COLUMNS}, {LIKE_COUNT} FROM comments WHERE id = $1");
    read_db!(db, pool => sqlx::query_as(&sql).bind(id).fetch_optional(pool).await)
}

/// Where a comment stands and whose it is (what a reader's report, like, edit or deletion needs
/// to know).
#[derive(Debug, Clone, FromRow)]
pub struct CommentPlace {
    /// Site id.
    pub site: String,
    /// Page URI.
    pub uri: String,
    /// Status word.
    pub status: String,
    /// The credential that wrote it.
    pub reader_id: Option<i64>,
    /// The account that wrote it.
    pub user_id: Option<i64>,
    /// When it was written (epoch ms).
    pub created_at: i64,
    /// The author's name as shown.
    pub author_name: String,
    /// The author's email, if given.
    pub author_email: Option<String>,
    /// The author's website, if given.
    pub author_url: Option<String>,
    /// Written by a moderator (an admin-page account in the widget).
    pub moderator: bool,
}

/// A comment's site, page, status and author, by id (one index probe, unlike the moderators'
/// view).
pub async fn place(db: &Db, id: i64) -> sqlx::Result<Option<CommentPlace>> {
    read_db!(db, pool => {
        sqlx::query_as("SELECT t.site, t.uri, c.status, c.reader_id, c.user_id, c.created_at, c.author_name, c.author_email, c.author_url, c.moderator FROM comments c JOIN threads t ON t.id = c.thread_id WHERE c.id = $1")
            .bind(id)
            .fetch_optional(pool)
            .await
    })
}
