//! The test harness: a real replybox on a loopback port, backed by a fresh SQLite file or a fresh
//! PostgreSQL database, and a client that talks to it like the widget does.

use std::net::SocketAddr;

use replybox::config::Config;
use replybox::http;
use replybox::state::AppState;
use reqwest::{Response, StatusCode};
use serde_json::{Value, json};
use tokio::sync::oneshot;

/// The origin the test sites allow.
pub const BLOG: &str = "http://blog.test";

/// The sites every story can use.
pub const SITES: &str = r#"
[[sites]]
id = "open"
name = "Open blog"
origins = ["http://blog.test"]
moderation = "none"
guest_email = "optional"

[[sites]]
id = "held"
name = "Held blog"
origins = ["http://blog.test"]
moderation = "all"

[[sites]]
id = "first"
name = "First-time blog"
origins = ["http://blog.test"]
moderation = "first-time"

[[sites]]
id = "members"
name = "Members only"
origins = ["http://blog.test"]
guests = false
"#;

/// Limits no story meets unless it means to.
pub const LIMITS: &str = "[limits]\nreads_per_minute = 100000\nread_burst = 10000\nwrites_per_minute = 10000\nwrite_burst = 10000\n";

/// The path (and query) of a link on this replybox: links in mail use `public_url`, a different
/// host name than the test's listener.
pub fn path_of(link: &str) -> String {
    let url = url::Url::parse(link).unwrap();
    format!(
        "{}{}",
        url.path(),
        url.query().map(|q| format!("?{q}")).unwrap_or_default()
    )
}

/// Which database engine a story runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

/// Runs each listed story once per engine: `mod story { fn sqlite(); fn postgres(); }`.
macro_rules! on_both_engines {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    super::$name($crate::support::Engine::Sqlite).await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    if $crate::support::postgres_url().is_none() {
                        // Under CI a skipped engine is a failure, not a pass.
                        assert!(
                            std::env::var_os("CI").is_none(),
                            "REPLYBOX_TEST_POSTGRES_URL is not set under CI: the PostgreSQL half cannot be skipped"
                        );
                        eprintln!("REPLYBOX_TEST_POSTGRES_URL is not set: skipping the PostgreSQL run");
                        return;
                    }
                    super::$name($crate::support::Engine::Postgres).await;
                }
            }
        )*
    };
}
pub(crate) use on_both_engines;

/// Stories only PostgreSQL can tell (several instances on one database); under CI a missing
/// PostgreSQL fails them rather than skipping.
macro_rules! on_postgres {
    ($($name:ident),* $(,)?) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                if $crate::support::postgres_url().is_none() {
                    assert!(
                        std::env::var_os("CI").is_none(),
                        "REPLYBOX_TEST_POSTGRES_URL is not set under CI: the PostgreSQL stories cannot be skipped"
                    );
                    eprintln!("REPLYBOX_TEST_POSTGRES_URL is not set: skipping");
                    return;
                }
                self::stories::$name($crate::support::Engine::Postgres).await;
            }
        )*
    };
}
pub(crate) use on_postgres;

mod database;
mod readers;

pub use database::{Inspector, TestDatabase, postgres_url};
pub use readers::signed_in_browsers;

/// A running replybox.
pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    pub state: AppState,
    /// The database as an operator sees it from outside.
    pub inspector: Inspector,
    db: Option<TestDatabase>,
    toml: String,
    shutdown: Option<oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<()>>,
}

impl TestApp {
    /// Starts replybox with the standard test sites and generous limits.
    pub async fn start(engine: Engine) -> Self {
        Self::with_config(engine, &format!("{LIMITS}{SITES}")).await
    }

    /// Starts replybox with extra TOML (sections other than `[server]` and `[database]`).
    pub async fn with_config(engine: Engine, toml: &str) -> Self {
        Self::on_database(TestDatabase::create(engine).await, toml).await
    }

    /// Stops this instance and starts a new one on the same database and configuration (as an
    /// operator restarting replybox would).
    pub async fn restart(mut self) -> Self {
        let db = self.db.take().expect("a database");
        let toml = std::mem::take(&mut self.toml);
        self.stop().await;
        Self::on_database(db, &toml).await
    }

    /// A second instance on this one's database and configuration, with its own memory (caches,
    /// limiters, mail worker): what a cluster behind a load balancer runs.
    pub async fn another_instance(&self) -> Self {
        let url = self.db.as_ref().expect("a database").url.clone();
        Self::on_url(&url, None, &self.toml).await
    }

    async fn on_database(db: TestDatabase, toml: &str) -> Self {
        let url = db.url.clone();
        Self::on_url(&url, Some(db), toml).await
    }

