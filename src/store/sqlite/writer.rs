//! On SQLite, new comments are written on one connection of their own, by its own thread or,
//! when that thread has nothing to do, by the caller.
//!
//! Why a connection of our own: a new comment is a read (the author's standing), a decision, and
//! a write transaction. Through sqlx each statement is a hand-off between tokio and sqlx's
//! connection thread, each statement result one more message, and every return of a connection
//! to sqlx's pool one more round trip (it pings the connection): `perf stat` counted ~18 context
//! switches per comment. Here the whole job — standing, judgement, insert, commit — is one call
//! on statements kept prepared, in one `BEGIN IMMEDIATE` transaction ([`SqliteWriter::write`]),
//! so what it read cannot change before it writes. A job always runs to the end: a client that
//! disconnects cannot leave a transaction open.
//!
//! Who runs it: when nothing is queued for the thread and the connection is free, the caller
//! runs the job itself, on its tokio worker (~80 µs, measured). Handing it to the thread and
//! being woken with the answer cost two context switches, ~65 µs of a ~270 µs sequential comment
//! on these machines. The caller never waits for SQLite's lock this way: if another process holds
//! it, the job goes to the thread, which waits (`BUSY_TIMEOUT`) where no async work is held up.
//! Queued jobs keep their order: a caller runs a job itself only when the queue is empty.
//!
//! Everything else writes through sqlx's writing connection, and first takes a turn
//! ([`SqliteWriter::take_turn`]): this connection rests between two comments until that write is
//! done. Without turns the two would race for SQLite's write lock, and that race is not fair: the
//! other connection's busy handler sleeps and polls, while comments take the lock again a
//! microsecond after each commit. Measured under a flood of comments from 32 connections,
//! guests signing out (a write through sqlx) took up to 4.2 s of the 5 s busy timeout, after
//! which SQLite gives up; a moderator acting during a flood is the one who must not wait.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, mpsc};
use std::time::Duration;

use anyhow::Context;
use rusqlite::{Connection, OpenFlags};

use crate::error::{AppError, AppResult};

type Job = Box<dyn FnOnce(&mut Connection) + Send>;

/// How long the writing connection waits for SQLite's write lock (held by another process).
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// The writing connection and its thread's mailbox; cheap to clone. The thread ends when the
/// last clone is dropped.
#[derive(Debug, Clone)]
pub struct SqliteWriter {
    jobs: mpsc::Sender<Job>,
    shared: Arc<Shared>,
}

#[derive(Debug)]
struct Shared {
    conn: Mutex<Connection>,
    /// Jobs sent to the thread that it has not started yet.
    queued: AtomicUsize,
}

impl SqliteWriter {
    /// Opens `path` (already created and migrated by sqlx) and starts the thread.
    pub fn open(path: &Path) -> anyhow::Result<Self> {
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_URI;
        let conn = Connection::open_with_flags(path, flags)
            .with_context(|| format!("cannot open {} for writing comments", path.display()))?;
        // The same settings as the sqlx connections (journal_mode is stored in the file); checkpoints
        // are `sqlite_checkpoints`' job. An 8 MiB page cache holds the index pages new comments
        // land on (credential and duplicate digests are random, so they spread over the index).
        conn.busy_timeout(BUSY_TIMEOUT)?;
        conn.execute_batch(&format!(
            "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA wal_autocheckpoint = 0; \
             PRAGMA journal_size_limit = {}; PRAGMA cache_size = -8000;",
            super::JOURNAL_SIZE_LIMIT
        ))?;
        conn.set_prepared_statement_cache_capacity(32);
        let shared = Arc::new(Shared {
            conn: Mutex::new(conn),
            queued: AtomicUsize::new(0),
        });
        let (jobs, inbox) = mpsc::channel::<Job>();
        let thread_shared = Arc::clone(&shared);
        std::thread::Builder::new()
            .name("sqlite-writer".into())
            .spawn(move || {
                for job in inbox {
                    let mut conn = lock(&thread_shared.conn);
                    thread_shared.queued.fetch_sub(1, Ordering::SeqCst);
                    // The job's caller sees the lost answer as an error.
                    if catch_unwind(AssertUnwindSafe(|| job(&mut conn))).is_err() {
                        leave_transaction(&conn);
                    }
                }
            })
            .context("cannot start the SQLite writer thread")?;
        Ok(Self { jobs, shared })
    }

