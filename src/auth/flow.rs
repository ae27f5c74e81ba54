//! The sign-in as the reader's browser walks it.
//!
//! 1. The widget opens a popup on `/auth/{provider}/start?site=S`. replybox keeps `state`, the
//!    PKCE verifier and (OIDC) the `nonce` in the popup's first-party session and redirects to
//!    the provider.
//! 2. The provider sends the reader back to `/auth/{provider}/callback`. Only a callback whose
//!    `state` matches a sign-in pending in *this* browser's session goes on (so a callback
//!    planted by someone else — login CSRF — or replayed is refused); the pending sign-in is
//!    removed first, so it is used at most once. The code is redeemed with the verifier, the
//!    user is linked or created, and the session id is cycled.
//! 3. The popup page hands a one-time code (60 s) to the widget by `postMessage`, addressed to
//!    replybox's own origin only; the widget trades it at `POST /auth/exchange` for its
//!    credential. No code or token ever appears in a URL the blog can see.
//!
//! Full-page fallback (popups blocked): `start` also takes `return` (a page on one of the
//! site's origins; anything else is refused: no open redirect) and `claim`, the SHA-256 of a
//! secret the widget's frame generated and kept in its own storage. The callback redirects to
//! `return#replybox-code=CODE`: the blog's page can see CODE, but the exchange also demands the
//! claim's preimage, which never leaves the frame, and a wrong preimage burns the code. A link
//! crafted by someone else carries *their* claim, and they never see the victim's CODE.
//!
//! Two more guards keep that promise (see [`full_page`]): a return page may not be one that
//! could pass the fragment on, and a full-page sign-in stops first on a confirmation page.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use oauth2::RedirectUrl;
use serde::{Deserialize, Serialize};
use tower_sessions::Session;

use super::credential::Credential;
use super::error::SignInError;
use super::providers::Attempt;
use super::{avatars, full_page, page};
use crate::client_ip::ClientIp;
use crate::error::AppError;
use crate::extract::AppQuery;
use crate::fingerprint::same_secret;
use crate::state::AppState;
use crate::store::{self, identities::SignedInAccount};

/// The session key of the pending sign-in.
const PENDING: &str = "replybox.sign_in";
/// How long the widget has to exchange its code.
pub const CODE_LIFETIME_MS: i64 = 60_000;
/// How long a reader may take at the provider.
const ATTEMPT_LIFETIME_MS: i64 = 15 * 60_000;

/// A sign-in started in this browser and not finished yet.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Pending {
    provider: String,
    site: String,
    attempt: Attempt,
    return_to: Option<String>,
    claim_hash: Option<String>,
    started_at: i64,
}

/// `GET /auth/{provider}/start` parameters.
#[derive(Debug, Deserialize)]
pub struct StartQuery {
    site: String,
    #[serde(rename = "return")]
    return_to: Option<String>,
    claim: Option<String>,
    instance: Option<String>,
    login_hint: Option<String>,
    /// The token of the confirmation page's "Continue" link (full-page sign-in only).
    confirm: Option<String>,
}

impl StartQuery {
    /// The same start again, with the confirmation page's token.
    fn confirmed_by(&self, token: &str) -> String {
        let mut pairs = url::form_urlencoded::Serializer::new(String::new());
        pairs.append_pair("site", &self.site);
        for (key, value) in [
            ("return", &self.return_to),
            ("claim", &self.claim),
            ("instance", &self.instance),
            ("login_hint", &self.login_hint),
        ] {
            if let Some(value) = value {
                pairs.append_pair(key, value);
            }
        }
        pairs.append_pair("confirm", token);
        pairs.finish()
    }
}

/// Where `start` sends the reader.
enum Next {
    /// Off to the provider.
    Provider(url::Url),
    /// First to the confirmation page of a full-page sign-in.
    Confirm {
        site_name: String,
        provider_name: String,
        return_to: String,
        continue_url: String,
    },
}

/// `GET /auth/{provider}/start`: off to the provider.
pub async fn start(
    State(state): State<AppState>,
    Path(provider_id): Path<String>,
    ClientIp(ip): ClientIp,
    session: Session,
    AppQuery(query): AppQuery<StartQuery>,
) -> Response {
    let back_to = full_page_return(&state, &query);
    let begun = match state.limits.check_sign_in(ip).await {
        Err(AppError::RateLimited { retry_after_secs }) => {
            Err(SignInError::rate_limited(retry_after_secs))
        }
        _ => begin(&state, &provider_id, &session, query).await,
    };
    match begun {
        Ok(Next::Provider(url)) => Redirect::to(url.as_str()).into_response(),
        Ok(Next::Confirm {
            site_name,
            provider_name,
            return_to,
            continue_url,
        }) => page::confirm(
            &state,
            &site_name,
            &provider_name,
            &return_to,
            &continue_url,
        ),
        Err(err) => page::failed(&state, err, back_to.as_deref()),
    }
}

/// Where a full-page sign-in that fails sends the reader back to: its return address, when that
/// is a page of the site (otherwise the failure stays on replybox's page).
fn full_page_return(state: &AppState, query: &StartQuery) -> Option<String> {
    let site = state.sites.get(&query.site).ok()?;
    full_page::return_url(state, &site, query.return_to.as_deref()?).ok()
}

