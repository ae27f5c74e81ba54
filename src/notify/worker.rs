//! The mail worker: turns comment events into messages (moderator alerts, subscriptions and
//! their verification, reply notifications), then sends what is due, retrying failures with
//! exponential backoff (1 s, 2 s, 4 s … up to an hour; 20 attempts).

use std::num::NonZeroU32;
use std::time::Duration;

use governor::{DefaultKeyedRateLimiter, Quota};

use super::compose::{self, ActionButton};
use super::{MailWake, Mailer};
use crate::auth::Credential;
use crate::auth::credential::hash_token;
use crate::config::NotifyOn;
use crate::moderation::Status;
use crate::sites::Site;
use crate::state::AppState;
use crate::store::mail::{FanOut, MailEvent, NewActionLink, NewSubscription, NewVerification};
use crate::store::moderation::QueueRow;
use crate::store::{self};

/// How long a verification link works.
pub const VERIFICATION_LIFETIME_MS: i64 = 24 * 60 * 60 * 1000;
/// Verification mails one address may get per hour (no mail-bombing someone via the form).
const VERIFICATIONS_PER_ADDRESS_PER_HOUR: i64 = 3;
const MAX_ATTEMPTS: i32 = 20;

/// The actions a moderator alert offers.
pub const ALERT_ACTIONS: [(&str, &str); 5] = [
    ("approve", "Approve"),
    ("trust", "Approve and trust the author"),
    ("reject", "Reject"),
    ("spam", "Spam"),
    ("ban", "Ban the author"),
];

/// Runs until the process ends: turns events into mail and webhook deliveries, sends the mail,
/// and alongside delivers the webhooks ([`crate::webhooks::deliver`]). With neither `[smtp]`
/// nor a webhook, no events are recorded and there is nothing to do.
pub async fn run(state: AppState, wake: MailWake) {
    let deliveries = crate::webhooks::DeliveryWake::default();
    tokio::join!(
        events_and_mail(state.clone(), wake, deliveries.clone()),
        crate::webhooks::deliver::run(state, deliveries),
    );
}

async fn events_and_mail(
    state: AppState,
    wake: MailWake,
    deliveries: crate::webhooks::DeliveryWake,
) {
    if !state.config.records_events() {
        return;
    }
    let mailer = match state.config.smtp.as_ref().map(Mailer::from_config) {
        None => None,
        Some(Ok(mailer)) => Some(mailer),
        Some(Err(err)) => {
            tracing::error!(error = %err, "mail is configured but cannot be set up; no mail will be sent");
            None
        }
    };
    // Verification mails one client address may cause per hour.
    let per_requester = DefaultKeyedRateLimiter::<String>::dashmap(
        Quota::per_hour(NonZeroU32::new(10).expect("10 > 0"))
            .allow_burst(NonZeroU32::new(10).expect("10 > 0")),
    );
    loop {
        let mut more = false;
        match process_events(&state, &per_requester).await {
            Ok(turn) => {
                if turn.queued_deliveries {
                    deliveries.wake();
                }
                more |= turn.more;
            }
            Err(err) => tracing::warn!(error = %err, "could not turn events into mail; retrying"),
        }
        if let Some(mailer) = &mailer {
            match send_due(&state, mailer).await {
                Ok(full) => more |= full,
                Err(err) => tracing::warn!(error = %err, "could not read the outbox; retrying"),
            }
        }
        per_requester.retain_recent();
        // A burst (a thousand held comments, each alerting) drains at the SMTP server's pace,
        // not a batch a second; failed mail waits for its retry time, so this cannot spin.
        if !more {
            wake.wait(Duration::from_secs(1)).await;
        }
    }
}

/// Events turned into mail per turn of the worker, and mails sent per turn.
const EVENTS_PER_TURN: usize = 50;
const MAILS_PER_TURN: usize = 20;

/// What one turn of the worker did.
#[derive(Debug, Default)]
struct Turn {
    /// Webhook deliveries were queued.
    queued_deliveries: bool,
    /// A batch was full: more may be waiting, so the next turn starts at once.
    more: bool,
}

