//! Credentials: what a browser holds to be recognised (a guest's, or a signed-in user's); the
//! `credentials` table. Its holder is the "reader" of `reader_id` columns.
//! Only a SHA-256 hash of the token is stored, so a database leak gives no working credential.

use sqlx::FromRow;

use super::{Db, read_db, write_db};

/// Who acts from a browser: the credential it holds, or a new one for a browser that has none
/// (a guest's first report or like gets one, as a guest's first comment does).
#[derive(Debug, Clone)]
pub enum Holder {
    /// The credential's reader.
    Existing(i64),
    /// Issue this credential (hashed token) first.
    Issue {
        /// SHA-256 of the token the browser will keep.
        token_hash: String,
        /// Until when it works.
        expires_at: i64,
    },
}

/// The reader id of a [`Holder`] inside the write transaction `$tx` (either engine), storing
/// the new credential first when there is one.
macro_rules! holder_reader_id {
    ($holder:expr, $tx:ident, $now:expr) => {
        match $holder {
            $crate::store::credentials::Holder::Existing(id) => *id,
            $crate::store::credentials::Holder::Issue {
                token_hash,
                expires_at,
            } => {
                sqlx::query_scalar::<_, i64>(
                    "INSERT INTO credentials (token_hash, created_at, expires_at) VALUES ($1, $2, $3) RETURNING id",
                )
                .bind(token_hash)
                .bind($now)
                .bind(*expires_at)
                .fetch_one(&mut *$tx)
                .await?
            }
        }
    };
}
pub(crate) use holder_reader_id;

/// A credential that is still valid.
#[derive(Debug, Clone, FromRow)]
pub struct ReaderRow {
    /// Row id; comments remember which reader wrote them.
    pub id: i64,
    /// Set when the reader has signed in with an account.
    pub user_id: Option<i64>,
    /// Set when the credential belongs to an admin-page account (a moderator signed in inside
    /// the widget: [`super::widget_accounts`]).
    pub admin_id: Option<i64>,
}

/// The reader holding this token, unless it is unknown or expired.
pub async fn find_by_token(db: &Db, token_hash: &str, now: i64) -> sqlx::Result<Option<ReaderRow>> {
    read_db!(db, pool => {
        sqlx::query_as("SELECT id, user_id, admin_id FROM credentials WHERE token_hash = $1 AND expires_at > $2")
            .bind(token_hash)
            .bind(now)
            .fetch_optional(pool)
            .await
    })
}

/// Ends a credential (sign-out). Comments it wrote stay, but are no longer recognised as "mine".
pub async fn delete(db: &Db, id: i64) -> sqlx::Result<()> {
    write_db!(db, pool => sqlx::query("DELETE FROM credentials WHERE id = $1").bind(id).execute(pool).await.map(|_| ()))?;
    Ok(())
}
