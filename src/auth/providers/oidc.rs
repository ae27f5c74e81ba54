//! Signing in with OpenID Connect: the issuer's discovered metadata (cached), the authorization
//! request with `nonce` and PKCE, and the callback: code exchange, id_token checks (signature,
//! issuer, audience, nonce, expiry) and, when the id_token carries only the subject, userinfo.

use std::sync::Arc;
use std::time::{Duration, Instant};

use oauth2::{
    AuthorizationCode, ClientId, CsrfToken, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope,
};
use openidconnect::core::{
    CoreAuthenticationFlow, CoreClient, CoreProviderMetadata, CoreUserInfoClaims,
};
use openidconnect::{Nonce, OAuth2TokenResponse, TokenResponse};
use serde_json::Value;
use url::Url;

use super::{Attempt, Protocol, Provider, Providers, token_error};
use crate::auth::error::SignInError;
use crate::auth::outbound::Outbound;
use crate::auth::profile::{self, Profile};
use crate::config::auth::FieldMap;

/// How long discovered OIDC metadata (and its signing keys) is reused.
const METADATA_TTL: Duration = Duration::from_secs(15 * 60);

impl Provider {
    /// The authorization URL at the issuer, and the attempt's secrets.
    pub(super) async fn authorize_oidc(
        &self,
        providers: &Providers,
        redirect: &RedirectUrl,
        challenge: PkceCodeChallenge,
        verifier: PkceCodeVerifier,
    ) -> Result<(Url, Attempt), SignInError> {
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
        Ok((
            url,
            Attempt {
                state: state.secret().clone(),
                pkce_verifier: verifier.secret().clone(),
                nonce: Some(nonce.secret().clone()),
                instance: None,
            },
        ))
    }

    /// Redeems the code, checks the id_token and reads the profile.
    pub(super) async fn complete_oidc(
        &self,
        providers: &Providers,
        redirect: &RedirectUrl,
        code: AuthorizationCode,
        verifier: PkceCodeVerifier,
        attempt: &Attempt,
    ) -> Result<Profile, SignInError> {
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
            .request_async(&providers.outbound)
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
                .request_async(&providers.outbound)
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
        let discovered = CoreProviderMetadata::discover_async(issuer.clone(), outbound)
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
