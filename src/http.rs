//! The whole HTTP surface: every route replybox answers, listed here and nowhere else, with the
//! middleware in front of each group; serving with graceful shutdown; and the periodic
//! housekeeping that runs beside it. `router` takes no socket, so tests and tools can build the
//! whole app. Handlers live in their rooms (`api/`, `admin/`, `auth/`, `notify/pages.rs`, …).

use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{HeaderName, HeaderValue, Method, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, patch, post};
use tokio::net::TcpListener;
use tower_http::compression::CompressionLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

use crate::client_ip::ClientIp;
use crate::error::{AppError, AppResult};
use crate::html::Policy;
use crate::state::AppState;
use crate::{admin, api, assets, auth, avatar, notify, telemetry};

/// Every route, grouped by who calls it.
pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(widget_api(&state))
        .merge(admin_pages(&state))
        .merge(sign_in(&state))
        .merge(mail_links())
        .merge(files())
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(serve_metrics))
        .fallback(|| async { AppError::NotFound })
        .method_not_allowed_fallback(|| async { AppError::MethodNotAllowed })
        .layer(DefaultBodyLimit::max(state.config.server.max_body_bytes))
        // Outside the routes, so preflights reach it before the method router answers 405.
        .layer(cors(&state))
        .layer(middleware::from_fn(telemetry::track_requests))
        .layer(CompressionLayer::new())
        .layer(SetResponseHeaderLayer::if_not_present(
            HeaderName::from_static("x-content-type-options"),
            HeaderValue::from_static("nosniff"),
        ))
        // Served over https, browsers are told to stay on https (a year; no subdomains, which
        // belong to the blog owner's other services).
        .layer(middleware::from_fn_with_state(
            state.is_https(),
            strict_transport_security,
        ))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// The JSON API the widget calls (DESIGN.md "Public API"), behind the read rate limit.
fn widget_api(state: &AppState) -> Router<AppState> {
    use api::{comments, counts, editing, flags, likes, moderation, preview, reader_data, session};
    Router::new()
        .route("/api/comments", get(comments::list).post(comments::create))
        .route(
            "/api/comments/{id}",
            patch(editing::edit).delete(editing::delete),
        )
        .route("/api/comments/{id}/flags", post(flags::create))
        .route(
            "/api/comments/{id}/likes",
            post(likes::like).delete(likes::unlike),
        )
        .route("/api/comments/{id}/moderation", post(moderation::act))
        .route("/api/counts", post(counts::count))
        .route("/api/preview", post(preview::preview))
        .route("/api/session", get(session::show).delete(session::sign_out))
        .route(
            "/api/me/data",
            get(reader_data::download).delete(reader_data::delete),
        )
        .route("/api/openapi.json", get(api::openapi::serve))
        .route_layer(middleware::from_fn_with_state(state.clone(), limit_reads))
}

/// The admin pages, behind the first-party session and the admin page policy.
fn admin_pages(state: &AppState) -> Router<AppState> {
    use admin::{actions, audit, bans, comment, export, login, queue, sites, widget};
    Router::new()
        .route("/admin", get(queue::show))
        .route("/admin/login", get(login::page).post(login::submit))
        .route("/admin/widget", get(widget::sign_in))
        .route("/admin/logout", post(login::logout))
        .route("/admin/act", post(actions::act))
        .route("/admin/comments/{id}", get(comment::show))
        .route("/admin/comments/{id}/edit", post(comment::edit))
        .route("/admin/comments/{id}/reply", post(comment::reply))
        .route("/admin/comments/{id}/ban", post(comment::ban))
        .route("/admin/bans", get(bans::list).post(bans::add))
        .route("/admin/bans/{id}/lift", post(bans::lift))
        .route("/admin/sites/{site}", get(sites::show))
        .route("/admin/sites/{site}/words", post(sites::words))
        .route("/admin/sites/{site}/lock", post(sites::lock))
        .route("/admin/sites/{site}/export", get(export::download))
        .route("/admin/trusted/{id}/remove", post(sites::distrust))
        .route("/admin/audit", get(audit::show))
        .layer(state.sessions.layer(state.is_https()))
        .layer(middleware::from_fn(admin_headers))
}

/// Sign-in: only the popup's pages (start, callback) use the first-party session.
fn sign_in(state: &AppState) -> Router<AppState> {
    use auth::{avatars, exchange, flow, icons};
    let popup = Router::new()
        .route("/auth/{provider}/start", get(flow::start))
        .route("/auth/{provider}/callback", get(flow::callback))
        .layer(state.sessions.layer(state.is_https()));
    Router::new()
        .merge(popup)
        .route("/auth/exchange", post(exchange::exchange))
        .route("/auth/popup.js", get(auth::popup_js))
        .route("/auth/popup.css", get(auth::popup_css))
        .route("/auth/icons/{file}", get(icons::serve))
        .route("/avatar/u/{key}", get(avatars::serve))
}

