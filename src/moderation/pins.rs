//! Pinning: a moderator puts a published comment first in its thread (the widget shows pinned
//! comments first), or takes it back. From the admin card or the widget alike: checked against
//! the moderator's sites, logged as `pin` / `unpin`, and the page's cached thread forgotten.

use super::actions::{self, Desk};
use crate::error::{AppError, AppResult};
use crate::store::{self, pins::Pinning};

/// Pins comment `id` (`pinned`) or unpins it on behalf of `actor`: `not_found`,
/// `not_your_site` (a site `allowed` refuses), or 409 `not_approved` for a comment that is not
/// published. Pinning a pinned comment (or unpinning one that is not) changes nothing and
/// logs nothing.
pub async fn set_pinned(
    desk: Desk<'_>,
    id: i64,
    pinned: bool,
    actor: &str,
    allowed: impl Fn(&str) -> bool,
) -> AppResult<()> {
    let comment = actions::to_moderate(desk, id, allowed).await?;
    match store::pins::set(desk.db, id, pinned, actor, store::now_ms()).await? {
        Pinning::NotFound => Err(AppError::NotFound),
        Pinning::NotApproved => Err(AppError::conflict(
            "not_approved",
            "Only a published comment can be pinned or unpinned.",
        )),
        Pinning::Unchanged => Ok(()),
        Pinning::Changed => {
            desk.page_changed(&comment.site, &comment.uri);
            Ok(())
        }
    }
}
