//! An admin-page account (`replybox admin add`) signed in inside the widget.
//!
//! The widget opens a popup on replybox's own origin, `/admin/widget?site=S`
//! (`admin::widget`): first-party, so the admin session cookie is there whatever the browser
//! does with third-party cookies. When the account may moderate S, the page posts a one-time
//! code to the widget exactly like a provider sign-in's last page (`super::page::signed_in`:
//! addressed to replybox's own origin only, so a hostile page that opened the popup learns
//! nothing), and the widget trades it at `POST /auth/exchange` for a credential bound to the
//! account (`credentials.admin_id`). What the account may moderate is read from the account on
//! every request.

use super::credential::Credential;
use super::{ViewerView, credential};
use crate::error::AppResult;
use crate::moderation::role;
use crate::sites::Site;
use crate::state::AppState;
use crate::store::admins::AdminRow;
use crate::store::{self, widget_accounts::TakenCode};

/// How long the widget has to exchange its code (as for a provider sign-in).
pub const CODE_LIFETIME_MS: i64 = super::flow::CODE_LIFETIME_MS;

/// How long an account's widget credential works: a week, not a reader's year. It can moderate,
/// and it lives in a frame's storage on someone's blog; signing in again is one click while the
/// admin session (12 hours idle) lasts.
pub const LIFETIME_MS: i64 = 7 * 24 * 60 * 60 * 1000;

// A reader's credential outlives an account's on purpose.
const _: () = assert!(LIFETIME_MS < credential::LIFETIME_MS);

/// Stores a new one-time code for `account` asking to moderate `site`; returns the code.
pub async fn issue_code(state: &AppState, account: &AdminRow, site: &Site) -> AppResult<String> {
    let code = Credential::generate();
    store::widget_accounts::store_code(
        &state.db,
        &code.hash,
        account.id,
        site.id(),
        store::now_ms() + CODE_LIFETIME_MS,
    )
    .await?;
    tracing::info!(admin = %account.name, site = site.id(), "moderator signing in to the widget");
    Ok(code.token)
}

/// Trades a taken code for the widget's credential; returns the token and the viewer (whose
/// `moderator` speaks of the site the popup was opened for). `None` if the account is gone.
pub async fn exchange(
    state: &AppState,
    code: &TakenCode,
    now: i64,
) -> AppResult<Option<(String, ViewerView)>> {
    let Some(account) = store::admins::find(&state.db, code.admin_id).await? else {
        return Ok(None);
    };
    let credential = Credential::generate();
    store::widget_accounts::issue_credential(
        &state.db,
        &credential.hash,
        account.id,
        now,
        now + LIFETIME_MS,
    )
    .await?;
    let site = state.sites.get(&code.site).ok();
    Ok(Some((
        credential.token,
        view(state, &account, site.as_deref()),
    )))
}

/// The viewer behind an account's credential, `moderator` of `site` if the account may act there.
pub async fn viewer(
    state: &AppState,
    admin_id: i64,
    site: Option<&Site>,
) -> AppResult<Option<ViewerView>> {
    let account = store::admins::find(&state.db, admin_id).await?;
    Ok(account.map(|account| view(state, &account, site)))
}

/// How the widget shows an account: its name, the picture its replies carry, no provider, and
/// whether it moderates `site`.
fn view(state: &AppState, account: &AdminRow, site: Option<&Site>) -> ViewerView {
    ViewerView {
        name: account.name.clone(),
        avatar: format!(
            "{}{}",
            state.public_base(),
            state.fingerprints.moderator_avatar_path(&account.name)
        ),
        provider: None,
        moderator: site.is_some_and(|site| role::may_moderate(account, site.id())),
    }
}
