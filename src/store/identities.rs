//! Accounts at providers: linking a sign-in to a user (one user per provider + subject), and the
//! apps replybox registered on Mastodon instances.

use super::{Db, read_db, write_db, write_tx};

/// What a sign-in learned about the person, to store on their user and identity.
#[derive(Debug, Clone)]
pub struct SignedInAccount<'a> {
    /// Provider id.
    pub provider: &'a str,
    /// The provider's id for the account.
    pub subject: &'a str,
    /// Display name.
    pub name: &'a str,
    /// Picture URL at the provider.
    pub avatar_url: Option<&'a str>,
    /// The copy replybox serves (a path under `public_url`), when it could be fetched.
    pub avatar_path: Option<&'a str>,
    /// Profile page.
    pub profile_url: Option<&'a str>,
    /// Email (never published).
    pub email: Option<&'a str>,
    /// Whether the provider verified it.
    pub email_verified: bool,
}

/// The user behind this provider account, created on its first sign-in; the stored name,
/// picture and profile follow the provider's latest answer.
pub async fn link(db: &Db, account: &SignedInAccount<'_>, now: i64) -> sqlx::Result<i64> {
    let user_id = write_tx!(db, tx => {
        let existing: Option<i64> = sqlx::query_scalar(
            "SELECT user_id FROM identities WHERE provider = $1 AND subject = $2",
        )
        .bind(account.provider)
        .bind(account.subject)
        .fetch_optional(&mut *tx)
        .await?;
        match existing {
            Some(user_id) => {
                sqlx::query(
                    "UPDATE users SET name = $1, avatar_url = $2, profile_url = $3, \
                     avatar_path = COALESCE($4, avatar_path) WHERE id = $5",
                )
                .bind(account.name)
                .bind(account.avatar_url)
                .bind(account.profile_url)
                .bind(account.avatar_path)
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
                sqlx::query(
                    "UPDATE identities SET email = $1, email_verified = $2, last_seen_at = $3 \
                     WHERE provider = $4 AND subject = $5",
                )
                .bind(account.email)
                .bind(account.email_verified)
                .bind(now)
                .bind(account.provider)
                .bind(account.subject)
                .execute(&mut *tx)
                .await?;
                user_id
            }
            None => {
                let user_id: i64 = sqlx::query_scalar(
                    "INSERT INTO users (name, avatar_url, profile_url, avatar_path, created_at) \
                     VALUES ($1, $2, $3, $4, $5) RETURNING id",
                )
                .bind(account.name)
                .bind(account.avatar_url)
                .bind(account.profile_url)
                .bind(account.avatar_path)
                .bind(now)
                .fetch_one(&mut *tx)
                .await?;
                sqlx::query(
                    "INSERT INTO identities (user_id, provider, subject, email, email_verified, \
                     created_at, last_seen_at) VALUES ($1, $2, $3, $4, $5, $6, $6)",
                )
                .bind(user_id)
                .bind(account.provider)
                .bind(account.subject)
                .bind(account.email)
                .bind(account.email_verified)
                .bind(now)
                .execute(&mut *tx)
                .await?;
                user_id
            }
        }
    });
    Ok(user_id)
}

/// The app registered on a Mastodon instance: (client id, client secret).
pub async fn mastodon_app(db: &Db, instance: &str) -> sqlx::Result<Option<(String, String)>> {
    read_db!(db, pool => {
        sqlx::query_as("SELECT client_id, client_secret FROM mastodon_apps WHERE instance = $1")
            .bind(instance)
            .fetch_optional(pool)
            .await
    })
}

/// Remembers an app; if another registration won a race, returns that one instead.
pub async fn remember_mastodon_app(
    db: &Db,
    instance: &str,
    client_id: &str,
    client_secret: &str,
    now: i64,
) -> sqlx::Result<(String, String)> {
    write_db!(db, pool => {
        sqlx::query(
            "INSERT INTO mastodon_apps (instance, client_id, client_secret, created_at) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (instance) DO NOTHING",
        )
        .bind(instance)
        .bind(client_id)
        .bind(client_secret)
        .bind(now)
        .execute(pool)
        .await?;
        sqlx::query_as("SELECT client_id, client_secret FROM mastodon_apps WHERE instance = $1")
            .bind(instance)
            .fetch_one(pool)
            .await
    })
}
