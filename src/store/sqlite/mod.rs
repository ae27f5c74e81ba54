//! SQLite's machinery, all of it: the pools, the thread that writes new comments
//! ([`writer`]), the thread that copies the write-ahead log back into the file
//! ([`checkpoints`]), and running `store/`'s portable `$N` SQL on rusqlite ([`params`]).
//! Nothing outside `store/` sees a pool or a rusqlite type.
//!
//! SQLite allows one writer at a time. New comments are written by a thread of their own;
//! every other write goes through one sqlx connection, queued fairly by the pool, and during a
//! turn of that thread, so the two never race for the lock in sleep-and-retry loops. Readers
//! have a pool of their own (WAL lets them read while the writer writes), opened with
//! `PRAGMA query_only`, so a write sent to it by mistake fails at once instead of racing the
//! writer.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use anyhow::Context;
use sqlx::SqlitePool;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

use crate::error::AppError;

pub mod checkpoints;
pub mod params;
pub mod writer;

/// `PRAGMA journal_size_limit` for the connections that write: the bytes of log kept on disk
/// when the log starts again from its beginning.
pub const JOURNAL_SIZE_LIMIT: i64 = 64 * 1024 * 1024;

/// The pools and threads of one SQLite file.
#[derive(Debug, Clone)]
pub struct SqlitePools {
    /// Connections for reading (`query_only`).
    pub(in crate::store) reads: SqlitePool,
    /// The one sqlx connection that writes.
    pub(in crate::store) writes: SqlitePool,
    /// The thread that writes new comments (see [`writer`]).
    pub(in crate::store) comments: writer::SqliteWriter,
    /// The thread that copies the write-ahead log into the file (see [`checkpoints`]); held,
    /// not called: it runs while any clone of the pools lives.
    _checkpoints: checkpoints::Checkpoints,
}

impl SqlitePools {
    /// Opens (creating it and its folder on first start) the file `url` names.
    pub(super) async fn open(url: &str, max_connections: u32) -> anyhow::Result<Self> {
        let options = SqliteConnectOptions::from_str(url)
            .context("invalid SQLite URL")?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(Duration::from_secs(5))
            .foreign_keys(true)
            // Checkpoints run on a thread of their own (`checkpoints`).
            .pragma("wal_autocheckpoint", "0")
            .pragma("journal_size_limit", JOURNAL_SIZE_LIMIT.to_string());
        if let Some(dir) = Path::new(options.get_filename()).parent() {
            if !dir.as_os_str().is_empty() {
                std::fs::create_dir_all(dir)
                    .with_context(|| format!("cannot create {}", dir.display()))?;
            }
        }
        // A local file cannot drop the connection the way a network can: skip the ping
        // sqlx would otherwise send before every use.
        let pool = |size: u32| {
            SqlitePoolOptions::new()
                .max_connections(size)
                .test_before_acquire(false)
                .acquire_timeout(Duration::from_secs(5))
        };
        let writes = pool(1)
            .connect_with(options.clone())
            .await
            .context("cannot open the SQLite database")?;
        let file = Path::new(options.get_filename());
        let comments = writer::SqliteWriter::open(file)?;
        let checkpoints = checkpoints::Checkpoints::start(file, comments.clone())?;
        let reads = pool(max_connections)
            .connect_with(options.pragma("query_only", "ON"))
            .await?;
        Ok(Self {
            reads,
            writes,
            comments,
            _checkpoints: checkpoints,
        })
    }
}

impl From<rusqlite::Error> for AppError {
    fn from(err: rusqlite::Error) -> Self {
        Self::Internal(err.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_reading_pool_refuses_to_write() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}/r.db", dir.path().display());
        let pools = SqlitePools::open(&url, 2).await.unwrap();
        sqlx::query("CREATE TABLE t (a INTEGER)")
            .execute(&pools.writes)
            .await
            .unwrap();
        let misplaced = sqlx::query("INSERT INTO t (a) VALUES (1)")
            .execute(&pools.reads)
            .await;
        assert!(misplaced.is_err(), "a write on the reading pool must fail");
        let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM t")
            .fetch_one(&pools.reads)
            .await
            .unwrap();
        assert_eq!(count, 0);
    }
}
