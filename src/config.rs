//! Typed configuration: built-in defaults < `config.toml` < `REPLYBOX_*` environment variables.
//!
//! Nesting in the environment uses a double underscore (`REPLYBOX_SERVER__LISTEN`). Any key can
//! instead be read from a file by appending `_FILE` (`REPLYBOX_DATABASE__URL_FILE=/run/secrets/db`),
//! so secrets need not sit in the environment or in the TOML. Secrets never print in `Debug`.

use std::collections::HashSet;
use std::fmt;
use std::net::SocketAddr;
use std::path::Path;

use anyhow::{Context, bail};
use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use ipnet::IpNet;
use serde::{Deserialize, Serialize};
use url::Url;

pub mod auth;
mod site;
mod smtp;
mod webhook;

pub use site::{GuestEmail, ModerationMode, NotifyOn, SiteConfig};
pub use smtp::{SmtpConfig, SmtpSecurity};
pub use webhook::{WebhookConfig, WebhookEvent, WebhookFormat, WebhooksConfig};

const ENV_PREFIX: &str = "REPLYBOX_";

/// The top-level sections the environment may override. Other `REPLYBOX_*` variables (such as
/// `REPLYBOX_CONFIG`, the config file's path, or the test suite's `REPLYBOX_TEST_POSTGRES_URL`)
/// are not configuration keys.
const SECTIONS: &[&str] = &[
    "server", "database", "limits", "log", "smtp", "auth", "webhooks",
];

/// Whether a lower-cased `REPLYBOX_` key (prefix removed; nesting as `__` or, once figment has
/// split it, as `.`) names a configuration key.
fn is_config_key(key: &str) -> bool {
    let section = key
        .split("__")
        .next()
        .unwrap_or_default()
        .split('.')
        .next()
        .unwrap_or_default();
    SECTIONS.contains(&section) && key.len() > section.len()
}

/// The whole configuration of one replybox instance.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Where and how the HTTP server listens.
    pub server: ServerConfig,
    /// Which database to use.
    pub database: DatabaseConfig,
    /// Size and rate limits.
    pub limits: LimitsConfig,
    /// Log format and level.
    pub log: LogConfig,
    /// The blogs this instance serves comments for.
    pub sites: Vec<SiteConfig>,
    /// Outgoing mail; without it, replybox sends none (and queues none).
    pub smtp: Option<SmtpConfig>,
    /// Sign-in providers.
    pub auth: auth::AuthConfig,
    /// How every site's webhooks may be reached.
    pub webhooks: WebhooksConfig,
}

/// `[server]`
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServerConfig {
    /// Socket address to listen on.
    pub listen: SocketAddr,
    /// The origin (and optional path prefix) the widget, avatars and links are served from.
    pub public_url: Url,
    /// Proxies whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Vec<IpNet>,
    /// Largest accepted request body in bytes.
    pub max_body_bytes: usize,
    /// How long a rendered public thread may be served from memory before it is read again
    /// (milliseconds). Writes through this instance clear it at once; the age only matters when
    /// several instances share one PostgreSQL database. 0 turns the cache off.
    pub thread_cache_ms: u64,
    /// After SIGTERM, how long `/readyz` answers 503 while requests are still served, before
    /// the listener closes (milliseconds): at least a load balancer's check interval times its
    /// fall count. 0 (the default) closes at once, right for a single instance.
    pub drain_ms: u64,
    /// Secret for hashing emails and addresses; generated and stored in the database when unset.
    pub secret: Option<Secret>,
}

/// `[database]`
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DatabaseConfig {
    /// `sqlite://path` (the embedded default) or `postgres://…`.
    pub url: Secret,
    /// Connections in the pool.
    pub max_connections: u32,
}

