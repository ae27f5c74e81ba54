//! Readers' likes: one per reader per comment (a reader is an account across its browsers, or a
//! guest's browser credential: `Viewer::voter`), counted when threads are read.

use super::credentials::{Holder, holder_reader_id};
use super::{Db, read_db, write_db, write_tx};

/// The comment's likes, counted.
const COUNT: &str = "SELECT COUNT(*) FROM likes WHERE comment_id = $1";

/// Who a like belongs to: an account across all its browsers (`u:ID`), else one browser's
/// credential (`r:ID`).
pub fn voter(user_id: Option<i64>, reader_id: i64) -> String {
    match user_id {
        Some(user) => format!("u:{user}"),
        None => format!("r:{reader_id}"),
    }
}

/// A like to record.
#[derive(Debug, Clone)]
pub struct NewLike {
    /// The comment liked.
    pub comment_id: i64,
    /// The browser's credential (or the one to issue).
    pub holder: Holder,
    /// The signed-in account, if any (then the like is the account's: `u:ID`).
    pub user_id: Option<i64>,
    /// Now (epoch ms).
    pub now: i64,
}

/// What came of a like or of taking it back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Liked {
    /// Whether anything changed (false: the reader liked it before, or had no like to take back).
    pub changed: bool,
    /// Readers who like the comment now.
    pub likes: i64,
}

/// Records a like once per reader, and counts the comment's likes, in one transaction.
pub async fn like(db: &Db, new: &NewLike) -> sqlx::Result<Liked> {
    Ok(write_tx!(db, tx => {
        let reader_id = holder_reader_id!(&new.holder, tx, new.now);
        let voter = voter(new.user_id, reader_id);
        let changed = sqlx::query(
            "INSERT INTO likes (comment_id, voter, reader_id, user_id, created_at) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (comment_id, voter) DO NOTHING",
        )
        .bind(new.comment_id)
        .bind(&voter)
        .bind(reader_id)
        .bind(new.user_id)
        .bind(new.now)
        .execute(&mut *tx)
        .await?
        .rows_affected()
            == 1;
        let likes: i64 = sqlx::query_scalar(COUNT)
            .bind(new.comment_id)
            .fetch_one(&mut *tx)
            .await?;
        Liked { changed, likes }
    }))
}

/// Takes a reader's like back (nothing happens if there was none), and counts what is left.
pub async fn unlike(db: &Db, comment_id: i64, voter: &str) -> sqlx::Result<Liked> {
    write_db!(db, pool => {
        let changed = sqlx::query("DELETE FROM likes WHERE comment_id = $1 AND voter = $2")
            .bind(comment_id)
            .bind(voter)
            .execute(pool)
            .await?
            .rows_affected()
            > 0;
        let likes: i64 = sqlx::query_scalar(COUNT).bind(comment_id).fetch_one(pool).await?;
        Ok::<_, sqlx::Error>(Liked { changed, likes })
    })
}

/// How many readers like this comment.
pub async fn count(db: &Db, comment_id: i64) -> sqlx::Result<i64> {
    read_db!(db, pool => {
        sqlx::query_scalar(COUNT).bind(comment_id).fetch_one(pool).await
    })
}

/// The comments of a thread this reader likes.
pub async fn liked_in_thread(db: &Db, thread_id: i64, voter: &str) -> sqlx::Result<Vec<i64>> {
    read_db!(db, pool => {
        sqlx::query_scalar(
            "SELECT l.comment_id FROM likes l JOIN comments c ON c.id = l.comment_id WHERE c.thread_id = $1 AND l.voter = $2",
        )
        .bind(thread_id)
        .bind(voter)
        .fetch_all(pool)
        .await
    })
}
