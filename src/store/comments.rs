//! Comments: writing a new one (creating its thread on the way) and reading a page's thread.

use sqlx::FromRow;

use super::{Db, on_db, threads::ThreadRow, write_tx};
use crate::error::{AppError, AppResult};

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
}

const COMMENT_COLUMNS: &str = "id, parent_id, reader_id, user_id, author_name, author_url, author_avatar, \
     author_provider, html, status, created_at, edited_at";

/// Everything needed to store a new comment.
#[derive(Debug, Clone)]
pub struct NewComment {
    /// Site id.
    pub site: String,
    /// Page URI.
    pub uri: String,
    /// Page title, kept if the thread has none yet.
    pub title: Option<String>,
    /// Parent comment id.
    pub parent_id: Option<i64>,
    /// The credential writing it, or the one to issue with it.
    pub reader: NewReader,
    /// Writing account.
    pub user_id: Option<i64>,
    /// Display name.
    pub author_name: String,
    /// Guest email (never published).
    pub author_email: Option<String>,
    /// Website.
    pub author_url: Option<String>,
    /// Avatar path.
    pub author_avatar: String,
    /// Provider id.
    pub author_provider: Option<String>,
    /// Markdown source.
    pub body: String,
    /// Sanitised HTML.
    pub html: String,
    /// Initial status.
    pub status: &'static str,
    /// Why moderation chose that status.
    pub reason: Option<String>,
    /// Salted hash of the client address.
    pub ip_hash: Option<String>,
    /// Now (epoch ms).
    pub created_at: i64,
}

/// Which credential a new comment belongs to.
#[derive(Debug, Clone)]
pub enum NewReader {
    /// The browser already holds this reader's credential.
    Existing(i64),
    /// A guest's first comment: store this credential together with it.
    Issue {
        /// SHA-256 of the token.
        token_hash: String,
        /// Expiry (epoch ms).
        expires_at: i64,
    },
}

/// Stores a comment, creating the page's thread if needed. Refuses (and writes nothing) when the
/// thread is locked or the parent is not a live comment of the same thread.
pub async fn insert(db: &Db, new: &NewComment) -> AppResult<CommentRow> {
    let row = write_tx!(db, tx => {
        let thread: ThreadRow = sqlx::query_as(
            "INSERT INTO threads (site, uri, title, created_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (site, uri) DO UPDATE SET title = COALESCE(threads.title, excluded.title) \
             RETURNING id, title, locked",
        )
        .bind(&new.site)
        .bind(&new.uri)
        .bind(&new.title)
        .bind(new.created_at)
        .fetch_one(&mut *tx)
        .await?;
        if thread.locked {
            return Err(AppError::ThreadLocked);
        }
        if let Some(parent) = new.parent_id {
            let found: Option<i64> = sqlx::query_scalar(
                "SELECT id FROM comments WHERE id = $1 AND thread_id = $2 AND status IN ('approved', 'pending')",
            )
            .bind(parent)
            .bind(thread.id)
            .fetch_optional(&mut *tx)
            .await?;
            if found.is_none() {
                return Err(AppError::invalid("invalid_parent", "The comment you reply to is not on this page."));
            }
        }
        let reader_id: i64 = match &new.reader {
            NewReader::Existing(id) => *id,
            NewReader::Issue { token_hash, expires_at } => {
                sqlx::query_scalar(
                    "INSERT INTO readers (token_hash, created_at, expires_at) VALUES ($1, $2, $3) RETURNING id",
                )
                .bind(token_hash)
                .bind(new.created_at)
                .bind(expires_at)
                .fetch_one(&mut *tx)
                .await?
            }
        };
        let row: CommentRow = sqlx::query_as(&format!(
            "INSERT INTO comments (thread_id, parent_id, reader_id, user_id, author_name, author_email, \
             author_url, author_avatar, author_provider, body, html, status, reason, ip_hash, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING {COMMENT_COLUMNS}"
        ))
        .bind(thread.id)
        .bind(new.parent_id)
        .bind(reader_id)
        .bind(new.user_id)
        .bind(&new.author_name)
        .bind(&new.author_email)
        .bind(&new.author_url)
        .bind(&new.author_avatar)
        .bind(&new.author_provider)
        .bind(&new.body)
        .bind(&new.html)
        .bind(new.status)
        .bind(&new.reason)
        .bind(&new.ip_hash)
        .bind(new.created_at)
        .fetch_one(&mut *tx)
        .await?;
        row
    });
    Ok(row)
}

/// The comments of a thread a viewer may see, oldest first: every approved one, plus the
/// viewer's own pending ones when `reader_id` is given.
pub async fn visible_in_thread(
    db: &Db,
    thread_id: i64,
    reader_id: Option<i64>,
) -> sqlx::Result<Vec<CommentRow>> {
    let sql = format!(
        "SELECT {COMMENT_COLUMNS} FROM comments WHERE thread_id = $1 \
         AND (status = 'approved' OR (status = 'pending' AND reader_id = $2)) ORDER BY id"
    );
    on_db!(db, pool => sqlx::query_as(&sql).bind(thread_id).bind(reader_id).fetch_all(pool).await)
}

/// Whether this account already has an approved comment on the site (a "known" author).
pub async fn user_has_approved(db: &Db, site: &str, user_id: i64) -> sqlx::Result<bool> {
    on_db!(db, pool => {
        sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM comments c JOIN threads t ON t.id = c.thread_id \
             WHERE t.site = $1 AND c.user_id = $2 AND c.status = 'approved')",
        )
        .bind(site)
        .bind(user_id)
        .fetch_one(pool)
        .await
    })
}