/// `[limits]`
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LimitsConfig {
    /// Rate limiting on or off (off only for benchmarks and trusted set-ups).
    pub enabled: bool,
    /// Read requests a client may make per minute.
    pub reads_per_minute: u32,
    /// Read requests a client may make in a burst.
    pub read_burst: u32,
    /// Comments a client may post per minute on a site (a site can set its own).
    pub writes_per_minute: u32,
    /// Comments a client may post in a burst.
    pub write_burst: u32,
    /// Sign-in starts and code exchanges a client may make per minute (each start writes a
    /// session row).
    pub sign_ins_per_minute: u32,
    /// Sign-in starts and code exchanges a client may make in a burst.
    pub sign_in_burst: u32,
    /// Likes (and taking them back) a client may give per minute on a site.
    pub likes_per_minute: u32,
    /// Likes a client may give in a burst.
    pub like_burst: u32,
    /// Longest comment body, in characters of markdown.
    pub max_comment_chars: usize,
}

/// `[log]`
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LogConfig {
    /// `human` or `json`.
    pub format: LogFormat,
    /// A tracing filter such as `info` or `replybox=debug,info` (`RUST_LOG` wins when set).
    pub level: String,
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Readable lines for a terminal.
    Human,
    /// One JSON object per line for log collectors.
    Json,
}

/// A string that never appears in logs or `Debug` output.
#[derive(Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret itself; call only where it is used, never to print it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A database URL is useful in logs without its password.
        match Url::parse(&self.0) {
            Ok(mut url) if url.has_host() || url.scheme() == "sqlite" => {
                if url.password().is_some() {
                    let _ = url.set_password(Some("redacted"));
                }
                write!(f, "{url}")
            }
            _ => f.write_str("[redacted]"),
        }
    }
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            public_url: Url::parse("http://localhost:8080").expect("static URL"),
            trusted_proxies: Vec::new(),
            max_body_bytes: 32 * 1024,
            thread_cache_ms: 1000,
            drain_ms: 0,
            secret: None,
        }
    }
}

impl Default for DatabaseConfig {
    fn default() -> Self {
        Self {
            url: Secret::new("sqlite://data/replybox.db"),
            max_connections: 8,
        }
    }
}

impl Default for LimitsConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            reads_per_minute: 600,
            read_burst: 120,
            writes_per_minute: 5,
            write_burst: 3,
            sign_ins_per_minute: 10,
            sign_in_burst: 20,
            likes_per_minute: 30,
            like_burst: 10,
            max_comment_chars: 10_000,
        }
    }
}

impl Default for LogConfig {
    fn default() -> Self {
        Self {
            format: LogFormat::Human,
            level: "info".into(),
        }
    }
}

impl Config {
    /// Loads defaults, then the TOML file at `path` (if it exists), then the environment.
    pub fn load(path: &Path) -> anyhow::Result<Self> {
        Self::from_figment(
            Figment::from(Serialized::defaults(Config::default())).merge(Toml::file(path)),
        )
    }

    /// Loads defaults, then the given TOML text, then the environment (used by tests and tools).
    pub fn from_toml(text: &str) -> anyhow::Result<Self> {
        Self::from_figment(
            Figment::from(Serialized::defaults(Config::default())).merge(Toml::string(text)),
        )
    }

    fn from_figment(figment: Figment) -> anyhow::Result<Self> {
        let mut config: Config = figment
            .merge(Env::prefixed(ENV_PREFIX).split("__").filter(|key| {
                let key = key.as_str().to_ascii_lowercase();
                is_config_key(&key) && !key.ends_with("_file")
            }))
            .merge(Serialized::globals(secrets_from_files()?))
            .extract()
            .context("invalid configuration")?;
        for site in &mut config.sites {
            for (n, hook) in site.webhooks.iter_mut().enumerate() {
                hook.load_secret_file()
                    .with_context(|| format!("site {:?}, webhook {}", site.id, n + 1))?;
            }
        }
        config.validate()?;
        Ok(config)
    }

    /// Whether anything consumes comment events (mail or a webhook), so changes record them.
    pub fn records_events(&self) -> bool {
        self.smtp.is_some() || self.sites.iter().any(|site| !site.webhooks.is_empty())
    }

