//! The page the sign-in popup ends on. It carries the one-time code (or the reason it failed)
//! in the document, never in its URL; `/auth/popup.js` posts it to the widget — to replybox's
//! own origin only — and closes the popup. A failure stays on screen with a clear sentence.
//!
//! A full-page sign-in (the pop-up was blocked) that fails goes back to the reader's page with
//! `#replybox-error=CODE` instead, where the widget says what happened in the reader's language.
//! The fragment carries only our own error code, never a secret.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};

use super::error::SignInError;
use crate::html::{Policy, escape};
use crate::state::AppState;

/// The script of the popup page.
pub const POPUP_JS: &str = include_str!("../../embed/popup.js");
/// Its style.
pub const POPUP_CSS: &str = include_str!("../../embed/popup.css");

/// The end of a successful sign-in.
pub fn signed_in(state: &AppState, code: &str) -> Response {
    render(
        state,
        StatusCode::OK,
        "Signed in",
        "You are signed in. This window closes by itself.",
        &format!("data-code=\"{}\"", escape(code)),
    )
}

/// The end of a failed sign-in: back to `back_to` (a page of the site, for a full-page sign-in)
/// with the error's code, or this page.
pub fn failed(state: &AppState, err: SignInError, back_to: Option<&str>) -> Response {
    if err.status.is_server_error() && err.code == "internal_error" {
        tracing::error!(error = %err, "sign-in failed");
    } else {
        tracing::info!(error = %err, "sign-in refused");
    }
    if let Some(page) = back_to {
        return Redirect::to(&format!("{page}#replybox-error={}", err.code)).into_response();
    }
    let mut response = render(
        state,
        err.status,
        "Sign-in failed",
        err.message(),
        &format!("data-error=\"{}\"", escape(err.code)),
    );
    if let Some(secs) = err.retry_after_secs {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(secs));
    }
    response
}

/// The stop before a full-page sign-in leaves for the provider: it names the site, the provider
/// and the page the reader will come back to, so a link someone else crafted is never one click.
/// "Continue" carries the token kept in this browser's session; "Cancel" goes back to the page.
pub fn confirm(
    state: &AppState,
    site: &str,
    provider: &str,
    return_to: &str,
    continue_url: &str,
) -> Response {
    let html = format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>Sign in to comment</title><link rel=\"stylesheet\" href=\"{base}/auth/popup.css\"></head>\
         <body><main id=\"replybox-sign-in\" data-confirm><h1>Sign in to comment on {site}</h1>\
         <p>You are about to sign in with <strong>{provider}</strong>. Afterwards you will go back \
         to <span class=\"rb-return\">{return_to}</span>.</p>\
         <p><a id=\"replybox-continue\" class=\"rb-button\" href=\"{continue_url}\">Continue \
         to {provider}</a> <a id=\"replybox-cancel\" href=\"{cancel}\">Cancel</a></p>\
         <p class=\"rb-small\">If you did not just ask to sign in, press Cancel.</p>\
         </main></body></html>\n",
        site = escape(site),
        provider = escape(provider),
        return_to = escape(return_to),
        continue_url = escape(continue_url),
        cancel = escape(&format!("{return_to}#replybox-error=sign_in_denied")),
        base = escape(state.public_base()),
    );
    with_page_headers((StatusCode::OK, html).into_response())
}

fn render(state: &AppState, status: StatusCode, title: &str, text: &str, data: &str) -> Response {
    let base = state.public_base();
    let html = format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title}</title><link rel=\"stylesheet\" href=\"{base}/auth/popup.css\"></head>\
         <body><main id=\"replybox-sign-in\" {data}><h1>{title}</h1><p>{text}</p></main>\
         <script src=\"{base}/auth/popup.js\"></script></body></html>\n",
        title = escape(title),
        text = escape(text),
        base = escape(base),
    );
    with_page_headers((status, html).into_response())
}

/// The headers of every sign-in page: HTML, never cached, no referrer, nothing but our own
/// script and style, never framed.
fn with_page_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    Policy::SignIn.apply(headers);
    response
}
