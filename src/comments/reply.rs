//! A moderator writes a comment: from a comment's card ([`moderator_reply`]), or in the widget
//! with an admin-page account's credential ([`in_widget`]). Either way it is published at once
//! with the moderator badge and the account's picture, recorded in the audit log as `reply`,
//! and then the same as any new comment (the page's caches forgotten, the mail worker woken so
//! subscribers hear of it).

use std::sync::Arc;

use super::Submitted;
use super::input::{CommentInput, comment_body, page_title, page_uri};
use crate::error::AppResult;
use crate::fingerprint::Fingerprints;
use crate::moderation::{Desk, Status, actions, role};
use crate::sites::Site;
use crate::state::AppState;
use crate::store::comments::CommentRow;
use crate::store::moderation::{NewAuditEntry, QueueRow};
use crate::store::new_comment::{self, NewComment, NewReader};
use crate::store::{self};

/// Where a moderator's comment goes and who writes it.
struct Written<'a> {
    site: &'a str,
    uri: &'a str,
    parent: Option<i64>,
    title: Option<String>,
    /// The widget's credential, or none from the admin pages.
    reader: NewReader,
    name: &'a str,
    actor: &'a str,
}

/// Stores `body` as moderator `name`'s published comment and records it (audit `actor`).
async fn write(
    desk: Desk<'_>,
    fingerprints: &Fingerprints,
    written: Written<'_>,
    body: String,
) -> AppResult<CommentRow> {
    let now = store::now_ms();
    let new = NewComment {
        title: written.title,
        reader: written.reader,
        author_name: written.name.to_string(),
        author_avatar: fingerprints.moderator_avatar_path(written.name),
        status: Status::Approved.as_str(),
        moderator: true,
        ..super::draft(written.site, written.uri, written.parent, body, now, &desk)
    };
    let comment = new_comment::insert(desk.db, new).await?;
    let event = NewAuditEntry {
        site: written.site,
        comment_id: Some(comment.id),
        actor: written.actor,
        action: "reply",
        before: None,
        after: Some(Status::Approved.as_str()),
        detail: written
            .parent
            .map(|parent| format!("in reply to #{parent}")),
    };
    store::moderation::record(desk.db, &event, now).await?;
    super::stored(&desk, written.site, written.uri, &comment);
    Ok(comment)
}

/// Stores `body` as the reply of moderator `name` (audit `actor`) to `parent`, from its card.
pub async fn moderator_reply(
    desk: Desk<'_>,
    fingerprints: &Fingerprints,
    parent: &QueueRow,
    name: &str,
    actor: &str,
    body: String,
) -> AppResult<CommentRow> {
    let written = Written {
        site: &parent.site,
        uri: &parent.uri,
        parent: Some(parent.id),
        title: None,
        reader: NewReader::Moderator,
        name,
        actor,
    };
    write(desk, fingerprints, written, body).await
}

/// A comment posted in the widget with admin-page account `admin_id`'s credential (`reader_id`,
/// which recognises it as the moderator's own): the same checks of the page, text and parent as
/// a reader's comment, then published as from the card. The account must moderate the site
/// (403 `not_a_moderator`); author fields, notifications and the reader rules do not apply.
pub async fn in_widget(
    state: &AppState,
    site: &Arc<Site>,
    reader_id: i64,
    admin_id: i64,
    input: CommentInput,
) -> AppResult<Submitted> {
    let uri = page_uri(site, &input.uri)?;
    let body = comment_body(&input.body, state.config.limits.max_comment_chars)?;
    let account = store::admins::find(&state.db, admin_id)
        .await?
        .filter(|account| role::may_moderate(account, site.id()))
        .ok_or_else(actions::not_a_moderator)?;
    let actor = role::actor(&account);
    let written = Written {
        site: site.id(),
        uri,
        parent: input.parent,
        title: input
            .title
            .as_deref()
            .map(page_title)
            .filter(|t| !t.is_empty()),
        reader: NewReader::Existing(reader_id),
        name: &account.name,
        actor: &actor,
    };
    let comment = write(state.desk(), &state.fingerprints, written, body).await?;
    Ok(Submitted {
        comment,
        credential: None,
    })
}
