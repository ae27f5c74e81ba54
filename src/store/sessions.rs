//! First-party sessions (tower-sessions) stored in replybox's own database, so any instance
//! behind a load balancer serves any request. Used where a browser talks to replybox as a
//! first party: the admin pages and the sign-in popup. (The widget's API uses bearer
//! credentials instead; it runs in a third-party iframe where cookies may be blocked.)
//!
//! The cookie is `HttpOnly`, `SameSite=Lax`, and `Secure` when `server.public_url` is https.

use async_trait::async_trait;
use time::Duration;
use tower_sessions::cookie::SameSite;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, ExpiredDeletion, SessionStore};
use tower_sessions::{Expiry, SessionManagerLayer};
use tower_sessions_sqlx_store::{PostgresStore, SqliteStore};

use super::Db;
use super::sqlite::writer::{SqliteWriter, WriteTurn};

/// A turn to write to SQLite (see [`SqliteWriter::take_turn`]).
async fn take_turn(comments: &SqliteWriter) -> session_store::Result<WriteTurn> {
    comments
        .take_turn()
        .await
        .map_err(|err| session_store::Error::Backend(err.to_string()))
}

/// Name of the session cookie.
pub const COOKIE: &str = "replybox_session";

/// Sessions in whichever database replybox uses.
#[derive(Debug, Clone)]
pub enum SessionBackend {
    /// In the SQLite file; writes take a turn of the thread that writes new comments.
    Sqlite(SqliteStore, SqliteWriter),
    /// In PostgreSQL.
    Postgres(PostgresStore),
}

impl SessionBackend {
    /// Creates the sessions table if needed.
    pub async fn open(db: &Db) -> anyhow::Result<Self> {
        Ok(match db {
            Db::Sqlite(pools) => {
                let store = SqliteStore::new(pools.writes.clone());
                store.migrate().await?;
                Self::Sqlite(store, pools.comments.clone())
            }
            Db::Postgres(pool) => {
                let store = PostgresStore::new(pool.clone());
                store.migrate().await?;
                Self::Postgres(store)
            }
        })
    }

    /// The layer that gives handlers a `Session`.
    pub fn layer(&self, secure: bool) -> SessionManagerLayer<Self> {
        SessionManagerLayer::new(self.clone())
            .with_name(COOKIE)
            .with_http_only(true)
            .with_same_site(SameSite::Lax)
            .with_secure(secure)
            .with_path("/")
            .with_expiry(Expiry::OnInactivity(Duration::hours(12)))
    }

    /// Deletes expired sessions (run periodically).
    pub async fn delete_expired(&self) -> session_store::Result<()> {
        match self {
            Self::Sqlite(store, comments) => {
                let _turn = take_turn(comments).await?;
                store.delete_expired().await
            }
            Self::Postgres(store) => store.delete_expired().await,
        }
    }
}

#[async_trait]
impl SessionStore for SessionBackend {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        match self {
            Self::Sqlite(store, comments) => {
                let _turn = take_turn(comments).await?;
                store.create(record).await
            }
            Self::Postgres(store) => store.create(record).await,
        }
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        match self {
            Self::Sqlite(store, comments) => {
                let _turn = take_turn(comments).await?;
                store.save(record).await
            }
            Self::Postgres(store) => store.save(record).await,
        }
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        match self {
            Self::Sqlite(store, _) => store.load(id).await,
            Self::Postgres(store) => store.load(id).await,
        }
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        match self {
            Self::Sqlite(store, comments) => {
                let _turn = take_turn(comments).await?;
                store.delete(id).await
            }
            Self::Postgres(store) => store.delete(id).await,
        }
    }
}