    /// Runs `job` inside one write transaction, committed when it returns `Ok` and rolled back
    /// when it returns an error (or panics): by the caller when the connection is idle, else on
    /// the thread.
    pub async fn write<T: Send + 'static>(
        &self,
        job: impl FnOnce(&Connection) -> AppResult<T> + Send + 'static,
    ) -> AppResult<T> {
        if let Some(conn) = self.idle() {
            match begin_without_waiting(&conn) {
                Ok(tx) => return catch_panic(&conn, || transaction(tx, job))?,
                Err(err) if is_busy(&err) => {}
                Err(err) => return Err(err.into()),
            }
        }
        self.run(move |conn| transaction(WriteTransaction::begin(conn)?, job))
            .await?
    }

    /// The connection, if nothing is queued for the thread and nobody uses it.
    fn idle(&self) -> Option<MutexGuard<'_, Connection>> {
        if self.shared.queued.load(Ordering::SeqCst) > 0 {
            return None;
        }
        match self.shared.conn.try_lock() {
            Ok(conn) => Some(conn),
            Err(std::sync::TryLockError::Poisoned(poisoned)) => Some(poisoned.into_inner()),
            Err(std::sync::TryLockError::WouldBlock) => None,
        }
    }

    /// Runs `job` on the writing thread and waits for its answer.
    pub async fn run<T: Send + 'static>(
        &self,
        job: impl FnOnce(&mut Connection) -> T + Send + 'static,
    ) -> AppResult<T> {
        let (answer, answered) = tokio::sync::oneshot::channel();
        self.send(Box::new(move |conn| {
            answer.send(job(conn)).ok();
        }))?;
        answered.await.map_err(|_| stopped())
    }

    /// Waits until the connection is between two comments and keeps it there while the turn
    /// lives, so another connection can take SQLite's write lock without racing it. Turns queue
    /// with the comments, in order. The holder must not wait for this writer while holding a turn.
    pub async fn take_turn(&self) -> sqlx::Result<WriteTurn> {
        let (waiting, waited) = tokio::sync::oneshot::channel();
        let (turn_over, over) = mpsc::channel::<()>();
        self.send(Box::new(move |_conn| {
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
    /// The job waits its turn behind the jobs already queued, and none starts until it has ended.
    pub fn run_blocking<T: Send + 'static>(
        &self,
        job: impl FnOnce(&mut Connection) -> T + Send + 'static,
    ) -> AppResult<T> {
        let (answer, answered) = mpsc::sync_channel(1);
        self.send(Box::new(move |conn| {
            answer.send(job(conn)).ok();
        }))?;
        answered.recv().map_err(|_| stopped())
    }

    fn send(&self, job: Job) -> AppResult<()> {
        self.shared.queued.fetch_add(1, Ordering::SeqCst);
        self.jobs.send(job).map_err(|_| {
            self.shared.queued.fetch_sub(1, Ordering::SeqCst);
            stopped()
        })
    }
}

/// Another connection's turn to write (see [`SqliteWriter::take_turn`]); dropping it lets the
/// writing connection go on. A holder that is cancelled drops it too.
#[derive(Debug)]
pub struct WriteTurn {
    _turn_over: mpsc::Sender<()>,
}

/// The connection even if a job once panicked while holding it: every job runs inside
/// `catch_unwind`, and a panic leaves no transaction open.
fn lock(conn: &Mutex<Connection>) -> MutexGuard<'_, Connection> {
    conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Runs `job`; a panic becomes an error, and the connection is left outside any transaction.
fn catch_panic<T>(conn: &Connection, job: impl FnOnce() -> T) -> AppResult<T> {
    catch_unwind(AssertUnwindSafe(job)).map_err(|_| {
        leave_transaction(conn);
        AppError::Internal(anyhow::anyhow!("a write on SQLite panicked"))
    })
}

/// After a panic: the connection must not stay inside the job's transaction.
fn leave_transaction(conn: &Connection) {
    if !conn.is_autocommit() {
        conn.execute_batch("ROLLBACK").ok();
    }
}

fn transaction<T>(
    tx: WriteTransaction<'_>,
    job: impl FnOnce(&Connection) -> AppResult<T>,
) -> AppResult<T> {
    let answer = job(tx.conn)?;
    tx.commit()?;
    Ok(answer)
}

/// `BEGIN IMMEDIATE` if SQLite's write lock is free now; busy (not waiting) if it is not.
fn begin_without_waiting(conn: &Connection) -> rusqlite::Result<WriteTransaction<'_>> {
    conn.busy_timeout(Duration::ZERO)?;
    let begun = WriteTransaction::begin(conn);
    conn.busy_timeout(BUSY_TIMEOUT)?;
    begun
}

/// SQLite's write lock was held by another connection (`SQLITE_BUSY`).
pub(super) fn is_busy(err: &rusqlite::Error) -> bool {
    matches!(err, rusqlite::Error::SqliteFailure(failure, _)
        if failure.code == rusqlite::ErrorCode::DatabaseBusy)
}

fn stopped() -> AppError {
    AppError::Internal(anyhow::anyhow!("the SQLite writer stopped"))
}

/// A write transaction on statements kept prepared (rusqlite's own parses `BEGIN` and `COMMIT`
/// anew each time). Dropped without [`WriteTransaction::commit`], it rolls back.
struct WriteTransaction<'c> {
    conn: &'c Connection,
    open: bool,
}

impl<'c> WriteTransaction<'c> {
    /// `BEGIN IMMEDIATE`: takes the write lock now, so nothing read inside can change before the
    /// transaction writes.
    fn begin(conn: &'c Connection) -> rusqlite::Result<Self> {
        conn.prepare_cached("BEGIN IMMEDIATE")?.execute([])?;
        Ok(Self { conn, open: true })
    }

    fn commit(mut self) -> rusqlite::Result<()> {
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