    async fn on_url(url: &str, db: Option<TestDatabase>, toml: &str) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr: SocketAddr = listener.local_addr().expect("address");
        let (server_lines, rest) = split_server_section(toml);
        let text = format!(
            "[server]\npublic_url = \"http://localhost:{port}\"\n{server_lines}\n[database]\nurl = \"{url}\"\nmax_connections = 4\n\n{rest}",
            port = addr.port(),
        );
        let config = Config::from_toml(&text).expect("test config");
        let toml = toml.to_string();
        Self::with_parsed_config(config, url, db, toml, listener).await
    }

    async fn with_parsed_config(
        config: Config,
        url: &str,
        db: Option<TestDatabase>,
        toml: String,
        listener: tokio::net::TcpListener,
    ) -> Self {
        let addr = listener.local_addr().expect("address");
        let state = AppState::start(config).await.expect("app starts");
        let inspector = Inspector::open(url).await;
        let (tx, rx) = oneshot::channel::<()>();
        let server_state = state.clone();
        let server = tokio::spawn(async move {
            http::serve(server_state, listener, async {
                let _ = rx.await;
            })
            .await
            .expect("server runs");
        });
        Self {
            base: format!("http://{addr}"),
            client: reqwest::Client::builder().build().expect("client"),
            state,
            inspector,
            db,
            toml,
            shutdown: Some(tx),
            server: Some(server),
        }
    }

    /// The SQLite database file, when the story runs on SQLite.
    pub fn sqlite_file(&self) -> Option<std::path::PathBuf> {
        let url = &self.db.as_ref()?.url;
        url.strip_prefix("sqlite://").map(std::path::PathBuf::from)
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A plain GET of one of the server's paths, as a browser's address bar would send it.
    pub async fn get(&self, path: &str) -> Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("request")
    }

    /// Posts a comment from the blog's origin, as the widget would.
    pub async fn post(&self, body: Value, credential: Option<&str>) -> Response {
        let mut request = self
            .client
            .post(self.url("/api/comments"))
            .header("Origin", BLOG)
            .json(&body);
        if let Some(token) = credential {
            request = request.bearer_auth(token);
        }
        request.send().await.expect("request")
    }

    /// Posts a guest comment and returns the 201 body.
    pub async fn post_as_guest(
        &self,
        site: &str,
        uri: &str,
        parent: Option<i64>,
        body: &str,
        name: &str,
    ) -> Value {
        let response = self
            .post(
                json!({"site": site, "uri": uri, "parent": parent, "body": body,
                       "author": {"name": name, "email": format!("{}@example.org", name.to_lowercase().replace(' ', ".")), "url": null}}),
                None,
            )
            .await;
        assert_eq!(response.status(), StatusCode::CREATED, "posting as {name}");
        response.json().await.expect("json")
    }

    /// Reads a page's thread (optionally as the holder of a credential).
    pub async fn thread(&self, site: &str, uri: &str, credential: Option<&str>) -> Value {
        let mut request = self
            .client
            .get(self.url("/api/comments"))
            .query(&[("site", site), ("uri", uri)]);
        if let Some(token) = credential {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.expect("request");
        assert_eq!(response.status(), StatusCode::OK);
        response.json().await.expect("json")
    }

    /// A number from the database, to check what was (not) written.
    pub async fn count_rows(&self, table: &str) -> i64 {
        self.inspector
            .count(&format!("SELECT COUNT(*) FROM {table}"))
            .await
    }

    /// Runs a statement directly on the database (to set up what no API does yet).
    pub async fn execute(&self, sql: &str) {
        self.inspector.execute(sql).await;
    }

    /// One text column of one comment, straight from the database.
    pub async fn comment_column(&self, id: i64, column: &str) -> Option<String> {
        self.inspector
            .text_by_id(&format!("SELECT {column} FROM comments WHERE id = $1"), id)
            .await
    }

    /// Stops the server and waits for it to finish.
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(server) = self.server.take() {
            let _ = server.await;
        }
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// Splits a test's `[server]` lines (merged into the harness's own) from the rest.
fn split_server_section(toml: &str) -> (String, String) {
    let Some(start) = toml.find("[server]\n") else {
        return (String::new(), toml.to_string());
    };
    let after = &toml[start + "[server]\n".len()..];
    let end = after.find("\n[").map(|i| i + 1).unwrap_or(after.len());
    (
        after[..end].to_string(),
        format!("{}{}", &toml[..start], &after[end..]),
    )
}

/// The error code of an error response.
pub async fn error_code(response: Response) -> (StatusCode, String) {
    let status = response.status();
    let body: Value = response.json().await.expect("error body is JSON");
    (
        status,
        body["error"]["code"]
            .as_str()
            .expect("error.code")
            .to_string(),
    )
}
