//! The JSON API the widget calls (DESIGN.md "Public API"). Handlers are short: parse, call the
//! domain, shape the response.

use axum::http::{HeaderMap, header};

use crate::error::{AppError, AppResult};
use crate::sites::Site;
use crate::state::AppState;

pub mod comments;
pub mod counts;
pub mod flags;
pub mod openapi;
pub mod reader_data;
pub mod session;
pub mod view;

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
