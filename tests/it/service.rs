//! replybox as a service manager and a load balancer see it: `/readyz` says "starting" while
//! migrations run and "shutting down" while it drains after SIGTERM, and `replybox backup`
//! copies a SQLite database that is being written to into a file that serves.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::cli::{BIN, free_port};
use crate::support::{Engine, TestDatabase, postgres_url};

const CONFIG: &str = "[limits]\nenabled = false\n[[sites]]\nid = \"svc\"\nname = \"Service\"\norigins = [\"http://blog.test\"]\nmoderation = \"none\"\nmin_seconds_to_write = 0\n";

/// `replybox serve` on `database_url` with extra `REPLYBOX_*` settings.
struct Served {
    child: Child,
    base: String,
    client: reqwest::Client,
    _dir: tempfile::TempDir,
}

impl Served {
    fn start(database_url: &str, env: &[(&str, &str)]) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("config.toml");
        std::fs::write(&config, CONFIG).unwrap();
        let port = free_port();
        let mut command = Command::new(BIN);
        command
            .args(["serve", "--config"])
            .arg(&config)
            .env("REPLYBOX_SERVER__LISTEN", format!("127.0.0.1:{port}"))
            .env("REPLYBOX_DATABASE__URL", database_url)
            .stdout(Stdio::null());
        for (key, value) in env {
            command.env(key, value);
        }
        Self {
            child: command.spawn().unwrap(),
            base: format!("http://127.0.0.1:{port}"),
            client: reqwest::Client::new(),
            _dir: dir,
        }
    }

    /// Asks `path` until it answers (the port may not be bound yet); returns status and body.
    async fn first_answer(&self, path: &str) -> (StatusCode, String) {
        let started = Instant::now();
        loop {
            if let Ok(response) = self.client.get(format!("{}{path}", self.base)).send().await {
                let status = response.status();
                return (status, response.text().await.unwrap());
            }
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "never answered"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Asks `/readyz` until it answers `status`; returns the body.
    async fn until_readyz(&self, status: StatusCode) -> String {
        let started = Instant::now();
        loop {
            let (seen, body) = self.first_answer("/readyz").await;
            if seen == status {
                return body;
            }
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "/readyz stayed {seen}: {body}"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    async fn post(&self, body: &str) -> StatusCode {
        self.client
            .post(format!("{}/api/comments", self.base))
            .header("Origin", "http://blog.test")
            .json(&json!({"site": "svc", "uri": "/p/", "body": body, "author": {"name": "Ada", "email": "ada@example.org"}}))
            .send()
            .await
            .map(|r| r.status())
            .unwrap_or(StatusCode::SERVICE_UNAVAILABLE)
    }

    async fn thread_len(&self) -> usize {
        let thread: Value = self
            .client
            .get(format!("{}/api/comments?site=svc&uri=/p/", self.base))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        thread["comments"].as_array().unwrap().len()
    }

    fn terminate(&self) {
        let pid = self.child.id().to_string();
        assert!(
            Command::new("kill")
                .args(["-TERM", &pid])
                .status()
                .unwrap()
                .success()
        );
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn code(body: &str) -> String {
    serde_json::from_str::<Value>(body).unwrap()["error"]["code"]
        .as_str()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn readyz_says_starting_while_migrations_wait_then_ready() {
    let Some(_) = postgres_url() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "PostgreSQL is required under CI"
        );
        return;
    };
    let db = TestDatabase::create(Engine::Postgres).await;
    let migrated = Command::new(BIN)
        .args(["migrate", "--config", "/nonexistent.toml"])
        .env("REPLYBOX_DATABASE__URL", &db.url)
        .status()
        .unwrap();
    assert!(migrated.success());
    // Another instance's migration in progress, as it looks from here: the table is locked.
    let mut blocker = sqlx::PgConnection::connect_with(&db.url.parse().unwrap())
        .await
        .unwrap();
    use sqlx::Connection;
    let mut migrating = blocker.begin().await.unwrap();
    sqlx::query("LOCK TABLE _sqlx_migrations IN ACCESS EXCLUSIVE MODE")
        .execute(&mut *migrating)
        .await
        .unwrap();

    let served = Served::start(&db.url, &[]);
    let body = served.until_readyz(StatusCode::SERVICE_UNAVAILABLE).await;
    assert_eq!(code(&body), "starting");
    let (status, body) = served.first_answer("/api/comments?site=svc&uri=/p/").await;
    assert_eq!(
        (status, code(&body).as_str()),
        (StatusCode::SERVICE_UNAVAILABLE, "starting")
    );
    let (status, _) = served.first_answer("/healthz").await;
    assert_eq!(
        status,
        StatusCode::SERVICE_UNAVAILABLE,
        "not healthy before it is started"
    );

    migrating.commit().await.unwrap();
    assert_eq!(served.until_readyz(StatusCode::OK).await, "ready");
    assert_eq!(served.post("after the wait").await, StatusCode::CREATED);
}

#[tokio::test]
async fn after_sigterm_readyz_fails_while_requests_are_still_served() {
    let db = TestDatabase::create(Engine::Sqlite).await;
    let mut served = Served::start(&db.url, &[("REPLYBOX_SERVER__DRAIN_MS", "3000")]);
    assert_eq!(served.until_readyz(StatusCode::OK).await, "ready");
    assert_eq!(served.post("before").await, StatusCode::CREATED);
    let asked = Instant::now();
    served.terminate();
    let body = served.until_readyz(StatusCode::SERVICE_UNAVAILABLE).await;
    assert_eq!(code(&body), "shutting_down");
    assert!(asked.elapsed() < Duration::from_secs(3), "still draining");
    assert_eq!(
        served.thread_len().await,
        1,
        "reads are still served while draining"
    );
    assert_eq!(served.post("during the drain").await, StatusCode::CREATED);
    let status = served.child.wait().unwrap();
    assert!(status.success(), "a clean exit after the drain");
    assert!(
        asked.elapsed() >= Duration::from_secs(3),
        "it drained for drain_ms"
    );
}

#[tokio::test]
async fn a_backup_taken_while_comments_pour_in_restores_and_serves() {
    let db = TestDatabase::create(Engine::Sqlite).await;
    let served = Served::start(&db.url, &[]);
    served.until_readyz(StatusCode::OK).await;
    for n in 0..20 {
        assert_eq!(
            served.post(&format!("before {n}")).await,
            StatusCode::CREATED
        );
    }
    let writer = {
        let client = served.client.clone();
        let base = served.base.clone();
        tokio::spawn(async move {
            let mut acknowledged = 0;
            for n in 0..300 {
                let status = client
                    .post(format!("{base}/api/comments"))
                    .header("Origin", "http://blog.test")
                    .json(&json!({"site": "svc", "uri": "/p/", "body": format!("during {n}"), "author": {"name": "Bo", "email": "bo@example.org"}}))
                    .send()
                    .await
                    .unwrap()
                    .status();
                assert_eq!(status, StatusCode::CREATED);
                acknowledged += 1;
            }
            acknowledged
        })
    };
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("copy.db");
    tokio::time::sleep(Duration::from_millis(200)).await;
    let output = Command::new(BIN)
        .args(["backup", "--config", "/nonexistent.toml", "--out"])
        .arg(&copy)
        .env("REPLYBOX_DATABASE__URL", &db.url)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(String::from_utf8_lossy(&output.stderr).contains("backed up to"));
    assert_eq!(writer.await.unwrap(), 300);
    assert!(
        !dir.path().join("copy.db-wal").exists(),
        "the copy is one self-contained file"
    );

    // Never over an existing file.
    let again = Command::new(BIN)
        .args(["backup", "--config", "/nonexistent.toml", "--out"])
        .arg(&copy)
        .env("REPLYBOX_DATABASE__URL", &db.url)
        .output()
        .unwrap();
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));

    drop(served);
    // A consistent snapshot of one sequential writer: every comment up to some moment, none after.
    let bodies: Vec<String> = {
        use sqlx::Connection;
        let mut copy = sqlx::SqliteConnection::connect(&format!("sqlite://{}", copy.display()))
            .await
            .unwrap();
        sqlx::query_scalar("SELECT body FROM comments ORDER BY id")
            .fetch_all(&mut copy)
            .await
            .unwrap()
    };
    let during = bodies.len() - 20;
    let expected: Vec<String> = (0..20)
        .map(|n| format!("before {n}"))
        .chain((0..during).map(|n| format!("during {n}")))
        .collect();
    assert_eq!(bodies, expected, "a prefix of what was acknowledged");
    let restored = Served::start(&format!("sqlite://{}", copy.display()), &[]);
    restored.until_readyz(StatusCode::OK).await;
    assert_eq!(restored.thread_len().await, bodies.len());
    assert_eq!(
        restored.post("after the restore").await,
        StatusCode::CREATED
    );
    assert_eq!(restored.thread_len().await, bodies.len() + 1);
}

#[tokio::test]
async fn backup_points_a_postgresql_operator_to_pg_dump() {
    let dir = tempfile::tempdir().unwrap();
    let output = Command::new(BIN)
        .args(["backup", "--config", "/nonexistent.toml", "--out"])
        .arg(dir.path().join("x.db"))
        .env(
            "REPLYBOX_DATABASE__URL",
            "postgres://postgres@127.0.0.1:1/none",
        )
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("pg_dump"));
}

/// deploy/replybox.service: systemd accepts every line, the hardening an operator expects is
/// there, and the environment it sets is a configuration replybox starts with.
#[tokio::test]
async fn the_systemd_unit_is_valid_hardened_and_its_environment_serves() {
    let unit = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/deploy/replybox.service"
    ))
    .unwrap();
    for line in [
        "DynamicUser=yes",
        "StateDirectory=replybox",
        "ProtectSystem=strict",
        "ProtectHome=yes",
        "NoNewPrivileges=yes",
        "PrivateTmp=yes",
        "CapabilityBoundingSet=",
    ] {
        assert!(unit.lines().any(|l| l == line), "{line} in the unit");
    }
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state");
    if Command::new("systemd-analyze")
        .arg("--version")
        .output()
        .is_ok()
    {
        let local = dir.path().join("replybox.service");
        std::fs::write(&local, unit.replace("/usr/local/bin/replybox", BIN)).unwrap();
        let verify = Command::new("systemd-analyze")
            .arg("verify")
            .arg(&local)
            .output()
            .unwrap();
        let complaints = String::from_utf8_lossy(&verify.stderr).to_string();
        assert!(
            verify.status.success() && complaints.trim().is_empty(),
            "systemd-analyze verify: {complaints}"
        );
    } else {
        assert!(
            std::env::var_os("CI").is_none(),
            "systemd-analyze is required under CI"
        );
    }
    let mut command = Command::new(BIN);
    command.args(["migrate", "--config", "/nonexistent.toml"]);
    for line in unit.lines() {
        if let Some((key, value)) = line
            .strip_prefix("Environment=")
            .and_then(|kv| kv.split_once('='))
        {
            command.env(
                key,
                value.replace("/var/lib/replybox", state.to_str().unwrap()),
            );
        }
    }
    let migrated = command.output().unwrap();
    assert!(
        migrated.status.success(),
        "{}",
        String::from_utf8_lossy(&migrated.stderr)
    );
    assert!(
        state.join("replybox.db").exists(),
        "the database is in the state folder"
    );
    let logged = String::from_utf8_lossy(&migrated.stdout);
    assert!(
        logged.lines().all(|l| l.starts_with('{')),
        "JSON logs: {logged}"
    );
}
