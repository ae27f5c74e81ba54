//! On SQLite, new comments are written by one thread that owns a connection of its own.
//!
//! Why a thread of our own: a new comment is a read (the author's standing), a decision, and a
//! write transaction. Through sqlx each statement is a hand-off between tokio and sqlx's
//! connection thread, each statement result one more message, and every return of a connection
//! to sqlx's pool one more round trip (it pings the connection): `perf stat` counted ~18 context
//! switches per comment. Here the whole job — standing, judgement, insert, commit — is ONE
//! hand-off to this thread and one answer back, on statements it keeps prepared.
//!
//! The job runs in one `BEGIN IMMEDIATE` transaction, so what it read cannot change before it
//! writes, and it always runs to the end: a client that disconnects cannot leave a transaction
//! open. Everything else keeps writing through sqlx's writing connection; the two serialise on
//! SQLite's write lock, each transaction is short, and a busy connection waits (`busy_timeout`).
//!
//! Everything else writes through sqlx's writing connection, and first takes a turn
//! ([`SqliteWriter::take_turn`]): this thread waits between two comments until that write is
//! done. Without turns the two would race for SQLite's write lock, and that race is not fair: the
//! other connection's busy handler sleeps and polls, while this thread takes the lock again a
//! microsecond after each commit. Measured under a flood of comments from 32 connections,
//! guests signing out (a write through sqlx) took up to 4.2 s of the 5 s busy timeout, after
//! which SQLite gives up; a moderator acting during a flood is the one who must not wait.
//!
//! The SQL is the same portable `$N` text the PostgreSQL arm uses (see [`super::sqlite_params`]).

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

use anyhow::Context;
use rusqlite::{Connection, OpenFlags};

use crate::error::{AppError, AppResult};

type Job = Box<dyn FnOnce(&mut Connection) + Send>;

/// How long the writing connection waits for SQLite's write lock (held by another connection).
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// The writing thread's mailbox; cheap to clone. The thread ends when the last clone is dropped.
#[derive(Debug, Clone)]
pub struct SqliteWriter {
    jobs: mpsc::Sender<Job>,
}

impl SqliteWriter {
    /// Opens `path` (already created and migrated by sqlx) and starts the thread.
    pub fn open(path: &Path) -> anyhow::Result<Self> {
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_URI;
        let mut conn = Connection::open_with_flags(path, flags)
            .with_context(|| format!("cannot open {} for writing comments", path.display()))?;
        // The same settings as the sqlx connections (journal_mode is stored in the file); checkpoints
        // are `sqlite_checkpoints`' job. An 8 MiB page cache holds the index pages new comments
        // land on (credential and duplicate digests are random, so they spread over the index).
        conn.busy_timeout(BUSY_TIMEOUT)?;
        conn.execute_batch(&format!(
            "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA wal_autocheckpoint = 0; \
             PRAGMA journal_size_limit = {}; PRAGMA cache_size = -8000;",
            super::sqlite_checkpoints::JOURNAL_SIZE_LIMIT
        ))?;
        conn.set_prepared_statement_cache_capacity(32);
        let (jobs, inbox) = mpsc::channel::<Job>();
        std::thread::Builder::new()
            .name("sqlite-writer".into())
            .spawn(move || {
                for job in inbox {
                    if catch_unwind(AssertUnwindSafe(|| job(&mut conn))).is_err() {
                        // The job's caller sees the lost answer as an error; the connection must
                        // not stay inside the job's transaction.
                        if !conn.is_autocommit() {
                            conn.execute_batch("ROLLBACK").ok();
                        }
                    }
                }
            })
            .context("cannot start the SQLite writer thread")?;
        Ok(Self { jobs })
    }

    /// Runs `job` on the writing thread and waits for its answer.
    pub async fn run<T: Send + 'static>(
        &self,
        job: impl FnOnce(&mut Connection) -> T + Send + 'static,
    ) -> AppResult<T> {
        let (answer, answered) = tokio::sync::oneshot::channel();
        self.jobs
            .send(Box::new(move |conn| {
                answer.send(job(conn)).ok();
            }))
            .map_err(|_| stopped())?;
        answered.await.map_err(|_| stopped())
    }

    /// Waits until this thread is between two comments and keeps it there while the turn lives,
    /// so another connection can take SQLite's write lock without racing it. Turns queue with
    /// the comments, in order. The holder must not wait for this thread while holding a turn.
    pub async fn take_turn(&self) -> sqlx::Result<WriteTurn> {
        let (waiting, waited) = tokio::sync::oneshot::channel();
        let (turn_over, over) = mpsc::channel::<()>();
        self.jobs
            .send(Box::new(move |_conn| {
                if waiting.send(()).is_ok() {
                    // Returns when the turn (the only sender) is dropped.
                    let _ = over.recv();
                }
            }))
            .map_err(|_| sqlx::Error::PoolClosed)?;
        waited.await.map_err(|_| sqlx::Error::PoolClosed)?;
        Ok(WriteTurn {
            _turn_over: turn_over,
        })
    }

    /// Like [`SqliteWriter::run`], for a thread outside the async runtime: blocks until answered.
    /// The job waits its turn behind the comments already queued, and no comment starts until it
    /// has ended.
    pub fn run_blocking<T: Send + 'static>(
        &self,
        job: impl FnOnce(&mut Connection) -> T + Send + 'static,
    ) -> AppResult<T> {
        let (answer, answered) = mpsc::sync_channel(1);
        self.jobs
            .send(Box::new(move |conn| {
                answer.send(job(conn)).ok();
            }))
            .map_err(|_| stopped())?;
        answered.recv().map_err(|_| stopped())
    }
}

/// Another connection's turn to write (see [`SqliteWriter::take_turn`]); dropping it lets the
/// writing thread go on. A holder that is cancelled drops it too.
#[derive(Debug)]
pub struct WriteTurn {
    _turn_over: mpsc::Sender<()>,
}

fn stopped() -> AppError {
    AppError::Internal(anyhow::anyhow!("the SQLite writer stopped"))
}

/// A write transaction on statements kept prepared (rusqlite's own parses `BEGIN` and `COMMIT`
/// anew each time). Dropped without [`WriteTransaction::commit`], it rolls back.
pub struct WriteTransaction<'c> {
    conn: &'c Connection,
    open: bool,
}

impl<'c> WriteTransaction<'c> {
    /// `BEGIN IMMEDIATE`: takes the write lock now, so nothing read inside can change before the
    /// transaction writes.
    pub fn begin(conn: &'c Connection) -> rusqlite::Result<Self> {
        conn.prepare_cached("BEGIN IMMEDIATE")?.execute([])?;
        Ok(Self { conn, open: true })
    }

    /// The connection, to run statements inside the transaction.
    pub fn conn(&self) -> &'c Connection {
        self.conn
    }

    /// `COMMIT`.
    pub fn commit(mut self) -> rusqlite::Result<()> {
        self.conn.prepare_cached("COMMIT")?.execute([])?;
        self.open = false;
        Ok(())
    }
}

impl Drop for WriteTransaction<'_> {
    fn drop(&mut self) {
        if self.open && !self.conn.is_autocommit() {
            self.conn.execute_batch("ROLLBACK").ok();
        }
    }
}

#[cfg(test)]
mod tests;
