//! The admin pages: server-rendered (askama), usable without JavaScript, with keyboard
//! shortcuts on top. First-party session cookie, CSRF token on every form, strict CSP.

use axum::Router;
use axum::extract::Request;
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{get, post};

use crate::app::AppState;

pub mod accounts;
pub mod actions;
mod audit;
mod bans;
mod card;
mod comment;
pub mod error;
pub mod guard;
pub mod login;
mod queue;
mod sites;

/// Every admin route, behind the session layer and the security headers.
pub fn routes(state: &AppState) -> Router<AppState> {
    Router::new()
        .route("/admin", get(queue::show))
        .route("/admin/login", get(login::page).post(login::submit))
        .route("/admin/logout", post(login::logout))
        .route("/admin/act", post(actions::act))
        .route("/admin/comments/{id}", get(comment::show))
        .route("/admin/comments/{id}/edit", post(comment::edit))
        .route("/admin/comments/{id}/reply", post(comment::reply))
        .route("/admin/comments/{id}/ban", post(comment::ban))
        .route("/admin/bans", get(bans::list).post(bans::add))
        .route("/admin/bans/{id}/lift", post(bans::lift))
        .route("/admin/sites/{site}", get(sites::show))
        .route("/admin/sites/{site}/words", post(sites::words))
        .route("/admin/sites/{site}/lock", post(sites::lock))
        .route("/admin/trusted/{id}/remove", post(sites::distrust))
        .route("/admin/audit", get(audit::show))
        .layer(state.sessions.layer(state.is_https()))
        .layer(middleware::from_fn(security_headers))
}

/// Strict headers on every admin page: only our own script and style, no framing, no caching.
async fn security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    crate::html::Policy::Admin.apply(response.headers_mut());
    response
}