async fn begin(
    state: &AppState,
    provider_id: &str,
    session: &Session,
    mut query: StartQuery,
) -> Result<Next, SignInError> {
    let site = state
        .sites
        .get(&query.site)
        .map_err(|_| SignInError::bad_request("unknown_site", "unknown site"))?;
    let provider = super::offered(state, &site, provider_id)?;
    let full_page = full_page::requested(
        state,
        &site,
        query.return_to.as_deref(),
        query.claim.as_deref(),
    )?;
    if provider.needs_instance() && query.instance.as_deref().is_none_or(str::is_empty) {
        return Err(SignInError::bad_request("invalid_instance", "no instance"));
    }
    if let Some(full_page) = &full_page {
        let presented = query.confirm.take();
        if let Some(token) = full_page::go_ahead(session, provider_id, full_page, presented).await?
        {
            return Ok(Next::Confirm {
                site_name: site.config.name.clone(),
                provider_name: provider.name.clone(),
                return_to: full_page.return_to.clone(),
                continue_url: format!(
                    "{}/auth/{provider_id}/start?{}",
                    state.public_base(),
                    query.confirmed_by(&token)
                ),
            });
        }
    }
    let login_hint = query.login_hint.filter(|h| !h.is_empty() && h.len() <= 100);
    let (url, attempt) = provider
        .authorize(
            &state.auth,
            &state.db,
            &redirect_url(state, provider_id)?,
            query.instance.as_deref(),
            login_hint.as_deref(),
        )
        .await?;
    let pending = Pending {
        provider: provider_id.to_string(),
        site: site.id().to_string(),
        attempt,
        return_to: full_page.as_ref().map(|f| f.return_to.clone()),
        claim_hash: full_page.map(|f| f.claim_hash),
        started_at: store::now_ms(),
    };
    session
        .insert(PENDING, pending)
        .await
        .map_err(SignInError::internal)?;
    Ok(Next::Provider(url))
}

/// `GET /auth/{provider}/callback` parameters.
#[derive(Debug, Deserialize)]
pub struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

/// `GET /auth/{provider}/callback`: back from the provider.
pub async fn callback(
    State(state): State<AppState>,
    Path(provider_id): Path<String>,
    session: Session,
    AppQuery(query): AppQuery<CallbackQuery>,
) -> Response {
    let pending = match take_pending(&session).await {
        Ok(pending) => pending,
        Err(err) => return page::failed(&state, err, None),
    };
    // A full-page sign-in goes back to its page, signed in or not.
    let back_to = pending.return_to.clone();
    match finish(&state, &provider_id, &session, pending, query).await {
        Ok(code) => match back_to {
            None => page::signed_in(&state, &code),
            Some(page) => Redirect::to(&format!("{page}#replybox-code={code}")).into_response(),
        },
        Err(err) => page::failed(&state, err, back_to.as_deref()),
    }
}

/// The sign-in this browser started (it can be finished once).
async fn take_pending(session: &Session) -> Result<Pending, SignInError> {
    session
        .remove(PENDING)
        .await
        .map_err(SignInError::internal)?
        .ok_or_else(|| SignInError::invalid_state("no sign-in pending in this session"))
}

/// Checks the callback against the pending sign-in, signs the reader in, and returns the
/// one-time code for the widget.
async fn finish(
    state: &AppState,
    provider_id: &str,
    session: &Session,
    pending: Pending,
    query: CallbackQuery,
) -> Result<String, SignInError> {
    let state_matches = query
        .state
        .as_deref()
        .is_some_and(|s| same_secret(s, &pending.attempt.state));
    if pending.provider != provider_id || !state_matches {
        return Err(SignInError::invalid_state("state does not match"));
    }
    if store::now_ms() - pending.started_at > ATTEMPT_LIFETIME_MS {
        return Err(SignInError::invalid_state("the sign-in took too long"));
    }
    if let Some(error) = query.error {
        return Err(match error.as_str() {
            "access_denied" => SignInError::denied(),
            _ => SignInError::provider(format!("the provider answered error={error}")),
        });
    }
    let code = query
        .code
        .filter(|c| !c.is_empty() && c.len() <= 2048)
        .ok_or_else(|| SignInError::token("no code in the callback"))?;
    let provider = state
        .auth
        .get(provider_id)
        .ok_or_else(SignInError::unknown_provider)?;
    let profile = provider
        .complete(
            &state.auth,
            &state.db,
            &redirect_url(state, provider_id)?,
            &code,
            &pending.attempt,
        )
        .await?;
    let avatar_path = match &profile.avatar_url {
        Some(url) => avatars::keep(state, url).await,
        None => None,
    };
    let now = store::now_ms();
    let user_id = store::identities::link(
        &state.db,
        &SignedInAccount {
            provider: provider_id,
            subject: &profile.subject,
            name: &profile.name,
            avatar_url: profile.avatar_url.as_deref(),
            avatar_path: avatar_path.as_deref(),
            profile_url: profile.profile_url.as_deref(),
            email: profile.email.as_deref(),
            email_verified: profile.email_verified,
        },
        now,
    )
    .await
    .map_err(SignInError::internal)?;
    session.cycle_id().await.map_err(SignInError::internal)?;
    let code = Credential::generate();
    store::users::store_code(
        &state.db,
        &code.hash,
        user_id,
        provider_id,
        pending.claim_hash.as_deref(),
        now + CODE_LIFETIME_MS,
    )
    .await
    .map_err(SignInError::internal)?;
    tracing::info!(
        provider = provider_id,
        site = pending.site,
        user_id,
        "signed in"
    );
    Ok(code.token)
}

/// `{public_url}/auth/{provider}/callback`
fn redirect_url(state: &AppState, provider_id: &str) -> Result<RedirectUrl, SignInError> {
    RedirectUrl::new(format!(
        "{}/auth/{provider_id}/callback",
        state.public_base()
    ))
    .map_err(SignInError::internal)
}
