//! What moderators read and change: the queues of comments, status changes with their audit
//! events (in one transaction), edits, bans, trusted authors, word lists and thread locks.

use sqlx::FromRow;

use super::{Db, read_db, write_db, write_tx};

/// A comment as a moderator sees it: everything, including the email.
#[derive(Debug, Clone, FromRow)]
pub struct QueueRow {
    /// Comment id.
    pub id: i64,
    /// Site id.
    pub site: String,
    /// Page URI.
    pub uri: String,
    /// Parent comment.
    pub parent_id: Option<i64>,
    /// Display name.
    pub author_name: String,
    /// Guest email.
    pub author_email: Option<String>,
    /// Website.
    pub author_url: Option<String>,
    /// Sign-in provider.
    pub author_provider: Option<String>,
    /// Account.
    pub user_id: Option<i64>,
    /// Browser credential.
    pub reader_id: Option<i64>,
    /// Markdown.
    pub body: String,
    /// Sanitised HTML.
    pub html: String,
    /// Status word.
    pub status: String,
    /// Why it landed there.
    pub reason: Option<String>,
    /// Salted address hash.
    pub ip_hash: Option<String>,
    /// Written at (epoch ms).
    pub created_at: i64,
    /// Last edited at (epoch ms), by its author or a moderator.
    pub edited_at: Option<i64>,
    /// Written by a moderator.
    pub moderator: bool,
    /// What the author asked to be mailed about.
    pub notify: Option<String>,
    /// The author's approved comments (same account, browser or email).
    pub approved_count: i64,
    /// The author's rejected or spam comments.
    pub rejected_count: i64,
    /// Readers' reports not yet dismissed.
    pub open_flags: i64,
    /// When a moderator pinned it (shown first in its thread), if they did.
    pub pinned_at: Option<i64>,
}

const QUEUE_SELECT: &str = "SELECT c.id, t.site, t.uri, c.parent_id, c.author_name, c.author_email, c.author_url, \
     c.author_provider, c.user_id, c.reader_id, c.body, c.html, c.status, c.reason, c.ip_hash, c.created_at, c.edited_at, c.moderator, c.notify, \
     (SELECT COUNT(*) FROM comments o WHERE o.status = 'approved' AND (o.user_id = c.user_id OR o.reader_id = c.reader_id \
        OR o.author_email = c.author_email)) AS approved_count, \
     (SELECT COUNT(*) FROM comments o WHERE o.status IN ('rejected', 'spam') AND (o.user_id = c.user_id \
        OR o.reader_id = c.reader_id OR o.author_email = c.author_email)) AS rejected_count, \
     (SELECT COUNT(*) FROM flags f WHERE f.comment_id = c.id AND f.dismissed_at IS NULL) AS open_flags, \
     c.pinned_at \
     FROM comments c JOIN threads t ON t.id = c.thread_id";

/// Which comments a queue shows.
#[derive(Debug, Clone, Default)]
pub struct QueueFilter {
    /// Statuses to show (empty: all).
    pub statuses: Vec<&'static str>,
    /// Sites the moderator may see.
    pub sites: Vec<String>,
    /// Page URI contains.
    pub uri: Option<String>,
    /// Author name or email contains.
    pub author: Option<String>,
    /// Body contains.
    pub text: Option<String>,
    /// At most this many, newest first.
    pub limit: i64,
}

/// The comments a queue shows, newest first.
pub async fn queue(db: &Db, filter: &QueueFilter) -> sqlx::Result<Vec<QueueRow>> {
    if filter.sites.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = format!("{QUEUE_SELECT} WHERE t.site IN (");
    let mut n = 0;
    let mut next = || {
        n += 1;
        format!("${n}")
    };
    sql.push_str(
        &filter
            .sites
            .iter()
            .map(|_| next())
            .collect::<Vec<_>>()
            .join(", "),
    );
    sql.push(')');
    if !filter.statuses.is_empty() {
        let marks: Vec<String> = filter.statuses.iter().map(|_| next()).collect();
        sql.push_str(&format!(" AND c.status IN ({})", marks.join(", ")));
    }
    let like = |value: &Option<String>| value.as_ref().map(|v| format!("%{}%", v.to_lowercase()));
    let (uri, author, text) = (like(&filter.uri), like(&filter.author), like(&filter.text));
    if uri.is_some() {
        sql.push_str(&format!(" AND LOWER(t.uri) LIKE {}", next()));
    }
    if author.is_some() {
        let mark = next();
        sql.push_str(&format!(" AND (LOWER(c.author_name) LIKE {mark} OR LOWER(COALESCE(c.author_email, '')) LIKE {mark})"));
    }
    if text.is_some() {
        sql.push_str(&format!(" AND LOWER(c.body) LIKE {}", next()));
    }
    sql.push_str(&format!(
        " ORDER BY c.id DESC LIMIT {}",
        filter.limit.clamp(1, 500)
    ));
    read_db!(db, pool => {
        let mut query = sqlx::query_as(&sql);
        for site in &filter.sites {
            query = query.bind(site);
        }
        for status in &filter.statuses {
            query = query.bind(*status);
        }
        for value in [uri, author, text].into_iter().flatten() {
            query = query.bind(value);
        }
        query.fetch_all(pool).await
    })
}

