//! `GET /api/me/data` (download everything replybox holds about the reader behind the
//! credential) and `DELETE /api/me/data` (delete it). See [`crate::reader_data`] for who the
//! reader is and what their data is.
//!
//! The download needs only the credential (a read: the read limit applies, and nothing is sent
//! without the bearer token, so no other origin can read it). The deletion is a write like any
//! other from the widget: `Origin` required and allowed for the named site, a per-client budget
//! (`check_deletion`: the comment budget, counted apart), and only then the credential (whose
//! absence is told at once, after `Origin`'s: there is nobody's data to delete).

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;

use crate::auth::Viewer;
use crate::client_ip::ClientIp;
use crate::error::{AppError, AppResult};
use crate::extract::AppJson;
use crate::reader_data::{self, Owner};
use crate::state::AppState;

/// `DELETE /api/me/data`'s body.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeleteInput {
    /// The site whose widget asks (its origins may send this request; its budget counts it).
    site: String,
    /// `tombstone` or `remove`: what becomes of the reader's comments.
    comments: String,
}

/// The reader's data as a JSON attachment (`replybox-data.json`), never cached.
pub async fn download(State(state): State<AppState>, viewer: Viewer) -> AppResult<Response> {
    let owner = owner(&viewer)?;
    let document = reader_data::export(&state, owner).await?;
    let mut response = Json(document).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"replybox-data.json\""),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

/// Deletes the reader's data in one transaction; 200 `{"deleted": {…counts}}`. Afterwards the
/// credential (every one of the account's, signed in) answers 401 `invalid_credential`.
pub async fn delete(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    AppJson(input): AppJson<DeleteInput>,
) -> AppResult<Response> {
    // Without `Origin` nothing is looked up, not the site and not the credential.
    if !headers.contains_key(header::ORIGIN) {
        return Err(AppError::OriginNotAllowed);
    }
    // Without a credential there is nobody's data to delete, whatever else the request says.
    if !headers.contains_key(header::AUTHORIZATION) {
        return Err(AppError::CredentialRequired);
    }
    let site = state.sites.get(&input.site)?;
    super::check_write_origin(&state, &site, &headers)?;
    let fate = reader_data::comments_fate(&input.comments)?;
    state.limits.check_deletion(site.id(), ip).await?;
    let viewer = Viewer::from_headers(&headers, &state).await?;
    let owner = owner(&viewer)?;
    let deleted = reader_data::delete(&state, owner, fate).await?;
    let mut response = Json(json!({ "deleted": deleted })).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

/// The identity behind the credential: signed in, the account; a guest, the browser's
/// credential. Without a credential there is nobody's data (`credential_required`).
fn owner(viewer: &Viewer) -> AppResult<Owner> {
    match (viewer.user_id(), viewer.reader_id()) {
        (Some(user_id), _) => Ok(Owner::Account { user_id }),
        (None, Some(reader_id)) => Ok(Owner::Guest { reader_id }),
        (None, None) => Err(AppError::CredentialRequired),
    }
}
