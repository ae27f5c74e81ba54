//! Storage: one enum over the two native sqlx pools, SQLite (embedded default) and PostgreSQL.
//!
//! The URL scheme in `database.url` picks the engine at run time, so one binary serves both.
//! Queries use portable SQL with `$N` placeholders and are written once, through one of three
//! entry points that say what they do: [`read_db!`] (on SQLite, the `query_only` reading pool),
//! [`write_db!`] (the one writing connection) and [`write_tx!`] (a write transaction). Where the
//! dialects differ, both arms are written out side by side. All SQL lives in this module's
//! files, one per area; SQLite's machinery is in [`sqlite`].

use std::str::FromStr;
use std::time::Duration;

use anyhow::Context;
use sqlx::PgPool;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

pub use sqlite::SqlitePools;

use crate::config::DatabaseConfig;

pub mod admins;
pub mod backup;
pub mod cluster;
pub mod comments;
pub mod credentials;
pub mod edits;
pub mod export;
pub mod flags;
pub mod identities;
pub mod import;
pub mod likes;
pub mod mail;
pub mod moderation;
pub mod new_comment;
pub mod pins;
pub mod rate_limits;
pub mod reader_data;
pub mod sessions;
pub mod settings;
pub mod site_rules;
pub mod sqlite;
pub mod standing;
pub mod threads;
pub mod users;
pub mod webhooks;
pub mod widget_accounts;

/// Runs a statement that only reads against whichever pool is in use; `$pool` names the native
/// pool (on SQLite, the reading pool, which refuses writes: use [`write_db!`] for those).
macro_rules! read_db {
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
pub(crate) use read_db;

/// Like [`read_db!`] for statements that write (on SQLite, the single sqlx writing connection,
/// during a turn of the thread that writes new comments: see [`sqlite::writer`]).
macro_rules! write_db {
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
pub(crate) use write_db;

/// Opens a write transaction. On SQLite it takes the write lock at once (`BEGIN IMMEDIATE`), so a
/// transaction that reads before it writes cannot fail with "database is locked" under load,
/// during a turn of the thread that writes new comments (see [`sqlite::writer`]).
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
            Ok(Self::Sqlite(
                SqlitePools::open(url, config.max_connections).await?,
            ))
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
        let probe = async {
            read_db!(self, pool => sqlx::query("SELECT 1").execute(pool).await.map(|_| ()))
        };
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

    /// Whether [`Db::close`] was called.
    pub fn is_closed(&self) -> bool {
        match self {
            Self::Sqlite(pools) => pools.writes.is_closed(),
            Self::Postgres(pool) => pool.is_closed(),
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
