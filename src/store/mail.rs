//! Mail's storage: comment events, the outbox, one-click action links, subscriptions and
//! verified addresses.

use sqlx::FromRow;

use super::{Db, read_db, write_db, write_tx};

/// A change to a comment (created, approved, rejected…) waiting to become mail and webhook
/// deliveries: the outboxes' input.
#[derive(Debug, Clone, FromRow)]
pub struct MailEvent {
    /// Row id.
    pub id: i64,
    /// `comment_created`, `comment_approved`, `comment_rejected`, `comment_spam` or
    /// `comment_deleted`.
    pub kind: String,
    /// The comment.
    pub comment_id: i64,
    /// The status the change gave the comment (unset on events from before webhooks).
    pub status: Option<String>,
}

/// Events not yet turned into mail, oldest first.
pub async fn pending_events(db: &Db, limit: i64) -> sqlx::Result<Vec<MailEvent>> {
    read_db!(db, pool => {
        sqlx::query_as("SELECT id, kind, comment_id, status FROM events WHERE processed_at IS NULL ORDER BY id LIMIT $1")
            .bind(limit)
            .fetch_all(pool)
            .await
    })
}

/// A message to queue.
#[derive(Debug, Clone)]
pub struct NewMail {
    /// `moderator_alert`, `reply_notification` or `verification`.
    pub kind: &'static str,
    /// One address.
    pub recipient: String,
    /// Subject line (plain text; lettre encodes it).
    pub subject: String,
    /// Plain-text body.
    pub text: String,
    /// Minimal HTML body (everything from readers escaped).
    pub html: String,
    /// One-click unsubscribe URL (RFC 8058), for notifications.
    pub unsubscribe_url: Option<String>,
}

/// A link to store with the mail that carries it.
#[derive(Debug, Clone)]
pub struct NewActionLink {
    /// Random id (also in the URL, with its signature).
    pub id: String,
    /// The comment.
    pub comment_id: i64,
    /// The action.
    pub action: &'static str,
    /// Who it was mailed to.
    pub recipient: String,
    /// Until when it works.
    pub expires_at: i64,
}

/// A subscription to store.
#[derive(Debug, Clone)]
pub struct NewSubscription {
    /// Site id.
    pub site: String,
    /// Page URI.
    pub uri: String,
    /// `replies` or `page`.
    pub kind: &'static str,
    /// The comment whose replies are wanted.
    pub comment_id: Option<i64>,
    /// The subscriber.
    pub email: String,
    /// Random unsubscribe token.
    pub token: String,
}

/// What one event became: messages, action links, subscriptions and a verification token.
#[derive(Debug, Default)]
pub struct FanOut {
    /// Messages to queue.
    pub mails: Vec<NewMail>,
    /// Links those messages carry.
    pub links: Vec<NewActionLink>,
    /// New subscriptions.
    pub subscriptions: Vec<NewSubscription>,
    /// A verification link sent.
    pub verification: Option<NewVerification>,
    /// Webhook deliveries (see [`super::webhooks`]).
    pub deliveries: Vec<super::webhooks::NewDelivery>,
}

/// A verification link: whoever opens it proves `email` for the browser credential that asked.
#[derive(Debug, Clone)]
pub struct NewVerification {
    /// Hash of the link's token.
    pub token_hash: String,
    /// The address to prove.
    pub email: String,
    /// The credential whose comment asked for it (proving the address for it alone).
    pub reader_id: Option<i64>,
    /// Until when the link works.
    pub expires_at: i64,
}

