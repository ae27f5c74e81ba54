//! Storage: one enum over the two native sqlx pools, SQLite (embedded default) and PostgreSQL.
//!
//! The URL scheme in `database.url` picks the engine at run time, so one binary serves both.
//! Queries use portable SQL with `$N` placeholders and are written once through [`on_db!`];
//! where the dialects differ, both arms are written out side by side. All SQL lives in this
//! module's files, one per area.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use anyhow::Context;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, SqlitePool};

use crate::config::DatabaseConfig;

pub mod admins;
pub mod comments;
pub mod identities;
pub mod mail;
pub mod moderation;
pub mod new_comment;
pub mod readers;
pub mod settings;
pub mod site_rules;
pub mod sqlite_checkpoints;
pub mod sqlite_params;
pub mod sqlite_writer;
pub mod standing;
pub mod threads;
pub mod users;

/// Runs the same expression against whichever pool is in use; `$pool` names the native pool
/// (on SQLite, the reading pool: use [`on_db_writer!`] for statements that write).
macro_rules! on_db {
    ($db:expr, $pool:ident => $body:expr) => {
        match $db {
            $crate::store::Db::Sqlite(pools) => {
                let $pool = &pools.reads;
                $body
            }
            $crate::store::Db::Postgres($pool) => $body,
        }
    };
}
pub(crate) use on_db;

/// Like [`on_db!`] for statements that write (on SQLite, the single sqlx writing connection,
/// during a turn of the thread that writes new comments: see [`sqlite_writer`]).
macro_rules! on_db_writer {
    ($db:expr, $pool:ident => $body:expr) => {
        match $db {
            $crate::store::Db::Sqlite(pools) => {
                let _turn = pools.comments.take_turn().await?;
                let $pool = &pools.writes;
                $body
            }
            $crate::store::Db::Postgres($pool) => $body,
        }
    };
}
pub(crate) use on_db_writer;

/// Opens a write transaction. On SQLite it takes the write lock at once (`BEGIN IMMEDIATE`), so a
/// transaction that reads before it writes cannot fail with "database is locked" under load,
/// during a turn of the thread that writes new comments (see [`sqlite_writer`]).
macro_rules! write_tx {
    ($db:expr, $tx:ident => $body:expr) => {
        match $db {
            $crate::store::Db::Sqlite(pools) => {
                let _turn = pools.comments.take_turn().await?;
                let mut $tx = pools.writes.begin_with("BEGIN IMMEDIATE").await?;
                let result = $body;
                $tx.commit().await?;
                result
            }
            $crate::store::Db::Postgres(pool) => {
                let mut $tx = pool.begin().await?;
                let result = $body;
                $tx.commit().await?;
                result
            }
        }
    };
}
pub(crate) use write_tx;

/// The database, whichever engine it is.
#[derive(Debug, Clone)]
pub enum Db {
    /// An SQLite file (WAL mode).
    Sqlite(SqlitePools),
    /// A PostgreSQL server.
    Postgres(PgPool),
}

/// SQLite allows one writer at a time. New comments are written by a thread of their own
/// ([`sqlite_writer`]); every other write goes through one sqlx connection, queued fairly by the
/// pool, and during a turn of that thread, so the two never race for the lock in
/// sleep-and-retry loops. Readers have a pool of their own (WAL lets them read while the writer
/// writes).
#[derive(Debug, Clone)]
pub struct SqlitePools {
    /// Connections for reading.
    pub reads: SqlitePool,
    /// The one sqlx connection that writes.
    pub writes: SqlitePool,
    /// The thread that writes new comments (see [`sqlite_writer`]).
    pub comments: sqlite_writer::SqliteWriter,
    /// The thread that copies the write-ahead log into the file (see [`sqlite_checkpoints`]).
    pub checkpoints: sqlite_checkpoints::Checkpoints,
}

impl Db {
    /// Connects to the database named by `config.url`, creating an SQLite file (and its folder)
    /// on first start.
    pub async fn connect(config: &DatabaseConfig) -> anyhow::Result<Self> {
        let url = config.url.expose();
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let options = PgConnectOptions::from_str(url).context("invalid PostgreSQL URL")?;
            let pool = PgPoolOptions::new()
                .max_connections(config.max_connections)
                .acquire_timeout(Duration::from_secs(5))
                .connect_with(options)
                .await
                .context("cannot connect to PostgreSQL")?;
            Ok(Self::Postgres(pool))
        } else if url.contains(":memory:") || url.contains("mode=memory") {
            // Each connection would see a database of its own.
            anyhow::bail!("database.url must name an SQLite file, not an in-memory database")
        } else if url.starts_with("sqlite:") {
            let options = SqliteConnectOptions::from_str(url)
                .context("invalid SQLite URL")?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(5))
                .foreign_keys(true)
                // Checkpoints run on a thread of their own (`sqlite_checkpoints`).
                .pragma("wal_autocheckpoint", "0")
                .pragma(
                    "journal_size_limit",
                    sqlite_checkpoints::JOURNAL_SIZE_LIMIT.to_string(),
                );
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
            let comments = sqlite_writer::SqliteWriter::open(file)?;
            let checkpoints = sqlite_checkpoints::Checkpoints::start(file, comments.clone())?;
            let reads = pool(config.max_connections).connect_with(options).await?;
            Ok(Self::Sqlite(SqlitePools {
                reads,
                writes,
                comments,
                checkpoints,
            }))
        } else {
            anyhow::bail!("database.url must start with sqlite:// or postgres://")
        }
    }

    /// Applies the migrations this binary carries that the database has not seen yet.
    pub async fn migrate(&self) -> anyhow::Result<()> {
        match self {
            Self::Sqlite(pools) => {
                sqlx::migrate!("migrations/sqlite")
                    .run(&pools.writes)
                    .await?
            }
            Self::Postgres(pool) => sqlx::migrate!("migrations/postgres").run(pool).await?,
        }
        Ok(())
    }

    /// Answers whether the database responds (for `/healthz`).
    pub async fn ping(&self) -> bool {
        let probe =
            async { on_db!(self, pool => sqlx::query("SELECT 1").execute(pool).await.map(|_| ())) };
        matches!(
            tokio::time::timeout(Duration::from_secs(2), probe).await,
            Ok(Ok(()))
        )
    }

    /// `"sqlite"` or `"postgres"`, for logs.
    pub fn engine(&self) -> &'static str {
        match self {
            Self::Sqlite(_) => "sqlite",
            Self::Postgres(_) => "postgres",
        }
    }

    /// Closes every connection (on shutdown).
    pub async fn close(&self) {
        match self {
            Self::Sqlite(pools) => {
                pools.reads.close().await;
                pools.writes.close().await;
            }
            Self::Postgres(pool) => pool.close().await,
        }
    }
}

/// Milliseconds since the Unix epoch: how times are stored.
pub fn now_ms() -> i64 {
    let now = time::OffsetDateTime::now_utc();
    (now.unix_timestamp_nanos() / 1_000_000) as i64
}
