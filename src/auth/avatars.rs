//! Provider pictures, fetched once at sign-in (through the guarded outbound client) and served
//! by replybox under `/avatar/u/{key}`, so a reader's browser never requests anything from a
//! provider's image host. Only raster images are kept (an SVG could carry script).

use axum::extract::{Path, State};
use axum::response::Response;
use sha2::{Digest, Sha256};

use crate::error::AppError;
use crate::fingerprint::hex;
use crate::state::AppState;
use crate::store;

/// The largest picture kept.
const MAX_AVATAR_BYTES: usize = 256 * 1024;
const IMAGE_TYPES: &[&str] = &["image/png", "image/jpeg", "image/gif", "image/webp"];

/// Fetches and stores a provider picture; the path replybox serves it from, or `None` when it
/// could not be fetched or is not an acceptable image (the reader then gets an identicon).
pub async fn keep(state: &AppState, url: &str) -> Option<String> {
    let url = url::Url::parse(url).ok()?;
    let fetched = state.auth.outbound.get(&url, None).await;
    let (status, content_type, bytes) = match fetched {
        Ok(fetched) => fetched,
        Err(err) => {
            tracing::info!(error = %err, "could not fetch a provider picture");
            return None;
        }
    };
    let content_type = content_type?
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    if !status.is_success()
        || !IMAGE_TYPES.contains(&content_type.as_str())
        || bytes.is_empty()
        || bytes.len() > MAX_AVATAR_BYTES
    {
        return None;
    }
    let key = hex(&Sha256::digest(&bytes))[..32].to_string();
    if let Err(err) =
        store::users::put_avatar(&state.db, &key, &content_type, &bytes, store::now_ms()).await
    {
        tracing::warn!(error = %err, "could not store a provider picture");
        return None;
    }
    Some(format!("/avatar/u/{key}"))
}

/// `GET /avatar/u/{key}`
pub async fn serve(
    State(state): State<AppState>,
    Path(key): Path<String>,
) -> Result<Response, AppError> {
    if key.len() != 32 || !key.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(AppError::NotFound);
    }
    let (content_type, bytes) = store::users::avatar(&state.db, &key)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(crate::avatar::image(
        bytes,
        &content_type,
        crate::avatar::IMMUTABLE,
    ))
}
