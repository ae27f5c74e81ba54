//! The configured providers, resolved from presets and config tables into one of three ways of
//! signing in: OpenID Connect (discovery, id_token checks), plain OAuth2 with a user endpoint,
//! or Mastodon (OAuth2 against the instance the reader names). Each takes a reader to the
//! provider ([`Provider::authorize`]) and turns the callback's code into a [`Profile`]
//! ([`Provider::complete`]); PKCE (S256) and `state` always, `nonce` for OIDC.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use oauth2::{
    AuthType, AuthorizationCode, ClientSecret, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl,
};
use openidconnect::IssuerUrl;
use openidconnect::core::CoreProviderMetadata;
use tokio::sync::RwLock;
use url::Url;

use super::error::SignInError;
use super::outbound::{Outbound, OutboundError};
use super::presets::{self, PresetProtocol};
use super::profile::Profile;
use crate::config::Secret;
use crate::config::auth::{AuthConfig, FieldMap, ProviderConfig};

mod oauth;
mod oidc;
mod resolve;

/// One sign-in option.
#[derive(Debug)]
pub struct Provider {
    /// Its id in URLs and site configs.
    pub id: String,
    /// Button label.
    pub name: String,
    /// Which icon the button shows (a preset name, or `oidc` / `oauth2`).
    pub icon: String,
    client_id: String,
    client_secret: Option<Secret>,
    scopes: Vec<String>,
    client_auth: AuthType,
    protocol: Protocol,
}

#[derive(Debug)]
enum Protocol {
    Oidc {
        issuer: IssuerUrl,
        metadata: RwLock<Option<(Instant, Arc<CoreProviderMetadata>)>>,
    },
    OAuth2(Box<Endpoints>),
    Mastodon,
}

/// A plain OAuth2 provider's endpoints and field mapping.
#[derive(Debug, Clone)]
pub struct Endpoints {
    /// Authorization endpoint.
    pub auth_url: Url,
    /// Token endpoint.
    pub token_url: Url,
    /// User endpoint.
    pub userinfo_url: Url,
    /// Where the profile's parts are.
    pub fields: FieldMap,
}

/// The secrets of one sign-in attempt, kept in the popup's session until the callback.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Attempt {
    /// The `state` sent to the provider.
    pub state: String,
    /// The PKCE verifier whose S256 challenge was sent.
    pub pkce_verifier: String,
    /// The OIDC nonce.
    pub nonce: Option<String>,
    /// The Mastodon instance (`https://host`).
    pub instance: Option<String>,
}

/// Every configured provider, and the one outbound client they share.
#[derive(Debug)]
pub struct Providers {
    by_id: BTreeMap<String, Provider>,
    /// The HTTP client for providers.
    pub outbound: Outbound,
}

impl Providers {
    /// Resolves `[auth.providers.*]` against the presets; fails on unknown kinds or missing keys.
    pub fn from_config(config: &AuthConfig) -> anyhow::Result<Self> {
        let mut by_id = BTreeMap::new();
        for (id, table) in &config.providers {
            if id.is_empty()
                || !id
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
            {
                bail!("auth provider id {id:?} must be lower-case letters, digits, '-' or '_'");
            }
            let provider =
                Provider::resolve(id, table).with_context(|| format!("[auth.providers.{id}]"))?;
            by_id.insert(id.clone(), provider);
        }
        let timeout = Duration::from_secs(config.timeout_secs.unwrap_or(10).clamp(1, 60));
        Ok(Self {
            by_id,
            outbound: Outbound::new(config.allow_private_addresses, timeout)?,
        })
    }

    /// The provider with this id.
    pub fn get(&self, id: &str) -> Option<&Provider> {
        self.by_id.get(id)
    }

    /// All providers, ordered by id.
    pub fn iter(&self) -> impl Iterator<Item = &Provider> {
        self.by_id.values()
    }
}

impl Provider {
    /// Whether the reader must name their instance (Mastodon).
    pub fn needs_instance(&self) -> bool {
        matches!(self.protocol, Protocol::Mastodon)
    }

    /// Where to send the reader, and the secrets to keep until they come back.
    pub async fn authorize(
        &self,
        providers: &Providers,
        db: &crate::store::Db,
        redirect: &RedirectUrl,
        instance: Option<&str>,
        login_hint: Option<&str>,
    ) -> Result<(Url, Attempt), SignInError> {
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let (mut url, attempt) = match &self.protocol {
            Protocol::Oidc { .. } => {
                self.authorize_oidc(providers, redirect, challenge, verifier)
                    .await?
            }
            Protocol::OAuth2(_) | Protocol::Mastodon => {
                self.authorize_oauth2(providers, db, redirect, instance, challenge, verifier)
                    .await?
            }
        };
        if let Some(hint) = login_hint {
            url.query_pairs_mut().append_pair("login_hint", hint);
        }
        Ok((url, attempt))
    }

    /// Redeems the callback's code (with the PKCE verifier) and reads who signed in.
    pub async fn complete(
        &self,
        providers: &Providers,
        db: &crate::store::Db,
        redirect: &RedirectUrl,
        code: &str,
        attempt: &Attempt,
    ) -> Result<Profile, SignInError> {
        let code = AuthorizationCode::new(code.to_string());
        let verifier = PkceCodeVerifier::new(attempt.pkce_verifier.clone());
        match &self.protocol {
            Protocol::Oidc { .. } => {
                self.complete_oidc(providers, redirect, code, verifier, attempt)
                    .await
            }
            Protocol::OAuth2(_) | Protocol::Mastodon => {
                self.complete_oauth2(providers, db, redirect, code, verifier, attempt)
                    .await
            }
        }
    }

    fn secret(&self) -> Option<ClientSecret> {
        self.client_secret
            .as_ref()
            .map(|s| ClientSecret::new(s.expose().to_string()))
    }
}

/// A preset's field list as a map.
pub fn field_map(fields: [&str; 6]) -> FieldMap {
    let optional = |s: &str| (!s.is_empty()).then(|| s.to_string());
    FieldMap {
        id: fields[0].into(),
        name: fields[1].into(),
        avatar: optional(fields[2]),
        url: optional(fields[3]),
        email: optional(fields[4]),
        email_verified: optional(fields[5]),
    }
}

/// A failed code exchange: a provider that could not be reached or did not answer in time is
/// `provider_unavailable`; one that answered and refused (or answered garbage) is a failed sign-in.
fn token_error<T: oauth2::ErrorResponse + 'static>(
    err: oauth2::RequestTokenError<OutboundError, T>,
) -> SignInError {
    match err {
        oauth2::RequestTokenError::Request(err) => SignInError::from(err),
        err => SignInError::token(err.to_string()),
    }
}

impl From<OutboundError> for SignInError {
    fn from(err: OutboundError) -> Self {
        match err {
            OutboundError::Refused(_) => SignInError::refused(err.to_string()),
            OutboundError::Failed(_) => SignInError::unavailable(err.to_string()),
        }
    }
}

#[cfg(test)]
mod tests;
