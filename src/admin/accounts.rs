//! Admin accounts: argon2id password hashes, created from the command line only (no default
//! password, and never "the first visitor becomes admin").

use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};

use crate::store::{self, Db, admins::AdminRow};

pub use crate::moderation::Role;

/// Argon2 checks that may run at once: each takes 19 MiB and a core's time on purpose, so a
/// flood of logins waits here instead of filling memory and the blocking pool.
const PASSWORD_CHECKS_AT_ONCE: usize = 2;

/// Waits for a turn to run one Argon2 computation.
async fn password_turn() -> tokio::sync::SemaphorePermit<'static> {
    static TURNS: tokio::sync::Semaphore =
        tokio::sync::Semaphore::const_new(PASSWORD_CHECKS_AT_ONCE);
    TURNS
        .acquire()
        .await
        .expect("the semaphore is never closed")
}

/// Hashes a password with argon2id (off the async threads: it is slow on purpose).
pub async fn hash_password(password: String) -> anyhow::Result<String> {
    let _turn = password_turn().await;
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|hash| hash.to_string())
            .map_err(|err| anyhow::anyhow!("hashing failed: {err}"))
    })
    .await?
}

/// Checks a password against a stored hash; a malformed hash never matches.
pub async fn verify_password(password: String, hash: String) -> bool {
    let _turn = password_turn().await;
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&hash).is_ok_and(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
    })
    .await
    .unwrap_or(false)
}

/// A hash to verify against when the account does not exist, so a wrong name takes as long as
/// a wrong password (no telling which names exist).
pub async fn decoy_hash() -> String {
    static DECOY: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();
    DECOY
        .get_or_init(|| async { hash_password("decoy".into()).await.unwrap_or_default() })
        .await
        .clone()
}

/// `replybox admin add NAME --password-stdin`: creates an account.
pub async fn add(
    db: &Db,
    name: &str,
    password: String,
    role: Role,
    sites: &[String],
) -> anyhow::Result<()> {
    let name = name.trim();
    anyhow::ensure!(
        !name.is_empty() && name.len() <= 64,
        "the name must be 1 to 64 characters"
    );
    anyhow::ensure!(
        crate::names::one_line(name) == name,
        "the name must be one line of visible text (no control or invisible characters)"
    );
    anyhow::ensure!(
        password.chars().count() >= 10,
        "the password must be at least 10 characters"
    );
    anyhow::ensure!(
        role == Role::Admin || !sites.is_empty(),
        "a moderator needs --sites"
    );
    let hash = hash_password(password).await?;
    let created = store::admins::create(
        db,
        name,
        &hash,
        role.as_str(),
        &sites.join(","),
        store::now_ms(),
    )
    .await?;
    anyhow::ensure!(created, "an account named {name:?} exists already");
    Ok(())
}

/// Whether this account may act on this site.
pub fn may_moderate(admin: &AdminRow, site: &str) -> bool {
    crate::moderation::role::may_moderate(admin, site)
}
