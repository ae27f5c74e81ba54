//! The `Viewer` extractor: anonymous, or the reader behind a valid credential.
//!
//! A credential that is present but unknown or expired is an error (`invalid_credential`), not an
//! anonymous visitor: the widget then drops it and asks again without one.

use axum::extract::FromRequestParts;
use axum::http::HeaderMap;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;

use super::credential::{Credential, LIFETIME_MS, hash_token};
use crate::error::AppError;
use crate::state::AppState;
use crate::store::credentials::{Holder, ReaderRow};
use crate::store::{self};

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

    /// The credential a reader's action (a report, a like) is recorded under: the one the
    /// browser holds, or a new one for a browser without, whose token goes back to it once.
    pub fn holder(&self) -> (Holder, Option<String>) {
        match self.reader_id() {
            Some(id) => (Holder::Existing(id), None),
            None => {
                let new = Credential::generate();
                let holder = Holder::Issue {
                    token_hash: new.hash,
                    expires_at: store::now_ms() + LIFETIME_MS,
                };
                (holder, Some(new.token))
            }
        }
    }

    /// Who this reader is for likes: their account across all their browsers (`u:ID`) when
    /// signed in, else this browser's credential (`r:ID`); `None` without a credential.
    pub fn voter(&self) -> Option<String> {
        match (self.user_id(), self.reader_id()) {
            (None, None) => None,
            (user, reader) => Some(crate::store::likes::voter(user, reader.unwrap_or_default())),
        }
    }

    /// Whether this reader wrote a comment with these author columns: the same account, or the
    /// same browser credential.
    pub fn wrote(&self, reader_id: Option<i64>, user_id: Option<i64>) -> bool {
        is_author((self.reader_id(), self.user_id()), (reader_id, user_id))
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

/// Whether the reader holding credential and account `(reader_id, user_id)` wrote a comment
/// whose author columns are `(by_reader, by_user)`: the same account in any browser, or the same
/// browser credential.
pub fn is_author(
    (reader_id, user_id): (Option<i64>, Option<i64>),
    (by_reader, by_user): (Option<i64>, Option<i64>),
) -> bool {
    (user_id.is_some() && by_user == user_id) || (reader_id.is_some() && by_reader == reader_id)
}
