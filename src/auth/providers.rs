//! The configured providers, resolved from presets and config tables into one of three ways of
//! signing in: OpenID Connect (discovery, id_token checks), plain OAuth2 with a user endpoint,
//! or Mastodon (OAuth2 against the instance the reader names). Each takes a reader to the
//! provider ([`Provider::authorize`]) and turns the callback's code into a [`Profile`]
//! ([`Provider::complete`]); PKCE (S256) and `state` always, `nonce` for OIDC.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use oauth2::basic::BasicClient;
use oauth2::{
    AuthType, AuthUrl, AuthorizationCode, ClientId, ClientSecret, CsrfToken, HttpRequest,
    PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope, TokenUrl,
};
use openidconnect::core::{
    CoreAuthenticationFlow, CoreClient, CoreProviderMetadata, CoreUserInfoClaims,
};
use openidconnect::{IssuerUrl, Nonce, OAuth2TokenResponse, TokenResponse};
use serde_json::Value;
use tokio::sync::RwLock;
use url::Url;

use super::config::{AuthConfig, FieldMap, ProviderConfig};
use super::error::SignInError;
use super::mastodon;
use super::outbound::{Outbound, OutboundError};
use super::presets::{self, PresetProtocol};
use super::profile::{self, Profile};
use crate::config::Secret;

mod resolve;

