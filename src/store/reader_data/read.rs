//! Reading everything stored about one identity, in one snapshot.

use sqlx::FromRow;

use super::{CREDENTIALS, Owner, THEIR_COMMENTS, THEIR_LIKES, their_subscriptions};
use crate::store::Db;

/// A comment of theirs, as its author may see it (not the keyed digests, not why the rules held it).
#[derive(Debug, Clone, FromRow)]
pub struct CommentData {
    /// Comment id.
    pub id: i64,
    /// Site id.
    pub site: String,
    /// Page URI.
    pub uri: String,
    /// The comment it replies to.
    pub parent_id: Option<i64>,
    /// Status word.
    pub status: String,
    /// Markdown as written.
    pub body: String,
    /// Sanitised HTML as published.
    pub html: String,
    /// Name as stored.
    pub author_name: String,
    /// Email as typed (guests).
    pub author_email: Option<String>,
    /// Website.
    pub author_url: Option<String>,
    /// Avatar path on this server.
    pub author_avatar: String,
    /// Sign-in provider.
    pub author_provider: Option<String>,
    /// What the author asked to be mailed about (`replies`, `page`, comma-separated).
    pub notify: Option<String>,
    /// Written at (epoch ms).
    pub created_at: i64,
    /// Last edited at.
    pub edited_at: Option<i64>,
    /// Pinned by a moderator at.
    pub pinned_at: Option<i64>,
}

/// An earlier text of one of their comments.
#[derive(Debug, Clone, FromRow)]
pub struct RevisionData {
    /// The comment.
    pub comment_id: i64,
    /// Markdown before the edit.
    pub body: String,
    /// HTML before the edit.
    pub html: String,
    /// The status it had before the edit.
    pub status: String,
    /// When this text was replaced.
    pub replaced_at: i64,
}

/// Something they did to a comment (a like, a report), with where the comment stands.
#[derive(Debug, Clone, FromRow)]
pub struct ActData {
    /// The comment.
    pub comment_id: i64,
    /// Its site.
    pub site: String,
    /// Its page.
    pub uri: String,
    /// The report's reason (`None` for a like).
    pub reason: Option<String>,
    /// When.
    pub created_at: i64,
    /// When a moderator closed the report.
    pub dismissed_at: Option<i64>,
}

/// A subscription of theirs.
#[derive(Debug, Clone, FromRow)]
pub struct SubscriptionData {
    /// Site id.
    pub site: String,
    /// Page URI.
    pub uri: String,
    /// `replies` or `page`.
    pub kind: String,
    /// The comment whose replies are mailed.
    pub comment_id: Option<i64>,
    /// The address mailed.
    pub email: String,
    /// Since when.
    pub created_at: i64,
}

/// The account of a signed-in reader.
#[derive(Debug, Clone, FromRow)]
pub struct AccountData {
    /// Display name.
    pub name: String,
    /// The picture's address at the provider.
    pub avatar_url: Option<String>,
    /// The copy replybox serves.
    pub avatar_path: Option<String>,
    /// Profile page.
    pub profile_url: Option<String>,
    /// First sign-in (epoch ms).
    pub created_at: i64,
}

/// One provider account linked to the user.
#[derive(Debug, Clone, FromRow)]
pub struct IdentityData {
    /// Provider id.
    pub provider: String,
    /// The provider's id for the account.
    pub subject: String,
    /// The address the provider gave.
    pub email: Option<String>,
    /// Whether the provider said it verified it.
    pub email_verified: bool,
    /// First sign-in through it.
    pub created_at: i64,
    /// Last sign-in through it.
    pub last_seen_at: i64,
}

/// A browser holding the identity (a credential), without its token's hash.
#[derive(Debug, Clone, FromRow)]
pub struct BrowserData {
    /// The provider it was signed in through (`None` for a guest's).
    pub provider: Option<String>,
    /// Issued at.
    pub created_at: i64,
    /// Valid until.
    pub expires_at: i64,
}

/// Everything stored about one identity.
#[derive(Debug, Clone, Default)]
pub struct Holdings {
    /// The account and its identities (`None` for a guest).
    pub account: Option<(AccountData, Vec<IdentityData>)>,
    /// Browsers holding the identity.
    pub browsers: Vec<BrowserData>,
    /// Their comments, in id order.
    pub comments: Vec<CommentData>,
    /// Earlier texts of their comments, oldest first per comment.
    pub revisions: Vec<RevisionData>,
    /// Their likes.
    pub likes: Vec<ActData>,
    /// Their reports.
    pub reports: Vec<ActData>,
    /// Their subscriptions.
    pub subscriptions: Vec<SubscriptionData>,
    /// Addresses proven by a link, with when (the first time).
    pub emails: Vec<(String, i64)>,
}