/// Counts of comments per status on the given sites (for the queue tabs).
pub async fn status_counts(db: &Db, sites: &[String]) -> sqlx::Result<Vec<(String, i64)>> {
    if sites.is_empty() {
        return Ok(Vec::new());
    }
    let marks: Vec<String> = (1..=sites.len()).map(|n| format!("${n}")).collect();
    let sql = format!(
        "SELECT c.status, COUNT(*) FROM comments c JOIN threads t ON t.id = c.thread_id WHERE t.site IN ({}) GROUP BY c.status",
        marks.join(", ")
    );
    read_db!(db, pool => {
        let mut query = sqlx::query_as(&sql);
        for site in sites {
            query = query.bind(site);
        }
        query.fetch_all(pool).await
    })
}

/// One comment as a moderator sees it.
pub async fn find(db: &Db, id: i64) -> sqlx::Result<Option<QueueRow>> {
    let sql = format!("{QUEUE_SELECT} WHERE c.id = $1");
    read_db!(db, pool => sqlx::query_as(&sql).bind(id).fetch_optional(pool).await)
}

/// An entry to add to the audit log (moderation actions, bans, edits, replies, settings).
#[derive(Debug, Clone)]
pub struct NewAuditEntry<'a> {
    /// Site id.
    pub site: &'a str,
    /// The comment acted on, if any.
    pub comment_id: Option<i64>,
    /// Who acted (`admin:NAME`, `email:NAME`).
    pub actor: &'a str,
    /// What they did (`approve`, `ban`, …).
    pub action: &'a str,
    /// Status before.
    pub before: Option<&'a str>,
    /// Status after.
    pub after: Option<&'a str>,
    /// Anything else worth keeping.
    pub detail: Option<String>,
}

/// The audit log's insert, `$1`…`$8` as [`bind_event!`] binds them.
pub(super) const INSERT_EVENT: &str = "INSERT INTO moderation_events (site, comment_id, actor, action, status_before, status_after, detail, created_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";

/// The audit log's insert with an entry bound, ready to run inside a transaction of either
/// engine (the other files of `store/` write entries with their own changes this way).
macro_rules! bind_event {
    ($event:expr, $now:expr) => {
        sqlx::query($crate::store::moderation::INSERT_EVENT)
            .bind($event.site)
            .bind($event.comment_id)
            .bind($event.actor)
            .bind($event.action)
            .bind($event.before)
            .bind($event.after)
            .bind(&$event.detail)
            .bind($now)
    };
}
pub(super) use bind_event;

/// Keeps the text a comment has now as its newest revision (inside a write transaction).
macro_rules! keep_revision {
    ($tx:ident, $id:expr, $actor:expr, $now:expr) => {
        sqlx::query(
            "INSERT INTO comment_revisions (comment_id, body, html, status, edited_by, replaced_at) \
             SELECT id, body, html, status, $2, $3 FROM comments WHERE id = $1",
        )
        .bind($id)
        .bind($actor)
        .bind($now)
        .execute(&mut *$tx)
        .await?
    };
}
pub(super) use keep_revision;

/// Records an action that changed no comment (a ban, a word list, a lock).
pub async fn record(db: &Db, event: &NewAuditEntry<'_>, now: i64) -> sqlx::Result<()> {
    write_db!(db, pool => bind_event!(event, now).execute(pool).await.map(|_| ()))
}

/// The event a moderator's change of a comment to `status` records for mail and webhooks.
fn event_kind(status: &str) -> Option<&'static str> {
    match status {
        "approved" => Some("comment_approved"),
        "rejected" => Some("comment_rejected"),
        "spam" => Some("comment_spam"),
        "deleted" => Some("comment_deleted"),
        _ => None,
    }
}