    /// Checks what serde cannot: unique site ids, origins that are origins.
    pub fn validate(&self) -> anyhow::Result<()> {
        let mut ids = HashSet::new();
        for site in &self.sites {
            if site.id.is_empty()
                || !site
                    .id
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            {
                bail!("site id {:?} must be letters, digits, '-' or '_'", site.id);
            }
            if !ids.insert(site.id.as_str()) {
                bail!("site id {:?} is configured twice", site.id);
            }
            if (!site.notify.is_empty() || site.verify_guests) && self.smtp.is_none() {
                bail!(
                    "site {:?} sends mail (notify or verify_guests) but [smtp] is not configured",
                    site.id
                );
            }
            for moderator in &site.moderators {
                if !moderator
                    .split_once(':')
                    .is_some_and(|(provider, subject)| !provider.is_empty() && !subject.is_empty())
                {
                    bail!(
                        "site {:?}: moderator {moderator:?} must be provider:subject, like github:12345",
                        site.id
                    );
                }
            }
            for (n, hook) in site.webhooks.iter().enumerate() {
                hook.validate()
                    .with_context(|| format!("site {:?}, webhook {}", site.id, n + 1))?;
            }
            for origin in &site.origins {
                normalize_origin(origin).with_context(|| {
                    format!(
                        "site {:?}: {origin:?} is not an origin like https://blog.example.com",
                        site.id
                    )
                })?;
            }
        }
        if !matches!(self.server.public_url.scheme(), "http" | "https") {
            bail!("server.public_url must be an http(s) URL");
        }
        if self.limits.enabled
            && (self.limits.reads_per_minute == 0
                || self.limits.writes_per_minute == 0
                || self.limits.sign_ins_per_minute == 0)
        {
            bail!(
                "rate limits must be at least 1 per minute (set limits.enabled = false to turn them off)"
            );
        }
        Ok(())
    }
}

/// `https://Blog.example.com:443/` → `https://blog.example.com`: the form browsers send in `Origin`.
pub fn normalize_origin(origin: &str) -> anyhow::Result<String> {
    let url = Url::parse(origin)?;
    if !matches!(url.scheme(), "http" | "https") || !url.has_host() {
        bail!("not an http(s) origin");
    }
    if url.path() != "/" || url.query().is_some() || url.fragment().is_some() {
        bail!("an origin has no path");
    }
    Ok(url.origin().ascii_serialization())
}

/// Every `REPLYBOX_X__Y_FILE=path` becomes key `x.y` with the file's contents.
fn secrets_from_files() -> anyhow::Result<serde_json::Value> {
    let mut root = serde_json::Map::new();
    for (key, path) in std::env::vars() {
        let Some(name) = key
            .strip_prefix(ENV_PREFIX)
            .and_then(|k| k.strip_suffix("_FILE"))
        else {
            continue;
        };
        if !is_config_key(&name.to_ascii_lowercase()) {
            continue;
        }
        let value =
            std::fs::read_to_string(&path).with_context(|| format!("reading {key}={path}"))?;
        let value = value.trim_end_matches(['\n', '\r']).to_string();
        let mut parts: Vec<String> = name.split("__").map(str::to_lowercase).collect();
        let last = parts.pop().unwrap_or_default();
        let mut node = &mut root;
        for part in parts {
            node = node
                .entry(part)
                .or_insert_with(|| serde_json::Value::Object(Default::default()))
                .as_object_mut()
                .with_context(|| format!("{key} conflicts with another setting"))?;
        }
        node.insert(last, serde_json::Value::String(value));
    }
    Ok(serde_json::Value::Object(root))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn site_moderators_are_provider_and_subject() {
        let site = |moderators: &str| {
            Config::from_toml(&format!(
                "[[sites]]\nid = \"blog\"\nname = \"Blog\"\nmoderators = {moderators}"
            ))
        };
        let config = site("[\"github:12345\", \"corp:a:b\"]").expect("valid");
        assert_eq!(config.sites[0].moderators, ["github:12345", "corp:a:b"]);
        for bad in ["[\"12345\"]", "[\":12345\"]", "[\"github:\"]"] {
            assert!(site(bad).is_err(), "{bad}");
        }
    }
}
