//! Everything the rules need to know about an author and a page before judging a new comment,
//! read in one query: bans, trust, whether the site knows the author, a duplicate of their
//! recent comment, the site's word lists, and the thread's state.

use std::sync::LazyLock;

use sqlx::FromRow;

/// An author's standing on a site and the page's state.
#[derive(Debug, Clone, Default, FromRow)]
pub struct Standing {
    /// An exact ban (account, browser credential, email or address) is in force.
    pub banned: bool,
    /// Banned networks (CIDRs, space-separated) in force; the caller checks the address.
    pub ban_networks: Option<String>,
    /// A moderator trusts this author.
    pub trusted: bool,
    /// The account, or this browser credential, has an approved comment on the site; or the
    /// address this credential proved has. A typed address alone never makes an author known.
    pub known: bool,
    /// The same author posted the same text on this page recently.
    pub duplicate: bool,
    /// This browser credential proved the guest's address (by a link from its own comment).
    pub email_verified: bool,
    /// The site's watched words.
    pub watched: Option<String>,
    /// The site's blocked words.
    pub blocked: Option<String>,
    /// The moderators' account names, separated by U+001F (a guest may not take them).
    pub moderator_names: Option<String>,
    /// The page's thread is locked (None: no thread yet).
    pub thread_locked: Option<bool>,
    /// When the page's thread began (None: no thread yet).
    pub thread_created_at: Option<i64>,
}

/// Who is writing what, where.
#[derive(Debug, Clone)]
pub struct Author {
    /// Site id.
    pub site: String,
    /// Page URI.
    pub uri: String,
    /// Signed-in account.
    pub user_id: Option<i64>,
    /// Browser credential.
    pub reader_id: Option<i64>,
    /// Guest email as typed.
    pub email: Option<String>,
    /// Salted hash of the client address.
    pub ip_hash: String,
    /// Digest of page, author and text: the same again is a duplicate (see [`dedupe_key`]).
    pub dedupe_key: String,
}

fn sql(aggregate: &str, unit_separator: &str) -> String {
    format!(
        "SELECT \
           EXISTS (SELECT 1 FROM bans b WHERE (b.site IS NULL OR b.site = $1) AND (b.expires_at IS NULL OR b.expires_at > $2) \
                   AND ((b.kind = 'user' AND b.value = $3) OR (b.kind = 'reader' AND b.value = $4) \
                        OR (b.kind = 'email' AND b.value = $5) OR (b.kind = 'ip' AND b.value = $6))) AS banned, \
           (SELECT {aggregate}(b.value, ' ') FROM bans b WHERE b.kind = 'network' AND (b.site IS NULL OR b.site = $1) \
                   AND (b.expires_at IS NULL OR b.expires_at > $2)) AS ban_networks, \
           EXISTS (SELECT 1 FROM trusted_authors a WHERE a.site = $1 \
                   AND ((a.kind = 'user' AND a.value = $3) OR (a.kind = 'reader' AND a.value = $4))) AS trusted, \
           (EXISTS (SELECT 1 FROM comments c JOIN threads t ON t.id = c.thread_id \
                    WHERE t.site = $1 AND c.user_id = $7 AND c.status = 'approved') \
            OR EXISTS (SELECT 1 FROM comments c JOIN threads t ON t.id = c.thread_id \
                       WHERE t.site = $1 AND c.reader_id = $11 AND c.status = 'approved') \
            OR (EXISTS (SELECT 1 FROM reader_emails v WHERE v.reader_id = $11 AND v.email = $5) \
                AND EXISTS (SELECT 1 FROM comments c JOIN threads t ON t.id = c.thread_id \
                            WHERE t.site = $1 AND LOWER(c.author_email) = $5 AND c.status = 'approved'))) AS known, \
           EXISTS (SELECT 1 FROM reader_emails v WHERE v.reader_id = $11 AND v.email = $5) AS email_verified, \
           EXISTS (SELECT 1 FROM comments c WHERE c.dedupe_key = $9 AND c.created_at > $10) AS duplicate, \
           (SELECT w.words FROM word_lists w WHERE w.site = $1 AND w.list = 'watched') AS watched, \
           (SELECT w.words FROM word_lists w WHERE w.site = $1 AND w.list = 'blocked') AS blocked, \
           (SELECT {aggregate}(a.name, {unit_separator}) FROM admins a) AS moderator_names, \
           (SELECT t.locked FROM threads t WHERE t.site = $1 AND t.uri = $8) AS thread_locked, \
           (SELECT t.created_at FROM threads t WHERE t.site = $1 AND t.uri = $8) AS thread_created_at"
    )
}

