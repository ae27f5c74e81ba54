//! Writing an import: one transaction for the whole file (on SQLite one job of the writing
//! thread, so new comments wait for it rather than interleave). Comments are inserted
//! in batches with their `source`; one that is already there is left alone, which makes a
//! re-run change nothing. A reply carries its parent's source, and one statement at the end
//! attaches them all (parents may come after their replies in a file).

use rusqlite::Connection;
use sqlx::{Postgres, Transaction};
use tokio::sync::oneshot;

use super::Db;

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
    /// On SQLite the import runs as one job of the writing thread (rusqlite, statements kept
    /// prepared: sqlx's hand-off per statement made it three times slower), fed by this channel.
    Sqlite(
        tokio::sync::mpsc::Sender<SqliteOp>,
        tokio::task::JoinHandle<crate::error::AppResult<crate::error::AppResult<()>>>,
    ),
    Postgres(Transaction<'static, Postgres>),
}

/// How many replies an import stored, and the orphans among them (source, parent's source).
pub type Attached = (usize, Vec<(String, String)>);

/// What the async side asks of the SQLite job; each answers on its own channel.
enum SqliteOp {
    Thread {
        site: String,
        uri: String,
        title: Option<String>,
        created_at: i64,
        answer: oneshot::Sender<rusqlite::Result<i64>>,
    },
    Comments(Vec<ImportedComment>, oneshot::Sender<rusqlite::Result<u64>>),
    AttachParents(oneshot::Sender<rusqlite::Result<Attached>>),
    Commit(oneshot::Sender<rusqlite::Result<()>>),
}

/// An import's open transaction.
pub struct ImportWriter {
    tx: Tx,
}

/// Asks the SQLite job, or runs statements on the PostgreSQL transaction.
macro_rules! on_tx {
    ($self:expr, $answer:ident => $sqlite:expr, $tx:ident => $postgres:expr) => {
        match &mut $self.tx {
            Tx::Sqlite(ops, _) => {
                let ($answer, answered) = oneshot::channel();
                ops.send($sqlite).await.map_err(|_| gone())?;
                answered.await.map_err(|_| gone())?.map_err(sqlite_error)
            }
            Tx::Postgres(tx) => {
                let $tx = &mut **tx;
                $postgres
            }
        }
    };
}

fn gone() -> sqlx::Error {
    sqlx::Error::WorkerCrashed
}

