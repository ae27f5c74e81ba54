//! Who may moderate a site from the widget: an admin-page account signed in there
//! ([`super::admin_account`]) whose role or sites cover it, or a reader signed in with an
//! identity the site lists in `sites.moderators`.
//!
//! Each acts under a name the audit log keeps: `admin:NAME`, exactly as the admin pages write
//! it (one account, one name, wherever it acts), or `identity:PROVIDER:SUBJECT`, the very entry
//! of `sites.moderators` that let them in, so an operator reading the log finds the line of the
//! configuration (a display name could change or be shared; the identity cannot).

use super::Viewer;
use crate::error::{AppError, AppResult};
use crate::moderation::{actions, role};
use crate::sites::Site;
use crate::state::AppState;
use crate::store;

/// A moderator acting on a site's comments from the widget.
#[derive(Debug, Clone)]
pub struct WidgetModerator {
    /// How they appear in the audit log.
    pub actor: String,
}

/// The `(provider, subject)` a reader signed in with, if `site` lists it in `moderators`.
pub async fn listed_identity(
    state: &AppState,
    reader_id: i64,
    site: &Site,
) -> AppResult<Option<(String, String)>> {
    if site.config.moderators.is_empty() {
        return Ok(None);
    }
    let identities = store::users::identities_of_reader(&state.db, reader_id).await?;
    Ok(identities.into_iter().find(|(provider, subject)| {
        site.config.moderators.iter().any(|m| {
            m.split_once(':')
                .is_some_and(|(p, s)| p == provider && s == subject)
        })
    }))
}

/// The moderator of `site` behind a request: `credential_required` (401) without a credential,
/// `not_a_moderator` (403) for one that does not moderate the site.
pub async fn acting(state: &AppState, viewer: &Viewer, site: &Site) -> AppResult<WidgetModerator> {
    let reader = viewer.reader.as_ref().ok_or(AppError::CredentialRequired)?;
    if let Some(admin_id) = reader.admin_id {
        return match store::admins::find(&state.db, admin_id).await? {
            Some(account) if role::may_moderate(&account, site.id()) => Ok(WidgetModerator {
                actor: role::actor(&account),
            }),
            _ => Err(actions::not_a_moderator()),
        };
    }
    if reader.user_id.is_some() {
        if let Some((provider, subject)) = listed_identity(state, reader.id, site).await? {
            return Ok(WidgetModerator {
                actor: format!("identity:{provider}:{subject}"),
            });
        }
    }
    Err(actions::not_a_moderator())
}
