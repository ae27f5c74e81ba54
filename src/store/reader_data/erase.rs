//! Erasing everything stored about one identity, in one transaction.

use std::collections::{BTreeMap, BTreeSet};

use super::{CREDENTIALS, Owner, THEIR_COMMENTS, THEIR_LIKES, their_subscriptions};
use crate::store::{Db, write_tx};

/// What becomes of their comments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommentsFate {
    /// Every one becomes an erased tombstone.
    Tombstone,
    /// Rows without replies go; those with replies (by others) become erased tombstones.
    Remove,
}

/// A deletion to carry out.
#[derive(Debug, Clone)]
pub struct Erasure<'a> {
    /// Whose data.
    pub owner: Owner,
    /// What becomes of their comments.
    pub comments: CommentsFate,
    /// The avatar every tombstone shows (the same for all, so tombstones cannot be linked).
    pub tombstone_avatar: &'a str,
    /// Record `comment_deleted` events for published comments (mail or webhooks are configured).
    pub record_events: bool,
    /// Now (epoch ms).
    pub now: i64,
}

/// What one site lost, for its audit entry.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SiteCounts {
    /// Comments whose rows are gone.
    pub removed: u64,
    /// Comments kept as erased tombstones.
    pub tombstones: u64,
    /// Likes.
    pub likes: u64,
    /// Reports.
    pub reports: u64,
    /// Subscriptions.
    pub subscriptions: u64,
}

/// What a deletion did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Erased {
    /// Per site.
    pub sites: BTreeMap<String, SiteCounts>,
    /// Proven addresses (distinct) no longer tied to the identity.
    pub emails: u64,
    /// Credentials revoked.
    pub credentials: u64,
    /// The account was deleted.
    pub account: bool,
    /// Pages whose public thread changed (their comments, the comments they liked).
    pub pages: BTreeSet<(String, String)>,
}

