//! `POST /admin/act`: acting on comments from a queue, one card or many at once. What an
//! action does is the moderation domain's (`moderation::actions`, `moderation::pins`).

use axum::extract::State;
use axum::response::Redirect;

use super::error::AdminError;
use super::guard::{AdminForm, Moderator};
use crate::moderation::actions::{self, Action};
use crate::moderation::pins;
use crate::state::AppState;

/// What a card's button (or the bulk bar) asks for.
#[derive(Debug, Clone, Copy)]
enum CardAction {
    /// A change of status.
    Status(Action),
    /// Close the readers' reports.
    Dismiss,
    /// Pin (`true`) or unpin a published comment.
    Pin(bool),
}

impl CardAction {
    fn parse(word: &str) -> Option<Self> {
        match word {
            "dismiss" => Some(Self::Dismiss),
            "pin" => Some(Self::Pin(true)),
            "unpin" => Some(Self::Pin(false)),
            word => Action::parse(word).map(Self::Status),
        }
    }
}

/// `POST /admin/act`: `act=approve:12` for one card, or `act=approve` with checked `ids`.
pub async fn act(State(state): State<AppState>, form: AdminForm) -> Result<Redirect, AdminError> {
    let act = form
        .get("act")
        .ok_or_else(|| AdminError::BadRequest("No action chosen.".into()))?;
    let (word, one) = match act.split_once(':') {
        Some((word, id)) => (word, Some(id)),
        None => (act, None),
    };
    let action = CardAction::parse(word)
        .ok_or_else(|| AdminError::BadRequest(format!("Unknown action {word:?}.")))?;
    let ids: Vec<i64> = match one {
        Some(id) => vec![
            id.parse()
                .map_err(|_| AdminError::BadRequest("Bad comment id.".into()))?,
        ],
        None => form.all("ids").filter_map(|id| id.parse().ok()).collect(),
    };
    if ids.is_empty() {
        return Err(AdminError::BadRequest("Tick at least one comment.".into()));
    }
    let me: &Moderator = &form.moderator;
    for id in ids {
        let allowed = |site: &str| me.may_moderate(site);
        let desk = state.desk();
        match action {
            CardAction::Status(action) => {
                actions::apply(desk, id, action, &me.actor(), allowed).await?
            }
            CardAction::Dismiss => actions::dismiss_reports(desk, id, &me.actor(), allowed).await?,
            CardAction::Pin(pinned) => {
                pins::set_pinned(desk, id, pinned, &me.actor(), allowed).await?;
            }
        }
    }
    Ok(Redirect::to(&back_to(form.get("back"))))
}

/// Only ever redirect within the admin pages.
pub fn back_to(back: Option<&str>) -> String {
    match back {
        Some(path)
            if path.starts_with("/admin") && !path.contains("//") && !path.contains('\\') =>
        {
            path.to_string()
        }
        _ => "/admin".to_string(),
    }
}
