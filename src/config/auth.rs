//! `[auth]`: which sign-in providers this instance offers and how it may reach them.
//!
//! A provider table names a `kind` (a preset such as `github`, or `oidc` / `oauth2` for any
//! other provider); `kind` defaults to the table's name, so `[auth.providers.github]` needs only
//! its client id and secret. Every key of a preset can be overridden in the table. Secrets come
//! from the TOML, from `REPLYBOX_AUTH__PROVIDERS__<ID>__CLIENT_SECRET`, or from the same name with
//! `_FILE` appended.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::Secret;

/// `[auth]`
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AuthConfig {
    /// May providers (OIDC discovery, Mastodon instances, token and user endpoints) live on
    /// loopback, private or link-local addresses? Off in production (SSRF); tests turn it on.
    pub allow_private_addresses: bool,
    /// Seconds an outbound request to a provider may take.
    pub timeout_secs: Option<u64>,
    /// The configured providers by id (the id appears in `/auth/{id}/…` and in site configs).
    pub providers: BTreeMap<String, ProviderConfig>,
}

/// `[auth.providers.ID]`: a preset's settings, or a whole generic provider.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ProviderConfig {
    /// `oidc`, `oauth2`, or a preset name (`github`, `gitlab`, `google`, `microsoft`, `facebook`,
    /// `x`, `discord`, `wordpress`, `mastodon`); defaults to the provider's id.
    pub kind: Option<String>,
    /// Shown on the button and beside a reader's name.
    pub name: Option<String>,
    /// OIDC issuer (discovery at `{issuer}/.well-known/openid-configuration`).
    pub issuer: Option<String>,
    /// A self-hosted instance's base URL (GitLab).
    pub base_url: Option<String>,
    /// Microsoft tenant (`common`, `consumers`, `organizations` or a tenant id).
    pub tenant: Option<String>,
    /// OAuth2 authorization endpoint.
    pub auth_url: Option<String>,
    /// OAuth2 token endpoint.
    pub token_url: Option<String>,
    /// Where the user's profile is read with the access token.
    pub userinfo_url: Option<String>,
    /// Scopes to ask for.
    pub scopes: Option<Vec<String>>,
    /// How to read the profile JSON (dotted paths; `a|b` tries `a` then `b`; `{path}` templates).
    pub fields: Option<FieldMap>,
    /// `basic` (HTTP Basic, the OAuth2 default) or `post` (client id and secret in the body).
    pub client_auth: Option<String>,
    /// The client id registered with the provider (not needed for Mastodon).
    pub client_id: Option<String>,
    /// The client secret.
    pub client_secret: Option<Secret>,
}

/// Where each part of a user's profile is found in the provider's JSON.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FieldMap {
    /// The stable account id (the subject).
    pub id: String,
    /// Display name.
    pub name: String,
    /// Picture URL.
    pub avatar: Option<String>,
    /// Profile page URL.
    pub url: Option<String>,
    /// Email address (never published).
    pub email: Option<String>,
    /// Whether the provider verified that address.
    pub email_verified: Option<String>,
}
