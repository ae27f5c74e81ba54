//! Mastodon: any instance a reader names. replybox registers itself as an OAuth app on an
//! instance the first time a reader signs in from there (`POST /api/v1/apps`) and remembers the
//! app in its database, so later sign-ins (on any replybox instance sharing the database) reuse it.

use oauth2::RedirectUrl;
use serde::Deserialize;
use url::Url;

use super::error::SignInError;
use super::outbound::Outbound;
use super::presets::MASTODON_FIELDS;
use super::providers::{Endpoints, field_map};
use crate::store::{self, Db};

/// An app registered on an instance.
#[derive(Debug, Clone, Deserialize)]
pub struct App {
    /// Its client id.
    pub client_id: String,
    /// Its client secret.
    pub client_secret: String,
}

/// `mastodon.social`, `@ada@mastodon.social` or `https://mastodon.social/` → the instance URL.
pub fn instance_url(raw: &str, outbound: &Outbound) -> Result<Url, SignInError> {
    let invalid = || SignInError::bad_request("invalid_instance", format!("instance {raw:?}"));
    let raw = raw.trim();
    let host = raw.rsplit('@').next().unwrap_or(raw);
    let with_scheme = if host.contains("://") {
        host.to_string()
    } else {
        format!("https://{host}")
    };
    let url = Url::parse(&with_scheme).map_err(|_| invalid())?;
    if url.host_str().is_none_or(str::is_empty)
        || !url.username().is_empty()
        || url.password().is_some()
        || url.path() != "/"
        || url.query().is_some()
    {
        return Err(invalid());
    }
    let origin = Url::parse(&url.origin().ascii_serialization()).map_err(|_| invalid())?;
    outbound.check(&origin)?;
    Ok(origin)
}

/// The instance's OAuth2 and account endpoints.
pub fn endpoints(instance: &Url) -> Endpoints {
    let at = |path: &str| instance.join(path).expect("a fixed path joins any origin");
    Endpoints {
        auth_url: at("/oauth/authorize"),
        token_url: at("/oauth/token"),
        userinfo_url: at("/api/v1/accounts/verify_credentials"),
        fields: field_map(MASTODON_FIELDS),
    }
}

/// The app replybox registered on this instance, registering it now if there is none.
pub async fn app_for(
    db: &Db,
    outbound: &Outbound,
    instance: &Url,
    redirect: &RedirectUrl,
    scopes: &[String],
) -> Result<App, SignInError> {
    let key = instance.origin().ascii_serialization();
    if let Some(app) = store::identities::mastodon_app(db, &key)
        .await
        .map_err(SignInError::internal)?
    {
        return Ok(App {
            client_id: app.0,
            client_secret: app.1,
        });
    }
    let url = instance.join("/api/v1/apps").expect("fixed path");
    outbound.check(&url)?;
    let scopes = scopes.join(" ");
    let response = outbound
        .client()
        .post(url)
        .form(&[
            ("client_name", "replybox"),
            ("redirect_uris", redirect.as_str()),
            ("scopes", scopes.as_str()),
        ])
        .send()
        .await
        .map_err(|e| SignInError::unavailable(format!("registering on {key}: {e}")))?;
    if !response.status().is_success() {
        return Err(SignInError::provider(format!(
            "{key} refused the app registration: {}",
            response.status()
        )));
    }
    let app: App = response
        .json()
        .await
        .map_err(|e| SignInError::provider(format!("{key} app registration: {e}")))?;
    // Two first sign-ins may race: whichever app was stored first is the one everyone uses.
    let (client_id, client_secret) = store::identities::remember_mastodon_app(
        db,
        &key,
        &app.client_id,
        &app.client_secret,
        store::now_ms(),
    )
    .await
    .map_err(SignInError::internal)?;
    Ok(App {
        client_id,
        client_secret,
    })
}
