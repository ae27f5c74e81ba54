//! Signing in with plain OAuth2 and a user endpoint (GitHub, Facebook, Discord, a configured
//! `oauth2` provider...) or with Mastodon (the same against the reader's instance, with the app
//! replybox registered there): the authorization request with PKCE, and the callback's code
//! exchange and user endpoint.

use oauth2::TokenResponse;
use oauth2::basic::BasicClient;
use oauth2::{
    AuthUrl, AuthorizationCode, ClientId, ClientSecret, CsrfToken, PkceCodeChallenge,
    PkceCodeVerifier, RedirectUrl, Scope, TokenUrl,
};
use serde_json::Value;
use url::Url;

use super::{Attempt, Endpoints, Protocol, Provider, Providers, token_error};
use crate::auth::error::SignInError;
use crate::auth::mastodon;
use crate::auth::profile::Profile;

impl Provider {
    /// The authorization URL at the provider (or the reader's instance), and the attempt's secrets.
    pub(super) async fn authorize_oauth2(
        &self,
        providers: &Providers,
        db: &crate::store::Db,
        redirect: &RedirectUrl,
        instance: Option<&str>,
        challenge: PkceCodeChallenge,
        verifier: PkceCodeVerifier,
    ) -> Result<(Url, Attempt), SignInError> {
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
        Ok((
            url,
            Attempt {
                state: state.secret().clone(),
                pkce_verifier: verifier.secret().clone(),
                nonce: None,
                instance,
            },
        ))
    }

    /// Redeems the code and reads the profile from the user endpoint.
    pub(super) async fn complete_oauth2(
        &self,
        providers: &Providers,
        db: &crate::store::Db,
        redirect: &RedirectUrl,
        code: AuthorizationCode,
        verifier: PkceCodeVerifier,
        attempt: &Attempt,
    ) -> Result<Profile, SignInError> {
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
            .request_async(&providers.outbound)
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
}