/// How long discovered OIDC metadata (and its signing keys) is reused.
const METADATA_TTL: Duration = Duration::from_secs(15 * 60);

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
                let metadata = self.metadata(&providers.outbound).await?;
                let client = CoreClient::from_provider_metadata(
                    (*metadata).clone(),
                    ClientId::new(self.client_id.clone()),
                    self.secret(),
                )
                .set_redirect_uri(redirect.clone());
                let (url, state, nonce) = client
                    .authorize_url(
                        CoreAuthenticationFlow::AuthorizationCode,
                        CsrfToken::new_random,
                        Nonce::new_random,
                    )
                    .add_scopes(
                        self.scopes
                            .iter()
                            .filter(|s| *s != "openid")
                            .cloned()
                            .map(Scope::new),
                    )
                    .set_pkce_challenge(challenge)
                    .url();
                (
                    url,
                    Attempt {
                        state: state.secret().clone(),
                        pkce_verifier: verifier.secret().clone(),
                        nonce: Some(nonce.secret().clone()),
                        instance: None,
                    },
                )
            }
            Protocol::OAuth2(_) | Protocol::Mastodon => {
                let (endpoints, client_id, secret, instance) = self
                    .oauth2_endpoints(providers, db, redirect, instance)
                    .await?;
                let client = BasicClient::new(ClientId::new(client_id))
                    .set_auth_uri(AuthUrl::from_url(endpoints.auth_url))
                    .set_redirect_uri(redirect.clone());
                let client = match secret {
                    Some(secret) => client.set_client_secret(secret),
                    None => client,
                };
                let (url, state) = client
                    .authorize_url(CsrfToken::new_random)
                    .add_scopes(self.scopes.iter().cloned().map(Scope::new))
                    .set_pkce_challenge(challenge)
                    .url();
                (
                    url,
                    Attempt {
                        state: state.secret().clone(),
                        pkce_verifier: verifier.secret().clone(),
                        nonce: None,
                        instance,
                    },
                )
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
        let outbound = providers.outbound.clone();
        let http = move |request: HttpRequest| {
            let outbound = outbound.clone();
            async move { outbound.send(request).await }
        };
        let code = AuthorizationCode::new(code.to_string());
        let verifier = PkceCodeVerifier::new(attempt.pkce_verifier.clone());
        match &self.protocol {
            Protocol::Oidc { .. } => {
                let metadata = self.metadata(&providers.outbound).await?;
                let client = CoreClient::from_provider_metadata(
                    (*metadata).clone(),
                    ClientId::new(self.client_id.clone()),
                    self.secret(),
                )
                .set_redirect_uri(redirect.clone())
                .set_auth_type(self.client_auth.clone());
                let token = client
                    .exchange_code(code)
                    .map_err(|e| SignInError::provider(format!("no token endpoint: {e}")))?
                    .set_pkce_verifier(verifier)
                    .request_async(&http)
                    .await
                    .map_err(token_error)?;
                let id_token = token
                    .id_token()
                    .ok_or_else(|| SignInError::id_token("the provider sent no id_token"))?;
                let nonce = Nonce::new(attempt.nonce.clone().unwrap_or_default());
                let claims = id_token
                    .claims(&client.id_token_verifier(), &nonce)
                    .map_err(|e| SignInError::id_token(e.to_string()))?;
                let mut json = serde_json::to_value(claims).map_err(SignInError::internal)?;
                if profile::read(&json, "name|preferred_username|nickname").is_none() {
                    // Many providers put only `sub` in the id_token: the rest is in userinfo,
                    // which must describe the same subject.
                    let info: CoreUserInfoClaims = client
                        .user_info(token.access_token().clone(), Some(claims.subject().clone()))
                        .map_err(|e| SignInError::provider(e.to_string()))?
                        .request_async(&http)
                        .await
                        .map_err(|e| match e {
                            openidconnect::UserInfoError::Request(e) => SignInError::from(e),
                            e => SignInError::provider(format!("userinfo: {e}")),
                        })?;
                    let info = serde_json::to_value(info).map_err(SignInError::internal)?;
                    if let (Value::Object(json), Value::Object(info)) = (&mut json, info) {
                        for (key, value) in info {
                            json.entry(key).or_insert(value);
                        }
                    }
                }
                Profile::from_json(&json, &oidc_fields())
                    .ok_or_else(|| SignInError::provider("the id_token has no subject"))
            }
            Protocol::OAuth2(_) | Protocol::Mastodon => {
                let (endpoints, client_id, secret, instance) = self
                    .oauth2_endpoints(providers, db, redirect, attempt.instance.as_deref())
                    .await?;
                let client = BasicClient::new(ClientId::new(client_id))
                    .set_auth_uri(AuthUrl::from_url(endpoints.auth_url.clone()))
                    .set_token_uri(TokenUrl::from_url(endpoints.token_url.clone()))
                    .set_redirect_uri(redirect.clone())
                    .set_auth_type(self.client_auth.clone());
                let client = match secret {
                    Some(secret) => client.set_client_secret(secret),
                    None => client,
                };
                let token = client
                    .exchange_code(code)
                    .set_pkce_verifier(verifier)
                    .request_async(&http)
                    .await
                    .map_err(token_error)?;
                let (status, _, body) = providers
                    .outbound
                    .get(&endpoints.userinfo_url, Some(token.access_token().secret()))
                    .await
                    .map_err(SignInError::from)?;
                if !status.is_success() {
                    return Err(SignInError::provider(format!(
                        "user endpoint answered {status}"
                    )));
                }
                let json: Value = serde_json::from_slice(&body)
                    .map_err(|e| SignInError::provider(format!("user endpoint: {e}")))?;
                let mut profile = Profile::from_json(&json, &endpoints.fields)
                    .ok_or_else(|| SignInError::provider("the user endpoint has no account id"))?;
                if let Some(instance) = instance {
                    // Account ids are per instance: the subject names both.
                    let host = Url::parse(&instance)
                        .ok()
                        .and_then(|u| u.host_str().map(str::to_string))
                        .unwrap_or(instance);
                    profile.subject = format!("{}@{host}", profile.subject);
                }
                Ok(profile)
            }
        }
    }

    fn secret(&self) -> Option<ClientSecret> {
        self.client_secret
            .as_ref()
            .map(|s| ClientSecret::new(s.expose().to_string()))
    }

    /// The OAuth2 endpoints and client to use (for Mastodon, on the reader's instance, with the
    /// app replybox registered there).
    async fn oauth2_endpoints(
        &self,
        providers: &Providers,
        db: &crate::store::Db,
        redirect: &RedirectUrl,
        instance: Option<&str>,
    ) -> Result<(Endpoints, String, Option<ClientSecret>, Option<String>), SignInError> {
        match &self.protocol {
            Protocol::OAuth2(endpoints) => Ok((
                (**endpoints).clone(),
                self.client_id.clone(),
                self.secret(),
                None,
            )),
            Protocol::Mastodon => {
                let instance =
                    mastodon::instance_url(instance.unwrap_or_default(), &providers.outbound)?;
                let app =
                    mastodon::app_for(db, &providers.outbound, &instance, redirect, &self.scopes)
                        .await?;
                Ok((
                    mastodon::endpoints(&instance),
                    app.client_id,
                    Some(ClientSecret::new(app.client_secret)),
                    Some(instance.as_str().trim_end_matches('/').to_string()),
                ))
            }
            Protocol::Oidc { .. } => Err(SignInError::internal("not an OAuth2 provider")),
        }
    }

    /// The issuer's discovered metadata, fetched at most every [`METADATA_TTL`].
    async fn metadata(
        &self,
        outbound: &Outbound,
    ) -> Result<Arc<CoreProviderMetadata>, SignInError> {
        let Protocol::Oidc { issuer, metadata } = &self.protocol else {
            return Err(SignInError::internal("not an OIDC provider"));
        };
        if let Some((fetched, cached)) = metadata.read().await.as_ref() {
            if fetched.elapsed() < METADATA_TTL {
                return Ok(cached.clone());
            }
        }
        let outbound = outbound.clone();
        let http = move |request: HttpRequest| {
            let outbound = outbound.clone();
            async move { outbound.send(request).await }
        };
        let discovered = CoreProviderMetadata::discover_async(issuer.clone(), &http)
            .await
            .map_err(|e| SignInError::unavailable(format!("discovery: {e}")))?;
        let discovered = Arc::new(discovered);
        *metadata.write().await = Some((Instant::now(), discovered.clone()));
        Ok(discovered)
    }
}

/// Where an OIDC profile's parts are in the id_token / userinfo claims.
fn oidc_fields() -> FieldMap {
    FieldMap {
        id: "sub".into(),
        name: "name|preferred_username|nickname|given_name".into(),
        avatar: Some("picture".into()),
        url: Some("profile|website".into()),
        email: Some("email".into()),
        email_verified: Some("email_verified".into()),
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
