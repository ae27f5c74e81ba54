//! Turns: another connection writes between two comments instead of racing the writing thread.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use rusqlite::Connection;

use super::{BUSY_TIMEOUT, SqliteWriter};

fn database(path: &Path) -> Connection {
    let conn = Connection::open(path).unwrap();
    conn.execute_batch(
        "PRAGMA journal_mode = WAL; CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL);",
    )
    .unwrap();
    conn
}

/// Stores a note; the rows stored (1).
fn write_note(conn: &Connection) -> usize {
    conn.execute("INSERT INTO notes (body) VALUES ('a comment')", [])
        .unwrap()
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
                .run_blocking(|conn| (0..2_000).map(|_| write_note(conn)).sum::<usize>())
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

#[tokio::test]
async fn a_write_commits_what_it_returns_ok_and_rolls_back_a_refusal_or_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("write.db");
    let conn = database(&path);
    let comments = SqliteWriter::open(&path).unwrap();

    let kept = comments.write(|conn| Ok(write_note(conn))).await;
    assert!(kept.is_ok());
    let refused = comments
        .write(|conn| {
            write_note(conn);
            Err::<(), _>(crate::error::AppError::ThreadLocked)
        })
        .await;
    assert!(matches!(refused, Err(crate::error::AppError::ThreadLocked)));
    let panicked = comments
        .write(|conn| -> crate::error::AppResult<()> {
            write_note(conn);
            panic!("a bug in a job")
        })
        .await;
    assert!(matches!(panicked, Err(crate::error::AppError::Internal(_))));
    // The connection is usable again, outside any transaction.
    comments.write(|conn| Ok(write_note(conn))).await.unwrap();
    assert_eq!(notes(&conn), 2, "only the two kept notes are stored");
}

#[tokio::test]
async fn a_write_waits_on_the_thread_while_another_process_holds_the_lock() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("held.db");
    let other = database(&path);
    let comments = SqliteWriter::open(&path).unwrap();
    // Another process (a backup tool, the sqlite3 shell) holds SQLite's write lock.
    other.execute_batch("BEGIN IMMEDIATE").unwrap();
    let started = std::time::Instant::now();
    let writing = tokio::spawn({
        let comments = comments.clone();
        async move { comments.write(|conn| Ok(write_note(conn))).await }
    });
    // This test's runtime has one thread: had the write waited for the lock on it (up to
    // BUSY_TIMEOUT), this sleep could not end before the wait did.
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(
        started.elapsed() < BUSY_TIMEOUT / 2,
        "the runtime was held up while the write waited for SQLite's lock"
    );
    assert!(!writing.is_finished(), "the write waits for the lock");
    other.execute_batch("COMMIT").unwrap();
    writing
        .await
        .unwrap()
        .expect("written once the lock was free");
    assert_eq!(notes(&other), 1);
}

#[tokio::test]
async fn a_write_does_not_slip_past_a_turn() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("turn-first.db");
    let other = database(&path);
    let comments = SqliteWriter::open(&path).unwrap();
    let turn = comments.take_turn().await.unwrap();
    let writing = tokio::spawn({
        let comments = comments.clone();
        async move { comments.write(|conn| Ok(write_note(conn))).await }
    });
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(notes(&other), 0, "nothing written during the turn");
    drop(turn);
    writing.await.unwrap().unwrap();
    assert_eq!(notes(&other), 1);
}
