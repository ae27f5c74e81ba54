//! The audit log: every moderator action — who, when, what, the status before and after.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Html;
use serde::Deserialize;

use super::error::AdminError;
use super::guard::Moderator;
use crate::state::AppState;
use crate::store::{self, moderation::AuditEntry};
use crate::time::rfc3339;

/// `GET /admin/audit` filters.
#[derive(Debug, Default, Deserialize)]
pub struct AuditQuery {
    #[serde(default)]
    actor: Option<String>,
    #[serde(default)]
    action: Option<String>,
}

#[derive(Template)]
#[template(path = "admin/audit.html")]
struct AuditPage {
    me: String,
    csrf: String,
    actor: String,
    action: String,
    events: Vec<(AuditEntry, String)>,
}

/// `GET /admin/audit`
pub async fn show(
    State(state): State<AppState>,
    me: Moderator,
    Query(query): Query<AuditQuery>,
) -> Result<Html<String>, AdminError> {
    let actor = query
        .actor
        .as_deref()
        .map(str::trim)
        .filter(|a| !a.is_empty());
    let action = query
        .action
        .as_deref()
        .map(str::trim)
        .filter(|a| !a.is_empty());
    let mut sites = me.sites(&state);
    if me.is_admin() {
        sites.push("*".into());
    }
    let events = store::moderation::audit_log(&state.db, &sites, actor, action, 300).await?;
    let page = AuditPage {
        me: me.account.name.clone(),
        csrf: me.csrf.clone(),
        actor: actor.unwrap_or_default().to_string(),
        action: action.unwrap_or_default().to_string(),
        events: events
            .into_iter()
            .map(|e| {
                let when = rfc3339(e.created_at);
                (e, when)
            })
            .collect(),
    };
    Ok(Html(page.render()?))
}