/// The pages mail links open (each shows a button; only its POST acts).
fn mail_links() -> Router<AppState> {
    use notify::pages;
    Router::new()
        .route(
            "/mail/act/{link}",
            get(pages::confirm_action).post(pages::take_action),
        )
        .route(
            "/mail/unsubscribe/{token}",
            get(pages::confirm_unsubscribe).post(pages::unsubscribe),
        )
        .route(
            "/mail/verify/{token}",
            get(pages::confirm_verify).post(pages::verify),
        )
}

/// The widget's files, the admin's style and script, avatars and the demo blog.
fn files() -> Router<AppState> {
    Router::new()
        .route("/admin/admin.css", get(assets::admin_file))
        .route("/admin/admin.js", get(assets::admin_file))
        .route("/avatar/{file}", get(avatar::serve))
        .route("/embed.js", get(assets::loader))
        .route("/embed/thread", get(assets::thread_frame))
        .route("/embed/{file}", get(assets::embed_file))
        .route("/demo", get(|| async { Redirect::permanent("/demo/") }))
        .route("/demo/", get(assets::demo))
        .route("/demo/{file}", get(assets::demo))
}

/// CORS for the sites' origins only, never with credentials.
fn cors(state: &AppState) -> CorsLayer {
    let sites = state.sites.clone();
    CorsLayer::new()
        .allow_origin(AllowOrigin::predicate(move |origin, _| {
            origin.to_str().is_ok_and(|origin| sites.any_allows(origin))
        }))
        .allow_methods([Method::GET, Method::POST, Method::PATCH, Method::DELETE])
        .allow_headers([header::CONTENT_TYPE, header::AUTHORIZATION])
        .max_age(Duration::from_secs(3600))
}

/// The read rate limit, per client.
async fn limit_reads(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    request: Request,
    next: Next,
) -> AppResult<Response> {
    state.limits.check_read(ip)?;
    Ok(next.run(request).await)
}

/// Every admin page: only our own script and style, never framed, never cached.
async fn admin_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    Policy::Admin.apply(response.headers_mut());
    response
}

/// Adds `Strict-Transport-Security` when `public_url` is https.
async fn strict_transport_security(
    State(https): State<bool>,
    request: Request,
    next: Next,
) -> Response {
    let mut response = next.run(request).await;
    if https {
        response.headers_mut().insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
    }
    response
}

/// `GET /healthz`: 200 when the database answers, 503 when it does not.
async fn healthz(State(state): State<AppState>) -> Result<&'static str, AppError> {
    if state.db.ping().await {
        Ok("ok")
    } else {
        Err(AppError::Unavailable)
    }
}

/// `GET /readyz`: 200 `ready` while the instance takes traffic; 503 `shutting_down` once
/// shutdown began (see [`crate::readiness`]), 503 `unavailable` when the database does not
/// answer. Before the state is ready the stand-in answers `starting` instead.
async fn readyz(State(state): State<AppState>) -> Result<&'static str, AppError> {
    if state.readiness.is_draining() {
        return Err(AppError::ShuttingDown);
    }
    if state.db.ping().await {
        Ok("ready")
    } else {
        Err(AppError::Unavailable)
    }
}

/// `GET /metrics`, only to clients on loopback or a private network (a scraper beside
/// replybox): the figures (moderation volumes, login outcomes) are not for the public, who get
/// the same 404 as for any unknown path. Behind a proxy, list it in `server.trusted_proxies` so
/// that the real client is the one judged.
async fn serve_metrics(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
) -> Result<impl IntoResponse, AppError> {
    if !is_internal(client) {
        return Err(AppError::NotFound);
    }
    Ok((
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        state.metrics.render(),
    ))
}

/// Loopback, private (RFC 1918, unique-local) and link-local addresses.
fn is_internal(ip: std::net::IpAddr) -> bool {
    match ip.to_canonical() {
        std::net::IpAddr::V4(v4) => v4.is_loopback() || v4.is_private() || v4.is_link_local(),
        std::net::IpAddr::V6(v6) => {
            v6.is_loopback()
                || (v6.segments()[0] & 0xfe00) == 0xfc00
                || (v6.segments()[0] & 0xffc0) == 0xfe80
        }
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
    let cluster = tokio::spawn(
        state
            .instance
            .clone()
            .follow_changes(state.db.clone(), state.caches.clone()),
    );
    let db = state.db.clone();
    let shutdown = state.readiness.drain_after(
        shutdown,
        Duration::from_millis(state.config.server.drain_ms),
    );
    let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await?;
    maintenance.abort();
    histograms.abort();
    mail.abort();
    cluster.abort();
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
        if let Err(err) = crate::ratelimit::prune_shared(&state.db).await {
            tracing::warn!(error = %err, "could not forget recovered shared rate limits");
        }
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
