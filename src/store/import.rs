//! Writing an import: one transaction for the whole file (on SQLite during one turn of the
//! writing thread, so new comments wait for it rather than interleave). Comments are inserted
//! in batches with their `source`; one that is already there is left alone, which makes a
//! re-run change nothing. A reply carries its parent's source, and one statement at the end
//! attaches them all (parents may come after their replies in a file).

use sqlx::{Postgres, Sqlite, Transaction};

use super::Db;
use super::sqlite::writer::WriteTurn;

/// A comment to import, with its thread already stored.
#[derive(Debug, Clone)]
pub struct ImportedComment {
    /// Its thread.
    pub thread_id: i64,
    /// Where it came from (`site:format:id`).
    pub source: String,
    /// Where its parent came from, for a reply.
    pub parent_source: Option<String>,
    /// Display name.
    pub author_name: String,
    /// Email (never published).
    pub author_email: Option<String>,
    /// Website.
    pub author_url: Option<String>,
    /// Avatar path.
    pub author_avatar: String,
    /// The body as exported.
    pub body: String,
    /// The body through the comment policy.
    pub html: String,
    /// Status word.
    pub status: &'static str,
    /// Original time (epoch ms).
    pub created_at: i64,
}

/// The parameters one comment takes in the multi-row insert.
const PARAMS_PER_ROW: usize = 12;
/// How many comments one insert statement carries (well within both engines' parameter limits).
pub const BATCH: usize = 200;

/// `INSERT … VALUES (…), (…) ON CONFLICT (source) DO NOTHING` for `rows` comments.
fn insert_sql(rows: usize) -> String {
    let mut sql = String::from(
        "INSERT INTO comments (thread_id, author_name, author_email, author_url, author_avatar, body, html, \
         status, created_at, moderator, source, parent_source) VALUES ",
    );
    for row in 0..rows {
        let n = row * PARAMS_PER_ROW;
        if row > 0 {
            sql.push(',');
        }
        sql.push_str(&format!(
            "(${}, ${}, ${}, ${}, ${}, ${}, ${}, ${}, ${}, ${}, ${}, ${})",
            n + 1,
            n + 2,
            n + 3,
            n + 4,
            n + 5,
            n + 6,
            n + 7,
            n + 8,
            n + 9,
            n + 10,
            n + 11,
            n + 12
        ));
    }
    sql.push_str(" ON CONFLICT (source) DO NOTHING");
    sql
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

    /// Stores a batch of comments (at most [`BATCH`]); those whose source is already there are
    /// left alone. How many were new.
    pub async fn comments(&mut self, batch: &[ImportedComment]) -> sqlx::Result<u64> {
        if batch.is_empty() {
            return Ok(0);
        }
        let sql = insert_sql(batch.len());
        on_tx!(self, tx => {
            let mut query = sqlx::query(&sql);
            for c in batch {
                query = query
                    .bind(c.thread_id)
                    .bind(&c.author_name)
                    .bind(&c.author_email)
                    .bind(&c.author_url)
                    .bind(&c.author_avatar)
                    .bind(&c.body)
                    .bind(&c.html)
                    .bind(c.status)
                    .bind(c.created_at)
                    .bind(false)
                    .bind(&c.source)
                    .bind(&c.parent_source);
            }
            query.execute(tx).await.map(|done| done.rows_affected())
        })
    }

    /// Attaches every reply this import stored to its parent, found by source (in this file or
    /// an earlier import): how many replies this import stored, and those whose parent is
    /// nowhere (their source and the parent's), which stay at the top of their page. (Only this
    /// import's new rows carry a `parent_source`.)
    pub async fn attach_parents(&mut self) -> sqlx::Result<(usize, Vec<(String, String)>)> {
        on_tx!(self, tx => {
            let replies: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM comments WHERE parent_source IS NOT NULL")
                .fetch_one(&mut *tx)
                .await?;
            sqlx::query(
                "UPDATE comments SET parent_id = (SELECT p.id FROM comments p WHERE p.source = comments.parent_source) \
                 WHERE parent_source IS NOT NULL",
            )
            .execute(&mut *tx)
            .await?;
            let orphans: Vec<(String, String)> = sqlx::query_as(
                "SELECT source, parent_source FROM comments WHERE parent_source IS NOT NULL AND parent_id IS NULL ORDER BY id",
            )
            .fetch_all(&mut *tx)
            .await?;
            sqlx::query("UPDATE comments SET parent_source = NULL WHERE parent_source IS NOT NULL")
                .execute(&mut *tx)
                .await?;
            Ok((replies as usize, orphans))
        })
    }

    /// Makes it all visible at once.
    pub async fn commit(self) -> sqlx::Result<()> {
        match self.tx {
            Tx::Sqlite(tx, _turn) => tx.commit().await,
            Tx::Postgres(tx) => tx.commit().await,
        }
    }
}
