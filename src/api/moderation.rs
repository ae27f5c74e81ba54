//! `POST /api/comments/{id}/moderation`: a moderator acts on a comment from the widget — an
//! admin-page account signed in there, or a reader signed in with an identity the site lists in
//! `sites.moderators` (see `auth::moderators`). What each action does is the moderation
//! domain's (`moderation::in_widget`), the same as from the admin pages.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use serde::{Deserialize, Serialize};

use crate::auth::{Viewer, moderators};
use crate::client_ip::ClientIp;
use crate::error::{AppError, AppResult};
use crate::extract::AppJson;
use crate::moderation::in_widget::{self, WidgetAction};
use crate::state::AppState;
use crate::store;

/// What to do.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModerationInput {
    /// `approve`, `reject`, `spam`, `delete`, `pin`, `unpin` or `ban`.
    action: String,
    /// For `ban`: how many days (0 or absent: for good).
    #[serde(
        default,
        deserialize_with = "crate::comments::whole_number::optional_i64"
    )]
    days: Option<i64>,
}

/// The comment after the action.
#[derive(Debug, Serialize)]
pub struct Moderated {
    id: i64,
    status: String,
    pinned: bool,
}

/// Acts on comment `id`. Checked in this order: `Origin` present (403 `origin_not_allowed`),
/// the id (404 `not_found`), the comment (404), `Origin` is the comment's site's or
/// replybox's own (403), the client's moderation budget (429), a moderator of that site (401
/// `credential_required`, 403 `not_a_moderator`), the action (422 `invalid_action`,
/// `invalid_days`, `invalid_ban`; 409 `not_approved` to pin or unpin a comment that is not
/// published).
pub async fn act(
    State(state): State<AppState>,
    Path(id): Path<String>,
    // Judged in its turn: a bad credential without `Origin` is still an origin refusal.
    viewer: Result<Viewer, AppError>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    AppJson(input): AppJson<ModerationInput>,
) -> AppResult<Json<Moderated>> {
    let (id, _, site) = super::comment_in_reach(&state, &id, &headers, false).await?;
    state.limits.check_moderation(ip).await?;
    let moderator = moderators::acting(&state, &viewer?, &site).await?;
    let action = WidgetAction::parse(&input.action, input.days)?;
    in_widget::apply(state.desk(), id, action, &moderator.actor, |s| {
        s == site.id()
    })
    .await?;
    let (status, pinned) = store::pins::standing(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(Json(Moderated { id, status, pinned }))
}
