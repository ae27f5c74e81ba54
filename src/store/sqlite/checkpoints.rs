//! On SQLite, a thread of its own copies the write-ahead log back into the database file, and
//! keeps the log from growing without bound.
//!
//! By default SQLite does that copy (a checkpoint, with its fsyncs) inside whichever commit
//! pushes the log past 1,000 pages, and that writer waits for it. Measured with
//! `scripts/bench-load`, those checkpoints were over half the average time of a new comment. So
//! every connection is opened with `wal_autocheckpoint = 0` and this thread runs a PASSIVE
//! checkpoint (it never blocks readers or the writer) every [`INTERVAL`].
//!
//! A PASSIVE checkpoint alone starves under steady writes: it copies the frames that were in the
//! log when it started, and by the time it ends the writer has appended more. SQLite starts the
//! log again from its beginning only when a write begins on a log that is copied to its very
//! end, so under load that never happens and the log grows for ever (measured: a 1.99 GB log
//! beside a 41 MB database after ~45,000 comments in a few minutes, every commit writing into
//! newly allocated file blocks). So when the log is long, a RESTART checkpoint follows the
//! passive one: it copies the few frames written meanwhile and waits (at most [`RESTART_WAIT`])
//! for readers of old frames to finish; the next write then starts the log from its beginning.
//!
//! The restart runs on the thread that writes new comments ([`SqliteWriter`]), queued between
//! two comments. Run from here it would have to win SQLite's write lock, which is not fair: its
//! busy handler sleeps and polls while a writer that never pauses takes the lock again a
//! microsecond after each commit, so the restart starved exactly when the log grew fastest. The
//! writing connections carry [`super::JOURNAL_SIZE_LIMIT`], so a log that grew long while a slow
//! reader held old frames is cut back when it restarts.

use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

use anyhow::Context;
use rusqlite::{Connection, OpenFlags};

use super::writer::{self, SqliteWriter};

/// How often the log is copied back. Short enough that the log stays small (a busy site writes
/// a few MiB of log per second), long enough that an idle one costs nothing noticeable.
pub const INTERVAL: Duration = Duration::from_millis(250);

/// A log with more frames than this (4 KiB pages, so ~4 MiB: SQLite's own auto-checkpoint size)
/// is restarted after its passive copy.
pub const RESTART_FRAMES: i64 = 1_000;

/// How long a restart may hold off writers while readers of old frames finish; a restart that
/// would wait longer gives up and is tried again at the next interval.
pub const RESTART_WAIT: Duration = Duration::from_millis(100);

/// Keeps the checkpoint thread running; it makes a last checkpoint and ends when every clone
/// of this handle is gone.
#[derive(Debug, Clone)]
pub struct Checkpoints {
    _running: mpsc::Sender<()>,
}

impl Checkpoints {
    /// Starts the thread for the database file at `path`, whose new comments `writer` writes.
    pub fn start(path: &Path, writer: SqliteWriter) -> anyhow::Result<Self> {
        let mut log = Log::open(path, writer)?;
        let (running, stopped) = mpsc::channel::<()>();
        std::thread::Builder::new()
            .name("sqlite-checkpoints".into())
            .spawn(move || {
                while let Err(mpsc::RecvTimeoutError::Timeout) = stopped.recv_timeout(INTERVAL) {
                    log_failure(log.checkpoint());
                }
                log_failure(log.checkpoint());
            })
            .context("cannot start the SQLite checkpoint thread")?;
        Ok(Self { _running: running })
    }
}

/// What one checkpoint did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Checkpointed {
    /// The log was copied back as far as readers allow; it is short, or nothing was written
    /// since it was last restarted.
    Copied,
    /// The log was long: it was copied back to its end and will start again from its beginning.
    Restarted,
    /// The log was long, and a restart would have waited too long for readers of old frames;
    /// the next interval tries again.
    RestartPostponed,
}

/// The write-ahead log of one database, as the checkpointing connection sees it.
pub struct Log {
    conn: Connection,
    /// Restarts run on the writing thread.
    writer: SqliteWriter,
    /// The length of the log at the last restart, while nothing has been written since.
    restarted: Option<i64>,
}

impl Log {
    /// Opens the checkpointing connection to the database file at `path`.
    pub fn open(path: &Path, writer: SqliteWriter) -> anyhow::Result<Self> {
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .with_context(|| format!("cannot open {} for checkpoints", path.display()))?;
        Ok(Self {
            conn,
            writer,
            restarted: None,
        })
    }

    /// One round: a passive copy here, then, if the log is long, a restart on the writing thread.
    ///
    /// Whether the passive copy reached the end of the log says nothing here: it reached the end
    /// the log had when it began, and a steady writer has appended more since.
    pub fn checkpoint(&mut self) -> anyhow::Result<Checkpointed> {
        let passive = progress(&self.conn, "PRAGMA wal_checkpoint(PASSIVE)")?;
        let untouched = passive.copied == passive.frames && self.restarted == Some(passive.frames);
        if passive.frames <= RESTART_FRAMES || untouched {
            return Ok(Checkpointed::Copied);
        }
        self.restarted = None;
        let restart = self.writer.run_blocking(restart)??;
        if restart.busy {
            return Ok(Checkpointed::RestartPostponed);
        }
        self.restarted = Some(restart.frames);
        Ok(Checkpointed::Restarted)
    }
}

/// A RESTART checkpoint on the writing connection, waiting for readers no longer than
/// [`RESTART_WAIT`]: it holds off every other writer while it waits.
fn restart(conn: &mut Connection) -> rusqlite::Result<Progress> {
    conn.busy_timeout(RESTART_WAIT)?;
    let restart = match progress(conn, "PRAGMA wal_checkpoint(RESTART)") {
        Err(err) if writer::is_busy(&err) => Ok(Progress {
            busy: true,
            frames: 0,
            copied: 0,
        }),
        answer => answer,
    };
    conn.busy_timeout(writer::BUSY_TIMEOUT)?;
    restart
}

/// The answer of `PRAGMA wal_checkpoint`.
struct Progress {
    /// It could not finish (a writer or reader was in the way).
    busy: bool,
    /// Frames in the log.
    frames: i64,
    /// Frames of the log now copied into the database file.
    copied: i64,
}

fn progress(conn: &Connection, pragma: &str) -> rusqlite::Result<Progress> {
    conn.query_row(pragma, [], |row| {
        Ok(Progress {
            busy: row.get::<_, i64>(0)? != 0,
            frames: row.get(1)?,
            copied: row.get(2)?,
        })
    })
}

fn log_failure(outcome: anyhow::Result<Checkpointed>) {
    match outcome {
        Ok(Checkpointed::RestartPostponed) => {
            tracing::debug!("SQLite log restart postponed: a reader still uses old frames");
        }
        Ok(_) => {}
        Err(err) => tracing::warn!(error = %format!("{err:#}"), "SQLite checkpoint failed"),
    }
}

#[cfg(test)]
mod tests;
