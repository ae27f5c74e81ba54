//! Writing a new comment: its page's thread, the guest's credential and the comment itself,
//! all or nothing.
//!
//! Three statements run in one write transaction: create or touch the thread, store a new
//! credential if the guest has none, and insert the comment *guarded* by the rules that could
//! refuse it (thread locked, parent not a live comment of the same thread). When a guard fails,
//! the insert selects NULL for `thread_id`, so the database itself refuses the row (a NOT NULL
//! violation), the transaction rolls back, and a refused comment leaves no thread and no
//! credential behind. One read afterwards tells which rule refused it.
//!
//! The statements are the same on both engines; how they run differs. On PostgreSQL each is its
//! own round trip inside an sqlx transaction. On SQLite the whole job — the author's standing,
//! the caller's decision and the insert — is one transaction on the writing connection of
//! [`super::sqlite::writer`].

use std::sync::LazyLock;

use rusqlite::Connection;
use rusqlite::types::Value;

use super::Db;
use super::comments::{COMMENT_COLUMNS, CommentRow};
use super::sqlite::params::{bind_numbered, int, text};
use super::standing::{self, Author, Standing};
use crate::error::{AppError, AppResult};

/// Everything needed to store a new comment.
#[derive(Debug, Clone)]
pub struct NewComment {
    /// Site id.
    pub site: String,
    /// Page URI.
    pub uri: String,
    /// Page title, kept if the thread has none yet (the caller gives one only with a published
    /// comment).
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
    /// Written by a moderator from the admin page.
    pub moderator: bool,
    /// What the author wants to be told about (`replies`, `page`, comma-separated).
    pub notify: Option<String>,
    /// Digest that finds a repeat of this comment (`crate::store::standing::dedupe_key`).
    pub dedupe_key: Option<String>,
    /// Record a `comment_created` event for the mail worker (when mail is on).
    pub record_event: bool,
}

/// Which credential a new comment belongs to.
#[derive(Debug, Clone)]
pub enum NewReader {
    /// The browser already holds this reader's credential.
    Existing(i64),
    /// No browser credential: a moderator writing from the admin page.
    Moderator,
    /// A guest's first comment: store this credential together with it.
    Issue {
        /// SHA-256 of the token.
        token_hash: String,
        /// Expiry (epoch ms).
        expires_at: i64,
    },
}

impl NewReader {
    /// The parameters `$6` (existing reader), `$7` (new token hash) and `$8` (its expiry).
    fn columns(&self) -> (Option<i64>, Option<&str>, Option<i64>) {
        match self {
            Self::Existing(id) => (Some(*id), None, None),
            Self::Moderator => (None, None, None),
            Self::Issue {
                token_hash,
                expires_at,
            } => (None, Some(token_hash.as_str()), Some(*expires_at)),
        }
    }
}

// The statements below share one list of parameters, `$1`…`$22`: see [`parameters`].
const TOUCH_THREAD: &str = "INSERT INTO threads (site, uri, title, created_at) VALUES ($1, $2, $3, $4) \
     ON CONFLICT (site, uri) DO UPDATE SET title = excluded.title \
     WHERE threads.title IS NULL AND excluded.title IS NOT NULL";

const ISSUE_CREDENTIAL: &str =
    "INSERT INTO credentials (token_hash, created_at, expires_at) VALUES ($7, $4, $8)";

static GUARDED_INSERT: LazyLock<String> = LazyLock::new(|| {
    format!(
        "INSERT INTO comments (thread_id, parent_id, reader_id, user_id, author_name, author_email, \
         author_url, author_avatar, author_provider, body, html, status, reason, ip_hash, created_at, moderator, notify, dedupe_key) \
         SELECT CASE WHEN NOT t.locked \
                       AND ($5 IS NULL OR EXISTS (SELECT 1 FROM comments p WHERE p.id = $5 AND p.thread_id = t.id \
                                                  AND (p.status = 'approved' OR (p.status = 'pending' \
                                                       AND ($20 OR p.reader_id = $6))))) \
                     THEN t.id END, \
                $5, COALESCE($6, (SELECT r.id FROM credentials r WHERE r.token_hash = $7 AND r.expires_at = $8)), $9, $10, $11, \
                $12, $13, $14, $15, $16, $17, $18, $19, $4, $20, $21, $22 \
         FROM threads t \
         WHERE t.site = $1 AND t.uri = $2 \
         RETURNING {COMMENT_COLUMNS}, CAST(0 AS BIGINT) AS likes"
    )
});

/// The new comment's event, in the same transaction (SQLite: the comment was the last insert).
const SQLITE_EVENT: &str = "INSERT INTO events (kind, comment_id, created_at, status) \
     SELECT 'comment_created', id, $4, status FROM comments WHERE id = last_insert_rowid()";

