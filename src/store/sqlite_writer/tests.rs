//! Turns: another connection writes between two comments instead of racing the writing thread.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use rusqlite::Connection;

use super::SqliteWriter;

fn database(path: &Path) -> Connection {
    let conn = Connection::open(path).unwrap();
    conn.execute_batch(
        "PRAGMA journal_mode = WAL; CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL);",
    )
    .unwrap();
    conn
}

fn write_note(conn: &Connection) {
    conn.execute("INSERT INTO notes (body) VALUES ('a comment')", [])
        .unwrap();
}

fn notes(conn: &Connection) -> i64 {
    conn.query_row("SELECT COUNT(*) FROM notes", [], |row| row.get(0))
        .unwrap()
}

#[tokio::test]
async fn another_connection_writes_at_once_during_its_turn_while_comments_queue_behind() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("turns.db");
    let other = database(&path);
    // No busy timeout: the other connection gets the write lock at once or fails.
    other.busy_timeout(Duration::ZERO).unwrap();
    let comments = SqliteWriter::open(&path).unwrap();
    // A burst of comments committed back to back, and four posters queueing more behind it.
    let burst = {
        let comments = comments.clone();
        std::thread::spawn(move || {
            comments
                .run_blocking(|conn| (0..2_000).for_each(|_| write_note(conn)))
                .unwrap();
        })
    };
    let stop = Arc::new(AtomicBool::new(false));
    let posters: Vec<_> = (0..4)
        .map(|_| {
            let (comments, stop) = (comments.clone(), Arc::clone(&stop));
            std::thread::spawn(move || {
                while !stop.load(Ordering::SeqCst) {
                    comments.run_blocking(|conn| write_note(conn)).unwrap();
                }
            })
        })
        .collect();

    let turn = comments.take_turn().await.unwrap();
    let before = notes(&other);
    other
        .execute_batch(
            "BEGIN IMMEDIATE; INSERT INTO notes (body) VALUES ('a moderator''s note'); COMMIT;",
        )
        .expect("the write lock is free during a turn");
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(
        notes(&other),
        before + 1,
        "only the turn's own write happened during the turn"
    );
    drop(turn);

    // The queued comments go on once the turn is over.
    comments.run(|conn| write_note(conn)).await.unwrap();
    assert!(notes(&other) > before + 1);
    stop.store(true, Ordering::SeqCst);
    burst.join().unwrap();
    posters
        .into_iter()
        .for_each(|poster| poster.join().unwrap());
}

#[tokio::test]
async fn a_turn_given_up_while_waiting_does_not_hold_up_comments() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("given-up.db");
    let conn = database(&path);
    let comments = SqliteWriter::open(&path).unwrap();
    let (started, has_started) = std::sync::mpsc::channel();
    let (finish, finished) = std::sync::mpsc::channel::<()>();
    let busy = {
        let comments = comments.clone();
        std::thread::spawn(move || {
            comments
                .run_blocking(move |_| {
                    started.send(()).unwrap();
                    finished.recv().ok();
                })
                .unwrap();
        })
    };
    has_started.recv().unwrap();
    // The turn is queued behind the busy job; its holder gives up (a client that went away).
    let waiting = tokio::time::timeout(Duration::from_millis(20), comments.take_turn()).await;
    assert!(
        waiting.is_err(),
        "the turn cannot be given while a job runs"
    );
    drop(finish);
    busy.join().unwrap();
    let written = tokio::time::timeout(
        Duration::from_secs(10),
        comments.run(|conn| write_note(conn)),
    )
    .await
    .expect("a comment after the abandoned turn was written");
    written.unwrap();
    assert_eq!(notes(&conn), 1);
}