/// Erases everything stored about `erasure.owner`, in one transaction: likes, reports,
/// subscriptions, proven addresses (and `verified_emails` rows no one else proved), comments
/// (tombstones or removed; a tombstone keeps only its place: id, thread, parent, times), their
/// revisions, action links and earlier events (with the webhook deliveries made of them, which
/// carry the text), every credential and, signed in, the account with its identities and its
/// picture. One `delete_own_data` audit entry per site touched. Bans and trusted-author records
/// are the moderators' and stay.
pub async fn erase(db: &Db, erasure: &Erasure<'_>) -> sqlx::Result<Erased> {
    let (user, reader) = (erasure.owner.user(), erasure.owner.reader());
    let mut erased = Erased::default();
    let select_comments = format!(
        "SELECT c.id, t.site, t.uri, c.status FROM comments c JOIN threads t ON t.id = c.thread_id WHERE {THEIR_COMMENTS}"
    );
    let liked_pages = format!(
        "SELECT t.site, t.uri, COUNT(*) FROM likes l JOIN comments c ON c.id = l.comment_id \
         JOIN threads t ON t.id = c.thread_id WHERE {THEIR_LIKES} GROUP BY t.site, t.uri"
    );
    let reports_by_site = format!(
        "SELECT t.site, COUNT(*) FROM flags f JOIN comments c ON c.id = f.comment_id \
         JOIN threads t ON t.id = c.thread_id WHERE f.reader_id IN ({CREDENTIALS}) GROUP BY t.site"
    );
    let subscriptions = their_subscriptions();
    let subscriptions_by_site = format!(
        "SELECT s.site, COUNT(*) FROM subscriptions s WHERE {subscriptions} GROUP BY s.site"
    );
    let delete_subscriptions = format!(
        "DELETE FROM subscriptions WHERE id IN (SELECT s.id FROM subscriptions s WHERE {subscriptions})"
    );
    let delete_likes = format!(
        "DELETE FROM likes WHERE (comment_id, voter) IN (SELECT l.comment_id, l.voter FROM likes l WHERE {THEIR_LIKES})"
    );
    let delete_reports = format!("DELETE FROM flags WHERE reader_id IN ({CREDENTIALS})");
    let count_emails = format!(
        "SELECT COUNT(DISTINCT email) FROM reader_emails WHERE reader_id IN ({CREDENTIALS})"
    );
    // An address stays verified (for subscriptions to it) while another credential proved it too.
    let delete_verified = format!(
        "DELETE FROM verified_emails WHERE email IN (SELECT e.email FROM reader_emails e WHERE e.reader_id IN ({CREDENTIALS})) \
         AND NOT EXISTS (SELECT 1 FROM reader_emails o WHERE o.email = verified_emails.email AND o.reader_id NOT IN ({CREDENTIALS}))"
    );
    let delete_verifications =
        format!("DELETE FROM email_verifications WHERE reader_id IN ({CREDENTIALS})");
    let delete_proofs = format!("DELETE FROM reader_emails WHERE reader_id IN ({CREDENTIALS})");
    // A comment with replies keeps its row (the replies' parent); one round per level of their
    // own replies to themselves. Replies are looked for in the comment's thread (an index range;
    // there is no index on parent_id).
    let remove_leaves = "DELETE FROM comments WHERE (user_id = $1 OR reader_id = $2) AND NOT EXISTS \
                         (SELECT 1 FROM comments r WHERE r.thread_id = comments.thread_id AND r.parent_id = comments.id)";
    let their_ids = format!("SELECT c.id FROM comments c WHERE {THEIR_COMMENTS}");
    let forget_revisions =
        format!("DELETE FROM comment_revisions WHERE comment_id IN ({their_ids})");
    let forget_links = format!("DELETE FROM action_links WHERE comment_id IN ({their_ids})");
    let forget_events = format!("DELETE FROM events WHERE comment_id IN ({their_ids})");
    let tombstone = "UPDATE comments SET status = 'deleted', body = '', html = '', author_name = '', author_email = NULL, \
                     author_url = NULL, author_avatar = $3, author_provider = NULL, ip_hash = NULL, notify = NULL, \
                     dedupe_key = NULL, edited_at = NULL, pinned_at = NULL, user_id = NULL, reader_id = NULL \
                     WHERE user_id = $1 OR reader_id = $2";
    Ok(write_tx!(db, tx => {
        let comments: Vec<(i64, String, String, String)> =
            sqlx::query_as(&select_comments).bind(user).bind(reader).fetch_all(&mut *tx).await?;
        let liked: Vec<(String, String, i64)> =
            sqlx::query_as(&liked_pages).bind(user).bind(reader).fetch_all(&mut *tx).await?;
        let reported: Vec<(String, i64)> =
            sqlx::query_as(&reports_by_site).bind(user).bind(reader).fetch_all(&mut *tx).await?;
        let subscribed: Vec<(String, i64)> =
            sqlx::query_as(&subscriptions_by_site).bind(user).bind(reader).fetch_all(&mut *tx).await?;
        for (site, uri, n) in liked {
            erased.sites.entry(site.clone()).or_default().likes += n as u64;
            erased.pages.insert((site, uri));
        }
        for (site, n) in reported {
            erased.sites.entry(site).or_default().reports += n as u64;
        }
        for (site, n) in subscribed {
            erased.sites.entry(site).or_default().subscriptions += n as u64;
        }
        // Subscriptions first: they are found through the comments and the proven addresses.
        for statement in [&delete_subscriptions, &delete_likes, &delete_reports] {
            sqlx::query(statement).bind(user).bind(reader).execute(&mut *tx).await?;
        }
        let emails: i64 = sqlx::query_scalar(&count_emails).bind(user).bind(reader).fetch_one(&mut *tx).await?;
        erased.emails = emails as u64;
        for statement in [&delete_verified, &delete_verifications, &delete_proofs] {
            sqlx::query(statement).bind(user).bind(reader).execute(&mut *tx).await?;
        }

        if erasure.comments == CommentsFate::Remove {
            while sqlx::query(remove_leaves).bind(user).bind(reader).execute(&mut *tx).await?.rows_affected() > 0 {}
        }
        let kept: BTreeSet<i64> = sqlx::query_scalar(&their_ids).bind(user).bind(reader).fetch_all(&mut *tx).await?.into_iter().collect();
        for statement in [&forget_revisions, &forget_links, &forget_events] {
            sqlx::query(statement).bind(user).bind(reader).execute(&mut *tx).await?;
        }
        sqlx::query(tombstone).bind(user).bind(reader).bind(erasure.tombstone_avatar).execute(&mut *tx).await?;
        for (id, site, uri, status) in comments {
            let counts = erased.sites.entry(site.clone()).or_default();
            if !kept.contains(&id) {
                counts.removed += 1;
            } else {
                counts.tombstones += 1;
                // Mail and webhooks hear that a published comment is gone, as from a moderator.
                if erasure.record_events && status == "approved" {
                    sqlx::query("INSERT INTO events (kind, comment_id, created_at, status) VALUES ('comment_deleted', $1, $2, 'deleted')")
                        .bind(id)
                        .bind(erasure.now)
                        .execute(&mut *tx)
                        .await?;
                }
            }
            erased.pages.insert((site, uri));
        }

        erased.credentials = sqlx::query("DELETE FROM credentials WHERE user_id = $1 OR id = $2")
            .bind(user).bind(reader).execute(&mut *tx).await?.rows_affected();
        if let Some(user_id) = user {
            let picture: Option<Option<String>> = sqlx::query_scalar("SELECT avatar_path FROM users WHERE id = $1")
                .bind(user_id).fetch_optional(&mut *tx).await?;
            // Identities and sign-in codes go with the account (ON DELETE CASCADE).
            erased.account = sqlx::query("DELETE FROM users WHERE id = $1")
                .bind(user_id).execute(&mut *tx).await?.rows_affected() == 1;
            if let Some(path) = picture.flatten() {
                if let Some(key) = path.strip_prefix("/avatar/u/") {
                    // The same picture may be someone else's too (stored once by its digest).
                    sqlx::query("DELETE FROM avatars WHERE key = $1 AND NOT EXISTS (SELECT 1 FROM users WHERE avatar_path = $2) \
                                 AND NOT EXISTS (SELECT 1 FROM comments WHERE author_avatar = $2)")
                        .bind(key).bind(&path).execute(&mut *tx).await?;
                }
            }
        }

        let kind = if user.is_some() { "account" } else { "guest" };
        for (site, counts) in &erased.sites {
            let detail = format!(
                "{kind}: comments removed {}, kept as tombstones {}; likes {}; reports {}; subscriptions {}",
                counts.removed, counts.tombstones, counts.likes, counts.reports, counts.subscriptions
            );
            sqlx::query("INSERT INTO moderation_events (site, comment_id, actor, action, status_before, status_after, detail, created_at) \
                         VALUES ($1, NULL, 'reader', 'delete_own_data', NULL, NULL, $2, $3)")
                .bind(site)
                .bind(detail)
                .bind(erasure.now)
                .execute(&mut *tx)
                .await?;
        }
        erased
    }))
}
