//! The JSON API the widget calls (DESIGN.md "Public API"). Handlers are short: parse, call the
//! domain, shape the response.

use std::sync::Arc;

use axum::http::{HeaderMap, header};

use crate::error::{AppError, AppResult};
use crate::moderation::Status;
use crate::sites::Site;
use crate::state::AppState;
use crate::store::{self, comments::CommentPlace};

pub mod comments;
pub mod counts;
pub mod editing;
pub mod flags;
pub mod likes;
pub mod moderation;
pub mod openapi;
pub mod preview;
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

/// The comment a reader acts on by its id in the path (a report, a like, an edit): the request
/// carries an `Origin` (checked before anything is looked up), the id is a number (read by hand:
/// axum's own rejection of `abc` or 2^64 would answer in plain text), the comment exists — and is
/// published, when `published` — and the request comes from one of its site's origins. Anything
/// else is 403 `origin_not_allowed` or 404 `not_found`.
pub async fn comment_in_reach(
    state: &AppState,
    id: &str,
    headers: &HeaderMap,
    published: bool,
) -> AppResult<(i64, CommentPlace, Arc<Site>)> {
    if !headers.contains_key(header::ORIGIN) {
        return Err(AppError::OriginNotAllowed);
    }
    let id: i64 = id.parse().map_err(|_| AppError::NotFound)?;
    let comment = store::comments::place(&state.db, id)
        .await?
        .filter(|c| !published || c.status == Status::Approved.as_str())
        .ok_or(AppError::NotFound)?;
    let site = state.sites.get(&comment.site)?;
    check_write_origin(state, &site, headers)?;
    Ok((id, comment, site))
}