/// Turns pending events into mail (when `[smtp]` is set) and webhook deliveries.
async fn process_events(
    state: &AppState,
    per_requester: &DefaultKeyedRateLimiter<String>,
) -> anyhow::Result<Turn> {
    let mut turn = Turn::default();
    let events = store::mail::pending_events(&state.db, EVENTS_PER_TURN as i64).await?;
    turn.more = events.len() == EVENTS_PER_TURN;
    for event in events {
        let mut out = match state.config.smtp {
            Some(_) => fan_out(state, &event, per_requester).await?,
            None => FanOut::default(),
        };
        out.deliveries = crate::webhooks::fan_out(state, &event).await?;
        turn.queued_deliveries |= !out.deliveries.is_empty();
        store::mail::complete_event(&state.db, event.id, &out, store::now_ms()).await?;
    }
    Ok(turn)
}

async fn fan_out(
    state: &AppState,
    event: &MailEvent,
    per_requester: &DefaultKeyedRateLimiter<String>,
) -> anyhow::Result<FanOut> {
    let mut out = FanOut::default();
    let (link_days, per_hour) = state
        .config
        .smtp
        .as_ref()
        .map(|smtp| (smtp.link_days, smtp.notifications_per_hour))
        .unwrap_or((7, 20));
    let Some(comment) = store::moderation::find(&state.db, event.comment_id).await? else {
        return Ok(out);
    };
    let Ok(site) = state.sites.get(&comment.site) else {
        return Ok(out);
    };
    let now = store::now_ms();
    let base = state.public_base();
    let page_url = site.page_url(&comment.uri);
    let comment_url = site.comment_url(&comment.uri, comment.id);
    let page = compose::Place {
        page: &page_url,
        comment: &comment_url,
    };
    if event.kind == "comment_created" {
        subscribe_and_verify(state, &site, &comment, &mut out, per_requester, now).await?;
    }
    let held = comment.status == Status::Pending.as_str();
    let alert = !site.config.notify.is_empty()
        && match event.kind.as_str() {
            "comment_created" => site.config.notify_on == NotifyOn::All || held,
            // Readers' reports, or its author's edit, sent it back to the queue.
            "comment_flagged" | "comment_edited" => held,
            _ => false,
        };
    {
        if alert {
            for recipient in &site.config.notify {
                let mut buttons = Vec::new();
                for (action, label) in ALERT_ACTIONS {
                    let id = Credential::generate().token;
                    let expires_at = now + link_days as i64 * 24 * 60 * 60 * 1000;
                    let signature = link_signature(state, &id, comment.id, action);
                    buttons.push(ActionButton {
                        label,
                        url: format!("{base}/mail/act/{id}.{signature}"),
                    });
                    out.links.push(NewActionLink {
                        id,
                        comment_id: comment.id,
                        action,
                        recipient: recipient.clone(),
                        expires_at,
                    });
                }
                out.mails.push(compose::moderator_alert(
                    recipient, &comment, &page, &buttons,
                ));
            }
        }
    }
    if comment.status == Status::Approved.as_str()
        && (event.kind == "comment_approved" || event.kind == "comment_created")
    {
        let author = comment
            .author_email
            .as_deref()
            .map(str::to_lowercase)
            .unwrap_or_default();
        for (email, token) in store::mail::subscribers_for(
            &state.db,
            &comment.site,
            &comment.uri,
            comment.parent_id,
            &author,
        )
        .await?
        {
            // A busy page must not flood anyone: past the hourly cap, a notification is skipped.
            let hour_ago = now - 60 * 60 * 1000;
            if store::mail::recent_mail_to(&state.db, "reply_notification", &email, hour_ago)
                .await?
                >= per_hour
            {
                tracing::info!("notification skipped: the recipient's hourly cap is reached");
                continue;
            }
            let unsubscribe = format!("{base}/mail/unsubscribe/{token}");
            out.mails.push(compose::reply_notification(
                &email,
                &comment,
                &page,
                &unsubscribe,
            ));
        }
    }
    Ok(out)
}

