//! What moderators do to comments — approve, approve and trust the author, reject, mark as spam,
//! delete — wherever they do it: a queue, a comment's card, a mail link. Every action is checked
//! against the moderator's sites, recorded in the audit log with the status before and after,
//! forgets the page's cached thread and wakes the mail worker (an approval mails subscribers).

use super::{BanKind, Status};
use crate::cache::Caches;
use crate::error::{AppError, AppResult};
use crate::mail_wake::MailWake;
use crate::store::{self, Db};

/// What acting on comments touches: the database, the caches that must forget a page, and the
/// mail worker's bell. Borrowed from the application's state (`AppState::desk`).
#[derive(Clone, Copy)]
pub struct Desk<'a> {
    /// The database.
    pub db: &'a Db,
    /// Public threads and counts in memory.
    pub caches: &'a Caches,
    /// Rung after every change that may send mail.
    pub mail: &'a MailWake,
    /// Whether changes are queued as events for mail (mail is configured).
    pub record_events: bool,
}

impl Desk<'_> {
    /// After any write to a page's comments: the page's public thread and count are forgotten,
    /// and the mail worker looks for new events.
    pub fn page_changed(&self, site: &str, uri: &str) {
        self.caches.page_changed(site, uri);
        self.mail.wake();
    }
}

/// What a moderator can do to a comment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Publish it.
    Approve,
    /// Publish it and skip the hold rules for this author from now on.
    ApproveAndTrust,
    /// Refuse it.
    Reject,
    /// It is spam.
    Spam,
    /// Remove a published comment, keeping the replies under it.
    Delete,
}

impl Action {
    /// Every action, in the order the pages offer them.
    pub const ALL: [Action; 5] = [
        Action::Approve,
        Action::ApproveAndTrust,
        Action::Reject,
        Action::Spam,
        Action::Delete,
    ];

    /// The word forms and mail links use (`approve`, `trust`, `reject`, `spam`, `delete`).
    pub fn word(self) -> &'static str {
        match self {
            Self::Approve => "approve",
            Self::ApproveAndTrust => "trust",
            Self::Reject => "reject",
            Self::Spam => "spam",
            Self::Delete => "delete",
        }
    }

    /// Parses [`Action::word`].
    pub fn parse(word: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|action| action.word() == word)
    }

    /// The status the comment moves to.
    pub fn status(self) -> Status {
        match self {
            Self::Approve | Self::ApproveAndTrust => Status::Approved,
            Self::Reject => Status::Rejected,
            Self::Spam => Status::Spam,
            Self::Delete => Status::Deleted,
        }
    }

    /// The word in the audit log.
    pub fn name(self) -> &'static str {
        match self {
            Self::Approve => "approve",
            Self::ApproveAndTrust => "approve_and_trust",
            Self::Reject => "reject",
            Self::Spam => "spam",
            Self::Delete => "delete",
        }
    }
}

/// Applies an action to one comment on behalf of `actor`: `not_found` if there is no such
/// comment, `not_your_site` if it is on a site `allowed` refuses.
pub async fn apply(
    desk: Desk<'_>,
    id: i64,
    action: Action,
    actor: &str,
    allowed: impl Fn(&str) -> bool,
) -> AppResult<()> {
    let comment = to_moderate(desk, id, allowed).await?;
    let now = store::now_ms();
    store::moderation::set_status(
        desk.db,
        id,
        action.status().as_str(),
        actor,
        action.name(),
        now,
        desk.record_events,
    )
    .await?;
    if action == Action::ApproveAndTrust {
        let author = match (comment.user_id, comment.reader_id) {
            (Some(user), _) => Some((BanKind::User, user)),
            (None, Some(reader)) => Some((BanKind::Reader, reader)),
            (None, None) => None,
        };
        if let Some((kind, value)) = author {
            store::site_rules::trust(
                desk.db,
                &comment.site,
                kind.as_str(),
                &value.to_string(),
                &comment.author_name,
                actor,
                now,
            )
            .await?;
        }
    }
    desk.page_changed(&comment.site, &comment.uri);
    Ok(())
}

/// Closes the readers' open reports of a comment (its status stays as it is), logged as
/// `dismiss_reports`; the same checks as [`apply`].
pub async fn dismiss_reports(
    desk: Desk<'_>,
    id: i64,
    actor: &str,
    allowed: impl Fn(&str) -> bool,
) -> AppResult<()> {
    to_moderate(desk, id, allowed).await?;
    store::flags::dismiss(desk.db, id, actor, store::now_ms()).await?;
    Ok(())
}

/// The comment `id`, if it exists (`not_found`) and `allowed` lets the moderator act on its site
/// (`not_your_site`).
pub(super) async fn to_moderate(
    desk: Desk<'_>,
    id: i64,
    allowed: impl Fn(&str) -> bool,
) -> AppResult<store::moderation::QueueRow> {
    let comment = store::moderation::find(desk.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if !allowed(&comment.site) {
        return Err(not_your_site());
    }
    Ok(comment)
}

/// The refusal for a comment on a site the moderator does not moderate.
pub fn not_your_site() -> AppError {
    AppError::forbidden(
        "not_your_site",
        "That comment is on a site you do not moderate.",
    )
}

/// The refusal for someone who does not moderate the comment's site at all (the widget's
/// moderation API, a moderator's comment from an account that may not act on the site).
pub fn not_a_moderator() -> AppError {
    AppError::forbidden("not_a_moderator", "You do not moderate this site.")
}
