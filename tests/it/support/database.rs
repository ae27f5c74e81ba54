//! The databases stories run on: a fresh SQLite file or a fresh PostgreSQL database per story,
//! gone with it, and the [`Inspector`] that looks into one from outside.

use super::Engine;

/// The PostgreSQL server for tests, if configured.
pub fn postgres_url() -> Option<String> {
    std::env::var("REPLYBOX_TEST_POSTGRES_URL")
        .ok()
        .filter(|url| !url.is_empty())
}

/// A database of the chosen engine that disappears with the test.
pub struct TestDatabase {
    pub url: String,
    _dir: Option<tempfile::TempDir>,
    postgres_name: Option<String>,
}

impl TestDatabase {
    pub async fn create(engine: Engine) -> Self {
        match engine {
            Engine::Sqlite => {
                let dir = tempfile::tempdir().expect("temp dir");
                let url = format!("sqlite://{}/replybox.db", dir.path().display());
                Self {
                    url,
                    _dir: Some(dir),
                    postgres_name: None,
                }
            }
            Engine::Postgres => {
                let server = postgres_url().expect("REPLYBOX_TEST_POSTGRES_URL");
                let name = format!("replybox_test_{}", uuid::Uuid::new_v4().simple());
                let admin = sqlx::PgPool::connect(&server)
                    .await
                    .expect("PostgreSQL reachable");
                sqlx::query(&format!("CREATE DATABASE {name}"))
                    .execute(&admin)
                    .await
                    .expect("create database");
                admin.close().await;
                let mut url = url::Url::parse(&server).expect("PostgreSQL URL");
                url.set_path(&name);
                Self {
                    url: url.to_string(),
                    _dir: None,
                    postgres_name: Some(name),
                }
            }
        }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let Some(name) = self.postgres_name.take() else {
            return;
        };
        let server = postgres_url().expect("set when the database was made");
        // Drop runs inside the test's runtime; use a thread with its own.
        let _ = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            runtime.block_on(async {
                if let Ok(admin) = sqlx::PgPool::connect(&server).await {
                    let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                        .execute(&admin)
                        .await;
                    admin.close().await;
                }
            });
        })
        .join();
    }
}

/// The database seen from outside, on connections of its own, as an operator with `sqlite3` or
/// `psql` sees it: what a story checks was (or was not) written, and the rare setup no route
/// does yet. replybox's own pools stay private to its `store/`.
pub enum Inspector {
    Sqlite(sqlx::SqlitePool),
    Postgres(sqlx::PgPool),
}

impl Inspector {
    pub async fn open(url: &str) -> Self {
        if url.starts_with("sqlite:") {
            let options: sqlx::sqlite::SqliteConnectOptions = url.parse().expect("SQLite URL");
            let options = options.busy_timeout(std::time::Duration::from_secs(10));
            Self::Sqlite(
                sqlx::sqlite::SqlitePoolOptions::new()
                    .max_connections(2)
                    .connect_with(options)
                    .await
                    .expect("the test database opens"),
            )
        } else {
            Self::Postgres(
                sqlx::postgres::PgPoolOptions::new()
                    .max_connections(2)
                    .connect(url)
                    .await
                    .expect("the test database opens"),
            )
        }
    }

    /// A number (`SELECT COUNT(*) …`).
    pub async fn count(&self, sql: &str) -> i64 {
        match self {
            Self::Sqlite(pool) => sqlx::query_scalar(sql).fetch_one(pool).await,
            Self::Postgres(pool) => sqlx::query_scalar(sql).fetch_one(pool).await,
        }
        .expect("count")
    }

    /// One text value of the row `$1` names.
    pub async fn text_by_id(&self, sql: &str, id: i64) -> Option<String> {
        match self {
            Self::Sqlite(pool) => sqlx::query_scalar(sql).bind(id).fetch_one(pool).await,
            Self::Postgres(pool) => sqlx::query_scalar(sql).bind(id).fetch_one(pool).await,
        }
        .expect("value")
    }

    /// Runs a statement.
    pub async fn execute(&self, sql: &str) {
        match self {
            Self::Sqlite(pool) => sqlx::query(sql).execute(pool).await.map(|_| ()),
            Self::Postgres(pool) => sqlx::query(sql).execute(pool).await.map(|_| ()),
        }
        .expect("statement runs");
    }
}
