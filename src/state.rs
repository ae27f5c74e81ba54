//! The state every request shares, and how an instance starts: configuration, database (with
//! migrations applied), sites, caches, limits, keyed digests, sessions, sign-in providers and
//! the mail worker's bell. Nothing here knows about routes; handlers take the whole state or,
//! through [`FromRef`], only the part they need.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use axum::extract::FromRef;
use metrics_exporter_prometheus::PrometheusHandle;

use crate::cache::Caches;
use crate::client_ip::TrustedProxies;
use crate::config::{Config, Secret};
use crate::fingerprint::Fingerprints;
use crate::mail_wake::MailWake;
use crate::ratelimit::{LoginThrottle, RateLimits};
use crate::sites::Sites;
use crate::store::sessions::SessionBackend;
use crate::store::{self, Db};
use crate::telemetry;

/// Everything a handler may need; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    /// The configuration the instance started with.
    pub config: Arc<Config>,
    /// The database.
    pub db: Db,
    /// Configured sites by id.
    pub sites: Sites,
    /// Rate limiters.
    pub limits: RateLimits,
    /// Memory of public threads and counts.
    pub caches: Caches,
    /// Keyed digests of emails and addresses.
    pub fingerprints: Fingerprints,
    /// `server.public_url` as an origin (`http://localhost:8080`): the widget's own origin.
    pub public_origin: Arc<str>,
    /// `server.public_url` without a trailing slash, to prefix paths in links.
    public_base: Arc<str>,
    /// Prometheus registry.
    pub metrics: PrometheusHandle,
    /// First-party sessions (admin pages, sign-in popup).
    pub sessions: SessionBackend,
    /// Limits on admin login attempts.
    pub login_throttle: LoginThrottle,
    /// Wakes the mail worker.
    pub mail_wake: MailWake,
    /// Sign-in providers and their outbound HTTP client.
    pub auth: Arc<crate::auth::providers::Providers>,
    /// This instance among those sharing a PostgreSQL database.
    pub instance: crate::cluster::Instance,
    /// Whether shutdown has begun (`/readyz`).
    pub readiness: crate::readiness::Readiness,
    /// `server.trusted_proxies`, shared with the client-address extractor.
    trusted_proxies: Arc<[ipnet::IpNet]>,
}

impl AppState {
    /// Connects to the database, applies migrations and prepares everything else.
    pub async fn start(config: Config) -> anyhow::Result<Self> {
        let db = Db::connect(&config.database).await?;
        db.migrate().await.context("applying database migrations")?;
        let secret = match &config.server.secret {
            Some(secret) => secret.clone(),
            None => {
                Secret::new(store::settings::get_or_insert(&db, "secret", random_secret).await?)
            }
        };
        let public_url = config.server.public_url.clone();
        let sessions = SessionBackend::open(&db)
            .await
            .context("preparing the sessions table")?;
        let caches = Caches::new(Duration::from_millis(config.server.thread_cache_ms));
        let instance = crate::cluster::Instance::default();
        instance.announce_changes(&db, &caches);
        let auth = crate::auth::providers::Providers::from_config(&config.auth)
            .context("configuring sign-in providers")?;
        Ok(Self {
            trusted_proxies: config.server.trusted_proxies.clone().into(),
            readiness: crate::readiness::Readiness::default(),
            instance,
            auth: Arc::new(auth),
            sessions,
            login_throttle: LoginThrottle::new(config.limits.enabled).shared_through(&db),
            mail_wake: MailWake::default(),
            sites: Sites::from_config(&config),
            limits: RateLimits::from_config(&config).shared_through(&db),
            caches,
            fingerprints: Fingerprints::new(secret.expose()),
            public_origin: public_url.origin().ascii_serialization().into(),
            public_base: public_url.as_str().trim_end_matches('/').into(),
            metrics: telemetry::metrics_handle(),
            config: Arc::new(config),
            db,
        })
    }

    /// `server.public_url` without a trailing slash.
    pub fn public_base(&self) -> &str {
        &self.public_base
    }

    /// What moderation actions and new comments touch after they write.
    pub fn desk(&self) -> crate::moderation::Desk<'_> {
        crate::moderation::Desk {
            db: &self.db,
            caches: &self.caches,
            mail: &self.mail_wake,
            record_events: self.config.records_events(),
        }
    }

    /// Whether replybox is served over https (cookies are then `Secure`).
    pub fn is_https(&self) -> bool {
        self.config.server.public_url.scheme() == "https"
    }
}

fn random_secret() -> String {
    crate::auth::credential::Credential::generate().token
}

impl FromRef<AppState> for TrustedProxies {
    fn from_ref(state: &AppState) -> Self {
        TrustedProxies(Arc::clone(&state.trusted_proxies))
    }
}
