//! `PATCH /api/comments/{id}` (an author edits their comment) and `DELETE /api/comments/{id}`
//! (takes it back), for `sites.edit_minutes` after posting, with the credential the browser
//! already holds. Behind the same rules as posting: the site's origins, a per-client rate limit
//! (counted apart from new comments), the moderation rules and the audit log. See
//! [`crate::comments::own`].

use std::collections::HashSet;

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use super::view::{CommentView, SeenBy};
use crate::auth::Viewer;
use crate::client_ip::ClientIp;
use crate::comments::own;
use crate::error::AppResult;
use crate::extract::AppJson;
use crate::moderation::Status;
use crate::sites::Site;
use crate::state::AppState;
use crate::store::comments::CommentRow;

/// The new text.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EditInput {
    /// Markdown.
    body: String,
}

/// The comment as its author now sees it.
#[derive(Debug, Serialize)]
struct Changed {
    comment: CommentView,
}

/// Edits comment `id`: 200 with the comment as its author sees it (`status` `pending` when the
/// edit sent it back to the queue).
pub async fn edit(
    State(state): State<AppState>,
    Path(id): Path<String>,
    viewer: Viewer,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    AppJson(input): AppJson<EditInput>,
) -> AppResult<Response> {
    let (id, comment, site) = super::comment_in_reach(&state, &id, &headers, false).await?;
    state.limits.check_edit(site.id(), ip).await?;
    let row = own::edit(&state, &site, &viewer, (id, comment), &input.body, ip).await?;
    Ok(answer(&state, &site, &viewer, row))
}

/// Deletes comment `id`: 200 with its tombstone.
pub async fn delete(
    State(state): State<AppState>,
    Path(id): Path<String>,
    viewer: Viewer,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
) -> AppResult<Response> {
    let (id, comment, site) = super::comment_in_reach(&state, &id, &headers, false).await?;
    state.limits.check_edit(site.id(), ip).await?;
    let row = own::delete(&state, &site, &viewer, (id, comment)).await?;
    Ok(answer(&state, &site, &viewer, row))
}

/// The changed comment as its author sees it.
fn answer(state: &AppState, site: &Site, viewer: &Viewer, mut row: CommentRow) -> Response {
    row.status = Status::as_its_author_sees(&row.status).to_string();
    let none = HashSet::new();
    let seen = SeenBy::new(state, site, (viewer.reader_id(), viewer.user_id()), &none);
    axum::Json(Changed {
        comment: CommentView::of(row, &seen),
    })
    .into_response()
}
