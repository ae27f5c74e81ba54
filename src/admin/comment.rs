//! One comment in full: edit it, reply to it as a moderator, ban its author.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, Redirect};

use super::actions;
use super::card::Card;
use super::error::AdminError;
use super::guard::{AdminForm, Moderator};
use crate::moderation::bans::MAX_BAN_DAYS;
use crate::moderation::{BanChoice, BanKind, bans};
use crate::render;
use crate::state::AppState;
use crate::store::moderation::QueueRow;
use crate::store::{self};

#[derive(Template)]
#[template(path = "admin/comment.html")]
struct CommentPage {
    me: String,
    csrf: String,
    card: Card,
    back: String,
}

async fn load(state: &AppState, me: &Moderator, id: i64) -> Result<QueueRow, AdminError> {
    let row = store::moderation::find(&state.db, id)
        .await?
        .ok_or(AdminError::NotFound)?;
    if !me.may_moderate(&row.site) {
        return Err(AdminError::Forbidden(
            "That comment is on a site you do not moderate.".into(),
        ));
    }
    Ok(row)
}

/// `GET /admin/comments/{id}`
pub async fn show(
    State(state): State<AppState>,
    me: Moderator,
    Path(id): Path<i64>,
) -> Result<Html<String>, AdminError> {
    let row = load(&state, &me, id).await?;
    let page = CommentPage {
        me: me.account.name.clone(),
        csrf: me.csrf.clone(),
        card: Card::all(&state.db, &state.sites, vec![row])
            .await?
            .pop()
            .expect("one card for one row"),
        back: format!("/admin/comments/{id}"),
    };
    Ok(Html(page.render()?))
}

fn body_of(form: &AdminForm, state: &AppState) -> Result<String, AdminError> {
    let body = form
        .text("body")
        .ok_or_else(|| AdminError::BadRequest("The comment is empty.".into()))?;
    if body.chars().count() > state.config.limits.max_comment_chars {
        return Err(AdminError::BadRequest("The comment is too long.".into()));
    }
    Ok(body.to_string())
}

/// `POST /admin/comments/{id}/edit`: new text, rendered and cleaned like any comment.
pub async fn edit(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    form: AdminForm,
) -> Result<Redirect, AdminError> {
    let row = load(&state, &form.moderator, id).await?;
    let body = body_of(&form, &state)?;
    store::moderation::edit(
        &state.db,
        id,
        &body,
        &render::comment_html(&body),
        &form.moderator.actor(),
        store::now_ms(),
    )
    .await?;
    state.desk().page_changed(&row.site, &row.uri);
    Ok(Redirect::to(&format!("/admin/comments/{id}")))
}

/// `POST /admin/comments/{id}/reply`: a published reply with the moderator badge.
pub async fn reply(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    form: AdminForm,
) -> Result<Redirect, AdminError> {
    let row = load(&state, &form.moderator, id).await?;
    let body = body_of(&form, &state)?;
    let me = &form.moderator;
    crate::comments::reply::moderator_reply(
        state.desk(),
        &state.fingerprints,
        &row,
        &me.account.name,
        &me.actor(),
        body,
    )
    .await?;
    Ok(Redirect::to(&format!("/admin/comments/{id}")))
}

/// `POST /admin/comments/{id}/ban`: ban the author by account, browser, email or address, on
/// this site or everywhere, for some days or for good.
pub async fn ban(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    form: AdminForm,
) -> Result<Redirect, AdminError> {
    let row = load(&state, &form.moderator, id).await?;
    let me = &form.moderator;
    let days: i64 = form
        .text("days")
        .unwrap_or("0")
        .parse()
        .ok()
        .filter(|days| (0..=MAX_BAN_DAYS).contains(days))
        .ok_or_else(|| {
            AdminError::BadRequest(format!(
                "Days must be a number from 0 (for good) to {MAX_BAN_DAYS}."
            ))
        })?;
    let everywhere = form.get("scope") == Some("all");
    if everywhere && !me.is_admin() {
        return Err(AdminError::Forbidden(
            "Only admins ban on every site.".into(),
        ));
    }
    let kind = BanKind::parse(form.get("kind").unwrap_or("ip"))
        .filter(|kind| *kind != BanKind::Network)
        .ok_or_else(|| AdminError::BadRequest("Choose what to ban.".into()))?;
    let choice = BanChoice {
        kind,
        everywhere,
        days,
        and_spam: form.get("and_spam").is_some(),
    };
    bans::ban_author(state.desk(), &row, choice, &me.actor(), |site| {
        me.may_moderate(site)
    })
    .await?;
    Ok(Redirect::to(&actions::back_to(form.get("back"))))
}
