//! `GET /api/comments` (a page's thread) and `POST /api/comments` (a new comment).

use std::collections::HashSet;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use super::view::{CommentView, SeenBy, SiteView, ThreadPage, ThreadView};
use crate::auth::Viewer;
use crate::client_ip::ClientIp;
use crate::comments::{self, CommentInput};
use crate::error::AppResult;
use crate::extract::{AppJson, AppQuery};
use crate::moderation::Status;
use crate::state::AppState;
use crate::store;

/// Which page's thread to read.
#[derive(Debug, Deserialize)]
pub struct ThreadQuery {
    site: String,
    uri: String,
}

/// The page's visible comments, oldest first; an unknown page is an empty thread, and an address
/// that cannot be a page of the site is refused as on `POST` (`invalid_uri`).
pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    AppQuery(query): AppQuery<ThreadQuery>,
) -> AppResult<Response> {
    let site = state.sites.get(&query.site)?;
    let uri = comments::page_uri(&site, &query.uri)?.to_string();
    let anonymous = viewer.reader.is_none();
    let key = (query.site, uri);
    if anonymous {
        if let Some(body) = state.caches.threads.get(&key) {
            return Ok(json_bytes(body));
        }
    }
    let version = state.caches.version();
    let (site_id, uri) = &key;
    let signed_in = crate::auth::signed_in_viewer(&state, &viewer, Some(&site)).await?;
    let moderator = signed_in.as_ref().is_some_and(|v| v.moderator);
    let thread = store::threads::find(&state.db, site_id, uri).await?;
    let rows = match &thread {
        Some(thread) => {
            let author = (viewer.reader_id(), viewer.user_id());
            store::comments::visible_in_thread(&state.db, thread.id, author, moderator).await?
        }
        None => Vec::new(),
    };
    let liked: HashSet<i64> = match (&thread, viewer.voter()) {
        (Some(thread), Some(voter)) => store::likes::liked_in_thread(&state.db, thread.id, &voter)
            .await?
            .into_iter()
            .collect(),
        _ => HashSet::new(),
    };
    let seen = SeenBy::new(
        &state,
        &site,
        (viewer.reader_id(), viewer.user_id()),
        &liked,
    );
    let comments: Vec<CommentView> = rows
        .into_iter()
        .map(|row| CommentView::of(row, &seen))
        .collect();
    let page = ThreadPage {
        site: SiteView::of(&site, &state.auth, state.config.smtp.is_some()),
        thread: ThreadView {
            uri,
            title: thread.as_ref().and_then(|t| t.title.as_deref()),
            count: comments.iter().filter(|c| c.is_approved()).count(),
            locked: thread.as_ref().is_some_and(|t| {
                t.locked || site.is_closed_by_age(Some(t.created_at), store::now_ms())
            }),
        },
        comments,
        viewer: signed_in,
    };
    let body = Bytes::from(serde_json::to_vec(&page).map_err(anyhow::Error::from)?);
    // Only pages that have a thread are remembered: any address can be asked for, and an
    // unknown page costs one index probe, not memory.
    if anonymous && thread.is_some() {
        let caches = &state.caches;
        caches
            .threads
            .put_if(key, body.clone(), || caches.unchanged_since(version));
    }
    Ok(json_bytes(body))
}

/// Posts a comment; 201 with the comment as the author sees it.
pub async fn create(
    State(state): State<AppState>,
    viewer: Viewer,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    AppJson(input): AppJson<CommentInput>,
) -> AppResult<Response> {
    // Without `Origin` nothing is written anywhere: refused before the site is even looked up.
    if !headers.contains_key(header::ORIGIN) {
        return Err(crate::error::AppError::OriginNotAllowed);
    }
    let site = state.sites.get(&input.site)?;
    super::check_write_origin(&state, &site, &headers)?;
    state.limits.check_write(site.id(), ip).await?;
    let submitted = comments::submit(&state, &site, &viewer, ip, input).await?;
    // The author always sees their own comment as theirs; one judged spam looks merely held,
    // which teaches a spammer nothing about the rules.
    let reader = submitted.comment.reader_id;
    let mut row = submitted.comment;
    row.status = Status::as_its_author_sees(&row.status).to_string();
    let none = HashSet::new();
    let seen = SeenBy::new(&state, &site, (reader, row.user_id), &none);
    let body = Created {
        comment: CommentView::of(row, &seen),
        credential: submitted.credential,
    };
    Ok((StatusCode::CREATED, axum::Json(body)).into_response())
}

/// The answer to a new comment.
#[derive(Serialize)]
struct Created {
    comment: CommentView,
    /// A guest's new credential, for their browser to keep.
    #[serde(skip_serializing_if = "Option::is_none")]
    credential: Option<String>,
}

fn json_bytes(body: Bytes) -> Response {
    let mut response = body.into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}
