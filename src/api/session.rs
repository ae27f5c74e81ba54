//! `GET /api/session` (who am I) and `DELETE /api/session` (forget my credential).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::auth::{self, Viewer};
use crate::error::AppResult;
use crate::extract::AppQuery;
use crate::state::AppState;
use crate::store;

/// `GET /api/session` parameters: the site whose `moderator` flag the viewer carries.
#[derive(Debug, Deserialize)]
pub struct SessionQuery {
    site: Option<String>,
}

/// The signed-in viewer, or `{"viewer": null}` for guests and anonymous readers. With `?site=S`,
/// `viewer.moderator` says whether they moderate S.
pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    AppQuery(query): AppQuery<SessionQuery>,
) -> AppResult<Json<Value>> {
    let site = match &query.site {
        Some(id) => Some(state.sites.get(id)?),
        None => None,
    };
    let signed_in = auth::signed_in_viewer(&state, &viewer, site.as_deref()).await?;
    Ok(Json(json!({ "viewer": signed_in })))
}

/// Ends the presented credential server-side; the browser's copy stops working at once.
pub async fn sign_out(State(state): State<AppState>, viewer: Viewer) -> AppResult<StatusCode> {
    if let Some(reader) = viewer.reader {
        store::credentials::delete(&state.db, reader.id).await?;
    }
    Ok(StatusCode::NO_CONTENT)
}
