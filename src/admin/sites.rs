//! A site's moderation settings: watched and blocked words, trusted authors, thread locks.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, Redirect};

use super::error::AdminError;
use super::guard::{AdminForm, Moderator};
use crate::state::AppState;
use crate::store::moderation::NewAuditEntry;
use crate::store::site_rules::TrustedRow;
use crate::store::{self};

#[derive(Template)]
#[template(path = "admin/site.html")]
struct SitePage {
    me: String,
    csrf: String,
    site: String,
    watched: String,
    blocked: String,
    trusted: Vec<TrustedRow>,
}

fn allowed(state: &AppState, me: &Moderator, site: &str) -> Result<(), AdminError> {
    if state.sites.get(site).is_err() {
        return Err(AdminError::NotFound);
    }
    if !me.may_moderate(site) {
        return Err(AdminError::Forbidden(
            "You do not moderate that site.".into(),
        ));
    }
    Ok(())
}

/// `GET /admin/sites/{site}`
pub async fn show(
    State(state): State<AppState>,
    me: Moderator,
    Path(site): Path<String>,
) -> Result<Html<String>, AdminError> {
    allowed(&state, &me, &site)?;
    let page = SitePage {
        me: me.account.name.clone(),
        csrf: me.csrf.clone(),
        watched: store::site_rules::word_list(&state.db, &site, "watched").await?,
        blocked: store::site_rules::word_list(&state.db, &site, "blocked").await?,
        trusted: store::site_rules::trusted(&state.db, &site).await?,
        site,
    };
    Ok(Html(page.render()?))
}

async fn audit(
    state: &AppState,
    site: &str,
    me: &Moderator,
    action: &str,
    detail: String,
) -> Result<(), AdminError> {
    let event = NewAuditEntry {
        site,
        comment_id: None,
        actor: &me.actor(),
        action,
        before: None,
        after: None,
        detail: Some(detail),
    };
    store::moderation::record(&state.db, &event, store::now_ms()).await?;
    Ok(())
}

/// `POST /admin/sites/{site}/words`
pub async fn words(
    State(state): State<AppState>,
    Path(site): Path<String>,
    form: AdminForm,
) -> Result<Redirect, AdminError> {
    allowed(&state, &form.moderator, &site)?;
    for list in ["watched", "blocked"] {
        let words = form.get(list).unwrap_or_default().replace("\r\n", "\n");
        store::site_rules::set_word_list(&state.db, &site, list, words.trim()).await?;
    }
    audit(
        &state,
        &site,
        &form.moderator,
        "word_lists",
        "watched and blocked words saved".into(),
    )
    .await?;
    Ok(Redirect::to(&format!("/admin/sites/{site}")))
}

/// `POST /admin/trusted/{id}/remove`
pub async fn distrust(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    form: AdminForm,
) -> Result<Redirect, AdminError> {
    // Check the site before deleting: look it up among the sites this moderator may see.
    let mut site_of_row = None;
    for site in form.moderator.sites(&state) {
        if store::site_rules::trusted(&state.db, &site)
            .await?
            .iter()
            .any(|row| row.id == id)
        {
            site_of_row = Some(site);
            break;
        }
    }
    let site = site_of_row.ok_or(AdminError::NotFound)?;
    store::site_rules::distrust(&state.db, id).await?;
    audit(
        &state,
        &site,
        &form.moderator,
        "distrust",
        format!("trusted author #{id} removed"),
    )
    .await?;
    Ok(Redirect::to(&format!("/admin/sites/{site}")))
}

/// `POST /admin/sites/{site}/lock`: lock (`locked=1`) or unlock a page's thread.
pub async fn lock(
    State(state): State<AppState>,
    Path(site): Path<String>,
    form: AdminForm,
) -> Result<Redirect, AdminError> {
    allowed(&state, &form.moderator, &site)?;
    let uri = form
        .text("uri")
        .ok_or_else(|| AdminError::BadRequest("Which page?".into()))?;
    let locked = form.get("locked") == Some("1");
    if !store::site_rules::set_thread_locked(&state.db, &site, uri, locked).await? {
        return Err(AdminError::BadRequest(format!(
            "Nobody has commented on {uri} yet."
        )));
    }
    state.caches.page_changed(&site, uri);
    audit(
        &state,
        &site,
        &form.moderator,
        if locked { "lock" } else { "unlock" },
        uri.to_string(),
    )
    .await?;
    Ok(Redirect::to(
        &super::actions::back_to(form.get("back"))
            .replace("/admin?", &format!("/admin/sites/{site}?")),
    ))
}
