//! `[[sites]]`: one blog that embeds the widget, and how its comments are moderated.

use serde::{Deserialize, Serialize};

/// One `[[sites]]` entry: a blog whose pages embed the widget.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteConfig {
    /// Short id used in the script tag (`data-site`).
    pub id: String,
    /// Name shown to moderators.
    pub name: String,
    /// Browser origins (`https://blog.example.com`) allowed to embed and write.
    #[serde(default)]
    pub origins: Vec<String>,
    /// Which new comments wait for a moderator.
    #[serde(default)]
    pub moderation: ModerationMode,
    /// Sign-in providers offered here; unset means all configured ones.
    #[serde(default)]
    pub providers: Option<Vec<String>>,
    /// May guests comment with a name (and email)?
    #[serde(default = "yes")]
    pub guests: bool,
    /// Must guests give an email address?
    #[serde(default)]
    pub guest_email: GuestEmail,
    /// Who receives moderator alerts by mail.
    #[serde(default)]
    pub notify: Vec<String>,
    /// This site's own comment rate per client and minute (default: `limits.writes_per_minute`).
    #[serde(default)]
    pub writes_per_minute: Option<u32>,
    /// Hold comments with this many links or more (0: never).
    #[serde(default = "two")]
    pub links_to_hold: usize,
    /// Hold comments from sign-in identities younger than this many minutes (0: never).
    #[serde(default)]
    pub new_identity_minutes: u64,
    /// A published comment reported by this many readers (distinct credentials on distinct
    /// networks) goes back to Pending, "reported by N readers" (0: never).
    #[serde(default = "three_reporters")]
    pub flags_to_hold: u32,
    /// How long after posting a reader may edit or delete their own comment, in minutes (0:
    /// never).
    #[serde(default = "fifteen")]
    pub edit_minutes: u64,
    /// A comment sent sooner than this many seconds after the form was shown is spam (0: never).
    #[serde(default = "three")]
    pub min_seconds_to_write: u64,
    /// Close a page's thread this many days after its first comment (0: never).
    #[serde(default)]
    pub close_after_days: u64,
    /// When moderators get mail: `held` comments only, or `all` new comments.
    #[serde(default)]
    pub notify_on: NotifyOn,
    /// Guests must verify their email address before their comments are accepted.
    #[serde(default)]
    pub verify_guests: bool,
    /// Sign-in identities that moderate this site, as `provider:subject` (`github:12345`): the
    /// provider id of `[auth.providers.*]` and the account's id there.
    #[serde(default)]
    pub moderators: Vec<String>,
    /// URLs that receive this site's comment events (`[[sites.webhooks]]`).
    #[serde(default)]
    pub webhooks: Vec<super::WebhookConfig>,
}

/// Which new comments send moderators a mail.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NotifyOn {
    /// Only those waiting for review.
    #[default]
    Held,
    /// Every new comment.
    All,
}

/// Which new comments are held for a moderator.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ModerationMode {
    /// Every comment waits for approval.
    All,
    /// Comments from authors the site does not know yet wait.
    #[default]
    FirstTime,
    /// Comments appear at once.
    None,
}

/// Whether a guest must leave an email address.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum GuestEmail {
    /// Guests must give an email address (never published).
    #[default]
    Required,
    /// Email is optional.
    Optional,
}

fn yes() -> bool {
    true
}

fn three_reporters() -> u32 {
    3
}

fn fifteen() -> u64 {
    15
}

fn two() -> usize {
    2
}

fn three() -> u64 {
    3
}
