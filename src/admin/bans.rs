//! The list of bans: see them, lift them, add an email or network ban by hand.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, Redirect};

use super::error::AdminError;
use super::guard::{AdminForm, Moderator};
use crate::moderation::BanKind;
use crate::state::AppState;
use crate::store::moderation::NewAuditEntry;
use crate::store::site_rules::{BanRow, NewBan};
use crate::store::{self};
use crate::time::rfc3339;

#[derive(Template)]
#[template(path = "admin/bans.html")]
struct BansPage {
    me: String,
    csrf: String,
    bans: Vec<(BanRow, String, String)>,
    sites: Vec<String>,
}

fn visible(me: &Moderator, ban: &BanRow) -> bool {
    match &ban.site {
        Some(site) => me.may_moderate(site),
        None => true,
    }
}

/// `GET /admin/bans`
pub async fn list(
    State(state): State<AppState>,
    me: Moderator,
) -> Result<Html<String>, AdminError> {
    let bans = store::site_rules::bans(&state.db)
        .await?
        .into_iter()
        .filter(|ban| visible(&me, ban))
        .map(|ban| {
            let until = ban
                .expires_at
                .map(rfc3339)
                .unwrap_or_else(|| "for good".into());
            (ban.clone(), rfc3339(ban.created_at), until)
        })
        .collect();
    let page = BansPage {
        me: me.account.name.clone(),
        csrf: me.csrf.clone(),
        bans,
        sites: me.sites(&state),
    };
    Ok(Html(page.render()?))
}

/// `POST /admin/bans`: ban an email address or a network (CIDR) by hand.
pub async fn add(State(state): State<AppState>, form: AdminForm) -> Result<Redirect, AdminError> {
    let me = &form.moderator;
    let site = form
        .text("site")
        .ok_or_else(|| AdminError::BadRequest("Choose a site.".into()))?;
    if !me.may_moderate(site) || state.sites.get(site).is_err() {
        return Err(AdminError::Forbidden(
            "You do not moderate that site.".into(),
        ));
    }
    let kind = BanKind::parse(form.get("kind").unwrap_or_default());
    let value = form
        .text("value")
        .ok_or_else(|| AdminError::BadRequest("Say what to ban.".into()))?;
    let (kind, value) = match kind {
        Some(BanKind::Email) if value.contains('@') => (BanKind::Email, value.to_lowercase()),
        Some(BanKind::Network) => (
            BanKind::Network,
            value
                .parse::<ipnet::IpNet>()
                .map_err(|_| AdminError::BadRequest("A network looks like 203.0.113.0/24.".into()))?
                .to_string(),
        ),
        _ => {
            return Err(AdminError::BadRequest(
                "Ban an email address or a network.".into(),
            ));
        }
    };
    let now = store::now_ms();
    let new = NewBan {
        site: Some(site),
        kind: kind.as_str(),
        value: &value,
        note: form.text("note"),
        created_by: &me.actor(),
        expires_at: None,
    };
    store::site_rules::ban(&state.db, &new, now).await?;
    let event = NewAuditEntry {
        site,
        comment_id: None,
        actor: &me.actor(),
        action: "ban",
        before: None,
        after: None,
        detail: Some(format!("{} {value}", kind.as_str())),
    };
    store::moderation::record(&state.db, &event, now).await?;
    Ok(Redirect::to("/admin/bans"))
}

/// `POST /admin/bans/{id}/lift`
pub async fn lift(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    form: AdminForm,
) -> Result<Redirect, AdminError> {
    let me = &form.moderator;
    let ban = store::site_rules::find_ban(&state.db, id)
        .await?
        .ok_or(AdminError::NotFound)?;
    let site = match &ban.site {
        Some(site) if me.may_moderate(site) => site.clone(),
        None if me.is_admin() => "*".to_string(),
        _ => return Err(AdminError::Forbidden("You cannot lift that ban.".into())),
    };
    store::site_rules::lift_ban(&state.db, id).await?;
    let detail = Some(format!("{} {}", ban.kind, ban.note.unwrap_or_default()));
    let event = NewAuditEntry {
        site: &site,
        comment_id: None,
        actor: &me.actor(),
        action: "lift_ban",
        before: None,
        after: None,
        detail,
    };
    store::moderation::record(&state.db, &event, store::now_ms()).await?;
    Ok(Redirect::to("/admin/bans"))
}
