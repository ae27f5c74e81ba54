//! Writing an import: one transaction for the whole file (on SQLite during one turn of the
//! writing thread, so new comments wait for it rather than interleave). Comments are inserted
//! with their `source`; one that is already there is left alone, which makes a re-run change
//! nothing.

use sqlx::{Postgres, Sqlite, Transaction};

use super::Db;
use super::sqlite::writer::WriteTurn;

/// A comment to import, with its thread already stored.
#[derive(Debug, Clone)]
pub struct ImportedComment<'a> {
    /// Its thread.
    pub thread_id: i64,
    /// Its parent, when already stored.
    pub parent_id: Option<i64>,
    /// Where it came from (`site:format:id`).
    pub source: &'a str,
    /// Display name.
    pub author_name: &'a str,
    /// Email (never published).
    pub author_email: Option<&'a str>,
    /// Website.
    pub author_url: Option<&'a str>,
    /// Avatar path.
    pub author_avatar: &'a str,
    /// The body as exported.
    pub body: &'a str,
    /// The body through the comment policy.
    pub html: &'a str,
    /// Status word.
    pub status: &'a str,
    /// Original time (epoch ms).
    pub created_at: i64,
}

enum Tx {
    Sqlite(Transaction<'static, Sqlite>, WriteTurn),
    Postgres(Transaction<'static, Postgres>),
}

/// An import's open transaction.
pub struct ImportWriter {
    tx: Tx,
}

/// Runs one statement on whichever transaction is open.
macro_rules! on_tx {
    ($self:expr, $tx:ident => $body:expr) => {
        match &mut $self.tx {
            Tx::Sqlite(tx, _) => {
                let $tx = &mut **tx;
                $body
            }
            Tx::Postgres(tx) => {
                let $tx = &mut **tx;
                $body
            }
        }
    };
}

const THREAD: &str = "INSERT INTO threads (site, uri, title, created_at) VALUES ($1, $2, $3, $4) \
     ON CONFLICT (site, uri) DO UPDATE SET title = COALESCE(threads.title, excluded.title), \
     created_at = CASE WHEN excluded.created_at < threads.created_at THEN excluded.created_at ELSE threads.created_at END \
     RETURNING id";

const COMMENT: &str = "INSERT INTO comments (thread_id, parent_id, author_name, author_email, author_url, author_avatar, \
     body, html, status, created_at, moderator, source) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, FALSE, $11) \
     ON CONFLICT (source) DO NOTHING RETURNING id";

impl ImportWriter {
    /// Opens the transaction.
    pub async fn begin(db: &Db) -> sqlx::Result<Self> {
        let tx = match db {
            Db::Sqlite(pools) => {
                let turn = pools.comments.take_turn().await?;
                Tx::Sqlite(pools.writes.begin_with("BEGIN IMMEDIATE").await?, turn)
            }
            Db::Postgres(pool) => Tx::Postgres(pool.begin().await?),
        };
        Ok(Self { tx })
    }

    /// The page's thread (created if new; an existing one keeps its title); its id.
    pub async fn thread(
        &mut self,
        site: &str,
        uri: &str,
        title: Option<&str>,
        created_at: i64,
    ) -> sqlx::Result<i64> {
        on_tx!(self, tx => sqlx::query_scalar(THREAD).bind(site).bind(uri).bind(title).bind(created_at).fetch_one(tx).await)
    }

    /// Stores a comment; `None` if one with the same source is already there.
    pub async fn comment(&mut self, c: &ImportedComment<'_>) -> sqlx::Result<Option<i64>> {
        on_tx!(self, tx => {
            sqlx::query_scalar(COMMENT)
                .bind(c.thread_id)
                .bind(c.parent_id)
                .bind(c.author_name)
                .bind(c.author_email)
                .bind(c.author_url)
                .bind(c.author_avatar)
                .bind(c.body)
                .bind(c.html)
                .bind(c.status)
                .bind(c.created_at)
                .bind(c.source)
                .fetch_optional(tx)
                .await
        })
    }

    /// The comment imported from `source`, if any (this run or an earlier one).
    pub async fn existing(&mut self, source: &str) -> sqlx::Result<Option<i64>> {
        on_tx!(self, tx => sqlx::query_scalar("SELECT id FROM comments WHERE source = $1").bind(source).fetch_optional(tx).await)
    }

    /// Attaches a reply to its parent (read later in the file).
    pub async fn set_parent(&mut self, id: i64, parent: i64) -> sqlx::Result<()> {
        on_tx!(self, tx => sqlx::query("UPDATE comments SET parent_id = $1 WHERE id = $2").bind(parent).bind(id).execute(tx).await.map(|_| ()))
    }

    /// Makes it all visible at once.
    pub async fn commit(self) -> sqlx::Result<()> {
        match self.tx {
            Tx::Sqlite(tx, _turn) => tx.commit().await,
            Tx::Postgres(tx) => tx.commit().await,
        }
    }
}
