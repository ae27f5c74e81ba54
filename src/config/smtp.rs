//! `[smtp]`: where outgoing mail goes (optional; without it replybox sends and queues none).

use serde::{Deserialize, Serialize};

use super::Secret;

/// `[smtp]`
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmtpConfig {
    /// Server name or address.
    pub host: String,
    /// Server port.
    #[serde(default = "smtp_port")]
    pub port: u16,
    /// `none`, `starttls` or `tls`.
    #[serde(default)]
    pub security: SmtpSecurity,
    /// Login name, if the server wants one.
    #[serde(default)]
    pub username: Option<String>,
    /// Password (or `REPLYBOX_SMTP__PASSWORD_FILE`).
    #[serde(default)]
    pub password: Option<Secret>,
    /// The sender, e.g. `replybox <comments@example.com>`.
    pub from: String,
    /// Seconds before a connection attempt gives up.
    #[serde(default = "smtp_timeout")]
    pub timeout_secs: u64,
    /// Days a one-click moderation link in a mail keeps working.
    #[serde(default = "link_days")]
    pub link_days: u64,
    /// Reply notifications one address may receive per hour (past it, they are skipped).
    #[serde(default = "notifications_per_hour")]
    pub notifications_per_hour: i64,
}

/// How the SMTP connection is protected.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SmtpSecurity {
    /// Plain text (a relay on the same machine).
    #[default]
    None,
    /// Upgrade with STARTTLS.
    Starttls,
    /// TLS from the start.
    Tls,
}

fn smtp_port() -> u16 {
    25
}

fn smtp_timeout() -> u64 {
    10
}

fn link_days() -> u64 {
    7
}

fn notifications_per_hour() -> i64 {
    20
}
