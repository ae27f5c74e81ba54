//! On SQLite, a thread of its own copies the write-ahead log back into the database file.
//!
//! By default SQLite does that copy (a checkpoint, with its fsyncs) inside whichever commit
//! pushes the log past 1,000 pages, and that writer waits for it. Measured with
//! `scripts/bench-load`, those checkpoints were over half the average time of a new comment. So
//! every connection is opened with `wal_autocheckpoint = 0` and this thread runs a PASSIVE
//! checkpoint (it never blocks readers or the writer) every [`INTERVAL`].

use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

use anyhow::Context;
use rusqlite::{Connection, OpenFlags};

/// How often the log is copied back. Short enough that the log stays small (a busy site writes
/// a few MiB of log per second), long enough that an idle one costs nothing noticeable.
pub const INTERVAL: Duration = Duration::from_millis(250);

/// Keeps the checkpoint thread running; it makes a last checkpoint and ends when every clone
/// of this handle is gone.
#[derive(Debug, Clone)]
pub struct Checkpoints {
    _running: mpsc::Sender<()>,
}

impl Checkpoints {
    /// Starts the thread for the database file at `path`.
    pub fn start(path: &Path) -> anyhow::Result<Self> {
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .with_context(|| format!("cannot open {} for checkpoints", path.display()))?;
        conn.busy_timeout(Duration::from_secs(5))?;
        let (running, stopped) = mpsc::channel::<()>();
        std::thread::Builder::new()
            .name("sqlite-checkpoints".into())
            .spawn(move || {
                while let Err(mpsc::RecvTimeoutError::Timeout) = stopped.recv_timeout(INTERVAL) {
                    checkpoint(&conn);
                }
                checkpoint(&conn);
            })
            .context("cannot start the SQLite checkpoint thread")?;
        Ok(Self { _running: running })
    }
}

fn checkpoint(conn: &Connection) {
    // PASSIVE copies what no reader still needs and never waits; what it leaves, the next one takes.
    if let Err(err) = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(())) {
        tracing::warn!(error = %err, "SQLite checkpoint failed");
    }
}