/// Queues what an event became and marks it processed — together, so a crash in between
/// neither loses nor duplicates mail or webhook deliveries.
pub async fn complete_event(db: &Db, event_id: i64, out: &FanOut, now: i64) -> sqlx::Result<()> {
    write_tx!(db, tx => {
        let claimed = sqlx::query("UPDATE events SET processed_at = $1 WHERE id = $2 AND processed_at IS NULL")
            .bind(now)
            .bind(event_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if claimed == 1 {
            for link in &out.links {
                sqlx::query("INSERT INTO action_links (id, comment_id, action, recipient, expires_at, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
                    .bind(&link.id).bind(link.comment_id).bind(link.action).bind(&link.recipient).bind(link.expires_at).bind(now)
                    .execute(&mut *tx).await?;
            }
            for sub in &out.subscriptions {
                sqlx::query("INSERT INTO subscriptions (site, uri, kind, comment_id, email, token, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
                    .bind(&sub.site).bind(&sub.uri).bind(sub.kind).bind(sub.comment_id).bind(&sub.email).bind(&sub.token).bind(now)
                    .execute(&mut *tx).await?;
            }
            if let Some(v) = &out.verification {
                sqlx::query("INSERT INTO email_verifications (token_hash, email, reader_id, expires_at, created_at) VALUES ($1, $2, $3, $4, $5)")
                    .bind(&v.token_hash).bind(&v.email).bind(v.reader_id).bind(v.expires_at).bind(now)
                    .execute(&mut *tx).await?;
            }
            for mail in &out.mails {
                sqlx::query("INSERT INTO outbox (kind, recipient, subject, text_body, html_body, unsubscribe_url, next_attempt_at, created_at) \
                             VALUES ($1, $2, $3, $4, $5, $6, $7, $7)")
                    .bind(mail.kind).bind(&mail.recipient).bind(&mail.subject).bind(&mail.text).bind(&mail.html)
                    .bind(&mail.unsubscribe_url).bind(now)
                    .execute(&mut *tx).await?;
            }
            for d in &out.deliveries {
                sqlx::query(super::webhooks::INSERT_DELIVERY)
                    .bind(&d.delivery_id).bind(event_id).bind(&d.site).bind(&d.target).bind(d.event).bind(&d.body).bind(now)
                    .execute(&mut *tx).await?;
            }
        }
    });
    Ok(())
}

/// A queued message.
#[derive(Debug, Clone, FromRow)]
pub struct OutboxRow {
    /// Row id.
    pub id: i64,
    /// Recipient.
    pub recipient: String,
    /// Subject.
    pub subject: String,
    /// Plain text.
    pub text_body: String,
    /// HTML.
    pub html_body: String,
    /// One-click unsubscribe URL.
    pub unsubscribe_url: Option<String>,
    /// Failed attempts so far.
    pub attempts: i32,
}

/// Messages due now that have not used up their attempts, oldest first.
pub async fn due_mail(
    db: &Db,
    now: i64,
    max_attempts: i32,
    limit: i64,
) -> sqlx::Result<Vec<OutboxRow>> {
    read_db!(db, pool => {
        sqlx::query_as(
            "SELECT id, recipient, subject, text_body, html_body, unsubscribe_url, attempts FROM outbox \
             WHERE sent_at IS NULL AND next_attempt_at <= $1 AND attempts < $2 ORDER BY id LIMIT $3",
        )
        .bind(now)
        .bind(max_attempts)
        .bind(limit)
        .fetch_all(pool)
        .await
    })
}

/// Takes a due message for sending until `until`; `false` if another worker took it first.
pub async fn claim(db: &Db, id: i64, now: i64, until: i64) -> sqlx::Result<bool> {
    let claimed = write_db!(db, pool => {
        sqlx::query("UPDATE outbox SET next_attempt_at = $1 WHERE id = $2 AND sent_at IS NULL AND next_attempt_at <= $3")
            .bind(until)
            .bind(id)
            .bind(now)
            .execute(pool)
            .await?
            .rows_affected()
    });
    Ok(claimed == 1)
}

/// Marks a message sent.
pub async fn mark_sent(db: &Db, id: i64, now: i64) -> sqlx::Result<()> {
    write_db!(db, pool => sqlx::query("UPDATE outbox SET sent_at = $1 WHERE id = $2").bind(now).bind(id).execute(pool).await.map(|_| ()))
}

/// Records a failed attempt and when to try again.
pub async fn mark_failed(db: &Db, id: i64, error: &str, retry_at: i64) -> sqlx::Result<()> {
    write_db!(db, pool => {
        sqlx::query("UPDATE outbox SET attempts = attempts + 1, last_error = $1, next_attempt_at = $2 WHERE id = $3")
            .bind(error)
            .bind(retry_at)
            .bind(id)
            .execute(pool)
            .await
            .map(|_| ())
    })
}

/// How many messages of a kind went (or are going) to an address since `since`.
pub async fn recent_mail_to(db: &Db, kind: &str, recipient: &str, since: i64) -> sqlx::Result<i64> {
    read_db!(db, pool => {
        sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE kind = $1 AND recipient = $2 AND created_at > $3")
            .bind(kind)
            .bind(recipient)
            .bind(since)
            .fetch_one(pool)
            .await
    })
}

/// Whether this browser credential has proven this address (a typed address proves nothing).
pub async fn reader_has_proven(db: &Db, reader_id: i64, email: &str) -> sqlx::Result<bool> {
    read_db!(db, pool => {
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM reader_emails WHERE reader_id = $1 AND email = $2)")
            .bind(reader_id)
            .bind(email)
            .fetch_one(pool)
            .await
    })
}

/// Verified subscribers to notify of a new approved comment: those following its parent's
/// replies or its page, except its own author.
pub async fn subscribers_for(
    db: &Db,
    site: &str,
    uri: &str,
    parent: Option<i64>,
    author_email: &str,
) -> sqlx::Result<Vec<(String, String)>> {
    read_db!(db, pool => {
        sqlx::query_as(
            "SELECT s.email, MIN(s.token) FROM subscriptions s JOIN verified_emails v ON v.email = s.email \
             WHERE s.site = $1 AND s.uri = $2 AND s.email <> $3 \
               AND (s.kind = 'page' OR (s.kind = 'replies' AND s.comment_id = $4)) \
             GROUP BY s.email",
        )
        .bind(site)
        .bind(uri)
        .bind(author_email)
        .bind(parent)
        .fetch_all(pool)
        .await
    })
}

/// An action link, if it exists.
#[derive(Debug, Clone, FromRow)]
pub struct ActionLinkRow {
    /// The comment.
    pub comment_id: i64,
    /// The action.
    pub action: String,
    /// Who received it.
    pub recipient: String,
    /// Until when.
    pub expires_at: i64,
    /// When it was used.
    pub used_at: Option<i64>,
}

/// Looks up an action link.
pub async fn action_link(db: &Db, id: &str) -> sqlx::Result<Option<ActionLinkRow>> {
    read_db!(db, pool => {
        sqlx::query_as("SELECT comment_id, action, recipient, expires_at, used_at FROM action_links WHERE id = $1")
            .bind(id)
            .fetch_optional(pool)
            .await
    })
}

/// Uses a link up: `true` only for the one request that got to it first, before it expired.
pub async fn use_action_link(db: &Db, id: &str, now: i64) -> sqlx::Result<bool> {
    let used = write_db!(db, pool => {
        sqlx::query("UPDATE action_links SET used_at = $1 WHERE id = $2 AND used_at IS NULL AND expires_at > $1")
            .bind(now)
            .bind(id)
            .execute(pool)
            .await?
            .rows_affected()
    });
    Ok(used == 1)
}

/// Uses a verification link up: its address is verified (subscriptions to it may be mailed) and
/// proven for the credential that asked; the address, if it worked.
pub async fn verify_email(db: &Db, token_hash: &str, now: i64) -> sqlx::Result<Option<String>> {
    Ok(write_tx!(db, tx => {
        let used: Option<(String, Option<i64>)> = sqlx::query_as(
            "UPDATE email_verifications SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1 RETURNING email, reader_id",
        )
        .bind(now)
        .bind(token_hash)
        .fetch_optional(&mut *tx)
        .await?;
        if let Some((email, reader_id)) = &used {
            sqlx::query("INSERT INTO verified_emails (email, verified_at) VALUES ($1, $2) ON CONFLICT (email) DO NOTHING")
                .bind(email)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            if let Some(reader_id) = reader_id {
                sqlx::query("INSERT INTO reader_emails (reader_id, email, verified_at) VALUES ($1, $2, $3) ON CONFLICT (reader_id, email) DO NOTHING")
                    .bind(reader_id)
                    .bind(email)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        used.map(|(email, _)| email)
    }))
}

/// A subscription's address and page, by its unsubscribe token.
pub async fn subscription(db: &Db, token: &str) -> sqlx::Result<Option<(String, String, String)>> {
    read_db!(db, pool => {
        sqlx::query_as("SELECT email, site, uri FROM subscriptions WHERE token = $1").bind(token).fetch_optional(pool).await
    })
}

/// Ends one subscription's page (`all = false`) or every subscription of its address.
pub async fn unsubscribe(db: &Db, token: &str, all: bool) -> sqlx::Result<u64> {
    let sql = if all {
        "DELETE FROM subscriptions WHERE email = (SELECT email FROM subscriptions WHERE token = $1)"
    } else {
        "DELETE FROM subscriptions WHERE (email, site, uri) IN (SELECT email, site, uri FROM subscriptions WHERE token = $1)"
    };
    write_db!(db, pool => Ok(sqlx::query(sql).bind(token).execute(pool).await?.rows_affected()))
}
