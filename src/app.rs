//! The application: shared state, the router with its middleware, and serving with graceful
//! shutdown. `router` takes no socket, so tests and tools can build the whole app.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderName, HeaderValue, Method, header};
use axum::response::Redirect;
use axum::routing::get;
use metrics_exporter_prometheus::PrometheusHandle;
use tokio::net::TcpListener;
use tower_http::compression::CompressionLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

use crate::admin::login::LoginThrottle;
use crate::cache::Caches;
use crate::config::{Config, Secret};
use crate::error::AppError;
use crate::fingerprint::Fingerprints;
use crate::notify::MailWake;
use crate::ratelimit::RateLimits;
use crate::sessions::SessionBackend;
use crate::sites::Sites;
use crate::store::{self, Db};
use crate::{admin, api, assets, avatar, notify, telemetry};

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
    pub auth: crate::auth::Auth,
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
        let auth = crate::auth::providers::Providers::from_config(&config.auth)
            .context("configuring sign-in providers")?;
        Ok(Self {
            auth: Arc::new(auth),
            sessions,
            login_throttle: LoginThrottle::new(config.limits.enabled),
            mail_wake: MailWake::default(),
            sites: Sites::from_config(&config),
            limits: RateLimits::from_config(&config),
            caches: Caches::new(Duration::from_millis(config.server.thread_cache_ms)),
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

    /// Whether replybox is served over https (cookies are then `Secure`).
    pub fn is_https(&self) -> bool {
        self.config.server.public_url.scheme() == "https"
    }
}

fn random_secret() -> String {
    crate::auth::Credential::generate().token
}

/// The whole HTTP surface, every route in one place.
pub fn router(state: AppState) -> Router {
    let sites = state.sites.clone();
    let cors = CorsLayer::new()
        .allow_origin(AllowOrigin::predicate(move |origin, _| {
            origin.to_str().is_ok_and(|origin| sites.any_allows(origin))
        }))
        .allow_methods([Method::GET, Method::POST, Method::DELETE])
        .allow_headers([header::CONTENT_TYPE, header::AUTHORIZATION])
        .max_age(Duration::from_secs(3600));

    Router::new()
        .merge(api::routes(&state))
        .merge(admin::routes(&state))
        .merge(notify::pages::routes())
        .route("/admin/admin.css", get(assets::admin_file))
        .route("/admin/admin.js", get(assets::admin_file))
        .merge(crate::auth::routes(&state))
        .route("/avatar/{file}", get(avatar::serve))
        .route("/embed.js", get(assets::loader))
        .route("/embed/thread", get(assets::thread_frame))
        .route("/embed/{file}", get(assets::embed_file))
        .route("/demo", get(|| async { Redirect::permanent("/demo/") }))
        .route("/demo/", get(assets::demo))
        .route("/demo/{file}", get(assets::demo))
        .route("/healthz", get(healthz))
        .route("/metrics", get(telemetry::serve_metrics))
        .fallback(|| async { AppError::NotFound })
        .method_not_allowed_fallback(|| async { AppError::MethodNotAllowed })
        .layer(DefaultBodyLimit::max(state.config.server.max_body_bytes))
        // Outside the routes, so preflights reach it before the method router answers 405.
        .layer(cors)
        .layer(axum::middleware::from_fn(telemetry::track_requests))
        .layer(CompressionLayer::new())
        .layer(SetResponseHeaderLayer::if_not_present(
            HeaderName::from_static("x-content-type-options"),
            HeaderValue::from_static("nosniff"),
        ))
        // Served over https, browsers are told to stay on https (a year; no subdomains, which
        // belong to the blog owner's other services).
        .layer(axum::middleware::from_fn_with_state(
            state.is_https(),
            strict_transport_security,
        ))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// Adds `Strict-Transport-Security` when `public_url` is https.
async fn strict_transport_security(
    State(https): State<bool>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let mut response = next.run(request).await;
    if https {
        response.headers_mut().insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
    }
    response
}

/// 200 when the database answers, 503 when it does not.
async fn healthz(State(state): State<AppState>) -> Result<&'static str, AppError> {
    if state.db.ping().await {
        Ok("ok")
    } else {
        Err(AppError::Unavailable)
    }
}

/// Serves until `shutdown` resolves, then finishes in-flight requests and closes the database.
pub async fn serve(
    state: AppState,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let maintenance = tokio::spawn(maintain(state.clone()));
    let histograms = tokio::spawn(telemetry::drain_histograms(state.metrics.clone()));
    let mail = tokio::spawn(notify::worker::run(state.clone(), state.mail_wake.clone()));
    let db = state.db.clone();
    let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await?;
    maintenance.abort();
    histograms.abort();
    mail.abort();
    db.close().await;
    Ok(())
}

/// Periodic housekeeping: prune rate-limiter memory, expired cache entries and expired sessions.
async fn maintain(state: AppState) {
    let mut tick = tokio::time::interval(Duration::from_secs(30));
    loop {
        tick.tick().await;
        let tracked = state.limits.prune();
        state.login_throttle.prune();
        state.caches.sweep();
        if let Err(err) = state.sessions.delete_expired().await {
            tracing::warn!(error = %err, "could not delete expired sessions");
        }
        tracing::debug!(tracked, "pruned rate limiters");
    }
}

/// Resolves on SIGINT or SIGTERM.
pub async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing in-flight requests");
}
