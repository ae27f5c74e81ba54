//! Moderation: the rules that decide the status a new comment starts in, and why.
//!
//! Every new comment passes [`judge`], which returns a [`Verdict`]: the status and the reason that
//! is stored with the comment so moderators can see which rule fired.

use crate::config::ModerationMode;

pub mod trust;

/// Where a comment stands. Only `Approved` is public; authors also see their own `Pending`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Waiting for a moderator.
    Pending,
    /// Public.
    Approved,
    /// Refused by a moderator.
    Rejected,
    /// Judged to be spam.
    Spam,
    /// Removed after approval; a tombstone that keeps the replies under it.
    Deleted,
}

impl Status {
    /// The word stored in the database and shown in the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Approved => "approved",
            Self::Rejected => "rejected",
            Self::Spam => "spam",
            Self::Deleted => "deleted",
        }
    }
}

/// A rule's decision about a new comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// The status the comment starts in.
    pub status: Status,
    /// Which rule decided, for moderators (`None` when it was simply published).
    pub reason: Option<&'static str>,
}

impl Verdict {
    fn publish() -> Self {
        Self {
            status: Status::Approved,
            reason: None,
        }
    }

    fn hold_for_review(reason: &'static str) -> Self {
        Self {
            status: Status::Pending,
            reason: Some(reason),
        }
    }
}

/// Decides a new comment's status from the site's moderation mode and whether the site already
/// knows its author (see [`trust`]).
pub fn judge(mode: ModerationMode, author_is_known: bool) -> Verdict {
    match mode {
        ModerationMode::None => Verdict::publish(),
        ModerationMode::All => Verdict::hold_for_review("site_holds_all"),
        ModerationMode::FirstTime if author_is_known => Verdict::publish(),
        ModerationMode::FirstTime => Verdict::hold_for_review("first_time_author"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_site_without_moderation_publishes_everyone() {
        assert_eq!(judge(ModerationMode::None, false), Verdict::publish());
    }

    #[test]
    fn a_site_that_holds_all_holds_even_known_authors() {
        assert_eq!(
            judge(ModerationMode::All, true),
            Verdict::hold_for_review("site_holds_all")
        );
    }

    #[test]
    fn first_time_mode_holds_strangers_and_publishes_known_authors() {
        assert_eq!(
            judge(ModerationMode::FirstTime, false),
            Verdict::hold_for_review("first_time_author")
        );
        assert_eq!(judge(ModerationMode::FirstTime, true), Verdict::publish());
    }
}
