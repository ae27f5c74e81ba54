//! A moderator replies from a comment's card: published at once with the moderator badge, no
//! browser credential, recorded in the audit log, and then the same as any new comment (the
//! page's caches forgotten, the mail worker woken so subscribers hear of it).

use crate::error::AppResult;
use crate::fingerprint::Fingerprints;
use crate::moderation::{Desk, Status};
use crate::store::comments::CommentRow;
use crate::store::moderation::{NewAuditEntry, QueueRow};
use crate::store::new_comment::{self, NewComment};
use crate::store::{self};

/// Stores `body` as the reply of moderator `name` (audit `actor`) to `parent`.
pub async fn moderator_reply(
    desk: Desk<'_>,
    fingerprints: &Fingerprints,
    parent: &QueueRow,
    name: &str,
    actor: &str,
    body: String,
) -> AppResult<CommentRow> {
    let now = store::now_ms();
    let new = NewComment {
        author_name: name.to_string(),
        author_avatar: fingerprints.guest_avatar_path(None, &format!("moderator:{name}")),
        status: Status::Approved.as_str(),
        moderator: true,
        ..super::draft(&parent.site, &parent.uri, Some(parent.id), body, now, &desk)
    };
    let reply = new_comment::insert(desk.db, new).await?;
    let event = NewAuditEntry {
        site: &parent.site,
        comment_id: Some(reply.id),
        actor,
        action: "reply",
        before: None,
        after: Some(Status::Approved.as_str()),
        detail: Some(format!("in reply to #{}", parent.id)),
    };
    store::moderation::record(desk.db, &event, now).await?;
    super::stored(&desk, &parent.site, &parent.uri, &reply);
    Ok(reply)
}
