//! The command line as an operator uses it: the real binary, a config file, the environment.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::{Engine, TestDatabase, postgres_url};

pub const BIN: &str = env!("CARGO_BIN_EXE_replybox");

pub fn free_port() -> u16 {
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
    for table in ["comments", "credentials", "settings", "threads", "users"] {
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
            // 503 `starting` while migrations run, then 200.
            if response.status() == 200 {
                break;
            }
            assert_eq!(response.status(), 503);
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

#[tokio::test]
async fn admin_accounts_come_only_from_the_command_line_with_the_password_on_stdin() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    let db = dir.path().join("replybox.db");
    std::fs::write(
        &config,
        format!(
            "[database]\nurl = \"sqlite://{}\"\n[[sites]]\nid = \"blog\"\nname = \"Blog\"\n",
            db.display()
        ),
    )
    .unwrap();
    let add = |args: &[&str], password: &str| {
        let mut child = Command::new(BIN)
            .args(["admin", "add"])
            .args(args)
            .arg("--config")
            .arg(&config)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(password.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    };
    let created = add(
        &["alice", "--password-stdin"],
        "correct horse battery staple\n",
    );
    assert!(
        created.status.success(),
        "{}",
        String::from_utf8_lossy(&created.stderr)
    );
    let again = add(&["alice", "--password-stdin"], "another long password\n");
    assert!(
        !again.status.success()
            && String::from_utf8_lossy(&again.stderr).contains("exists already")
    );
    let short = add(&["bob", "--password-stdin"], "short\n");
    assert!(String::from_utf8_lossy(&short.stderr).contains("at least 10 characters"));
    let no_stdin_flag = add(&["carol"], "correct horse battery staple\n");
    assert!(
        !no_stdin_flag.status.success(),
        "the password never goes on the command line"
    );
    let moderator = add(
        &[
            "dave",
            "--password-stdin",
            "--role",
            "moderator",
            "--sites",
            "blog",
        ],
        "correct horse battery staple\n",
    );
    assert!(moderator.status.success());
    let unknown_site = add(
        &[
            "erin",
            "--password-stdin",
            "--role",
            "moderator",
            "--sites",
            "nope",
        ],
        "correct horse battery staple\n",
    );
    assert!(String::from_utf8_lossy(&unknown_site.stderr).contains("no site \"nope\""));

    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", db.display()))
        .await
        .unwrap();
    let rows: Vec<(String, String, String, String)> =
        sqlx::query_as("SELECT name, role, sites, password_hash FROM admins ORDER BY name")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!((rows[0].0.as_str(), rows[0].1.as_str()), ("alice", "admin"));
    assert_eq!(
        (rows[1].0.as_str(), rows[1].1.as_str(), rows[1].2.as_str()),
        ("dave", "moderator", "blog")
    );
    assert!(
        rows[0].3.starts_with("$argon2id$"),
        "argon2id, not the password: {}",
        rows[0].3
    );
}

/// `replybox import` and `replybox export` as an owner runs them: a dry run that writes nothing,
/// the import with its summary, a second run that changes nothing, and the exports.
#[test]
fn an_owner_imports_a_wordpress_export_and_exports_the_site_again() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        format!(
            "[database]\nurl = \"sqlite://{}/replybox.db\"\n[[sites]]\nid = \"blog\"\nname = \"Blog\"\norigins = [\"https://blog.example\"]\n",
            dir.path().display()
        ),
    )
    .unwrap();
    let file = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/corpus/wxr/isso__tests_wordpress.xml"
    );
    let run = |args: &[&str]| {
        let output = Command::new(BIN)
            .arg("--config")
            .arg(&config)
            .args(args)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        (output.status.success(), stdout, stderr)
    };
    let (ok, out, err) = run(&["import", "--site", "blog", "--dry-run", file]);
    assert!(ok, "{err}");
    assert!(
        out.starts_with("dry run, nothing written: 2 threads, 8 comments (3 replies)"),
        "{out}"
    );
    let (ok, out, err) = run(&[
        "import",
        "--site",
        "blog",
        "--map-url",
        "http://example.tld/=/blog/",
        file,
    ]);
    assert!(ok, "{err}");
    assert!(
        out.starts_with("2 threads, 8 comments (3 replies), 0 already imported"),
        "{out}"
    );
    let (ok, out, _) = run(&[
        "import",
        "--site",
        "blog",
        "--format",
        "wxr",
        "--map-url",
        "http://example.tld/=/blog/",
        file,
    ]);
    assert!(ok);
    assert!(
        out.starts_with("2 threads, 0 comments (0 replies), 8 already imported"),
        "{out}"
    );
    let (ok, _, err) = run(&["import", "--site", "nope", file]);
    assert!(!ok && err.contains("no site \"nope\""), "{err}");
    let (ok, _, err) = run(&["import", "--site", "blog", "--format", "livefyre", file]);
    assert!(!ok && err.contains("--format"), "{err}");

    let wxr = dir.path().join("blog.xml");
    let (ok, _, err) = run(&[
        "export",
        "--site",
        "blog",
        "--format",
        "wxr",
        "--out",
        wxr.to_str().unwrap(),
    ]);
    assert!(ok, "{err}");
    assert!(err.contains("exported 8 comments"), "{err}");
    let text = std::fs::read_to_string(&wxr).unwrap();
    assert!(
        text.contains("<link>https://blog.example/blog/2014/test/</link>"),
        "{text}"
    );
    assert_eq!(text.matches("<wp:comment>").count(), 8);
    let (ok, json, _) = run(&["export", "--site", "blog"]);
    assert!(ok);
    let export: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(export["replybox_export"], 1);
    assert_eq!(export["threads"].as_array().unwrap().len(), 2);
}
