//! `POST /api/preview`: the markdown a reader is writing, as it will be published — rendered
//! and cleaned by the server's one HTML policy (`render.rs`), so the preview cannot differ from
//! the comment and the widget carries no renderer or sanitiser of its own.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, header};
use serde::{Deserialize, Serialize};

use crate::comments::comment_body;
use crate::error::{AppError, AppResult};
use crate::extract::AppJson;
use crate::state::AppState;

/// What to preview.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PreviewInput {
    /// Site id (whose origins may ask).
    site: String,
    /// Markdown.
    body: String,
}

/// The published form.
#[derive(Debug, Serialize)]
pub struct Preview {
    /// Sanitised HTML, as the comment would show it (empty for an empty text).
    html: String,
}

/// Renders `body` as a comment would be: 200 `{"html"}`; 422 `comment_too_long` over the limit.
pub async fn preview(
    State(state): State<AppState>,
    headers: HeaderMap,
    AppJson(input): AppJson<PreviewInput>,
) -> AppResult<Json<Preview>> {
    if !headers.contains_key(header::ORIGIN) {
        return Err(AppError::OriginNotAllowed);
    }
    let site = state.sites.get(&input.site)?;
    super::check_write_origin(&state, &site, &headers)?;
    // The text as a post would store it; nothing written yet previews as nothing.
    let html = match comment_body(&input.body, state.config.limits.max_comment_chars) {
        Ok(text) => crate::render::comment_html(&text),
        Err(empty) if empty.code() == "comment_empty" => String::new(),
        Err(refused) => return Err(refused),
    };
    Ok(Json(Preview { html }))
}
