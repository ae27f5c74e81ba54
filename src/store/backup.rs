//! `replybox backup`: a consistent copy of a SQLite database taken while replybox serves it.
//!
//! `VACUUM INTO` reads the database in one read transaction (WAL lets the running server keep
//! writing meanwhile) and writes a compact, self-contained file: the snapshot as of the moment
//! the copy began, with no write-ahead log beside it. PostgreSQL has its own tools (`pg_dump`,
//! see the README), which know more about its clusters than replybox could.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use anyhow::Context;
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection};

/// Copies the SQLite database `url` names into `out`, which must not exist yet. Returns the
/// copy's size in bytes.
pub async fn sqlite_copy(url: &str, out: &Path) -> anyhow::Result<u64> {
    anyhow::ensure!(
        url.starts_with("sqlite:"),
        "replybox backup copies SQLite databases; for PostgreSQL use pg_dump (see the README's \"Backups\")"
    );
    anyhow::ensure!(
        !out.exists(),
        "{} already exists: a backup never overwrites a file",
        out.display()
    );
    let options = SqliteConnectOptions::from_str(url)
        .context("invalid SQLite URL")?
        .create_if_missing(false)
        .read_only(true)
        .busy_timeout(Duration::from_secs(30));
    let mut connection = options
        .connect()
        .await
        .with_context(|| format!("opening {url}"))?;
    let target = out
        .to_str()
        .context("the backup's path must be valid UTF-8")?;
    sqlx::query("VACUUM INTO $1")
        .bind(target)
        .execute(&mut connection)
        .await
        .with_context(|| format!("copying into {}", out.display()))?;
    connection.close().await?;
    let mut copy = SqliteConnectOptions::new()
        .filename(out)
        .read_only(true)
        .connect()
        .await?;
    let check: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(&mut copy)
        .await?;
    copy.close().await?;
    anyhow::ensure!(
        check == "ok",
        "the copy failed its integrity check: {check}"
    );
    Ok(std::fs::metadata(out)?.len())
}
