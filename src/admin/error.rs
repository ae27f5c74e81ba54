//! Errors on the admin pages, answered as HTML (the pages work without JavaScript).

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};

use crate::error::AppError;
use crate::html::escape;

/// What can go wrong on an admin page.
#[derive(Debug)]
pub enum AdminError {
    /// Not signed in: go to the login page.
    SignIn,
    /// Signed in, but not allowed (or a bad CSRF token).
    Forbidden(String),
    /// The request makes no sense.
    BadRequest(String),
    /// No such thing.
    NotFound,
    /// Too many attempts.
    RateLimited(u64),
    /// Anything else.
    App(AppError),
}

impl AdminError {
    /// A session store failure.
    pub fn session(err: tower_sessions::session::Error) -> Self {
        Self::App(AppError::Internal(anyhow::anyhow!("session: {err}")))
    }
}

impl From<AppError> for AdminError {
    fn from(err: AppError) -> Self {
        Self::App(err)
    }
}

impl From<sqlx::Error> for AdminError {
    fn from(err: sqlx::Error) -> Self {
        Self::App(err.into())
    }
}

impl From<askama::Error> for AdminError {
    fn from(err: askama::Error) -> Self {
        Self::App(AppError::Internal(err.into()))
    }
}

impl IntoResponse for AdminError {
    fn into_response(self) -> Response {
        let mut retry_after = None;
        let (status, message) = match self {
            Self::SignIn => return Redirect::to("/admin/login").into_response(),
            Self::Forbidden(message) => (StatusCode::FORBIDDEN, message),
            Self::BadRequest(message) => (StatusCode::BAD_REQUEST, message),
            Self::NotFound => (StatusCode::NOT_FOUND, "There is nothing here.".to_string()),
            Self::RateLimited(secs) => {
                retry_after = Some(secs);
                (
                    StatusCode::TOO_MANY_REQUESTS,
                    format!("Too many attempts. Try again in {secs} seconds."),
                )
            }
            Self::App(err) => {
                if let AppError::Internal(inner) = &err {
                    tracing::error!(error = ?inner, "internal error on an admin page");
                }
                (err.status(), err.client_message())
            }
        };
        let page = format!(
            "<!doctype html><meta charset=utf-8><title>replybox admin</title><link rel=stylesheet href=/admin/admin.css>\
             <main class=narrow><h1>{}</h1><p>{}</p><p><a href=/admin>Back to the queue</a></p></main>",
            status.as_u16(),
            escape(&message)
        );
        let mut response = (status, Html(page)).into_response();
        if let Some(secs) = retry_after {
            response
                .headers_mut()
                .insert(axum::http::header::RETRY_AFTER, secs.into());
        }
        response
    }
}
