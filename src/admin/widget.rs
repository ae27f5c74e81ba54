//! `GET /admin/widget?site=S`: an admin-page account signs in inside the widget.
//!
//! The widget opens this page in a popup: first-party on replybox's origin, so the admin
//! session is there even where the browser blocks third-party cookies. Not signed in, the popup
//! shows the login form, which comes back here (`next`). Signed in with an account that may
//! moderate S, it ends on the same page as a provider sign-in (`auth::page::signed_in`), whose
//! script posts a one-time code to the widget that opened it — addressed to replybox's own
//! origin only: a hostile page that opens this popup is not that origin and receives nothing,
//! and the code in the document cannot be read across origins. The widget trades the code at
//! `POST /auth/exchange` (see `auth::admin_account`). Rate-limited like starting a sign-in.

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::error::AdminError;
use super::guard::Moderator;
use crate::auth::error::SignInError;
use crate::auth::{admin_account, page};
use crate::client_ip::ClientIp;
use crate::error::AppError;
use crate::extract::AppQuery;
use crate::state::AppState;

/// `GET /admin/widget` parameters.
#[derive(Debug, Deserialize)]
pub struct WidgetQuery {
    /// The site whose widget opened the popup.
    site: String,
}

/// `GET /admin/widget?site=S`: the login form first if need be, then the page that hands the
/// widget its one-time code (or says why not: `unknown_site`, `not_a_moderator`,
/// `rate_limited`).
pub async fn sign_in(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    AppQuery(query): AppQuery<WidgetQuery>,
    me: Result<Moderator, AdminError>,
) -> Response {
    if let Err(AppError::RateLimited { retry_after_secs }) = state.limits.check_sign_in(ip).await {
        return page::failed(&state, SignInError::rate_limited(retry_after_secs), None);
    }
    let Ok(site) = state.sites.get(&query.site) else {
        let err = SignInError::bad_request("unknown_site", "unknown site");
        return page::failed(&state, err, None);
    };
    let me = match me {
        Ok(me) => me,
        Err(AdminError::SignIn) => return Redirect::to(&login_and_back(site.id())).into_response(),
        Err(err) => return err.into_response(),
    };
    if !me.may_moderate(site.id()) {
        return page::failed(&state, SignInError::not_a_moderator(), None);
    }
    match admin_account::issue_code(&state, &me.account, &site).await {
        Ok(code) => page::signed_in(&state, &code),
        Err(err) => page::failed(&state, SignInError::internal(err), None),
    }
}

/// The login page, coming back here afterwards.
fn login_and_back(site: &str) -> String {
    let back = format!(
        "/admin/widget?{}",
        url::form_urlencoded::Serializer::new(String::new())
            .append_pair("site", site)
            .finish()
    );
    format!(
        "/admin/login?{}",
        url::form_urlencoded::Serializer::new(String::new())
            .append_pair("next", &back)
            .finish()
    )
}
