//! The full-page sign-in (pop-ups blocked): where it may return to, and the reader's go-ahead.
//!
//! The code comes back in the return page's fragment, and browsers keep a fragment across
//! redirects. So a return page must not be one that could pass it on: not a page replybox
//! itself serves (its demo pages excepted) nor any `/auth/` or `/mail/` path — otherwise
//! `return=…/auth/mastodon/start?instance=<attacker>` would carry the code to an attacker who
//! chose the claim and so knows its secret. And a full-page sign-in stops first on a replybox
//! page naming the site, the provider and the return page; its "Continue" link carries a token
//! kept in this browser's session, so a link someone else crafted is never one click. Any open
//! redirect on a site's own origin still defeats this flow: blog owners must not have one.

use serde::{Deserialize, Serialize};
use tower_sessions::Session;

use super::credential::Credential;
use super::error::SignInError;
use crate::fingerprint::same_secret;
use crate::sites::Site;
use crate::state::AppState;

/// The session key of a full-page sign-in waiting for the reader's go-ahead.
const CONFIRMING: &str = "replybox.sign_in_confirm";

/// A full-page sign-in's return page and claim, checked.
#[derive(Debug, Clone)]
pub(super) struct FullPage {
    /// The page to come back to (no fragment).
    pub(super) return_to: String,
    /// SHA-256 (hex, lower case) of the secret the widget's frame keeps.
    pub(super) claim_hash: String,
}

/// The full-page sign-in `start` was asked for, if any: `return` and `claim` go together, the
/// return page passes [`return_url`] and the claim is a SHA-256.
pub(super) fn requested(
    state: &AppState,
    site: &Site,
    return_to: Option<&str>,
    claim: Option<&str>,
) -> Result<Option<FullPage>, SignInError> {
    match (return_to, claim) {
        (None, None) => Ok(None),
        (Some(return_to), Some(claim)) => {
            let return_to = return_url(state, site, return_to)?;
            if claim.len() != 64 || !claim.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(SignInError::bad_request(
                    "invalid_claim",
                    "claim is not a SHA-256",
                ));
            }
            Ok(Some(FullPage {
                return_to,
                claim_hash: claim.to_ascii_lowercase(),
            }))
        }
        _ => Err(SignInError::bad_request(
            "invalid_return",
            "return and claim go together",
        )),
    }
}

/// A full-page sign-in shown its confirmation page: the token its "Continue" link carries, and
/// what it was shown for (a token confirms nothing else).
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Confirming {
    token: String,
    provider: String,
    return_to: String,
    claim_hash: String,
}

/// `None` when this browser's reader pressed "Continue" on the confirmation page shown for
/// exactly this sign-in (the token works once); otherwise the token of a new confirmation page,
/// kept in the session.
pub(super) async fn go_ahead(
    session: &Session,
    provider_id: &str,
    full_page: &FullPage,
    presented: Option<String>,
) -> Result<Option<String>, SignInError> {
    let shown = Confirming {
        token: String::new(),
        provider: provider_id.to_string(),
        return_to: full_page.return_to.clone(),
        claim_hash: full_page.claim_hash.clone(),
    };
    if confirmed(session, &shown, presented).await? {
        return Ok(None);
    }
    let token = Credential::generate().token;
    session
        .insert(
            CONFIRMING,
            Confirming {
                token: token.clone(),
                ..shown
            },
        )
        .await
        .map_err(SignInError::internal)?;
    Ok(Some(token))
}

/// Whether this browser's reader pressed "Continue" on the confirmation page shown for exactly
/// this sign-in. The token works once.
async fn confirmed(
    session: &Session,
    shown: &Confirming,
    presented: Option<String>,
) -> Result<bool, SignInError> {
    let Some(presented) = presented else {
        return Ok(false);
    };
    let kept: Option<Confirming> = session
        .remove(CONFIRMING)
        .await
        .map_err(SignInError::internal)?;
    Ok(kept.is_some_and(|kept| {
        same_secret(&kept.token, &presented)
            && kept.provider == shown.provider
            && kept.return_to == shown.return_to
            && kept.claim_hash == shown.claim_hash
    }))
}

/// A return page must be an http(s) URL on one of the site's origins, and not a page replybox
/// itself serves (bar its demo pages) nor any `/auth/` or `/mail/` path (see the module doc).
pub(super) fn return_url(state: &AppState, site: &Site, raw: &str) -> Result<String, SignInError> {
    let refused = || SignInError::bad_request("invalid_return", format!("return {raw:?}"));
    let mut url = url::Url::parse(raw).map_err(|_| refused())?;
    if !matches!(url.scheme(), "http" | "https")
        || !url.username().is_empty()
        || url.password().is_some()
        || !site.origins.contains(&url.origin().ascii_serialization())
        || served_by_replybox(&state.config.server.public_url, &url)
    {
        return Err(refused());
    }
    url.set_fragment(None);
    Ok(url.to_string())
}

/// Whether `url` is one of replybox's own routes (under `public_url`), other than a demo page,
/// or an `/auth/` or `/mail/` path anywhere on the origin.
fn served_by_replybox(base: &url::Url, url: &url::Url) -> bool {
    let path = url.path();
    if path.starts_with("/auth/") || path.starts_with("/mail/") {
        return true;
    }
    if base.origin() != url.origin() {
        return false;
    }
    let prefix = base.path().trim_end_matches('/');
    match path.strip_prefix(prefix) {
        Some(rest) if rest.is_empty() || rest.starts_with('/') => !rest.starts_with("/demo/"),
        _ => false,
    }
}
