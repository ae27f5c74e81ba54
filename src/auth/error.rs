//! Why a sign-in did not finish, as the popup page and the widget show it. Each reason has a
//! stable snake_case code (the widget translates it) and a status; details go to the log only.

use axum::http::StatusCode;

/// A failed sign-in.
#[derive(Debug)]
pub struct SignInError {
    /// Stable code, e.g. `invalid_state`.
    pub code: &'static str,
    /// The status the popup page is answered with.
    pub status: StatusCode,
    /// What the log gets (never shown to the reader).
    pub detail: String,
    /// For `rate_limited`: seconds until the client may try again (`Retry-After`).
    pub retry_after_secs: Option<u64>,
}

impl SignInError {
    fn new(code: &'static str, status: StatusCode, detail: impl Into<String>) -> Self {
        Self {
            code,
            status,
            detail: detail.into(),
            retry_after_secs: None,
        }
    }

    /// This client started too many sign-ins.
    pub fn rate_limited(retry_after_secs: u64) -> Self {
        Self {
            retry_after_secs: Some(retry_after_secs),
            ..Self::new(
                "rate_limited",
                StatusCode::TOO_MANY_REQUESTS,
                "too many sign-ins from this address",
            )
        }
    }

    /// The callback does not belong to a sign-in this browser started (missing or wrong
    /// `state`, or no sign-in pending in this session: login CSRF).
    pub fn invalid_state(detail: impl Into<String>) -> Self {
        Self::new("invalid_state", StatusCode::BAD_REQUEST, detail)
    }

    /// The reader said no at the provider.
    pub fn denied() -> Self {
        Self::new("sign_in_denied", StatusCode::FORBIDDEN, "consent denied")
    }

    /// The provider refused the code or answered something unusable.
    pub fn provider(detail: impl Into<String>) -> Self {
        Self::new("sign_in_failed", StatusCode::BAD_GATEWAY, detail)
    }

    /// The code exchange was refused (reused or forged code, wrong PKCE verifier, wrong secret).
    pub fn token(detail: impl Into<String>) -> Self {
        Self::new("sign_in_failed", StatusCode::BAD_REQUEST, detail)
    }

    /// The id_token failed a check: signature, `iss`, `aud`, `exp` or `nonce`.
    pub fn id_token(detail: impl Into<String>) -> Self {
        Self::new("invalid_id_token", StatusCode::BAD_REQUEST, detail)
    }

    /// The provider did not answer in time, or could not be reached.
    pub fn unavailable(detail: impl Into<String>) -> Self {
        Self::new("provider_unavailable", StatusCode::BAD_GATEWAY, detail)
    }

    /// The provider's address is not one replybox may connect to.
    pub fn refused(detail: impl Into<String>) -> Self {
        Self::new("provider_refused", StatusCode::BAD_REQUEST, detail)
    }

    /// A bad request to `/auth/...` (unknown provider or site, foreign return URL...).
    pub fn bad_request(code: &'static str, detail: impl Into<String>) -> Self {
        Self::new(code, StatusCode::BAD_REQUEST, detail)
    }

    /// An admin-page account asked to moderate a site in the widget that it may not act on.
    pub fn not_a_moderator() -> Self {
        Self::new(
            "not_a_moderator",
            StatusCode::FORBIDDEN,
            "the account does not moderate this site",
        )
    }

    /// The provider id names no configured provider, or the site does not offer it.
    pub fn unknown_provider() -> Self {
        Self::new(
            "unknown_provider",
            StatusCode::NOT_FOUND,
            "unknown provider",
        )
    }

    /// replybox itself failed (the database).
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        Self::new(
            "internal_error",
            StatusCode::INTERNAL_SERVER_ERROR,
            detail.to_string(),
        )
    }

    /// The sentence the reader sees.
    pub fn message(&self) -> &'static str {
        match self.code {
            "invalid_state" => {
                "This sign-in was not started here or has expired. Close this window and try again."
            }
            "sign_in_denied" => "You did not allow the sign-in. Nothing was shared.",
            "sign_in_failed" | "invalid_id_token" => {
                "The provider's answer could not be accepted. Please try again."
            }
            "provider_unavailable" => "The provider is not answering. Please try again later.",
            "provider_refused" => "replybox may not connect to that address.",
            "unknown_provider" => "This sign-in option is not offered here.",
            "unknown_site" => "This comment section is not set up correctly (unknown site).",
            "invalid_return" => "The page to return to is not part of this site.",
            "invalid_instance" => "Please enter your Mastodon instance, like mastodon.social.",
            "rate_limited" => "Too many sign-ins from here. Please wait a minute and try again.",
            "not_a_moderator" => "This account does not moderate this site.",
            _ => "Something went wrong. Please try again.",
        }
    }
}

impl std::fmt::Display for SignInError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.detail)
    }
}
