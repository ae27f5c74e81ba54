//! `POST /api/comments/{id}/likes` (a reader likes a published comment) and `DELETE` (takes the
//! like back). Behind the same rules as posting: the site's origins and a per-client rate limit
//! (`limits.likes_per_minute`). One like per reader — an account across all its browsers, or a
//! guest's browser — counted by the server; never one's own comment. A browser without a
//! credential gets one with its first like, as a guest's first comment does.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::auth::Viewer;
use crate::client_ip::ClientIp;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::store::{self, likes};

/// The comment's likes after the change.
#[derive(Debug, Serialize)]
struct Likes {
    /// Readers who like it.
    likes: i64,
    /// Whether this reader does.
    liked: bool,
    /// A new credential, for a browser that had none.
    #[serde(skip_serializing_if = "Option::is_none")]
    credential: Option<String>,
}

/// Likes comment `id`: 201 with the new count; 409 `already_liked` the second time, 403
/// `own_comment` for the reader's own, 404 for a comment that is not public.
pub async fn like(
    State(state): State<AppState>,
    Path(id): Path<String>,
    viewer: Viewer,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
) -> AppResult<Response> {
    let (id, comment, site) = super::comment_in_reach(&state, &id, &headers, true).await?;
    if viewer.wrote(comment.reader_id, comment.user_id) {
        return Err(AppError::forbidden(
            "own_comment",
            "You cannot like your own comment.",
        ));
    }
    state.limits.check_like(site.id(), ip).await?;
    let (holder, issued) = viewer.holder();
    let new = likes::NewLike {
        comment_id: id,
        holder,
        user_id: viewer.user_id(),
        now: store::now_ms(),
    };
    let liked = likes::like(&state.db, &new).await?;
    if !liked.changed {
        return Err(AppError::AlreadyLiked);
    }
    state.caches.page_changed(&comment.site, &comment.uri);
    let body = Likes {
        likes: liked.likes,
        liked: true,
        credential: issued,
    };
    Ok((StatusCode::CREATED, axum::Json(body)).into_response())
}

/// Takes this reader's like of comment `id` back: 200 with the count (also when there was none).
pub async fn unlike(
    State(state): State<AppState>,
    Path(id): Path<String>,
    viewer: Viewer,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
) -> AppResult<Response> {
    let (id, comment, site) = super::comment_in_reach(&state, &id, &headers, true).await?;
    state.limits.check_like(site.id(), ip).await?;
    let unliked = match viewer.voter() {
        Some(voter) => likes::unlike(&state.db, id, &voter).await?,
        None => likes::Liked {
            changed: false,
            likes: likes::count(&state.db, id).await?,
        },
    };
    // Only a like taken back changes the page (every instance forgets it when told).
    if unliked.changed {
        state.caches.page_changed(&comment.site, &comment.uri);
    }
    let body = Likes {
        likes: unliked.likes,
        liked: false,
        credential: None,
    };
    Ok(axum::Json(body).into_response())
}