const THREAD_LOCKED: &str = "SELECT locked FROM threads WHERE site = $1 AND uri = $2";

/// One `$N` parameter of the statements above, whichever engine binds it.
#[derive(Debug, Clone, Copy)]
enum Param<'a> {
    Text(Option<&'a str>),
    Int(Option<i64>),
    Bool(bool),
}

/// The parameters `$1`…`$22` of the statements above, in order: the one list both engines bind.
fn parameters(new: &NewComment) -> [Param<'_>; 22] {
    use Param::{Bool, Int, Text};
    let (reader_id, token_hash, expires_at) = new.reader.columns();
    [
        Text(Some(&new.site)),                // $1 site
        Text(Some(&new.uri)),                 // $2 page
        Text(new.title.as_deref()),           // $3 page title
        Int(Some(new.created_at)),            // $4 now
        Int(new.parent_id),                   // $5 parent comment
        Int(reader_id),                       // $6 the credential writing it
        Text(token_hash),                     // $7 a new credential's token hash
        Int(expires_at),                      // $8 its expiry
        Int(new.user_id),                     // $9 account
        Text(Some(&new.author_name)),         // $10 name
        Text(new.author_email.as_deref()),    // $11 email
        Text(new.author_url.as_deref()),      // $12 website
        Text(Some(&new.author_avatar)),       // $13 avatar
        Text(new.author_provider.as_deref()), // $14 provider
        Text(Some(&new.body)),                // $15 markdown
        Text(Some(&new.html)),                // $16 sanitised HTML
        Text(Some(new.status)),               // $17 status
        Text(new.reason.as_deref()),          // $18 why
        Text(new.ip_hash.as_deref()),         // $19 address digest
        Bool(new.moderator),                  // $20 written by a moderator
        Text(new.notify.as_deref()),          // $21 notifications wanted
        Text(new.dedupe_key.as_deref()),      // $22 duplicate key
    ]
}

/// Binds `params` in order to a PostgreSQL query.
fn bind_postgres<'q, O>(
    mut query: sqlx::query::QueryAs<'q, sqlx::Postgres, O, sqlx::postgres::PgArguments>,
    params: &[Param<'q>],
) -> sqlx::query::QueryAs<'q, sqlx::Postgres, O, sqlx::postgres::PgArguments> {
    for param in params {
        query = match *param {
            Param::Text(value) => query.bind(value),
            Param::Int(value) => query.bind(value),
            Param::Bool(value) => query.bind(value),
        };
    }
    query
}

