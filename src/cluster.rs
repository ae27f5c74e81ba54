//! Several instances on one PostgreSQL database behind a load balancer (DESIGN.md "Storage").
//!
//! What must hold for the whole cluster and not per process is shared through the database:
//! rows (comments, sessions, sign-in state, the outbox with its claims) already are; the write
//! and sign-in rate limits are kept in PostgreSQL ([`crate::ratelimit`]); and each instance's
//! memory of public threads and counts is kept honest by `LISTEN/NOTIFY`: a write announces its
//! page, and every instance forgets that page. Chosen over polling a version table (one query
//! per read, or staleness per poll interval): a notification reaches the other instances within
//! a millisecond or two on one network and costs nothing when nothing changes. A lost listening
//! connection forgets every page, since what was announced meanwhile is gone.

use std::sync::Arc;
use std::time::Duration;

use crate::cache::Caches;
use crate::store::Db;
use crate::store::cluster::{Announcement, PageChanges};

/// This instance among those sharing the database: a random name, so that it can tell its own
/// announcements from the others'. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Instance {
    name: Arc<str>,
}

impl Default for Instance {
    fn default() -> Self {
        Self {
            name: uuid::Uuid::new_v4().simple().to_string().into(),
        }
    }
}

impl Instance {
    /// On PostgreSQL, makes every page this instance changes be announced to the others.
    pub fn announce_changes(&self, db: &Db, caches: &Caches) {
        if !matches!(db, Db::Postgres(_)) {
            return;
        }
        let db = db.clone();
        let me = Arc::clone(&self.name);
        caches.announce_with(Arc::new(move |page| {
            let (db, me, page) = (db.clone(), Arc::clone(&me), page.clone());
            tokio::spawn(async move {
                if let Err(err) = crate::store::cluster::announce(&db, &me, &page).await {
                    tracing::warn!(error = %err, "could not announce a changed page to other instances");
                }
            });
        }));
    }

    /// Forgets the pages other instances announce, until the process ends (nothing on SQLite).
    pub async fn follow_changes(self, db: Db, caches: Caches) {
        loop {
            match PageChanges::listen(&db).await {
                Ok(None) => return,
                Ok(Some(mut changes)) => {
                    // Whatever was announced before this connection listened is unknown.
                    caches.forget_all();
                    loop {
                        match changes.next(&self.name).await {
                            Ok(Announcement::Page(page)) => caches.forget_page(&page),
                            Ok(Announcement::Everything) => caches.forget_all(),
                            Ok(Announcement::Own) => {}
                            Err(err) => {
                                tracing::warn!(error = %err, "lost the other instances' announcements; listening again");
                                break;
                            }
                        }
                    }
                }
                Err(err) => {
                    tracing::warn!(error = %err, "cannot listen to the other instances' announcements; retrying")
                }
            }
            if db.is_closed() {
                return;
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    }
}
