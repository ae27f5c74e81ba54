//! `[[sites.webhooks]]` and `[webhooks]`: the URLs that hear about a site's comments, and how
//! replybox may reach them.
//!
//! A webhook names a URL, the events it wants (all by default), a payload `format` (replybox's
//! own signed JSON, or the shapes Slack- and Discord-compatible incoming webhooks accept) and a
//! `secret` for the HMAC signature — in the TOML or, since a site is an array entry the
//! environment cannot address, read from `secret_file` at start-up. The global `[webhooks]`
//! table says whether targets may be loopback or private addresses (as `[auth]` does for
//! providers) and how long a delivery may take.

use std::collections::HashSet;

use anyhow::{Context, bail};
use serde::{Deserialize, Serialize};
use url::Url;

use super::Secret;

/// `[webhooks]`: settings for every site's webhooks.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WebhooksConfig {
    /// May webhook URLs be loopback, private or link-local addresses (and plain http)? Off in
    /// production (a site's webhook must not become a request into the host's own network);
    /// tests and private networks turn it on.
    pub allow_private_addresses: bool,
    /// Seconds one delivery may take before it counts as failed.
    pub timeout_secs: u64,
}

impl Default for WebhooksConfig {
    fn default() -> Self {
        Self {
            allow_private_addresses: false,
            timeout_secs: 10,
        }
    }
}

/// One `[[sites.webhooks]]` entry. `Debug` shows only the URL's origin: a chat service's
/// incoming-webhook URL is itself a credential (its path carries the token).
#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebhookConfig {
    /// Where events are POSTed (`https://…`).
    pub url: String,
    /// Key of the `X-Replybox-Signature` HMAC; required for the `json` format.
    #[serde(default)]
    pub secret: Option<Secret>,
    /// A file holding the secret (read at start-up; a trailing newline is ignored).
    #[serde(default)]
    pub secret_file: Option<String>,
    /// The events this URL receives (default: all).
    #[serde(default = "all_events")]
    pub events: Vec<WebhookEvent>,
    /// The payload's shape.
    #[serde(default)]
    pub format: WebhookFormat,
}

/// What happened to a comment, as webhooks name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum WebhookEvent {
    /// A new comment was published at once.
    Created,
    /// A new comment waits for a moderator.
    Held,
    /// A moderator published a comment.
    Approved,
    /// A moderator rejected a comment or marked it as spam (`status` tells which).
    Rejected,
    /// A moderator deleted a published comment.
    Deleted,
    /// A reader flagged a comment.
    Flagged,
    /// Its author edited a comment (`status` tells whether the edit sent it back to the queue).
    Edited,
}

impl WebhookEvent {
    /// Every event, in the order the README lists them.
    pub const ALL: [WebhookEvent; 7] = [
        Self::Created,
        Self::Held,
        Self::Approved,
        Self::Rejected,
        Self::Deleted,
        Self::Flagged,
        Self::Edited,
    ];

    /// The word in the config, the payload and `X-Replybox-Event`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Created => "created",
            Self::Held => "held",
            Self::Approved => "approved",
            Self::Rejected => "rejected",
            Self::Deleted => "deleted",
            Self::Flagged => "flagged",
            Self::Edited => "edited",
        }
    }
}

/// The shape of a webhook's body.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum WebhookFormat {
    /// replybox's own JSON (see README "Webhooks").
    #[default]
    Json,
    /// `{"text": …}` for Slack-compatible incoming webhooks (Slack, Mattermost, Rocket.Chat).
    Slack,
    /// `{"content": …}` for Discord-compatible incoming webhooks.
    Discord,
}

impl std::fmt::Debug for WebhookConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let origin = Url::parse(&self.url)
            .map(|url| url.origin().ascii_serialization())
            .unwrap_or_else(|_| "[invalid]".into());
        f.debug_struct("WebhookConfig")
            .field("url", &format_args!("{origin}/…"))
            .field("secret", &self.secret.as_ref().map(|_| "[redacted]"))
            .field("events", &self.events)
            .field("format", &self.format)
            .finish()
    }
}

fn all_events() -> Vec<WebhookEvent> {
    WebhookEvent::ALL.to_vec()
}

impl WebhookConfig {
    /// Reads `secret_file` into `secret`, so the rest of replybox sees one place.
    pub fn load_secret_file(&mut self) -> anyhow::Result<()> {
        if let Some(path) = &self.secret_file {
            if self.secret.is_some() {
                bail!("give secret or secret_file, not both");
            }
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading secret_file {path:?}"))?;
            self.secret = Some(Secret::new(text.trim_end_matches(['\n', '\r'])));
        }
        Ok(())
    }

    /// Checks what serde cannot: an http(s) URL with a host and no password, a secret where
    /// the receiver is expected to verify, and a list of events without repeats.
    pub fn validate(&self) -> anyhow::Result<()> {
        let url = Url::parse(&self.url)
            .ok()
            .filter(|url| matches!(url.scheme(), "http" | "https") && url.has_host())
            .with_context(|| format!("{:?} is not an http(s) URL", self.url))?;
        if !url.username().is_empty() || url.password().is_some() {
            bail!(
                "{:?}: put no user name or password in a webhook URL",
                self.url
            );
        }
        let secret_len = self.secret.as_ref().map_or(0, |s| s.expose().len());
        if self.format == WebhookFormat::Json && secret_len == 0 {
            bail!("a json webhook needs a secret (or secret_file) to sign its deliveries");
        }
        if self.secret.is_some() && secret_len < 16 {
            bail!("a webhook secret must be at least 16 characters");
        }
        if self.events.is_empty() {
            bail!("events is empty (leave it out for all events)");
        }
        let mut seen = HashSet::new();
        if let Some(again) = self.events.iter().find(|e| !seen.insert(**e)) {
            bail!("event {:?} is listed twice", again.as_str());
        }
        Ok(())
    }

    /// Whether this URL wants `event`.
    pub fn wants(&self, event: WebhookEvent) -> bool {
        self.events.contains(&event)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hook(toml: &str) -> anyhow::Result<WebhookConfig> {
        use figment::providers::{Format, Toml};
        let hook: WebhookConfig = figment::Figment::from(Toml::string(toml)).extract()?;
        hook.validate()?;
        Ok(hook)
    }

    #[test]
    fn a_webhook_needs_a_real_url_and_a_secret_to_sign_with() {
        let ok = hook("url = \"https://hooks.example/x\"\nsecret = \"0123456789abcdef\"").unwrap();
        assert_eq!(ok.events, WebhookEvent::ALL);
        assert_eq!(ok.format, WebhookFormat::Json);
        for bad in [
            "url = \"not a url\"\nsecret = \"0123456789abcdef\"",
            "url = \"ftp://hooks.example/x\"\nsecret = \"0123456789abcdef\"",
            "url = \"https://u:p@hooks.example/x\"\nsecret = \"0123456789abcdef\"",
            "url = \"https://hooks.example/x\"",
            "url = \"https://hooks.example/x\"\nsecret = \"short\"",
            "url = \"https://hooks.example/x\"\nsecret = \"0123456789abcdef\"\nevents = []",
            "url = \"https://hooks.example/x\"\nsecret = \"0123456789abcdef\"\nevents = [\"held\", \"held\"]",
        ] {
            assert!(hook(bad).is_err(), "{bad}");
        }
        let chat = hook("url = \"https://chat.example/x\"\nformat = \"discord\"").unwrap();
        assert_eq!(chat.format, WebhookFormat::Discord);
    }
}
