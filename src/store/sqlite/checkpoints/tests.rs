//! The log under steady writes and slow readers, on real SQLite files.

use std::path::Path;
use std::time::Duration;

use rusqlite::Connection;

use super::{Checkpointed, Log, RESTART_FRAMES};
use crate::store::sqlite::writer::SqliteWriter;

/// A connection set up like replybox's writing connections.
fn writer(path: &Path) -> Connection {
    let conn = Connection::open(path).unwrap();
    conn.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA wal_autocheckpoint = 0;
         CREATE TABLE IF NOT EXISTS notes (id INTEGER PRIMARY KEY, body BLOB NOT NULL);",
    )
    .unwrap();
    conn
}

/// One commit of about two pages.
fn write_note(conn: &Connection) {
    conn.execute("INSERT INTO notes (body) VALUES (zeroblob(6000))", [])
        .unwrap();
}

fn log_bytes(path: &Path) -> u64 {
    std::fs::metadata(path.with_extension("db-wal")).map_or(0, |m| m.len())
}

/// The salts in the log's header: SQLite changes them each time the log starts again.
fn log_salts(path: &Path) -> Option<[u8; 8]> {
    let header = std::fs::read(path.with_extension("db-wal")).ok()?;
    header.get(16..24)?.try_into().ok()
}

#[test]
fn the_log_starts_again_while_the_writing_thread_is_never_idle() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("busy.db");
    let _open_all_along = writer(&path);
    let comments = SqliteWriter::open(&path).unwrap();
    let mut log = Log::open(&path, comments.clone()).unwrap();
    // Four posters keep the writing thread's queue full: ~20 times the frames that make a log
    // long go through it without a pause.
    let (posters, notes_each) = (4, 10 * RESTART_FRAMES / 4);
    let posting: Vec<_> = (0..posters)
        .map(|_| {
            let comments = comments.clone();
            std::thread::spawn(move || {
                for _ in 0..notes_each {
                    comments.run_blocking(|conn| write_note(conn)).unwrap();
                }
            })
        })
        .collect();
    let mut restarts_seen = 0;
    let mut salts = log_salts(&path);
    while posting.iter().any(|poster| !poster.is_finished()) {
        std::thread::sleep(Duration::from_millis(10));
        log.checkpoint().unwrap();
        let now = log_salts(&path);
        if now != salts {
            restarts_seen += 1;
            salts = now;
        }
    }
    posting
        .into_iter()
        .for_each(|poster| poster.join().unwrap());
    assert!(
        restarts_seen >= 2,
        "the log started again {restarts_seen} times while {} notes went through it",
        posters * notes_each
    );
    let stored: i64 = log
        .conn
        .query_row("SELECT COUNT(*) FROM notes", [], |row| row.get(0))
        .unwrap();
    assert_eq!(
        stored,
        posters * notes_each,
        "every note is in the database"
    );
}

#[test]
fn a_slow_reader_postpones_the_restart_and_writers_go_on() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("slow-reader.db");
    let conn = writer(&path);
    let mut log = Log::open(&path, SqliteWriter::open(&path).unwrap()).unwrap();
    let frames_per_note = 2;
    for _ in 0..=(RESTART_FRAMES / frames_per_note) {
        write_note(&conn);
    }
    // A reader holds the log as it is now; what is written after it cannot be copied back.
    let reader = Connection::open(&path).unwrap();
    reader.execute_batch("BEGIN").unwrap();
    let before: i64 = reader
        .query_row("SELECT COUNT(*) FROM notes", [], |row| row.get(0))
        .unwrap();
    for _ in 0..10 {
        write_note(&conn);
    }
    assert_eq!(log.checkpoint().unwrap(), Checkpointed::RestartPostponed);
    // Writers go on at once, and the reader still sees its snapshot.
    write_note(&conn);
    let during: i64 = reader
        .query_row("SELECT COUNT(*) FROM notes", [], |row| row.get(0))
        .unwrap();
    assert_eq!(during, before);
    reader.execute_batch("COMMIT").unwrap();
    // With the reader gone, the long log is copied to its end and made to start again; until
    // something is written, later rounds leave it alone.
    assert_eq!(log.checkpoint().unwrap(), Checkpointed::Restarted);
    assert_eq!(log.checkpoint().unwrap(), Checkpointed::Copied);
    let size = log_bytes(&path);
    let salts = log_salts(&path);
    for _ in 0..10 {
        write_note(&conn);
    }
    assert_ne!(
        log_salts(&path),
        salts,
        "the next write did not start the log again"
    );
    assert_eq!(
        log_bytes(&path),
        size,
        "the log grew instead of starting again"
    );
}

#[test]
fn a_restart_waits_its_turn_behind_comments_written_back_to_back() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("queued.db");
    let conn = writer(&path);
    for _ in 0..=RESTART_FRAMES {
        write_note(&conn);
    }
    let comments = SqliteWriter::open(&path).unwrap();
    let mut log = Log::open(&path, comments.clone()).unwrap();
    // One job commits note after note with no gap at all: SQLite's write lock is never free
    // long enough for a connection that polls for it.
    let (started, has_started) = std::sync::mpsc::channel();
    let burst = std::thread::spawn(move || {
        comments
            .run_blocking(move |conn| {
                started.send(()).unwrap();
                for _ in 0..3_000 {
                    write_note(conn);
                }
            })
            .unwrap();
    });
    has_started.recv().unwrap();
    assert_eq!(log.checkpoint().unwrap(), Checkpointed::Restarted);
    burst.join().unwrap();
    let salts = log_salts(&path);
    write_note(&conn);
    assert_ne!(
        log_salts(&path),
        salts,
        "the next write did not start the log again"
    );
}