/// Moves a comment to `status` and records who did it, in one transaction. Returns the status
/// it had, or `None` if there is no such comment. With `record_event`, a comment that changes
/// status also gets an event (`comment_approved`, `comment_rejected`, `comment_spam`,
/// `comment_deleted`) for the mail worker and webhooks, in the same transaction.
pub async fn set_status(
    db: &Db,
    id: i64,
    status: &str,
    actor: &str,
    action: &str,
    now: i64,
    record_event: bool,
) -> sqlx::Result<Option<String>> {
    Ok(write_tx!(db, tx => {
        let found: Option<(String, String)> = sqlx::query_as(
            "SELECT c.status, t.site FROM comments c JOIN threads t ON t.id = c.thread_id WHERE c.id = $1",
        )
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
        match found {
            None => None,
            Some((before, site)) => {
                sqlx::query("UPDATE comments SET status = $1 WHERE id = $2").bind(status).bind(id).execute(&mut *tx).await?;
                if status == "approved" {
                    // The moderator has judged the reports: only new ones count from now on.
                    sqlx::query("UPDATE flags SET dismissed_at = $1 WHERE comment_id = $2 AND dismissed_at IS NULL")
                        .bind(now).bind(id).execute(&mut *tx).await?;
                }
                let event = NewAuditEntry { site: &site, comment_id: Some(id), actor, action, before: Some(&before), after: Some(status), detail: None };
                bind_event!(event, now).execute(&mut *tx).await?;
                if let Some(kind) = event_kind(status).filter(|_| record_event && before != status) {
                    sqlx::query("INSERT INTO events (kind, comment_id, created_at, status) VALUES ($1, $2, $3, $4)")
                        .bind(kind)
                        .bind(id)
                        .bind(now)
                        .bind(status)
                        .execute(&mut *tx)
                        .await?;
                }
                Some(before)
            }
        }
    }))
}

/// Replaces a comment's text (already rendered and cleaned), keeping the old one as a revision,
/// and records the edit.
pub async fn edit(
    db: &Db,
    id: i64,
    body: &str,
    html: &str,
    actor: &str,
    now: i64,
) -> sqlx::Result<bool> {
    Ok(write_tx!(db, tx => {
        let site: Option<String> = sqlx::query_scalar("SELECT t.site FROM comments c JOIN threads t ON t.id = c.thread_id WHERE c.id = $1")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
        match site {
            None => false,
            Some(site) => {
                keep_revision!(tx, id, actor, now);
                sqlx::query("UPDATE comments SET body = $1, html = $2, edited_at = $3 WHERE id = $4")
                    .bind(body)
                    .bind(html)
                    .bind(now)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                let event = NewAuditEntry { site: &site, comment_id: Some(id), actor, action: "edit", before: None, after: None, detail: None };
                bind_event!(event, now).execute(&mut *tx).await?;
                true
            }
        }
    }))
}

/// An entry of the audit log as listed.
#[derive(Debug, Clone, FromRow)]
pub struct AuditEntry {
    /// When (epoch ms).
    pub created_at: i64,
    /// Site id.
    pub site: String,
    /// Comment id.
    pub comment_id: Option<i64>,
    /// Who.
    pub actor: String,
    /// What.
    pub action: String,
    /// Status before.
    pub status_before: Option<String>,
    /// Status after.
    pub status_after: Option<String>,
    /// Details.
    pub detail: Option<String>,
}

/// The newest audit entries on the given sites, optionally by one actor or action.
pub async fn audit_log(
    db: &Db,
    sites: &[String],
    actor: Option<&str>,
    action: Option<&str>,
    limit: i64,
) -> sqlx::Result<Vec<AuditEntry>> {
    if sites.is_empty() {
        return Ok(Vec::new());
    }
    let marks: Vec<String> = (1..=sites.len()).map(|n| format!("${n}")).collect();
    let (a, b) = (sites.len() + 1, sites.len() + 2);
    let sql = format!(
        "SELECT created_at, site, comment_id, actor, action, status_before, status_after, detail FROM moderation_events \
         WHERE site IN ({}) AND (${a} IS NULL OR actor = ${a}) AND (${b} IS NULL OR action = ${b}) \
         ORDER BY id DESC LIMIT {}",
        marks.join(", "),
        limit.clamp(1, 1000)
    );
    read_db!(db, pool => {
        let mut query = sqlx::query_as(&sql);
        for site in sites {
            query = query.bind(site);
        }
        query.bind(actor).bind(action).fetch_all(pool).await
    })
}
