//! The delivery worker: POSTs due webhook deliveries, one at a time, through the outbound client
//! that refuses loopback and private addresses (unless `webhooks.allow_private_addresses`) and
//! follows no redirects. A 2xx answer delivers; anything else — another status, a timeout, a
//! refusal — is retried with exponential backoff (1 s, 2 s, 4 s … up to an hour), and after
//! [`MAX_ATTEMPTS`] failures (about five hours) the delivery is given up, its last error kept.
//! Each delivery is claimed before it is sent, so instances sharing a database send it once.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Notify;
use url::Url;

use crate::auth::outbound::Outbound;
use crate::config::WebhookConfig;
use crate::state::AppState;
use crate::store::webhooks::DeliveryRow;
use crate::store::{self};

/// Failed attempts after which a delivery is given up.
pub const MAX_ATTEMPTS: i32 = 16;

/// Rung when the event worker has queued deliveries, so they go out at once.
#[derive(Debug, Clone, Default)]
pub struct DeliveryWake(Arc<Notify>);

impl DeliveryWake {
    /// There are new deliveries.
    pub fn wake(&self) {
        self.0.notify_one();
    }

    async fn wait(&self, at_most: Duration) {
        let _ = tokio::time::timeout(at_most, self.0.notified()).await;
    }
}

/// Runs until the process ends (at once returns if no site has a webhook).
pub async fn run(state: AppState, wake: DeliveryWake) {
    if state
        .config
        .sites
        .iter()
        .all(|site| site.webhooks.is_empty())
    {
        return;
    }
    let settings = &state.config.webhooks;
    let timeout = Duration::from_secs(settings.timeout_secs.max(1));
    let outbound = match Outbound::new(settings.allow_private_addresses, timeout) {
        Ok(outbound) => outbound,
        Err(err) => {
            tracing::error!(error = %err, "webhooks are configured but no HTTP client could be built; none will be sent");
            return;
        }
    };
    // Longer than one attempt can take, so a claim outlives the request it covers.
    let lease_ms = (timeout.as_millis() as i64) * 2 + 10_000;
    loop {
        if let Err(err) = send_due(&state, &outbound, lease_ms).await {
            tracing::warn!(error = %err, "could not read the webhook deliveries; retrying");
        }
        wake.wait(Duration::from_secs(1)).await;
    }
}

async fn send_due(state: &AppState, outbound: &Outbound, lease_ms: i64) -> anyhow::Result<()> {
    let now = store::now_ms();
    for delivery in store::webhooks::due(&state.db, now, MAX_ATTEMPTS, 20).await? {
        if !store::webhooks::claim(&state.db, delivery.id, now, now + lease_ms).await? {
            continue;
        }
        let hooks = state
            .config
            .sites
            .iter()
            .find(|site| site.id == delivery.site)
            .map(|site| site.webhooks.as_slice())
            .unwrap_or_default();
        let outcome = match super::target(hooks, &delivery.site, &delivery.target) {
            Some(hook) => post(outbound, hook, &delivery).await,
            None => Err("the site no longer has this webhook".to_string()),
        };
        match outcome {
            Ok(()) => store::webhooks::mark_sent(&state.db, delivery.id, store::now_ms()).await?,
            Err(err) => {
                let delay_secs = (1i64 << delivery.attempts.clamp(0, 12)).min(3600);
                let retry_at = store::now_ms() + delay_secs * 1000;
                tracing::warn!(delivery = %delivery.delivery_id, site = %delivery.site, event = %delivery.event,
                    attempt = delivery.attempts + 1, error = %err, "webhook not delivered; will retry");
                store::webhooks::mark_failed(&state.db, delivery.id, &err, retry_at).await?;
            }
        }
    }
    Ok(())
}

/// One attempt. The error says what went wrong without the URL (a chat URL is a credential; the
/// error is logged and stored).
async fn post(
    outbound: &Outbound,
    hook: &WebhookConfig,
    delivery: &DeliveryRow,
) -> Result<(), String> {
    let url = Url::parse(&hook.url).map_err(|err| format!("invalid URL: {err}"))?;
    let host = url.host_str().unwrap_or_default().to_string();
    outbound.check(&url).map_err(|_| refused(&host))?;
    let timestamp = store::now_ms() / 1000;
    let mut request = outbound
        .client()
        .post(url)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header("X-Replybox-Event", &delivery.event)
        .header("X-Replybox-Delivery", &delivery.delivery_id)
        .header("X-Replybox-Timestamp", timestamp.to_string())
        .body(delivery.body.clone());
    if let Some(secret) = &hook.secret {
        request = request.header(
            "X-Replybox-Signature",
            super::signature(secret.expose(), timestamp, &delivery.body),
        );
    }
    let response = request.send().await.map_err(|err| {
        if is_refusal(&err) {
            refused(&host)
        } else {
            describe(err)
        }
    })?;
    if response.status().is_success() {
        Ok(())
    } else {
        Err(format!(
            "the receiver answered HTTP {}",
            response.status().as_u16()
        ))
    }
}

fn refused(host: &str) -> String {
    format!(
        "refused: {host} is not a public address (or not https), and webhooks.allow_private_addresses is off"
    )
}

/// Whether the request failed because the name resolved only to addresses replybox may not reach.
fn is_refusal(err: &reqwest::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(cause) = source {
        if cause.to_string().contains("not a public address") {
            return true;
        }
        source = cause.source();
    }
    false
}

/// A transport error and its causes, without the URL.
fn describe(err: reqwest::Error) -> String {
    let err = err.without_url();
    let mut text = err.to_string();
    let mut source = std::error::Error::source(&err);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
