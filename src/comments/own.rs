//! What an author may do to their own comment after posting it: edit it or delete it, for
//! `sites.edit_minutes` after writing it, from the browser that wrote it or with the account
//! that wrote it. Never someone else's comment, never after the window, never a comment a
//! moderator has already taken down (rejected, spam, deleted).

use std::net::IpAddr;

use crate::auth::Viewer;
use crate::error::{AppError, AppResult};
use crate::moderation::{self, Facts, Status};
use crate::sites::Site;
use crate::state::AppState;
use crate::store::comments::{CommentPlace, CommentRow};
use crate::store::edits::{self, AuthorEdit};
use crate::store::standing::{self, Author};
use crate::store::{self};

/// Edits the viewer's own comment `id` on `site` to `raw` within the window: rendered through
/// the one HTML policy and judged again by the site's rules. An edit never publishes a held
/// comment; one that trips a hold rule (links, watched words, a site that holds everything)
/// goes back to Pending, one with a blocked word to Spam. The old text is kept for moderators.
pub async fn edit(
    state: &AppState,
    site: &Site,
    viewer: &Viewer,
    (id, comment): (i64, CommentPlace),
    raw: &str,
    ip: IpAddr,
) -> AppResult<CommentRow> {
    let comment = changeable(site, viewer, comment)?;
    let body = super::input::comment_body(raw, state.config.limits.max_comment_chars)?;
    let html = crate::render::comment_html(&body);
    let now = store::now_ms();
    let author = Author {
        site: comment.site.clone(),
        uri: comment.uri.clone(),
        user_id: comment.user_id,
        reader_id: comment.reader_id,
        email: comment.author_email.clone(),
        ip_hash: state.fingerprints.ip_hash(ip),
        // Repeating oneself is not what an edit is judged for: a key no comment has.
        dedupe_key: String::new(),
    };
    let standing = standing::read(&state.db, &author, now).await?;
    super::refuse_closed_or_banned(site, &standing, ip, now)?;
    let rules = super::site_rules(site, &standing);
    // The author was judged when they posted: only what the text says is judged again (known,
    // no identity age, no verification pending).
    let verdict = moderation::judge(
        &rules,
        &Facts {
            body: &body,
            html: &html,
            name: &comment.author_name,
            email: comment.author_email.as_deref(),
            url: comment.author_url.as_deref(),
            trusted: standing.trusted,
            known: true,
            ..Facts::default()
        },
    );
    // A moderator's own comment (an admin-page account writing in the widget) is published
    // without the rules, edited too.
    let (status, reason) = match verdict.status {
        _ if comment.moderator => (comment.status.as_str(), None),
        Status::Approved => (comment.status.as_str(), None),
        held_or_spam => (
            held_or_spam.as_str(),
            verdict.reason.map(|why| format!("edited: {why}")),
        ),
    };
    let desk = state.desk();
    let applied = edits::by_author(
        &state.db,
        &AuthorEdit {
            id,
            status_before: &comment.status,
            body: &body,
            html: &html,
            status_after: status,
            reason: reason.as_deref(),
            actor: &actor(&comment),
            record_event: desk.record_events && comment.status == Status::Approved.as_str(),
            now,
        },
        &comment.site,
    )
    .await?;
    if !applied {
        // A moderator decided in between: the comment is no longer the author's to change.
        return Err(AppError::NotFound);
    }
    desk.page_changed(&comment.site, &comment.uri);
    store::comments::one(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)
}

/// Deletes the viewer's own comment `id` within the window: a tombstone that keeps the replies
/// under it (moderators still see what it said).
pub async fn delete(
    state: &AppState,
    site: &Site,
    viewer: &Viewer,
    (id, comment): (i64, CommentPlace),
) -> AppResult<CommentRow> {
    let comment = changeable(site, viewer, comment)?;
    let desk = state.desk();
    let deleted = edits::delete_by_author(
        &state.db,
        id,
        &comment.status,
        (&comment.site, &actor(&comment)),
        desk.record_events,
        store::now_ms(),
    )
    .await?;
    if !deleted {
        return Err(AppError::NotFound);
    }
    desk.page_changed(&comment.site, &comment.uri);
    store::comments::one(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)
}

/// The comment (on `site`) if the viewer may still change it: theirs (else 403
/// `not_your_comment`, or 404 where they could not even see it), published or awaiting
/// moderation (404 otherwise), and within the site's window (403 `edit_window_closed`).
fn changeable(site: &Site, viewer: &Viewer, comment: CommentPlace) -> AppResult<CommentPlace> {
    let live = [Status::Approved, Status::Pending].map(Status::as_str);
    if !viewer.wrote(comment.reader_id, comment.user_id) {
        // Someone else's comment: say so where everyone can see it, and give away nothing
        // about comments they cannot see.
        return Err(if comment.status == Status::Approved.as_str() {
            not_yours()
        } else {
            AppError::NotFound
        });
    }
    if !live.contains(&comment.status.as_str()) {
        return Err(AppError::NotFound);
    }
    let window = window_ms(site.config.edit_minutes);
    if editable_until(comment.created_at, window, store::now_ms()).is_none() {
        return Err(window_closed());
    }
    Ok(comment)
}

/// How an author appears in the audit log and the comment's history (`admin:NAME`, as on the
/// admin pages, for an account's comment written in the widget).
fn actor(comment: &CommentPlace) -> String {
    let role = if comment.moderator { "admin" } else { "author" };
    format!("{role}:{}", comment.author_name)
}

/// The end of a comment's edit window (epoch ms), or `None` when it has closed (or the site
/// allows no edits: a window of 0).
pub fn editable_until(created_at: i64, window_ms: i64, now: i64) -> Option<i64> {
    let until = created_at.saturating_add(window_ms);
    (window_ms > 0 && now < until).then_some(until)
}

/// The site's edit window in milliseconds.
pub fn window_ms(edit_minutes: u64) -> i64 {
    i64::try_from(edit_minutes)
        .unwrap_or(i64::MAX / 60_000)
        .saturating_mul(60_000)
}

/// The refusal once the window has closed.
pub fn window_closed() -> AppError {
    AppError::forbidden(
        "edit_window_closed",
        "Comments can only be changed for a short while after posting.",
    )
}

/// The refusal for someone else's comment.
pub fn not_yours() -> AppError {
    AppError::forbidden(
        "not_your_comment",
        "Only its author can change this comment.",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_is_open_until_the_minute_it_closes() {
        let window = window_ms(15);
        assert_eq!(editable_until(1_000, window, 1_000), Some(1_000 + 900_000));
        assert_eq!(
            editable_until(1_000, window, 900_999),
            Some(901_000),
            "a millisecond before it closes"
        );
        assert_eq!(editable_until(1_000, window, 901_000), None, "closed");
        assert_eq!(
            editable_until(1_000, 0, 1_000),
            None,
            "a site that allows no edits"
        );
    }
}