/// The same parameters as rusqlite values.
fn sqlite_values(params: &[Param<'_>]) -> Vec<Value> {
    params
        .iter()
        .map(|param| match *param {
            Param::Text(value) => text(value),
            Param::Int(value) => int(value),
            Param::Bool(value) => Value::Integer(value.into()),
        })
        .collect()
}

/// Stores a comment, creating the page's thread (and the guest's credential) if needed. Refuses,
/// and writes nothing, when the thread is locked or the parent is not a live comment of the
/// same thread.
pub async fn insert(db: &Db, new: NewComment) -> AppResult<CommentRow> {
    judge_and_insert(db, None, 0, move |_| Ok(new)).await
}

/// Reads the author's standing (when there is an author to judge), lets `decide` turn it into
/// the comment to store or a refusal, and stores that as [`insert`] does. Nothing else writes in
/// between on SQLite, where it is all one transaction.
pub async fn judge_and_insert(
    db: &Db,
    author: Option<Author>,
    now: i64,
    decide: impl FnOnce(Standing) -> AppResult<NewComment> + Send + 'static,
) -> AppResult<CommentRow> {
    match db {
        Db::Sqlite(pools) => {
            pools
                .comments
                .write(move |conn| write_on_sqlite(conn, author.as_ref(), now, decide))
                .await
        }
        Db::Postgres(pool) => {
            let standing = match &author {
                Some(author) => standing::of(pool, author, now).await?,
                None => Standing::default(),
            };
            let new = decide(standing)?;
            match insert_on_postgres(pool, &new).await {
                Err(err) if is_refusal(&err) => {
                    let locked: Option<bool> = sqlx::query_scalar(THREAD_LOCKED)
                        .bind(&new.site)
                        .bind(&new.uri)
                        .fetch_optional(pool)
                        .await?;
                    Err(refusal(locked))
                }
                inserted => Ok(inserted?),
            }
        }
    }
}

/// Which rule refused a guarded insert, from the thread's `locked` flag.
fn refusal(locked: Option<bool>) -> AppError {
    if locked == Some(true) {
        AppError::ThreadLocked
    } else {
        AppError::invalid(
            "invalid_parent",
            "The comment you reply to is not on this page.",
        )
    }
}

async fn insert_on_postgres(pool: &sqlx::PgPool, new: &NewComment) -> sqlx::Result<CommentRow> {
    let mut tx = pool.begin().await?;
    let row = {
        sqlx::query(TOUCH_THREAD)
            .bind(&new.site)
            .bind(&new.uri)
            .bind(&new.title)
            .bind(new.created_at)
            .execute(&mut *tx)
            .await?;
        if let NewReader::Issue {
            token_hash,
            expires_at,
        } = &new.reader
        {
            sqlx::query(
                "INSERT INTO credentials (token_hash, created_at, expires_at) VALUES ($1, $2, $3)",
            )
            .bind(token_hash)
            .bind(new.created_at)
            .bind(expires_at)
            .execute(&mut *tx)
            .await?;
        }
        let params = parameters(new);
        let row = bind_postgres(sqlx::query_as::<_, CommentRow>(&GUARDED_INSERT), &params)
            .fetch_one(&mut *tx)
            .await?;
        if new.record_event {
            sqlx::query("INSERT INTO events (kind, comment_id, created_at, status) VALUES ('comment_created', $1, $2, $3)")
                .bind(row.id)
                .bind(new.created_at)
                .bind(new.status)
                .execute(&mut *tx)
                .await?;
        }
        row
    };
    tx.commit().await?;
    Ok(row)
}

/// Whether the guarded insert refused the row (it selected NULL for `thread_id`).
fn is_refusal(err: &sqlx::Error) -> bool {
    err.as_database_error().is_some_and(|e| {
        matches!(e.kind(), sqlx::error::ErrorKind::NotNullViolation)
            && e.message().contains("thread_id")
    })
}

/// The SQLite arm, inside the writing connection's transaction: standing, decision and insert
/// (a refusal, an error or a panic rolls it all back).
fn write_on_sqlite(
    conn: &Connection,
    author: Option<&Author>,
    now: i64,
    decide: impl FnOnce(Standing) -> AppResult<NewComment>,
) -> AppResult<CommentRow> {
    let standing = match author {
        Some(author) => standing::on_sqlite(conn, author, now)?,
        None => Standing::default(),
    };
    let new = decide(standing)?;
    let values = sqlite_values(&parameters(&new));
    let run = |sql: &str| -> rusqlite::Result<usize> {
        let mut statement = conn.prepare_cached(sql)?;
        bind_numbered(&mut statement, &values)?;
        statement.raw_execute()
    };
    run(TOUCH_THREAD)?;
    if matches!(new.reader, NewReader::Issue { .. }) {
        run(ISSUE_CREDENTIAL)?;
    }
    let inserted = {
        let mut statement = conn.prepare_cached(&GUARDED_INSERT)?;
        bind_numbered(&mut statement, &values)?;
        let mut rows = statement.raw_query();
        match rows.next() {
            Ok(Some(row)) => Some(comment_row(row)?),
            Ok(None) => None,
            Err(err) if is_sqlite_refusal(&err) => {
                // The failed statement undid itself; the transaction is rolled back.
                let locked: Option<bool> = conn
                    .prepare_cached(THREAD_LOCKED)?
                    .query_row([&new.site, &new.uri], |row| row.get(0))
                    .or_else(|err| match err {
                        rusqlite::Error::QueryReturnedNoRows => Ok(None),
                        err => Err(err),
                    })?;
                return Err(refusal(locked));
            }
            Err(err) => return Err(err.into()),
        }
    };
    let row = inserted.ok_or_else(|| {
        AppError::Internal(anyhow::anyhow!("the new comment's thread was not stored"))
    })?;
    if new.record_event {
        run(SQLITE_EVENT)?;
    }
    Ok(row)
}

/// Whether SQLite refused the guarded insert's row (NULL `thread_id`).
fn is_sqlite_refusal(err: &rusqlite::Error) -> bool {
    matches!(err, rusqlite::Error::SqliteFailure(failure, Some(message))
        if failure.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_NOTNULL && message.contains("thread_id"))
}

/// A `RETURNING {COMMENT_COLUMNS}` row read by rusqlite.
fn comment_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<CommentRow> {
    Ok(CommentRow {
        id: row.get("id")?,
        parent_id: row.get("parent_id")?,
        reader_id: row.get("reader_id")?,
        user_id: row.get("user_id")?,
        author_name: row.get("author_name")?,
        author_url: row.get("author_url")?,
        author_avatar: row.get("author_avatar")?,
        author_provider: row.get("author_provider")?,
        html: row.get("html")?,
        status: row.get("status")?,
        created_at: row.get("created_at")?,
        edited_at: row.get("edited_at")?,
        moderator: row.get("moderator")?,
        body: row.get("body")?,
        pinned_at: row.get("pinned_at")?,
        likes: row.get("likes")?,
    })
}