/// The author asked for notifications (or the site wants verified guests): store their
/// subscriptions, and send one verification link if the address is not verified yet.
async fn subscribe_and_verify(
    state: &AppState,
    site: &Site,
    comment: &QueueRow,
    out: &mut FanOut,
    per_requester: &DefaultKeyedRateLimiter<String>,
    now: i64,
) -> anyhow::Result<()> {
    let Some(email) = comment.author_email.as_deref().map(str::to_lowercase) else {
        return Ok(());
    };
    let notify = comment.notify.as_deref().unwrap_or_default();
    for kind in notify.split(',').filter(|k| !k.is_empty()) {
        let kind = if kind == "replies" { "replies" } else { "page" };
        out.subscriptions.push(NewSubscription {
            site: site.id().to_string(),
            uri: comment.uri.clone(),
            kind,
            comment_id: (kind == "replies").then_some(comment.id),
            email: email.clone(),
            token: Credential::generate().token,
        });
    }
    let wants_verification =
        !notify.is_empty() || comment.reason.as_deref() == Some("email_not_verified");
    // The proof is for the credential that wrote the comment: someone else having verified
    // this address (its owner, say) proves nothing about this author.
    let proven = match comment.reader_id {
        Some(reader) => store::mail::reader_has_proven(&state.db, reader, &email).await?,
        None => false,
    };
    if !wants_verification || proven {
        return Ok(());
    }
    let hour_ago = now - 60 * 60 * 1000;
    let recent = store::mail::recent_mail_to(&state.db, "verification", &email, hour_ago).await?;
    let requester = comment.ip_hash.clone().unwrap_or_default();
    if recent >= VERIFICATIONS_PER_ADDRESS_PER_HOUR || per_requester.check_key(&requester).is_err()
    {
        tracing::info!("verification mail not sent: too many for this address or client");
        return Ok(());
    }
    let token = Credential::generate().token;
    let url = format!("{}/mail/verify/{token}", state.public_base());
    out.verification = Some(NewVerification {
        token_hash: hash_token(&token),
        email: email.clone(),
        reader_id: comment.reader_id,
        expires_at: now + VERIFICATION_LIFETIME_MS,
    });
    out.mails.push(compose::verification(&email, &url));
    Ok(())
}

/// Binds a link to its comment and action under the instance secret (its expiry and single use
/// are kept with it in the database).
pub fn link_signature(state: &AppState, id: &str, comment_id: i64, action: &str) -> String {
    state
        .fingerprints
        .sign("action-link", &format!("{id}|{comment_id}|{action}"))[..32]
        .to_string()
}

/// Sends what is due, at most a batch; whether the batch was full.
async fn send_due(state: &AppState, mailer: &Mailer) -> anyhow::Result<bool> {
    let now = store::now_ms();
    let due = store::mail::due_mail(&state.db, now, MAX_ATTEMPTS, MAILS_PER_TURN as i64).await?;
    let full = due.len() == MAILS_PER_TURN;
    for mail in due {
        // Claim it for a minute, so another instance does not send it too.
        if !store::mail::claim(&state.db, mail.id, now, now + 60_000).await? {
            continue;
        }
        match mailer.send(&mail).await {
            Ok(()) => store::mail::mark_sent(&state.db, mail.id, store::now_ms()).await?,
            Err(err) => {
                let delay_secs = 1i64 << mail.attempts.clamp(0, 12);
                let retry_at = store::now_ms() + delay_secs.min(3600) * 1000;
                tracing::warn!(mail = mail.id, attempt = mail.attempts + 1, error = %err, "mail not sent; will retry");
                store::mail::mark_failed(&state.db, mail.id, &err, retry_at).await?;
            }
        }
    }
    Ok(full)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> std::sync::Arc<Site> {
        let config = crate::config::Config::from_toml(
            "[[sites]]\nid = \"blog\"\nname = \"Blog\"\norigins = [\"https://blog.example\"]",
        )
        .unwrap();
        crate::sites::Sites::from_config(&config)
            .get("blog")
            .unwrap()
    }

    #[test]
    fn links_in_mail_never_leave_the_sites_origins() {
        let site = site();
        for (uri, link) in [
            ("/post-1/", "https://blog.example/post-1/"),
            (
                "https://blog.example/post-2/",
                "https://blog.example/post-2/",
            ),
            (
                "@evil.example/post-1/",
                "https://blog.example/@evil.example/post-1/",
            ),
            (".evil.example/x", "https://blog.example/.evil.example/x"),
            ("//evil.example/x", "https://blog.example/"),
            ("/\\evil.example/x", "https://blog.example/"),
            ("https://evil.example/login", "https://blog.example/"),
            (
                "https://blog.example@evil.example/",
                "https://blog.example/",
            ),
            ("javascript:alert(1)", "https://blog.example/"),
        ] {
            assert_eq!(site.page_url(uri), link, "{uri}");
        }
    }
}