/// Reads everything stored about `owner`, in one snapshot (a read transaction: SQLite's WAL
/// snapshot; PostgreSQL's repeatable read), so the parts agree with each other.
pub async fn holdings(db: &Db, owner: Owner) -> sqlx::Result<Holdings> {
    let (user, reader) = (owner.user(), owner.reader());
    let comments = format!(
        "SELECT c.id, t.site, t.uri, c.parent_id, c.status, c.body, c.html, c.author_name, c.author_email, \
         c.author_url, c.author_avatar, c.author_provider, c.notify, c.created_at, c.edited_at, c.pinned_at \
         FROM comments c JOIN threads t ON t.id = c.thread_id WHERE {THEIR_COMMENTS} ORDER BY c.id"
    );
    let revisions = format!(
        "SELECT r.comment_id, r.body, r.html, r.status, r.replaced_at FROM comment_revisions r \
         JOIN comments c ON c.id = r.comment_id WHERE {THEIR_COMMENTS} ORDER BY r.comment_id, r.id"
    );
    let likes = format!(
        "SELECT l.comment_id, t.site, t.uri, NULL AS reason, l.created_at, NULL AS dismissed_at FROM likes l \
         JOIN comments c ON c.id = l.comment_id JOIN threads t ON t.id = c.thread_id WHERE {THEIR_LIKES} \
         ORDER BY l.created_at, l.comment_id"
    );
    let reports = format!(
        "SELECT f.comment_id, t.site, t.uri, f.reason, f.created_at, f.dismissed_at FROM flags f \
         JOIN comments c ON c.id = f.comment_id JOIN threads t ON t.id = c.thread_id \
         WHERE f.reader_id IN ({CREDENTIALS}) ORDER BY f.created_at, f.id"
    );
    let subscriptions = format!(
        "SELECT s.site, s.uri, s.kind, s.comment_id, s.email, s.created_at FROM subscriptions s \
         WHERE {} ORDER BY s.id",
        their_subscriptions()
    );
    let emails = format!(
        "SELECT email, MIN(verified_at) FROM reader_emails WHERE reader_id IN ({CREDENTIALS}) \
         GROUP BY email ORDER BY email"
    );
    let browsers = "SELECT provider, created_at, expires_at FROM credentials \
                    WHERE user_id = $1 OR id = $2 ORDER BY id";
    macro_rules! gather {
        ($tx:ident) => {{
            let account = match user {
                None => None,
                Some(user_id) => {
                    let account: Option<AccountData> = sqlx::query_as(
                        "SELECT name, avatar_url, avatar_path, profile_url, created_at FROM users WHERE id = $1",
                    )
                    .bind(user_id)
                    .fetch_optional(&mut *$tx)
                    .await?;
                    let identities: Vec<IdentityData> = sqlx::query_as(
                        "SELECT provider, subject, email, email_verified, created_at, last_seen_at \
                         FROM identities WHERE user_id = $1 ORDER BY id",
                    )
                    .bind(user_id)
                    .fetch_all(&mut *$tx)
                    .await?;
                    account.map(|account| (account, identities))
                }
            };
            Holdings {
                account,
                browsers: sqlx::query_as(browsers).bind(user).bind(reader).fetch_all(&mut *$tx).await?,
                comments: sqlx::query_as(&comments).bind(user).bind(reader).fetch_all(&mut *$tx).await?,
                revisions: sqlx::query_as(&revisions).bind(user).bind(reader).fetch_all(&mut *$tx).await?,
                likes: sqlx::query_as(&likes).bind(user).bind(reader).fetch_all(&mut *$tx).await?,
                reports: sqlx::query_as(&reports).bind(user).bind(reader).fetch_all(&mut *$tx).await?,
                subscriptions: sqlx::query_as(&subscriptions).bind(user).bind(reader).fetch_all(&mut *$tx).await?,
                emails: sqlx::query_as(&emails).bind(user).bind(reader).fetch_all(&mut *$tx).await?,
            }
        }};
    }
    // Not `read_db!`: the snapshot needs a transaction, begun differently per engine.
    let holdings = match db {
        Db::Sqlite(pools) => {
            let mut tx = pools.reads.begin().await?;
            let holdings = gather!(tx);
            tx.commit().await?;
            holdings
        }
        Db::Postgres(pool) => {
            let mut tx = pool
                .begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                .await?;
            let holdings = gather!(tx);
            tx.commit().await?;
            holdings
        }
    };
    Ok(holdings)
}
