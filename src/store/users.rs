//! Signed-in users as the widget sees them, the one-time codes that hand a sign-in to the
//! widget, the credentials those codes become, and the provider pictures replybox serves.

use sqlx::FromRow;

use super::{Db, read_db, write_db};

/// The account behind a credential.
#[derive(Debug, Clone, FromRow)]
pub struct SignedInUser {
    /// User id.
    pub id: i64,
    /// Display name.
    pub name: String,
    /// The picture replybox serves, if it has one.
    pub avatar_path: Option<String>,
    /// Profile page.
    pub profile_url: Option<String>,
    /// The provider the credential was issued through.
    pub provider: Option<String>,
    /// When that provider account first signed in here (epoch ms).
    pub identity_created_at: Option<i64>,
}

/// The user a reader (credential) is signed in as, if any.
pub async fn for_reader(db: &Db, reader_id: i64) -> sqlx::Result<Option<SignedInUser>> {
    read_db!(db, pool => {
        sqlx::query_as(
            "SELECT u.id, u.name, u.avatar_path, u.profile_url, r.provider, \
             (SELECT MIN(i.created_at) FROM identities i \
              WHERE i.user_id = u.id AND i.provider = r.provider) AS identity_created_at \
             FROM credentials r JOIN users u ON u.id = r.user_id WHERE r.id = $1",
        )
        .bind(reader_id)
        .fetch_optional(pool)
        .await
    })
}

/// The `(provider, subject)` a reader's credential was issued through: the user's identities at
/// the credential's provider.
pub async fn identities_of_reader(db: &Db, reader_id: i64) -> sqlx::Result<Vec<(String, String)>> {
    read_db!(db, pool => {
        sqlx::query_as(
            "SELECT i.provider, i.subject FROM credentials r \
             JOIN identities i ON i.user_id = r.user_id AND i.provider = r.provider \
             WHERE r.id = $1",
        )
        .bind(reader_id)
        .fetch_all(pool)
        .await
    })
}

/// Stores a one-time code (its hash) for a user who just signed in.
pub async fn store_code(
    db: &Db,
    code_hash: &str,
    user_id: i64,
    provider: &str,
    claim_hash: Option<&str>,
    expires_at: i64,
) -> sqlx::Result<()> {
    write_db!(db, pool => {
        sqlx::query(
            "INSERT INTO sign_in_codes (code_hash, user_id, provider, claim_hash, expires_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(code_hash)
        .bind(user_id)
        .bind(provider)
        .bind(claim_hash)
        .bind(expires_at)
        .execute(pool)
        .await
        .map(|_| ())
    })
}

/// A code that was used up.
#[derive(Debug, Clone, FromRow)]
pub struct TakenCode {
    /// Who signed in.
    pub user_id: i64,
    /// Through which provider.
    pub provider: String,
    /// The claim it is bound to (full-page sign-in).
    pub claim_hash: Option<String>,
    /// When it stopped being valid.
    pub expires_at: i64,
}

/// Uses up a code: deleted whether or not it is still valid, so it works at most once.
/// Returns it when it had not expired.
pub async fn take_code(db: &Db, code_hash: &str, now: i64) -> sqlx::Result<Option<TakenCode>> {
    let code: Option<TakenCode> = take_once(
        db,
        "sign_in_codes",
        "user_id, provider, claim_hash, expires_at",
        code_hash,
        now,
    )
    .await?;
    Ok(code.filter(|code| code.expires_at > now))
}

/// Takes the one-time code `code_hash` out of `table` (a table of ours keyed by `code_hash`,
/// with `expires_at`), returning its `columns` whether or not it is still valid, and sweeps the
/// table's expired codes on the way: a code works at most once.
pub(super) async fn take_once<T>(
    db: &Db,
    table: &'static str,
    columns: &'static str,
    code_hash: &str,
    now: i64,
) -> sqlx::Result<Option<T>>
where
    T: Send
        + Unpin
        + for<'r> FromRow<'r, sqlx::sqlite::SqliteRow>
        + for<'r> FromRow<'r, sqlx::postgres::PgRow>,
{
    let take = format!("DELETE FROM {table} WHERE code_hash = $1 RETURNING {columns}");
    let row: Option<T> = write_db!(db, pool => {
        sqlx::query_as(&take).bind(code_hash).fetch_optional(pool).await
    })?;
    let sweep = format!("DELETE FROM {table} WHERE expires_at <= $1");
    write_db!(db, pool => sqlx::query(&sweep).bind(now).execute(pool).await.map(|_| ()))?;
    Ok(row)
}

/// Stores a signed-in reader's credential (its hash); returns the reader id.
pub async fn issue_credential(
    db: &Db,
    token_hash: &str,
    user_id: i64,
    provider: &str,
    now: i64,
    expires_at: i64,
) -> sqlx::Result<i64> {
    write_db!(db, pool => {
        sqlx::query_scalar(
            "INSERT INTO credentials (token_hash, user_id, provider, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(token_hash)
        .bind(user_id)
        .bind(provider)
        .bind(now)
        .bind(expires_at)
        .fetch_one(pool)
        .await
    })
}

/// Keeps a picture (keyed by the hash of its bytes; storing it twice is harmless).
pub async fn put_avatar(
    db: &Db,
    key: &str,
    content_type: &str,
    bytes: &[u8],
    now: i64,
) -> sqlx::Result<()> {
    write_db!(db, pool => {
        sqlx::query(
            "INSERT INTO avatars (key, content_type, bytes, created_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (key) DO NOTHING",
        )
        .bind(key)
        .bind(content_type)
        .bind(bytes)
        .bind(now)
        .execute(pool)
        .await
        .map(|_| ())
    })
}

/// A stored picture: (content type, bytes).
pub async fn avatar(db: &Db, key: &str) -> sqlx::Result<Option<(String, Vec<u8>)>> {
    read_db!(db, pool => {
        sqlx::query_as("SELECT content_type, bytes FROM avatars WHERE key = $1")
            .bind(key)
            .fetch_optional(pool)
            .await
    })
}
