//! Moderation, the domain: the rules that decide the status a new comment starts in and why
//! (here), what moderators do to comments ([`actions`]), bans ([`bans`]) and who may moderate
//! what ([`role`]), pins ([`pins`]) and the widget's moderation words ([`in_widget`]). The admin
//! pages, the mail links and the widget's moderation API all call into it.
//!
//! Every new comment passes [`judge`], one pure function over the facts of the submission and
//! the site's rules. It returns a [`Verdict`]: the status and the reason that is stored with the
//! comment, so moderators see which rule fired. What the site knows of the author (trust, bans,
//! earlier approved comments) is read in one query by `crate::store::standing`. The order is the policy:
//! 1. spam rules, for everyone (a trusted account can be taken over): the hidden honeypot field
//!    filled in, a form sent implausibly fast, a blocked word in the body, name, email or website;
//! 2. explicitly trusted authors are published;
//! 3. hold rules: an unverified guest where the site wants verified guests, the site holds
//!    everything (`all`), too many links, a watched word, a brand-new
//!    sign-in identity, a first-time author (`first-time`).
//!
//! Bans, duplicates and closed threads refuse a comment outright (before judging); see
//! `crate::submit`.

use crate::config::ModerationMode;

pub mod actions;
pub mod bans;
pub mod in_widget;
pub mod pins;
pub mod reports;
pub mod role;
pub mod words;

pub use actions::{Action, Desk};
pub use bans::BanChoice;
pub use role::Role;
pub use words::WordList;

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
    /// Every status, in the order moderators think of them.
    pub const ALL: [Status; 5] = [
        Status::Pending,
        Status::Approved,
        Status::Spam,
        Status::Rejected,
        Status::Deleted,
    ];

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

    /// Parses the stored word.
    pub fn parse(word: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|status| status.as_str() == word)
    }

    /// A stored status as the comment's author is told it (the answer to their post or edit,
    /// their data's download): one judged spam looks merely held, which teaches a spammer
    /// nothing about the rules.
    pub fn as_its_author_sees(word: &str) -> &str {
        if word == Self::Spam.as_str() {
            Self::Pending.as_str()
        } else {
            word
        }
    }
}

/// What a ban (or a trust) names. The words are those stored in `bans.kind` and
/// `trusted_authors.kind`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BanKind {
    /// A signed-in account (`user`).
    User,
    /// One browser's credential (`reader`).
    Reader,
    /// An email address, lower-cased (`email`).
    Email,
    /// A client address, as its keyed digest (`ip`; IPv6 by its /64).
    Ip,
    /// A network in CIDR notation (`network`).
    Network,
}

impl BanKind {
    /// Every kind.
    pub const ALL: [BanKind; 5] = [
        BanKind::User,
        BanKind::Reader,
        BanKind::Email,
        BanKind::Ip,
        BanKind::Network,
    ];

    /// The stored word.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::User => "user",
            Self::Reader => "reader",
            Self::Email => "email",
            Self::Ip => "ip",
            Self::Network => "network",
        }
    }

    /// Parses the stored word.
    pub fn parse(word: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == word)
    }
}

/// A site's rules, as configured and as its moderators keep them.
#[derive(Debug, Clone, Default)]
pub struct SiteRules {
    /// Which comments wait for a moderator.
    pub mode: ModerationMode,
    /// Hold a comment with this many links or more (0: never).
    pub links_to_hold: usize,
    /// Hold comments from sign-in identities younger than this (0: never).
    pub new_identity_minutes: u64,
    /// A form sent faster than this after it was shown is spam (0: never).
    pub min_seconds_to_write: u64,
    /// Guests must verify their email address first (`verify_guests`).
    pub verify_guests: bool,
    /// Words that hold a comment for review.
    pub watched: WordList,
    /// Words that mark a comment as spam.
    pub blocked: WordList,
}

/// What the rules look at.
#[derive(Debug, Clone, Default)]
pub struct Facts<'a> {
    /// The markdown as written.
    pub body: &'a str,
    /// The rendered HTML (links are counted there).
    pub html: &'a str,
    /// The author's name.
    pub name: &'a str,
    /// The guest's email.
    pub email: Option<&'a str>,
    /// The author's website.
    pub url: Option<&'a str>,
    /// The field hidden from people was filled in.
    pub honeypot_filled: bool,
    /// Seconds between the form being shown and sent, as the widget measured it.
    pub seconds_to_write: Option<f64>,
    /// A moderator trusts this author.
    pub trusted: bool,
    /// The site knows this author: the account, or this browser's credential, has an approved
    /// comment here, or the address this credential proved has. A guest is never known from a
    /// typed email alone (anyone can type anyone's address).
    pub known: bool,
    /// Age of the author's sign-in identity, if signed in.
    pub identity_age_minutes: Option<u64>,
    /// A guest whose browser credential has not proven their email address.
    pub unverified_guest: bool,
}

/// A rule's decision about a new comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// The status the comment starts in.
    pub status: Status,
    /// Which rule decided, and why, for moderators (`None` when simply published).
    pub reason: Option<String>,
}

impl Verdict {
    fn publish() -> Self {
        Self {
            status: Status::Approved,
            reason: None,
        }
    }

    fn hold_for_review(reason: impl Into<String>) -> Self {
        Self {
            status: Status::Pending,
            reason: Some(reason.into()),
        }
    }

    fn mark_as_spam(reason: impl Into<String>) -> Self {
        Self {
            status: Status::Spam,
            reason: Some(reason.into()),
        }
    }
}

/// Decides a new comment's status.
pub fn judge(rules: &SiteRules, facts: &Facts<'_>) -> Verdict {
    if facts.honeypot_filled {
        return Verdict::mark_as_spam("honeypot: the hidden field was filled in");
    }
    if let Some(seconds) = facts.seconds_to_write {
        if rules.min_seconds_to_write > 0 && seconds < rules.min_seconds_to_write as f64 {
            return Verdict::mark_as_spam(format!(
                "too_fast: sent {seconds:.1} s after the form was shown"
            ));
        }
    }
    for text in [Some(facts.body), Some(facts.name), facts.email, facts.url]
        .into_iter()
        .flatten()
    {
        if let Some(word) = rules.blocked.find_in(text) {
            return Verdict::mark_as_spam(format!("blocked_word: {word}"));
        }
    }
    if facts.trusted {
        return Verdict::publish();
    }
    if rules.verify_guests && facts.unverified_guest {
        return Verdict::hold_for_review("email_not_verified");
    }
    if rules.mode == ModerationMode::All {
        return Verdict::hold_for_review("site_holds_all");
    }
    let links = facts.html.matches("<a href=").count();
    if rules.links_to_hold > 0 && links >= rules.links_to_hold {
        return Verdict::hold_for_review(format!("too_many_links: {links}"));
    }
    if let Some(word) = rules.watched.find_in(facts.body) {
        return Verdict::hold_for_review(format!("watched_word: {word}"));
    }
    if let Some(age) = facts.identity_age_minutes {
        if age < rules.new_identity_minutes {
            return Verdict::hold_for_review(format!("new_identity: signed up {age} min ago"));
        }
    }
    if rules.mode == ModerationMode::FirstTime && !facts.known {
        return Verdict::hold_for_review("first_time_author");
    }
    Verdict::publish()
}

#[cfg(test)]
mod tests;
