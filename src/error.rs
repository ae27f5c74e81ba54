//! One error type for every failure a client can see.
//!
//! Each variant maps to one HTTP status and one stable snake_case `code`; the widget translates
//! codes into the reader's language, so codes never change once shipped. Internal details (SQL
//! errors, I/O) go to the log, never to the client.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// Everything that can go wrong in a request, as the client should learn it.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The request could not be understood: malformed JSON, wrong types, missing parameters.
    #[error("{message}")]
    BadRequest {
        /// Stable code, e.g. `malformed_json`.
        code: &'static str,
        /// Human explanation.
        message: String,
    },
    /// A field was understood but its value is not acceptable.
    #[error("{message}")]
    Invalid {
        /// Stable code naming the problem, e.g. `invalid_url`.
        code: &'static str,
        /// Human explanation.
        message: String,
    },
    /// The `site` parameter names no configured site.
    #[error("unknown site")]
    UnknownSite,
    /// A resource (route, comment) does not exist.
    #[error("not found")]
    NotFound,
    /// A write came from a browser origin the site does not allow (or none at all).
    #[error("origin not allowed")]
    OriginNotAllowed,
    /// The site does not accept comments from guests.
    #[error("guests not allowed")]
    GuestsNotAllowed,
    /// Allowed for others, not for this caller (e.g. a moderator on another site's comment).
    #[error("{message}")]
    Forbidden {
        /// Stable code, e.g. `not_your_site`.
        code: &'static str,
        /// Human explanation.
        message: String,
    },
    /// The author is banned (no detail that would help evading it).
    #[error("banned")]
    Banned,
    /// The same author just posted the same text on the same page.
    #[error("duplicate comment")]
    DuplicateComment,
    /// This reader already reported this comment.
    #[error("already reported")]
    AlreadyReported,
    /// This reader already likes this comment.
    #[error("already liked")]
    AlreadyLiked,
    /// The thread no longer takes comments.
    #[error("thread locked")]
    ThreadLocked,
    /// A credential was presented but is unknown or expired.
    #[error("invalid credential")]
    InvalidCredential,
    /// The request needs the credential this browser holds (a moderator's action, the reader's
    /// own data) and came without one.
    #[error("credential required")]
    CredentialRequired,
    /// The request is understood but the thing it acts on is not in a state that allows it
    /// (e.g. pinning a comment that is not published).
    #[error("{message}")]
    Conflict {
        /// Stable code, e.g. `not_approved`.
        code: &'static str,
        /// Human explanation.
        message: String,
    },
    /// The request body is larger than the configured limit.
    #[error("payload too large")]
    PayloadTooLarge,
    /// The body is not JSON.
    #[error("unsupported media type")]
    UnsupportedMediaType,
    /// The method is not served on this path.
    #[error("method not allowed")]
    MethodNotAllowed,
    /// Too many requests from this client; try again after `retry_after_secs`.
    #[error("rate limited")]
    RateLimited {
        /// Seconds until the next request would be allowed.
        retry_after_secs: u64,
    },
    /// A dependency (the database) is not answering.
    #[error("service unavailable")]
    Unavailable,
    /// The instance is still starting (migrations running).
    #[error("starting")]
    Starting,
    /// The instance is shutting down and takes no new traffic.
    #[error("shutting down")]
    ShuttingDown,
    /// A bug or an infrastructure failure; the detail is logged, not shown.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl AppError {
    /// A 400 with a stable code.
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self::BadRequest {
            code,
            message: message.into(),
        }
    }

    /// A 403 with a stable code.
    pub fn forbidden(code: &'static str, message: impl Into<String>) -> Self {
        Self::Forbidden {
            code,
            message: message.into(),
        }
    }

    /// A 422 with a stable code.
    pub fn invalid(code: &'static str, message: impl Into<String>) -> Self {
        Self::Invalid {
            code,
            message: message.into(),
        }
    }

    /// A 409 with a stable code.
    pub fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        Self::Conflict {
            code,
            message: message.into(),
        }
    }

    /// The HTTP status this error is answered with.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::BadRequest { .. } => StatusCode::BAD_REQUEST,
            Self::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            Self::UnknownSite | Self::NotFound => StatusCode::NOT_FOUND,
            Self::Forbidden { .. }
            | Self::OriginNotAllowed
            | Self::GuestsNotAllowed
            | Self::ThreadLocked
            | Self::Banned => StatusCode::FORBIDDEN,
            Self::InvalidCredential | Self::CredentialRequired => StatusCode::UNAUTHORIZED,
            Self::DuplicateComment
            | Self::AlreadyReported
            | Self::AlreadyLiked
            | Self::Conflict { .. } => StatusCode::CONFLICT,
            Self::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Self::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Unavailable | Self::Starting | Self::ShuttingDown => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::BadRequest { code, .. }
            | Self::Invalid { code, .. }
            | Self::Forbidden { code, .. }
            | Self::Conflict { code, .. } => code,
            Self::UnknownSite => "unknown_site",
            Self::NotFound => "not_found",
            Self::OriginNotAllowed => "origin_not_allowed",
            Self::GuestsNotAllowed => "guests_not_allowed",
            Self::ThreadLocked => "thread_locked",
            Self::Banned => "banned",
            Self::DuplicateComment => "duplicate_comment",
            Self::AlreadyReported => "already_reported",
            Self::AlreadyLiked => "already_liked",
            Self::InvalidCredential => "invalid_credential",
            Self::CredentialRequired => "credential_required",
            Self::PayloadTooLarge => "payload_too_large",
            Self::UnsupportedMediaType => "unsupported_media_type",
            Self::MethodNotAllowed => "method_not_allowed",
            Self::RateLimited { .. } => "rate_limited",
            Self::Unavailable => "unavailable",
            Self::Starting => "starting",
            Self::ShuttingDown => "shutting_down",
            Self::Internal(_) => "internal_error",
        }
    }

    /// The message shown to the client (never internal details).
    pub fn client_message(&self) -> String {
        match self {
            Self::BadRequest { message, .. }
            | Self::Invalid { message, .. }
            | Self::Forbidden { message, .. }
            | Self::Conflict { message, .. } => message.clone(),
            Self::UnknownSite => "No site with this id is configured.".into(),
            Self::NotFound => "Nothing here.".into(),
            Self::OriginNotAllowed => "This site does not accept writes from this origin.".into(),
            Self::GuestsNotAllowed => "Sign in to comment on this site.".into(),
            Self::ThreadLocked => "Comments are closed.".into(),
            Self::Banned => "You cannot comment here.".into(),
            Self::DuplicateComment => "You already posted this comment.".into(),
            Self::AlreadyReported => "You already reported this comment.".into(),
            Self::AlreadyLiked => "You already like this comment.".into(),
            Self::InvalidCredential => "Your sign-in has expired.".into(),
            Self::CredentialRequired => {
                "Send the credential this browser holds (Authorization: Bearer).".into()
            }
            Self::PayloadTooLarge => "The request body is too large.".into(),
            Self::UnsupportedMediaType => "Send JSON with Content-Type: application/json.".into(),
            Self::MethodNotAllowed => "This method is not allowed here.".into(),
            Self::RateLimited { retry_after_secs } => {
                format!("Too many requests; try again in {retry_after_secs} seconds.")
            }
            Self::Unavailable => "The service is temporarily unavailable.".into(),
            Self::Starting => "The service is starting; try again in a moment.".into(),
            Self::ShuttingDown => "This instance is shutting down.".into(),
            Self::Internal(_) => "Something went wrong on our side.".into(),
        }
    }
}

impl From<sqlx::Error> for AppError {
    fn from(err: sqlx::Error) -> Self {
        Self::Internal(err.into())
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status();
        if let Self::Internal(err) = &self {
            tracing::error!(error = ?err, "internal error");
        }
        let body = json!({"error": {"code": self.code(), "message": self.client_message()}});
        let mut response = (status, Json(body)).into_response();
        if let Self::RateLimited { retry_after_secs } = self {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
        }
        response
    }
}

/// Result alias for handlers and domain functions.
pub type AppResult<T> = Result<T, AppError>;
