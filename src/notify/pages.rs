//! The pages mail links open. Every link first shows a page with a button; only the button's
//! POST acts, so a mail scanner or link preview that fetches every link changes nothing.
//! Moderation links are single-use, expire, and are bound by an HMAC to one comment and one
//! action. Unsubscribing also answers RFC 8058 one-click POSTs from mail clients.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use super::worker::{ALERT_ACTIONS, link_signature};
use crate::auth::credential::hash_token;
use crate::fingerprint::same_secret;
use crate::html::{Policy, escape};
use crate::moderation::{Action, BanChoice, actions, bans};
use crate::state::AppState;
use crate::store::mail::ActionLinkRow;
use crate::store::{self};

fn page(status: StatusCode, title: &str, body: &str) -> Response {
    let html = format!(
        "<!doctype html><html lang=en><meta charset=utf-8><meta name=viewport content=\"width=device-width\">\
         <title>{0}</title><link rel=stylesheet href=/admin/admin.css><main class=narrow><h1>{0}</h1>{body}</main></html>",
        escape(title)
    );
    let mut response = (status, Html(html)).into_response();
    Policy::MailLink.apply(response.headers_mut());
    response
}

fn button(action: &str, label: &str) -> String {
    format!(
        "<form method=post action=\"{}\"><button type=submit>{}</button></form>",
        escape(action),
        escape(label)
    )
}

/// A link's row, if the id exists and the signature matches it.
async fn checked_link(state: &AppState, link: &str) -> Result<(String, ActionLinkRow), Response> {
    let invalid = || {
        page(
            StatusCode::NOT_FOUND,
            "This link is not valid",
            "<p>Check that the whole link was copied.</p>",
        )
    };
    let (id, signature) = link.split_once('.').ok_or_else(invalid)?;
    let row = store::mail::action_link(&state.db, id)
        .await
        .map_err(|_| invalid())?
        .ok_or_else(invalid)?;
    let expected = link_signature(state, id, row.comment_id, &row.action);
    if !same_secret(&expected, signature) {
        return Err(invalid());
    }
    if row.used_at.is_some() {
        return Err(page(
            StatusCode::GONE,
            "This link was already used",
            "<p>Each link works once. Open the admin pages to do more.</p>",
        ));
    }
    if row.expires_at <= store::now_ms() {
        return Err(page(
            StatusCode::GONE,
            "This link has expired",
            "<p>Links in moderator mails work for a limited time. Open the admin pages instead.</p>",
        ));
    }
    Ok((id.to_string(), row))
}

fn label_of(action: &str) -> &'static str {
    ALERT_ACTIONS
        .iter()
        .find(|(a, _)| *a == action)
        .map(|(_, label)| *label)
        .unwrap_or("Act")
}

/// `GET /mail/act/{link}`: what the link would do, and a button to do it.
pub async fn confirm_action(State(state): State<AppState>, Path(link): Path<String>) -> Response {
    let (_, row) = match checked_link(&state, &link).await {
        Ok(found) => found,
        Err(response) => return response,
    };
    let Ok(Some(comment)) = store::moderation::find(&state.db, row.comment_id).await else {
        return page(StatusCode::NOT_FOUND, "This comment is gone", "");
    };
    let page_link = state
        .sites
        .get(&comment.site)
        .map(|site| site.page_url(&comment.uri))
        .unwrap_or_default();
    let body = format!(
        "<p><strong>{}</strong> on <a href=\"{}\">{}</a> ({})</p>\
         <blockquote style=\"white-space:pre-wrap\">{}</blockquote>{}",
        escape(&comment.author_name),
        escape(&page_link),
        escape(&comment.uri),
        escape(&comment.status),
        escape(&comment.body),
        button(&format!("/mail/act/{link}"), label_of(&row.action))
    );
    page(
        StatusCode::OK,
        &format!("{}?", label_of(&row.action)),
        &body,
    )
}

