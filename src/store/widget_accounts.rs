//! Admin-page accounts signed in inside the widget: the one-time codes the popup
//! (`/admin/widget`) hands to the widget, and the credentials they become
//! (`credentials.admin_id`). See `auth::admin_account`.

use sqlx::FromRow;

use super::{Db, write_db};

/// Stores a one-time code (its hash) for an account that asked to moderate `site` in the widget.
pub async fn store_code(
    db: &Db,
    code_hash: &str,
    admin_id: i64,
    site: &str,
    expires_at: i64,
) -> sqlx::Result<()> {
    write_db!(db, pool => {
        sqlx::query(
            "INSERT INTO admin_sign_in_codes (code_hash, admin_id, site, expires_at) \
             VALUES ($1, $2, $3, $4)",
        )
        .bind(code_hash)
        .bind(admin_id)
        .bind(site)
        .bind(expires_at)
        .execute(pool)
        .await
        .map(|_| ())
    })
}

/// An account's code that was used up.
#[derive(Debug, Clone, FromRow)]
pub struct TakenCode {
    /// The account.
    pub admin_id: i64,
    /// The site the popup was opened for.
    pub site: String,
    /// When it stopped being valid.
    pub expires_at: i64,
}

/// Uses up a code: deleted whether or not it is still valid, so it works at most once (expired
/// ones are swept at the same time). Returns it when it had not expired.
pub async fn take_code(db: &Db, code_hash: &str, now: i64) -> sqlx::Result<Option<TakenCode>> {
    let code: Option<TakenCode> = super::users::take_once(
        db,
        "admin_sign_in_codes",
        "admin_id, site, expires_at",
        code_hash,
        now,
    )
    .await?;
    Ok(code.filter(|code| code.expires_at > now))
}

/// Stores an account's widget credential (its hash); returns the reader id.
pub async fn issue_credential(
    db: &Db,
    token_hash: &str,
    admin_id: i64,
    now: i64,
    expires_at: i64,
) -> sqlx::Result<i64> {
    write_db!(db, pool => {
        sqlx::query_scalar(
            "INSERT INTO credentials (token_hash, admin_id, created_at, expires_at) \
             VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(token_hash)
        .bind(admin_id)
        .bind(now)
        .bind(expires_at)
        .fetch_one(pool)
        .await
    })
}
