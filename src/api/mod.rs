//! The JSON API the widget calls (DESIGN.md "Public API"). Handlers are short: parse, call the
//! domain, shape the response.

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, header};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{get, post};

use crate::app::AppState;
use crate::client_ip::ClientIp;
use crate::error::{AppError, AppResult};
use crate::sites::Site;

mod comments;
mod counts;
mod session;
pub mod view;

/// The `/api` routes, with the read rate limit in front of all of them.
pub fn routes(state: &AppState) -> Router<AppState> {
    Router::new()
        .route("/api/comments", get(comments::list).post(comments::create))
        .route("/api/counts", post(counts::count))
        .route("/api/session", get(session::show).delete(session::sign_out))
        .route_layer(middleware::from_fn_with_state(state.clone(), limit_reads))
}

async fn limit_reads(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    request: Request,
    next: Next,
) -> AppResult<Response> {
    state.limits.check_read(ip)?;
    Ok(next.run(request).await)
}

/// Writes must come from a browser on one of the site's origins, or from replybox's own widget
/// (whose frame only those origins may embed). A request without `Origin` is refused too: every
/// browser sends it on a POST, so its absence means a script, and scripts can use the same header.
pub fn check_write_origin(state: &AppState, site: &Site, headers: &HeaderMap) -> AppResult<()> {
    let origin = headers
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .ok_or(AppError::OriginNotAllowed)?;
    if site.origins.contains(origin) || origin == &*state.public_origin {
        Ok(())
    } else {
        Err(AppError::OriginNotAllowed)
    }
}
