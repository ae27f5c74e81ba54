//! Changing a comment after it was written: its author's edit or deletion (guarded by the
//! status the author saw, so a moderator's decision in between is never overwritten), the text
//! it had before each edit (`comment_revisions`, shown to moderators), each with its audit entry
//! and, for a published comment, its event for mail and webhooks — all in one transaction.

use std::collections::HashMap;

use super::moderation::{NewAuditEntry, bind_event, keep_revision};
use super::{Db, read_db, write_tx};

/// An author's new text for their comment, as rendered and judged.
#[derive(Debug, Clone)]
pub struct AuthorEdit<'a> {
    /// The comment.
    pub id: i64,
    /// The status the author's edit was judged against; the edit applies only if it still is.
    pub status_before: &'a str,
    /// The markdown as written.
    pub body: &'a str,
    /// Its sanitised HTML.
    pub html: &'a str,
    /// The status the rules gave the edited comment.
    pub status_after: &'a str,
    /// Why, when the rules held it or judged it spam (`None` keeps the stored reason).
    pub reason: Option<&'a str>,
    /// Who edited, for the audit log and the history (`author:NAME`).
    pub actor: &'a str,
    /// Record a `comment_edited` event (a published comment; mail or webhooks are on).
    pub record_event: bool,
    /// Now (epoch ms).
    pub now: i64,
}

/// Applies an author's edit: the old text kept as a revision, the new one stored with its status,
/// the audit entry, and the event. `false` (nothing written) when the comment's status is no
/// longer `status_before`.
pub async fn by_author(db: &Db, edit: &AuthorEdit<'_>, site: &str) -> sqlx::Result<bool> {
    Ok(write_tx!(db, tx => {
        let current: Option<String> = sqlx::query_scalar("SELECT status FROM comments WHERE id = $1")
            .bind(edit.id)
            .fetch_optional(&mut *tx)
            .await?;
        if current.as_deref() != Some(edit.status_before) {
            false
        } else {
            keep_revision!(tx, edit.id, edit.actor, edit.now);
            sqlx::query(
                "UPDATE comments SET body = $1, html = $2, status = $3, reason = COALESCE($4, reason), edited_at = $5 WHERE id = $6",
            )
            .bind(edit.body)
            .bind(edit.html)
            .bind(edit.status_after)
            .bind(edit.reason)
            .bind(edit.now)
            .bind(edit.id)
            .execute(&mut *tx)
            .await?;
            let entry = NewAuditEntry {
                site,
                comment_id: Some(edit.id),
                actor: edit.actor,
                action: "author_edit",
                before: Some(edit.status_before),
                after: Some(edit.status_after),
                detail: edit.reason.map(str::to_string),
            };
            bind_event!(entry, edit.now).execute(&mut *tx).await?;
            if edit.record_event {
                sqlx::query("INSERT INTO events (kind, comment_id, created_at, status) VALUES ('comment_edited', $1, $2, $3)")
                    .bind(edit.id)
                    .bind(edit.now)
                    .bind(edit.status_after)
                    .execute(&mut *tx)
                    .await?;
            }
            true
        }
    }))
}

/// An author takes their comment back: it becomes a tombstone (status `deleted`; replies keep
/// their place, moderators still see what it said), with its audit entry and, for a published
/// comment, a `comment_deleted` event when `record_event`. `false` (nothing written) when its
/// status is no longer `status_before`.
pub async fn delete_by_author(
    db: &Db,
    id: i64,
    status_before: &str,
    (site, actor): (&str, &str),
    record_event: bool,
    now: i64,
) -> sqlx::Result<bool> {
    Ok(write_tx!(db, tx => {
        let changed = sqlx::query("UPDATE comments SET status = 'deleted' WHERE id = $1 AND status = $2")
            .bind(id)
            .bind(status_before)
            .execute(&mut *tx)
            .await?
            .rows_affected()
            == 1;
        if changed {
            let entry = NewAuditEntry {
                site,
                comment_id: Some(id),
                actor,
                action: "author_delete",
                before: Some(status_before),
                after: Some("deleted"),
                detail: None,
            };
            bind_event!(entry, now).execute(&mut *tx).await?;
            if record_event && status_before == "approved" {
                sqlx::query("INSERT INTO events (kind, comment_id, created_at, status) VALUES ('comment_deleted', $1, $2, 'deleted')")
                    .bind(id)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        changed
    }))
}

/// What a comment said before one of its edits.
#[derive(Debug, Clone)]
pub struct Revision {
    /// The markdown it had.
    pub body: String,
    /// The status it had.
    pub status: String,
    /// Who changed it (`author:NAME`, `admin:NAME`).
    pub edited_by: String,
    /// When it was replaced (epoch ms).
    pub replaced_at: i64,
}

/// The earlier texts of several comments (a page of moderators' cards) in one query: by
/// comment, newest first.
pub async fn revisions_of(
    db: &Db,
    comment_ids: &[i64],
) -> sqlx::Result<HashMap<i64, Vec<Revision>>> {
    let mut by_comment: HashMap<i64, Vec<Revision>> = HashMap::new();
    if comment_ids.is_empty() {
        return Ok(by_comment);
    }
    // Whole numbers, written into the statement: nothing a reader typed.
    let ids: Vec<String> = comment_ids.iter().map(i64::to_string).collect();
    let sql = format!(
        "SELECT comment_id, body, status, edited_by, replaced_at FROM comment_revisions \
         WHERE comment_id IN ({}) ORDER BY id DESC",
        ids.join(", ")
    );
    let rows: Vec<(i64, String, String, String, i64)> =
        read_db!(db, pool => sqlx::query_as(&sql).fetch_all(pool).await)?;
    for (comment_id, body, status, edited_by, replaced_at) in rows {
        by_comment.entry(comment_id).or_default().push(Revision {
            body,
            status,
            edited_by,
            replaced_at,
        });
    }
    Ok(by_comment)
}
