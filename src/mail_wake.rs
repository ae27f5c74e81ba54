//! The bell the mail worker waits on: whoever queues work for it (a new comment, a moderator's
//! action) rings it, so mail goes out at once rather than at the worker's next look (it also
//! looks every second, and on another instance the bell is not heard at all).

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Notify;

/// Wakes the worker when there is new work.
#[derive(Debug, Clone, Default)]
pub struct MailWake(Arc<Notify>);

impl MailWake {
    /// There may be new events.
    pub fn wake(&self) {
        self.0.notify_one();
    }

    /// Waits for the bell, or `at_most`.
    pub async fn wait(&self, at_most: Duration) {
        let _ = tokio::time::timeout(at_most, self.0.notified()).await;
    }
}
