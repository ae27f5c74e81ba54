//! What a moderator does from the widget (`POST /api/comments/{id}/moderation`), by the words
//! the API takes: `approve`, `reject`, `spam`, `delete` (the same [`actions::apply`] as the
//! admin pages, so the audit log, events, closed reports and forgotten caches are theirs too),
//! `pin` / `unpin` ([`pins`]), and `ban` ([`bans::ban_author`] with the widget's
//! [`BanChoice::from_widget`]).

use super::actions::{self, Action, Desk};
use super::bans::MAX_BAN_DAYS;
use super::{BanChoice, bans, pins};
use crate::error::{AppError, AppResult};

/// One action from the widget.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WidgetAction {
    /// Approve, reject, mark as spam, delete.
    Status(Action),
    /// Pin (`true`) or unpin.
    Pin(bool),
    /// Ban the author for so many days (0: for good) and mark the comment as spam.
    Ban {
        /// 0 for good.
        days: i64,
    },
}

impl WidgetAction {
    /// Reads the API's `action` and `days` (`days` counts only for `ban`): 422
    /// `invalid_action` for another word, 422 `invalid_days` outside 0..=[`MAX_BAN_DAYS`].
    pub fn parse(word: &str, days: Option<i64>) -> AppResult<Self> {
        Ok(match word {
            "approve" => Self::Status(Action::Approve),
            "reject" => Self::Status(Action::Reject),
            "spam" => Self::Status(Action::Spam),
            "delete" => Self::Status(Action::Delete),
            "pin" => Self::Pin(true),
            "unpin" => Self::Pin(false),
            "ban" => {
                let days = days.unwrap_or(0);
                if !(0..=MAX_BAN_DAYS).contains(&days) {
                    return Err(AppError::invalid(
                        "invalid_days",
                        format!("A ban lasts 0 (for good) to {MAX_BAN_DAYS} days."),
                    ));
                }
                Self::Ban { days }
            }
            _ => {
                return Err(AppError::invalid(
                    "invalid_action",
                    "The action is approve, reject, spam, delete, pin, unpin or ban.",
                ));
            }
        })
    }
}

/// Applies `action` to comment `id` on behalf of `actor`, who moderates the sites `allowed`
/// accepts.
pub async fn apply(
    desk: Desk<'_>,
    id: i64,
    action: WidgetAction,
    actor: &str,
    allowed: impl Fn(&str) -> bool,
) -> AppResult<()> {
    match action {
        WidgetAction::Status(action) => actions::apply(desk, id, action, actor, allowed).await,
        WidgetAction::Pin(pinned) => pins::set_pinned(desk, id, pinned, actor, allowed).await,
        WidgetAction::Ban { days } => {
            let comment = actions::to_moderate(desk, id, &allowed).await?;
            let choice = BanChoice::from_widget(&comment, days).ok_or_else(|| {
                AppError::invalid(
                    "invalid_ban",
                    "This comment has no author to ban (a moderator's, or nothing to go by).",
                )
            })?;
            bans::ban_author(desk, &comment, choice, actor, allowed).await
        }
    }
}
