//! The command line as an operator uses it: the real binary, a config file, the environment.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::{Engine, TestDatabase, postgres_url};

const BIN: &str = env!("CARGO_BIN_EXE_replybox");

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[tokio::test]
async fn migrate_creates_the_sqlite_file_named_in_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    let db_path = dir.path().join("nested/folder/replybox.db");
    let status = Command::new(BIN)
        .args(["migrate", "--config", "/nonexistent/config.toml"])
        .env(
            "REPLYBOX_DATABASE__URL",
            format!("sqlite://{}", db_path.display()),
        )
        .status()
        .unwrap();
    assert!(status.success());
    assert!(
        db_path.exists(),
        "the database file and its folders were created"
    );
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", db_path.display()))
        .await
        .unwrap();
    let tables: Vec<String> =
        sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            .fetch_all(&pool)
            .await
            .unwrap();
    for table in ["comments", "readers", "settings", "threads", "users"] {
        assert!(tables.iter().any(|t| t == table), "{table} in {tables:?}");
    }
    let journal: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(journal, "wal");
}

#[tokio::test]
async fn a_broken_config_is_refused_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        "[[sites]]\nid = \"a\"\nname = \"A\"\norigins = [\"https://a.example/path\"]\n",
    )
    .unwrap();
    let output = Command::new(BIN)
        .args(["migrate", "--config"])
        .arg(&config)
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("is not an origin"), "{stderr}");
}

async fn serve_until_sigterm(engine: Engine) {
    let db = TestDatabase::create(engine).await;
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("other.toml");
    std::fs::write(&config, "[server]\nlisten = \"127.0.0.1:1\"\n[[sites]]\nid = \"cli\"\nname = \"CLI\"\norigins = [\"http://blog.test\"]\n").unwrap();
    let secret = dir.path().join("db-url");
    // PostgreSQL here trusts loopback, so a password in the URL is accepted and must never be logged.
    let url = db
        .url
        .replacen("postgres://postgres@", "postgres://postgres:hunter2@", 1);
    std::fs::write(&secret, format!("{url}\n")).unwrap();
    let port = free_port();
    let child = Command::new(BIN)
        .args(["serve", "--config"])
        .arg(&config)
        .env("REPLYBOX_SERVER__LISTEN", format!("127.0.0.1:{port}"))
        .env("REPLYBOX_DATABASE__URL_FILE", &secret)
        .env("REPLYBOX_LOG__FORMAT", "json")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let client = reqwest::Client::new();
    let started = Instant::now();
    loop {
        if let Ok(response) = client
            .get(format!("http://127.0.0.1:{port}/healthz"))
            .send()
            .await
        {
            assert_eq!(response.status(), 200);
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "replybox did not start"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let counts = client
        .post(format!("http://127.0.0.1:{port}/api/counts"))
        .json(&serde_json::json!({"site": "cli", "uris": ["/"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(counts.status(), 200, "the site from --config is served");

    let pid = child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "clean exit on SIGTERM");
    let logs = String::from_utf8_lossy(&output.stdout);
    assert!(
        logs.lines()
            .any(|line| line.starts_with('{') && line.contains("shutting down")),
        "JSON logs: {logs}"
    );
    assert!(
        logs.contains("\"database\""),
        "the database is logged: {logs}"
    );
    assert!(!logs.contains("hunter2"), "but never its password: {logs}");
}

#[tokio::test]
async fn serve_reads_config_env_and_secret_files_and_stops_cleanly_on_sigterm() {
    serve_until_sigterm(Engine::Sqlite).await;
    if postgres_url().is_some() {
        serve_until_sigterm(Engine::Postgres).await;
    }
}