fn sqlite_error(err: rusqlite::Error) -> sqlx::Error {
    sqlx::Error::Protocol(format!("SQLite: {err}"))
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
                let (ops, inbox) = tokio::sync::mpsc::channel(4);
                let writer = pools.comments.clone();
                let job = tokio::spawn(async move {
                    writer.run(move |conn| run_on_sqlite(conn, inbox)).await
                });
                Tx::Sqlite(ops, job)
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
        on_tx!(self,
            answer => SqliteOp::Thread { site: site.into(), uri: uri.into(), title: title.map(Into::into), created_at, answer },
            tx => sqlx::query_scalar(THREAD).bind(site).bind(uri).bind(title).bind(created_at).fetch_one(tx).await)
    }

    /// Stores a batch of comments (at most [`BATCH`]); those whose source is already there are
    /// left alone. How many were new.
    pub async fn comments(&mut self, batch: &[ImportedComment]) -> sqlx::Result<u64> {
        if batch.is_empty() {
            return Ok(0);
        }
        on_tx!(self,
        answer => SqliteOp::Comments(batch.to_vec(), answer),
        tx => {
            let sql = insert_sql(batch.len());
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
    pub async fn attach_parents(&mut self) -> sqlx::Result<Attached> {
        on_tx!(self,
        answer => SqliteOp::AttachParents(answer),
        tx => {
            let replies: i64 = sqlx::query_scalar(COUNT_REPLIES).fetch_one(&mut *tx).await?;
            sqlx::query(ATTACH).execute(&mut *tx).await?;
            let orphans: Vec<(String, String)> = sqlx::query_as(ORPHANS).fetch_all(&mut *tx).await?;
            sqlx::query(CLEAR).execute(&mut *tx).await?;
            Ok((replies as usize, orphans))
        })
    }

    /// Makes it all visible at once.
    pub async fn commit(self) -> sqlx::Result<()> {
        match self.tx {
            Tx::Sqlite(ops, job) => {
                let (answer, answered) = oneshot::channel();
                ops.send(SqliteOp::Commit(answer))
                    .await
                    .map_err(|_| gone())?;
                answered.await.map_err(|_| gone())?.map_err(sqlite_error)?;
                drop(ops);
                match job.await {
                    Ok(Ok(Ok(()))) => Ok(()),
                    _ => Err(gone()),
                }
            }
            Tx::Postgres(tx) => tx.commit().await,
        }
    }
}

const COUNT_REPLIES: &str = "SELECT COUNT(*) FROM comments WHERE parent_source IS NOT NULL";
const ATTACH: &str = "UPDATE comments SET parent_id = (SELECT p.id FROM comments p WHERE p.source = comments.parent_source) \
     WHERE parent_source IS NOT NULL";
const ORPHANS: &str = "SELECT source, parent_source FROM comments WHERE parent_source IS NOT NULL AND parent_id IS NULL ORDER BY id";
const CLEAR: &str = "UPDATE comments SET parent_source = NULL WHERE parent_source IS NOT NULL";

const SQLITE_COMMENT: &str = "INSERT INTO comments (thread_id, author_name, author_email, author_url, author_avatar, body, html, \
     status, created_at, moderator, source, parent_source) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, FALSE, ?10, ?11) \
     ON CONFLICT (source) DO NOTHING";

/// The SQLite job: one `BEGIN IMMEDIATE` transaction on the writing connection, answering the
/// async side's requests until it commits, or rolling back when the import gives up (the
/// channel closes first).
fn run_on_sqlite(
    conn: &mut Connection,
    mut inbox: tokio::sync::mpsc::Receiver<SqliteOp>,
) -> crate::error::AppResult<()> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    while let Some(op) = inbox.blocking_recv() {
        match op {
            SqliteOp::Thread {
                site,
                uri,
                title,
                created_at,
                answer,
            } => {
                let id = tx.prepare_cached(THREAD).and_then(|mut s| {
                    s.query_row(rusqlite::params![site, uri, title, created_at], |row| {
                        row.get(0)
                    })
                });
                let _ = answer.send(id);
            }
            SqliteOp::Comments(batch, answer) => {
                let stored = (|| {
                    let mut insert = tx.prepare_cached(SQLITE_COMMENT)?;
                    let mut new = 0u64;
                    for c in &batch {
                        new += insert.execute(rusqlite::params![
                            c.thread_id,
                            c.author_name,
                            c.author_email,
                            c.author_url,
                            c.author_avatar,
                            c.body,
                            c.html,
                            c.status,
                            c.created_at,
                            c.source,
                            c.parent_source
                        ])? as u64;
                    }
                    Ok(new)
                })();
                let _ = answer.send(stored);
            }
            SqliteOp::AttachParents(answer) => {
                let attached = (|| {
                    let replies: i64 = tx.query_row(COUNT_REPLIES, [], |row| row.get(0))?;
                    tx.execute(ATTACH, [])?;
                    let orphans = tx
                        .prepare(ORPHANS)?
                        .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?
                        .collect::<rusqlite::Result<Vec<(String, String)>>>()?;
                    tx.execute(CLEAR, [])?;
                    Ok((replies as usize, orphans))
                })();
                let _ = answer.send(attached);
            }
            SqliteOp::Commit(answer) => {
                let _ = answer.send(tx.commit());
                return Ok(());
            }
        }
    }
    // The import stopped before committing: nothing of it stays.
    drop(tx);
    Ok(())
}
