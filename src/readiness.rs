//! Whether this instance should be sent traffic, for load balancers and service managers:
//! `GET /readyz` (in [`crate::http`]) answers 200 only between "migrations applied" and
//! "shutdown began".
//!
//! `/healthz` says whether the process and its database work at all; `/readyz` says whether a
//! balancer should route new requests here. Before the state is ready (migrations still
//! running, perhaps waiting on another instance's migration lock) the socket is already bound and
//! every path answers 503 `starting`, so a balancer sees "not ready" rather than "connection
//! refused" and a service manager can wait on it. After SIGTERM the instance answers 503
//! `shutting_down` on `/readyz` for `server.drain_ms` while it keeps serving everything else,
//! which gives the balancer's checks time to take it out before it stops accepting.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use axum::Router;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

use crate::error::AppError;

/// Set once shutdown begins; cheap to clone.
#[derive(Debug, Clone, Default)]
pub struct Readiness {
    draining: Arc<AtomicBool>,
}

impl Readiness {
    /// From now on `/readyz` answers 503 `shutting_down`.
    pub fn begin_shutdown(&self) {
        self.draining.store(true, Ordering::SeqCst);
    }

    /// Whether shutdown has begun.
    pub fn is_draining(&self) -> bool {
        self.draining.load(Ordering::SeqCst)
    }

    /// Resolves when `signal` does, after marking the instance not ready and waiting `drain`
    /// (requests keep being served meanwhile).
    pub fn drain_after(
        &self,
        signal: impl Future<Output = ()> + Send + 'static,
        drain: Duration,
    ) -> impl Future<Output = ()> + Send + 'static {
        let readiness = self.clone();
        async move {
            signal.await;
            readiness.begin_shutdown();
            if !drain.is_zero() {
                tracing::info!(
                    drain_ms = drain.as_millis() as u64,
                    "not ready: draining before closing the listener"
                );
                tokio::time::sleep(drain).await;
            }
        }
    }
}

/// A server on `listener` that answers every request 503 `starting`, until the returned sender
/// is used (or dropped); then it finishes what it was answering and hands the socket back.
pub fn answer_starting(listener: std::net::TcpListener) -> anyhow::Result<WhileStarting> {
    let listener = TcpListener::from_std(listener)?;
    let (stop, stopped) = oneshot::channel::<()>();
    let app = Router::new().fallback(|| async { AppError::Starting });
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = stopped.await;
            })
            .await;
    });
    Ok(WhileStarting { stop, task })
}

/// The stand-in server of [`answer_starting`].
pub struct WhileStarting {
    stop: oneshot::Sender<()>,
    task: tokio::task::JoinHandle<()>,
}

impl WhileStarting {
    /// Stops answering `starting` and waits until the stand-in has let go of the socket.
    pub async fn finish(self) {
        let _ = self.stop.send(());
        let _ = self.task.await;
    }
}
