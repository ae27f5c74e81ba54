//! The `Viewer` extractor: anonymous, or the reader behind a valid credential.
//!
//! A credential that is present but unknown or expired is an error (`invalid_credential`), not an
//! anonymous visitor: the widget then drops it and asks again without one.

use axum::extract::FromRequestParts;
use axum::http::HeaderMap;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;

use super::credential::hash_token;
use crate::error::AppError;
use crate::state::AppState;
use crate::store::{self, credentials::ReaderRow};

/// The person behind a request, as far as replybox knows.
#[derive(Debug, Clone, Default)]
pub struct Viewer {
    /// The credential's reader, `None` for an anonymous request.
    pub reader: Option<ReaderRow>,
}

impl Viewer {
    /// The reader id, for recognising "mine".
    pub fn reader_id(&self) -> Option<i64> {
        self.reader.as_ref().map(|reader| reader.id)
    }

    /// The signed-in account, if any.
    pub fn user_id(&self) -> Option<i64> {
        self.reader.as_ref().and_then(|reader| reader.user_id)
    }

    /// The viewer behind these request headers: what the extractor does, for a handler that
    /// must refuse some requests (a write without `Origin`) before it looks anyone up.
    pub async fn from_headers(headers: &HeaderMap, state: &AppState) -> Result<Self, AppError> {
        let Some(value) = headers.get(AUTHORIZATION) else {
            return Ok(Self::default());
        };
        let token = value
            .to_str()
            .ok()
            .and_then(|value| value.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|token| !token.is_empty() && token.len() <= 128)
            .ok_or(AppError::InvalidCredential)?;
        let reader =
            store::credentials::find_by_token(&state.db, &hash_token(token), store::now_ms())
                .await?
                .ok_or(AppError::InvalidCredential)?;
        Ok(Self {
            reader: Some(reader),
        })
    }
}

impl FromRequestParts<AppState> for Viewer {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        Self::from_headers(&parts.headers, state).await
    }
}
