//! Acting on comments from a queue, one card or many at once: approve, approve and trust the
//! author, reject, mark as spam, delete. Every action is checked against the moderator's
//! sites, recorded in the audit log, and clears the page's cached thread.

use axum::extract::State;
use axum::response::Redirect;

use super::error::AdminError;
use super::guard::{AdminForm, Moderator};
use crate::moderation::Status;
use crate::state::AppState;
use crate::store;
use crate::store::moderation::{Event, QueueRow};
use crate::store::site_rules::NewBan;

/// What a moderator can do to a comment from a queue.
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
    fn parse(word: &str) -> Option<Self> {
        Some(match word {
            "approve" => Self::Approve,
            "trust" => Self::ApproveAndTrust,
            "reject" => Self::Reject,
            "spam" => Self::Spam,
            "delete" => Self::Delete,
            _ => return None,
        })
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

/// Applies an action to one comment on behalf of `actor`; `NotFound` if there is no such
/// comment, `Forbidden` if it is on a site `allowed` refuses.
pub async fn apply(
    state: &AppState,
    id: i64,
    action: Action,
    actor: &str,
    allowed: impl Fn(&str) -> bool,
) -> Result<(), AdminError> {
    let comment = store::moderation::find(&state.db, id)
        .await?
        .ok_or(AdminError::NotFound)?;
    if !allowed(&comment.site) {
        return Err(AdminError::Forbidden(
            "That comment is on a site you do not moderate.".into(),
        ));
    }
    let now = store::now_ms();
    store::moderation::set_status(
        &state.db,
        id,
        action.status().as_str(),
        actor,
        action.name(),
        now,
        state.config.smtp.is_some(),
    )
    .await?;
    if action == Action::ApproveAndTrust {
        let author = match (comment.user_id, comment.reader_id) {
            (Some(user), _) => Some(("user", user)),
            (None, Some(reader)) => Some(("reader", reader)),
            (None, None) => None,
        };
        if let Some((kind, value)) = author {
            store::site_rules::trust(
                &state.db,
                &comment.site,
                kind,
                &value.to_string(),
                &comment.author_name,
                actor,
                now,
            )
            .await?;
        }
    }
    state.caches.page_changed(&comment.site, &comment.uri);
    state.mail_wake.wake();
    Ok(())
}

/// Whom and how to ban, as the moderator chose.
#[derive(Debug, Clone, Copy)]
pub struct BanChoice<'a> {
    /// `user`, `reader`, `email` or `ip`.
    pub kind: &'a str,
    /// On every site (admins only) rather than the comment's.
    pub everywhere: bool,
    /// For this many days; 0 for good.
    pub days: i64,
    /// And mark the comment as spam.
    pub and_spam: bool,
}

/// Bans the author of a comment, records it in the audit log and, if asked, marks the comment
/// as spam. Used from a card and from a moderator's mail.
pub async fn ban_author(
    state: &AppState,
    comment: &QueueRow,
    choice: BanChoice<'_>,
    actor: &str,
    allowed: impl Fn(&str) -> bool,
) -> Result<(), AdminError> {
    let kind = choice.kind;
    let value = match kind {
        "user" => comment.user_id.map(|id| id.to_string()),
        "reader" => comment.reader_id.map(|id| id.to_string()),
        "email" => comment.author_email.as_deref().map(str::to_lowercase),
        "ip" => comment.ip_hash.clone(),
        _ => return Err(AdminError::BadRequest("Choose what to ban.".into())),
    }
    .ok_or_else(|| AdminError::BadRequest(format!("This comment has no {kind} to ban.")))?;
    let now = store::now_ms();
    let note = format!("{} (comment #{})", comment.author_name, comment.id);
    let new = NewBan {
        site: (!choice.everywhere).then_some(comment.site.as_str()),
        kind,
        value: &value,
        note: Some(&note),
        created_by: actor,
        expires_at: (choice.days > 0).then(|| now + choice.days * 24 * 60 * 60 * 1000),
    };
    store::site_rules::ban(&state.db, &new, now).await?;
    let detail = format!(
        "{kind} ban{}{}",
        if choice.everywhere {
            " on every site"
        } else {
            ""
        },
        if choice.days > 0 {
            format!(" for {} days", choice.days)
        } else {
            " for good".into()
        }
    );
    let event = Event {
        site: &comment.site,
        comment_id: Some(comment.id),
        actor,
        action: "ban",
        before: None,
        after: None,
        detail: Some(detail),
    };
    store::moderation::record(&state.db, &event, now).await?;
    if choice.and_spam {
        apply(state, comment.id, Action::Spam, actor, allowed).await?;
    }
    Ok(())
}

/// `POST /admin/act`: `act=approve:12` for one card, or `act=approve` with checked `ids`.
pub async fn act(State(state): State<AppState>, form: AdminForm) -> Result<Redirect, AdminError> {
    let act = form
        .get("act")
        .ok_or_else(|| AdminError::BadRequest("No action chosen.".into()))?;
    let (word, one) = match act.split_once(':') {
        Some((word, id)) => (word, Some(id)),
        None => (act, None),
    };
    let action = Action::parse(word)
        .ok_or_else(|| AdminError::BadRequest(format!("Unknown action {word:?}.")))?;
    let ids: Vec<i64> = match one {
        Some(id) => vec![
            id.parse()
                .map_err(|_| AdminError::BadRequest("Bad comment id.".into()))?,
        ],
        None => form.all("ids").filter_map(|id| id.parse().ok()).collect(),
    };
    if ids.is_empty() {
        return Err(AdminError::BadRequest("Tick at least one comment.".into()));
    }
    let me: &Moderator = &form.moderator;
    for id in ids {
        apply(&state, id, action, &me.actor(), |site| {
            me.may_moderate(site)
        })
        .await?;
    }
    Ok(Redirect::to(&back_to(form.get("back"))))
}

/// Only ever redirect within the admin pages.
pub fn back_to(back: Option<&str>) -> String {
    match back {
        Some(path)
            if path.starts_with("/admin") && !path.contains("//") && !path.contains('\\') =>
        {
            path.to_string()
        }
        _ => "/admin".to_string(),
    }
}
