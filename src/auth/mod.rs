//! Who is commenting: credentials, the viewer behind a request, and sign-in with external
//! identity providers.
//!
//! The widget keeps its credential in the iframe's own storage (partitioned by the browser per
//! embedding site, so it survives third-party-cookie blocking) and sends it as
//! `Authorization: Bearer …`. A guest gets one with their first comment, so their browser can
//! recognise its own comments (and see them while they await moderation). A reader who signs in
//! with a provider gets one bound to their user (see [`flow`]). Only a SHA-256 of a token is
//! stored.

use axum::response::IntoResponse;
use serde::Serialize;

use crate::error::AppResult;
use crate::sites::Site;
use crate::state::AppState;
use crate::store;

pub mod admin_account;
pub mod avatars;
pub mod credential;
pub mod error;
pub mod exchange;
pub mod flow;
mod full_page;
pub mod icons;
pub mod mastodon;
pub mod moderators;
pub mod outbound;
pub mod page;
pub mod presets;
pub mod profile;
pub mod providers;
pub mod viewer;

pub use credential::Credential;
pub use viewer::Viewer;

/// `GET /auth/popup.js`: the popup page's script.
pub async fn popup_js() -> impl IntoResponse {
    (
        [
            ("content-type", "text/javascript; charset=utf-8"),
            ("cache-control", "no-cache"),
        ],
        page::POPUP_JS,
    )
}

/// `GET /auth/popup.css`: the sign-in pages' style.
pub async fn popup_css() -> impl IntoResponse {
    (
        [
            ("content-type", "text/css; charset=utf-8"),
            ("cache-control", "no-cache"),
        ],
        page::POPUP_CSS,
    )
}

/// The provider with this id, if the site offers it (a site without a `providers` list offers
/// every configured provider).
pub fn offered<'a>(
    state: &'a AppState,
    site: &Site,
    provider_id: &str,
) -> Result<&'a providers::Provider, error::SignInError> {
    let listed = site
        .config
        .providers
        .as_ref()
        .is_none_or(|ids| ids.iter().any(|id| id == provider_id));
    state
        .auth
        .get(provider_id)
        .filter(|_| listed)
        .ok_or_else(error::SignInError::unknown_provider)
}

/// A sign-in button as the widget draws it.
#[derive(Debug, Clone, Serialize)]
pub struct ProviderButton {
    /// Provider id (`/auth/{id}/start`).
    pub id: String,
    /// Label.
    pub name: String,
    /// Icon path under `public_url`.
    pub icon: String,
    /// Whether the reader must type their instance (Mastodon).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub instance: bool,
}

/// The buttons a site shows, in the order the site lists them (or by id).
pub fn buttons(auth: &providers::Providers, site: &Site) -> Vec<ProviderButton> {
    let button = |p: &providers::Provider| ProviderButton {
        id: p.id.clone(),
        name: p.name.clone(),
        icon: format!("/auth/icons/{}.svg", p.icon),
        instance: p.needs_instance(),
    };
    match &site.config.providers {
        Some(ids) => ids
            .iter()
            .filter_map(|id| auth.get(id))
            .map(button)
            .collect(),
        None => auth.iter().map(button).collect(),
    }
}

/// The signed-in viewer as the API shows them (`{"name","avatar","provider","moderator"}`).
#[derive(Debug, Clone, Serialize)]
pub struct ViewerView {
    /// Display name.
    pub name: String,
    /// Absolute picture URL (served by replybox).
    pub avatar: String,
    /// Provider id (`None` for an admin-page account signed in inside the widget).
    pub provider: Option<String>,
    /// Whether they moderate the site: the identity they signed in with is one of its
    /// `moderators`, or their admin-page account may act on it (always false where no site is
    /// named).
    pub moderator: bool,
}

/// The user behind a reader, ready for the API; `site` decides `moderator`.
pub async fn viewer_of(
    state: &AppState,
    reader_id: i64,
    site: Option<&Site>,
) -> AppResult<Option<ViewerView>> {
    let Some(user) = store::users::for_reader(&state.db, reader_id).await? else {
        return Ok(None);
    };
    let moderator = match site {
        Some(site) => moderators::listed_identity(state, reader_id, site)
            .await?
            .is_some(),
        None => false,
    };
    Ok(Some(ViewerView {
        avatar: format!("{}{}", state.public_base(), avatar_path(&user)),
        name: user.name,
        provider: user.provider,
        moderator,
    }))
}

/// The signed-in viewer of a request, if any (`moderator` of `site`): a reader signed in with a
/// provider, or an admin-page account signed in inside the widget.
pub async fn signed_in_viewer(
    state: &AppState,
    viewer: &Viewer,
    site: Option<&Site>,
) -> AppResult<Option<ViewerView>> {
    let Some(reader) = &viewer.reader else {
        return Ok(None);
    };
    match (reader.admin_id, reader.user_id) {
        (Some(admin_id), _) => admin_account::viewer(state, admin_id, site).await,
        (None, Some(_)) => viewer_of(state, reader.id, site).await,
        (None, None) => Ok(None),
    }
}

/// The picture path of a user: their provider picture as replybox serves it, or an identicon.
pub fn avatar_path(user: &store::users::SignedInUser) -> String {
    user.avatar_path.clone().unwrap_or_else(|| {
        use sha2::{Digest, Sha256};
        let key = crate::fingerprint::hex(&Sha256::digest(format!("user:{}", user.id)));
        format!("/avatar/{}.svg", &key[..32])
    })
}
