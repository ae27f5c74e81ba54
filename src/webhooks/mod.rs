//! Webhooks: a site's comment events POSTed to the URLs it configures, signed, through the same
//! events as mail.
//!
//! The mail worker reads each event once; [`fan_out`] turns it into one delivery per webhook
//! that wants it, and [`crate::store::mail::complete_event`] stores those deliveries in the
//! transaction that marks the event processed, so a crash neither loses nor repeats one.
//! [`deliver`] then POSTs them with retries and backoff, across restarts, claiming each so that
//! several instances on one PostgreSQL deliver it once. Bodies are built when the event is
//! processed and never change; each attempt signs `timestamp.body` with HMAC-SHA256 under the
//! webhook's secret. A body carries no capability: no email, no address or its hash, no
//! moderation link or token — only what the public thread shows, plus the status.

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use crate::config::{WebhookConfig, WebhookEvent};
use crate::state::AppState;
use crate::store::mail::MailEvent;
use crate::store::webhooks::NewDelivery;
use crate::store::{self};

pub mod deliver;
pub mod payload;

pub use deliver::DeliveryWake;

/// The webhook event an event row stands for, if any. A new comment is `created` when it was
/// published at once and `held` when it waits; one judged spam or rejected on arrival is not
/// announced (bots would flood a chat). A moderator's spam counts as `rejected`, with
/// `"status": "spam"` in the body.
pub fn event_for(event: &MailEvent, current_status: &str) -> Option<WebhookEvent> {
    // Events from before 0009 carry no status; the comment's present one stands in.
    let status = event.status.as_deref().unwrap_or(current_status);
    match event.kind.as_str() {
        "comment_created" => match status {
            "approved" => Some(WebhookEvent::Created),
            "pending" => Some(WebhookEvent::Held),
            _ => None,
        },
        "comment_approved" => Some(WebhookEvent::Approved),
        "comment_rejected" | "comment_spam" => Some(WebhookEvent::Rejected),
        "comment_deleted" => Some(WebhookEvent::Deleted),
        "comment_flagged" => Some(WebhookEvent::Flagged),
        "comment_edited" => Some(WebhookEvent::Edited),
        _ => None,
    }
}

/// Which of a site's webhooks a delivery is for: a digest of site and URL, so the URL (a
/// credential, for chat services) stays in the configuration and out of the database. A
/// webhook whose URL changes no longer receives what was queued for the old one.
pub fn target_key(site: &str, url: &str) -> String {
    let digest = Sha256::digest(format!("{site}\n{url}").as_bytes());
    hex(&digest[..16])
}

/// The configured webhook a delivery is for, if the site still has it.
pub fn target<'a>(hooks: &'a [WebhookConfig], site: &str, key: &str) -> Option<&'a WebhookConfig> {
    hooks.iter().find(|hook| target_key(site, &hook.url) == key)
}

/// `X-Replybox-Signature`: `sha256=` and the hex HMAC-SHA256 of `{timestamp}.{body}`.
pub fn signature(secret: &str, timestamp: i64, body: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body.as_bytes());
    format!("sha256={}", hex(&mac.finalize().into_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The deliveries one event becomes: one per webhook of the comment's site that wants it.
pub async fn fan_out(state: &AppState, event: &MailEvent) -> anyhow::Result<Vec<NewDelivery>> {
    let Some(comment) = store::moderation::find(&state.db, event.comment_id).await? else {
        return Ok(Vec::new());
    };
    let Ok(site) = state.sites.get(&comment.site) else {
        return Ok(Vec::new());
    };
    let Some(kind) = event_for(event, &comment.status) else {
        return Ok(Vec::new());
    };
    let page = site.page_url(&comment.uri);
    let mut deliveries = Vec::new();
    for hook in site.config.webhooks.iter().filter(|hook| hook.wants(kind)) {
        let delivery_id = uuid::Uuid::new_v4().to_string();
        let body =
            payload::Payload::new(&delivery_id, kind, &site, &comment, &page).body(hook.format);
        deliveries.push(NewDelivery {
            delivery_id,
            site: comment.site.clone(),
            target: target_key(&comment.site, &hook.url),
            event: kind.as_str(),
            body,
        });
    }
    Ok(deliveries)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_is_hmac_sha256_over_timestamp_dot_body() {
        // As computed by `printf '%s' '1700000000.{"a":1}' | openssl dgst -sha256 -hmac 0123456789abcdef`.
        assert_eq!(
            signature("0123456789abcdef", 1_700_000_000, "{\"a\":1}"),
            "sha256=9eb18f493f8ec135d9eb2dad817c369bb4e9cbfa818657897a7437c1cd8c3a23"
        );
    }

    #[test]
    fn new_comments_are_created_or_held_and_spam_on_arrival_is_not_announced() {
        let event = |kind: &str, status: Option<&str>| MailEvent {
            id: 1,
            kind: kind.into(),
            comment_id: 1,
            status: status.map(str::to_string),
        };
        let created = event("comment_created", Some("approved"));
        assert_eq!(event_for(&created, "rejected"), Some(WebhookEvent::Created));
        let held = event("comment_created", Some("pending"));
        assert_eq!(event_for(&held, "approved"), Some(WebhookEvent::Held));
        assert_eq!(
            event_for(&event("comment_created", Some("spam")), "spam"),
            None
        );
        assert_eq!(
            event_for(&event("comment_created", None), "pending"),
            Some(WebhookEvent::Held)
        );
        assert_eq!(
            event_for(&event("comment_spam", Some("spam")), "spam"),
            Some(WebhookEvent::Rejected)
        );
        assert_eq!(
            event_for(&event("comment_deleted", Some("deleted")), "deleted"),
            Some(WebhookEvent::Deleted)
        );
    }
}
