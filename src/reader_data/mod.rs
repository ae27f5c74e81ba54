//! A reader's own data: everything replybox holds about the identity behind a browser's
//! credential, as one JSON document to download ([`export`], shaped in [`document`]), and its
//! deletion ([`delete`]) — "Your data" in the widget.
//!
//! Who the reader is: signed in, the whole account across all their browsers (every credential
//! of the user, comments by the account, likes as `u:ID`); a guest, their one browser credential
//! (its comments, likes as `r:ID`). Addresses count as theirs only when proven — by a
//! verification link one of their credentials asked for, or a sign-in identity's address its
//! provider verified — never because they were typed: anyone can type anyone's address.
//!
//! Deletion is one transaction ([`crate::store::reader_data::erase`]): nothing half-deleted.
//! Bans and trusted-author records are the moderators' and stay (a ban must survive).

use serde::Serialize;

use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::store::{self, reader_data as stored};

pub mod document;

pub use document::{Document, export};
pub use stored::{CommentsFate, Owner};

/// The reader's choice for their comments: `tombstone` (each keeps its place, erased) or
/// `remove` (gone, except those others replied to, which stay as erased tombstones); anything
/// else is 422 `invalid_choice`.
pub fn comments_fate(word: &str) -> AppResult<CommentsFate> {
    match word {
        "tombstone" => Ok(CommentsFate::Tombstone),
        "remove" => Ok(CommentsFate::Remove),
        _ => Err(AppError::invalid(
            "invalid_choice",
            "comments is tombstone or remove.",
        )),
    }
}

/// What a deletion took away (the answer to `DELETE /api/me/data`).
#[derive(Debug, Serialize)]
pub struct Deleted {
    /// Comments erased: `removed` + `tombstones`.
    comments: u64,
    /// Comment rows gone.
    removed: u64,
    /// Comments kept, erased, as tombstones (all of them with `tombstone`; with `remove`, those
    /// others replied to).
    tombstones: u64,
    likes: u64,
    reports: u64,
    subscriptions: u64,
    /// Proven addresses.
    emails: u64,
    /// Browsers signed out (credentials revoked).
    credentials: u64,
    /// The account was deleted (signed-in readers).
    account: bool,
}

/// Deletes everything replybox holds about `owner` (see the store's `erase` for what exactly),
/// then has every instance forget the pages it changed.
pub async fn delete(state: &AppState, owner: Owner, fate: CommentsFate) -> AppResult<Deleted> {
    let desk = state.desk();
    let tombstone_avatar = state.fingerprints.guest_avatar_path(None, "");
    let erased = stored::erase(
        &state.db,
        &stored::Erasure {
            owner,
            comments: fate,
            tombstone_avatar: &tombstone_avatar,
            record_events: desk.record_events,
            now: store::now_ms(),
        },
    )
    .await?;
    for (site, uri) in &erased.pages {
        desk.page_changed(site, uri);
    }
    let sum = |count: fn(&stored::SiteCounts) -> u64| erased.sites.values().map(count).sum();
    let (removed, tombstones) = (sum(|c| c.removed), sum(|c| c.tombstones));
    Ok(Deleted {
        comments: removed + tombstones,
        removed,
        tombstones,
        likes: sum(|c| c.likes),
        reports: sum(|c| c.reports),
        subscriptions: sum(|c| c.subscriptions),
        emails: erased.emails,
        credentials: erased.credentials,
        account: erased.account,
    })
}
