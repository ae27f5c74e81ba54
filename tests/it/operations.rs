//! What an operator watches: health and metrics; what they back up: the database file.

use std::time::{Duration, Instant};

use reqwest::StatusCode;

use crate::support::{Engine, TestApp, on_both_engines};

on_both_engines!(
    health_follows_the_database,
    metrics_count_requests_and_comments
);

async fn health_follows_the_database(engine: Engine) {
    let app = TestApp::start(engine).await;
    let healthy = app.get("/healthz").await;
    assert_eq!(healthy.status(), StatusCode::OK);
    assert_eq!(healthy.text().await.unwrap(), "ok");

    app.state.db.close().await;
    let sick = app.get("/healthz").await;
    assert_eq!(
        crate::support::error_code(sick).await,
        (StatusCode::SERVICE_UNAVAILABLE, "unavailable".into())
    );
    app.stop().await;
}

async fn metrics_count_requests_and_comments(engine: Engine) {
    let app = TestApp::start(engine).await;
    app.post_as_guest("held", "/m/", None, "for the metrics", "Ada")
        .await;
    app.thread("held", "/m/", None).await;
    let response = app.get("/metrics").await;
    assert_eq!(response.status(), StatusCode::OK);
    let text = response.text().await.unwrap();
    assert!(
        text.contains(r#"comments_created_total{status="pending"}"#),
        "{text}"
    );
    assert!(
        text.contains(r#"http_requests_total{method="GET",route="/api/comments",status="200"}"#),
        "{text}"
    );
    assert!(
        text.contains(r#"http_requests_total{method="POST",route="/api/comments",status="201"}"#),
        "{text}"
    );
    assert!(
        text.contains("http_request_duration_seconds_bucket{"),
        "{text}"
    );
    app.stop().await;
}

/// An operator who copies only the SQLite file (not its `-wal` log) still gets what readers
/// posted a moment ago: the log is copied back into the file in the background.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_file_alone_holds_new_comments_within_seconds() {
    let app = TestApp::start(Engine::Sqlite).await;
    for n in 0..5 {
        app.post_as_guest("open", "/backup/", None, &format!("comment {n}"), "Ada")
            .await;
    }
    let file = app.sqlite_file().expect("an SQLite database");
    let backup = tempfile::tempdir().unwrap();
    let copy = backup.path().join("copy.db");
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        std::fs::copy(&file, &copy).expect("copy the database file");
        // A copy taken while a checkpoint writes may be torn; the next one is not.
        let count: i64 = rusqlite::Connection::open(&copy)
            .and_then(|conn| conn.query_row("SELECT COUNT(*) FROM comments", [], |row| row.get(0)))
            .unwrap_or(-1);
        if count == 5 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the database file still holds {count} of 5 comments"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    app.stop().await;
}
