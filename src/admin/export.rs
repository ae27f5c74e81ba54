//! `GET /admin/sites/{site}/export?format=json|wxr`: the site's comments as a download, for
//! its moderators (it carries authors' email addresses, as the admin pages do). Recorded in the
//! audit log.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::error::AdminError;
use super::guard::Moderator;
use crate::export::{self, Format};
use crate::state::AppState;
use crate::store::moderation::NewAuditEntry;
use crate::store::{self};

/// Which format to download.
#[derive(Debug, Deserialize)]
pub struct ExportQuery {
    format: Option<String>,
}

/// The download.
pub async fn download(
    State(state): State<AppState>,
    me: Moderator,
    Path(site_id): Path<String>,
    Query(query): Query<ExportQuery>,
) -> Result<Response, AdminError> {
    let site = state
        .sites
        .get(&site_id)
        .map_err(|_| AdminError::NotFound)?;
    if !me.may_moderate(site.id()) {
        return Err(AdminError::Forbidden(
            "You do not moderate that site.".into(),
        ));
    }
    let format = Format::parse(query.format.as_deref().unwrap_or("json"))
        .ok_or_else(|| AdminError::BadRequest("Export as json or wxr.".into()))?;
    let mut body = Vec::new();
    let count = export::write(&state.db, &site, format, &mut body)
        .await
        .map_err(|err| AdminError::App(crate::error::AppError::Internal(err)))?;
    let entry = NewAuditEntry {
        site: site.id(),
        comment_id: None,
        actor: &me.actor(),
        action: "export",
        before: None,
        after: None,
        detail: Some(format!("{count} comments as {}", format.extension())),
    };
    store::moderation::record(&state.db, &entry, store::now_ms()).await?;
    let file = format!(
        "attachment; filename=\"replybox-{}.{}\"",
        site.id(),
        format.extension()
    );
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(format.content_type()),
    );
    if let Ok(value) = HeaderValue::from_str(&file) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    Ok(response)
}
