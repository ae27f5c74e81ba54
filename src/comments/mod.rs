//! A new comment's story, in one room: what a reader may send and how it is checked
//! ([`input`]), the reader's submission judged by the site's rules ([`submit`]), and a
//! moderator's comment from the admin pages or the widget ([`reply`]). Both kinds start from
//! [`draft`] (the text rendered through the one HTML policy) and end in [`stored`] (the page's
//! caches forgotten, the mail worker woken, the metric counted), so neither can forget a step.

use std::net::IpAddr;

use crate::error::{AppError, AppResult};
use crate::moderation::{self, Desk, SiteRules, Status, WordList};
use crate::render;
use crate::sites::Site;
use crate::store::comments::CommentRow;
use crate::store::new_comment::{NewComment, NewReader};
use crate::store::standing::Standing;
use crate::telemetry;

mod input;
pub mod own;
pub mod reply;
pub mod submit;
pub(crate) mod whole_number;

pub(crate) use input::comment_body;
pub use input::{CommentInput, GuestInput, MAX_URI_CHARS, page_uri};
pub use submit::submit;

/// A stored comment and, for a guest's first comment, the credential their browser should keep.
#[derive(Debug)]
pub struct Submitted {
    /// The comment as stored.
    pub comment: CommentRow,
    /// The new credential's token, when one was issued.
    pub credential: Option<String>,
}

/// A new comment on `uri` with its text rendered, before its author and status are known: each
/// path fills in who wrote it and where it stands (struct update syntax, `..draft(…)`).
pub fn draft(
    site: &str,
    uri: &str,
    parent_id: Option<i64>,
    body: String,
    now: i64,
    desk: &Desk<'_>,
) -> NewComment {
    NewComment {
        site: site.to_string(),
        uri: uri.to_string(),
        title: None,
        parent_id,
        reader: NewReader::Moderator,
        user_id: None,
        author_name: String::new(),
        author_email: None,
        author_url: None,
        author_avatar: String::new(),
        author_provider: None,
        html: render::comment_html(&body),
        body,
        status: Status::Pending.as_str(),
        reason: None,
        ip_hash: None,
        created_at: now,
        moderator: false,
        dedupe_key: None,
        notify: None,
        record_event: desk.record_events,
    }
}

/// After any new comment is stored: the page's public thread and count are forgotten, the mail
/// worker looks for the new event (alerts, notifications), and the metric counts it.
pub fn stored(desk: &Desk<'_>, site: &str, uri: &str, comment: &CommentRow) {
    desk.page_changed(site, uri);
    if let Some(status) = Status::parse(&comment.status) {
        telemetry::comment_created(status.as_str());
    }
}

/// The site's rules, as configured and as its moderators keep them (the word lists come with
/// the author's standing).
fn site_rules(site: &Site, standing: &Standing) -> SiteRules {
    SiteRules {
        mode: site.moderation(),
        links_to_hold: site.config.links_to_hold,
        new_identity_minutes: site.config.new_identity_minutes,
        min_seconds_to_write: site.config.min_seconds_to_write,
        verify_guests: site.config.verify_guests,
        watched: WordList::parse(standing.watched.as_deref().unwrap_or_default()),
        blocked: WordList::parse(standing.blocked.as_deref().unwrap_or_default()),
    }
}

/// What refuses a comment, new or edited, outright: a locked thread or one older than the site's
/// `close_after_days` (`thread_locked`), then a ban on the author or their network (`banned`).
fn refuse_closed_or_banned(
    site: &Site,
    standing: &Standing,
    ip: IpAddr,
    now: i64,
) -> AppResult<()> {
    if standing.thread_locked == Some(true)
        || site.is_closed_by_age(standing.thread_created_at, now)
    {
        return Err(AppError::ThreadLocked);
    }
    if standing.banned || moderation::bans::network_banned(standing.ban_networks.as_deref(), ip) {
        return Err(AppError::Banned);
    }
    Ok(())
}