/// `POST /mail/act/{link}`: does it, once.
pub async fn take_action(State(state): State<AppState>, Path(link): Path<String>) -> Response {
    let (id, row) = match checked_link(&state, &link).await {
        Ok(found) => found,
        Err(response) => return response,
    };
    let now = store::now_ms();
    match store::mail::use_action_link(&state.db, &id, now).await {
        Ok(true) => {}
        Ok(false) => return page(StatusCode::GONE, "This link was already used", ""),
        Err(_) => return page(StatusCode::SERVICE_UNAVAILABLE, "Try again in a moment", ""),
    }
    let actor = format!("email:{}", row.recipient);
    let done = match row.action.as_str() {
        "ban" => ban_author(&state, row.comment_id, &actor).await,
        word => match Action::parse(word) {
            Some(action) => actions::apply(state.desk(), row.comment_id, action, &actor, |_| true)
                .await
                .map_err(|_| ()),
            None => Err(()),
        },
    };
    match done {
        Ok(()) => page(
            StatusCode::OK,
            "Done",
            &format!("<p>{}: done.</p>", escape(label_of(&row.action))),
        ),
        Err(()) => page(
            StatusCode::SERVICE_UNAVAILABLE,
            "That did not work",
            "<p>Nothing changed. Use the admin pages.</p>",
        ),
    }
}

/// Bans a comment's author on its site for good (by email if they gave one, else by address)
/// and marks the comment as spam.
async fn ban_author(state: &AppState, comment_id: i64, actor: &str) -> Result<(), ()> {
    let comment = store::moderation::find(&state.db, comment_id)
        .await
        .map_err(|_| ())?
        .ok_or(())?;
    bans::ban_author(
        state.desk(),
        &comment,
        BanChoice::from_mail(&comment),
        actor,
        |_| true,
    )
    .await
    .map_err(|_| ())
}

/// `GET /mail/unsubscribe/{token}`
pub async fn confirm_unsubscribe(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Response {
    match store::mail::subscription(&state.db, &token).await {
        Ok(Some((_, _, uri))) => page(
            StatusCode::OK,
            "Unsubscribe?",
            &format!(
                "<p>Stop mail about comments on {}?</p>{}{}",
                escape(&uri),
                button(
                    &format!("/mail/unsubscribe/{token}"),
                    "Unsubscribe from this page"
                ),
                button(
                    &format!("/mail/unsubscribe/{token}?all=1"),
                    "Unsubscribe from everything"
                )
            ),
        ),
        _ => page(
            StatusCode::OK,
            "You are not subscribed",
            "<p>There is nothing to unsubscribe from.</p>",
        ),
    }
}

/// The unsubscribe form's one field.
#[derive(Debug, serde::Deserialize)]
pub struct Everything {
    #[serde(default)]
    all: Option<String>,
}

/// `POST /mail/unsubscribe/{token}[?all=1]`: also what a mail client's one-click sends
/// (`List-Unsubscribe=One-Click` in the body, RFC 8058).
pub async fn unsubscribe(
    State(state): State<AppState>,
    Path(token): Path<String>,
    axum::extract::Query(query): axum::extract::Query<Everything>,
) -> Response {
    let all = query.all.as_deref() == Some("1");
    match store::mail::unsubscribe(&state.db, &token, all).await {
        Ok(_) => page(
            StatusCode::OK,
            "Unsubscribed",
            if all {
                "<p>You will get no more mail from these comments.</p>"
            } else {
                "<p>You will get no more mail about this page.</p>"
            },
        ),
        Err(_) => page(StatusCode::SERVICE_UNAVAILABLE, "Try again in a moment", ""),
    }
}

/// `GET /mail/verify/{token}`
pub async fn confirm_verify(Path(token): Path<String>) -> Response {
    page(
        StatusCode::OK,
        "Confirm your address",
        &button(&format!("/mail/verify/{token}"), "Confirm my email address"),
    )
}

/// `POST /mail/verify/{token}`
pub async fn verify(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    match store::mail::verify_email(&state.db, &hash_token(&token), store::now_ms()).await {
        Ok(Some(_)) => page(
            StatusCode::OK,
            "Address confirmed",
            "<p>Thank you. You will get the notifications you asked for.</p>",
        ),
        Ok(None) => page(
            StatusCode::GONE,
            "This link is not valid or has expired",
            "<p>Comment again with notifications on to get a new one.</p>",
        ),
        Err(_) => page(StatusCode::SERVICE_UNAVAILABLE, "Try again in a moment", ""),
    }
}
