//! `POST /api/comments/{id}/flags`: a reader reports a published comment. Behind the same rules
//! as posting (the site's origins, a per-client rate limit); once per reader; a browser without
//! a credential gets one, as a guest's first comment does. See [`crate::moderation::reports`].

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use crate::auth::Viewer;
use crate::client_ip::ClientIp;
use crate::error::{AppError, AppResult};
use crate::extract::AppJson;
use crate::moderation::reports::Reason;
use crate::state::AppState;
use crate::store::{self, flags};

/// The report.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FlagInput {
    /// `spam`, `abuse`, `off_topic` or `other`.
    reason: String,
}

/// The answer to a report.
#[derive(Debug, Serialize)]
struct Flagged {
    /// Always true: the report is recorded.
    reported: bool,
    /// A new credential, for a browser that had none.
    #[serde(skip_serializing_if = "Option::is_none")]
    credential: Option<String>,
}

/// Reports comment `id`: 201, 409 `already_reported` the second time, 404 for a comment that
/// is not public.
pub async fn create(
    State(state): State<AppState>,
    Path(id): Path<String>,
    viewer: Viewer,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    AppJson(input): AppJson<FlagInput>,
) -> AppResult<Response> {
    let (id, comment, site) = super::comment_in_reach(&state, &id, &headers, true).await?;
    let reason = Reason::parse(&input.reason).ok_or_else(|| {
        AppError::invalid(
            "invalid_reason",
            "A report's reason is spam, abuse, off_topic or other.",
        )
    })?;
    state.limits.check_report(site.id(), ip).await?;
    let (reporter, issued) = viewer.holder();
    let ip_hash = state.fingerprints.ip_hash(ip);
    let desk = state.desk();
    let outcome = flags::report(
        &state.db,
        &flags::NewFlag {
            comment_id: id,
            reporter,
            reason: reason.word(),
            ip_hash: &ip_hash,
            hold_at: site.config.flags_to_hold,
            record_event: desk.record_events,
            now: store::now_ms(),
        },
    )
    .await?;
    match outcome {
        flags::Reported::Again => Err(AppError::AlreadyReported),
        flags::Reported::Recorded { held, .. } => {
            if held {
                desk.page_changed(&comment.site, &comment.uri);
            } else {
                desk.mail.wake();
            }
            let body = Flagged {
                reported: true,
                credential: issued,
            };
            Ok((StatusCode::CREATED, axum::Json(body)).into_response())
        }
    }
}