/// The digest that finds a repeated comment with one index probe: the page, the author (by the
/// strongest identity they have: account, email, browser credential, else address) and the text.
pub fn dedupe_key(
    site: &str,
    uri: &str,
    (user_id, email, reader_id, ip_hash): (Option<i64>, Option<&str>, Option<i64>, &str),
    body: &str,
) -> String {
    use sha2::{Digest, Sha256};
    let who = match (user_id, email, reader_id) {
        (Some(user), _, _) => format!("u:{user}"),
        (None, Some(email), _) => format!("e:{}", email.to_lowercase()),
        (None, None, Some(reader)) => format!("r:{reader}"),
        (None, None, None) => format!("i:{ip_hash}"),
    };
    let mut hasher = Sha256::new();
    for part in [site, uri, &who, body.trim()] {
        hasher.update(part.as_bytes());
        hasher.update([0]);
    }
    crate::fingerprint::hex(&hasher.finalize())
}

/// How far back a repeated comment counts as a duplicate.
pub const DUPLICATE_WINDOW_MS: i64 = 10 * 60 * 1000;

// The one dialect difference: how rows are joined into one string (and how U+001F is written).
static SQLITE: LazyLock<String> = LazyLock::new(|| sql("group_concat", "char(31)"));
static POSTGRES: LazyLock<String> = LazyLock::new(|| sql("string_agg", "chr(31)"));

/// The standing query's parameters, in `$N` order.
macro_rules! bind_standing {
    ($query:expr, $author:expr, $now:expr) => {{
        let (author, now) = ($author, $now);
        $query
            .bind(&author.site)
            .bind(now)
            .bind(author.user_id.map(|id| id.to_string()))
            .bind(author.reader_id.map(|id| id.to_string()))
            .bind(author.email.as_deref().map(str::to_lowercase))
            .bind(&author.ip_hash)
            .bind(author.user_id)
            .bind(&author.uri)
            .bind(&author.dedupe_key)
            .bind(now - DUPLICATE_WINDOW_MS)
            .bind(author.reader_id)
    }};
}

/// Reads the author's standing and the page's state (PostgreSQL; on SQLite the writing thread
/// reads it with [`on_sqlite`], inside the transaction that stores the comment).
pub async fn of(pool: &sqlx::PgPool, author: &Author, now: i64) -> sqlx::Result<Standing> {
    bind_standing!(sqlx::query_as::<_, Standing>(&POSTGRES), author, now)
        .fetch_one(pool)
        .await
}

/// Reads the standing outside the writing of a new comment (an author's edit is judged with
/// it), on either engine.
pub async fn read(db: &super::Db, author: &Author, now: i64) -> sqlx::Result<Standing> {
    match db {
        super::Db::Sqlite(pools) => {
            bind_standing!(sqlx::query_as::<_, Standing>(&SQLITE), author, now)
                .fetch_one(&pools.reads)
                .await
        }
        super::Db::Postgres(pool) => of(pool, author, now).await,
    }
}

/// Reads the standing on SQLite's writing connection for new comments.
pub fn on_sqlite(
    conn: &rusqlite::Connection,
    author: &Author,
    now: i64,
) -> rusqlite::Result<Standing> {
    use super::sqlite::params::{bind_numbered, int, text};
    use rusqlite::types::Value;
    let values = [
        Value::Text(author.site.clone()),
        Value::Integer(now),
        text(author.user_id.map(|id| id.to_string()).as_deref()),
        text(author.reader_id.map(|id| id.to_string()).as_deref()),
        text(author.email.as_deref().map(str::to_lowercase).as_deref()),
        Value::Text(author.ip_hash.clone()),
        int(author.user_id),
        Value::Text(author.uri.clone()),
        Value::Text(author.dedupe_key.clone()),
        Value::Integer(now - DUPLICATE_WINDOW_MS),
        int(author.reader_id),
    ];
    let mut statement = conn.prepare_cached(&SQLITE)?;
    bind_numbered(&mut statement, &values)?;
    let mut rows = statement.raw_query();
    let row = rows.next()?.ok_or(rusqlite::Error::QueryReturnedNoRows)?;
    Ok(Standing {
        banned: row.get("banned")?,
        ban_networks: row.get("ban_networks")?,
        trusted: row.get("trusted")?,
        known: row.get("known")?,
        duplicate: row.get("duplicate")?,
        email_verified: row.get("email_verified")?,
        watched: row.get("watched")?,
        blocked: row.get("blocked")?,
        moderator_names: row.get("moderator_names")?,
        thread_locked: row.get("thread_locked")?,
        thread_created_at: row.get("thread_created_at")?,
    })
}
