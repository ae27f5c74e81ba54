//! Short-lived memory of what readers ask for most: a page's public thread as ready JSON, and
//! pages' comment counts. A write through this instance forgets the page at once; entries also
//! expire after `server.thread_cache_ms`, which bounds staleness when several instances share
//! one PostgreSQL database. Only anonymous views are cached (a viewer's own pending comments
//! and "mine" flags are always read fresh).

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use axum::body::Bytes;

/// Most entries one map holds before expired ones are swept (and, if still full, all are).
const MAX_ENTRIES: usize = 50_000;

/// A map whose entries expire.
#[derive(Debug)]
pub struct TtlCache<K, V> {
    ttl: Duration,
    entries: RwLock<HashMap<K, (Instant, V)>>,
}

impl<K: Hash + Eq, V: Clone> TtlCache<K, V> {
    /// An empty cache whose entries live for `ttl` (zero disables it).
    pub fn new(ttl: Duration) -> Self {
        Self {
            ttl,
            entries: RwLock::new(HashMap::new()),
        }
    }

    /// The value if present and fresh.
    pub fn get(&self, key: &K) -> Option<V> {
        let entries = self
            .entries
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        entries
            .get(key)
            .filter(|(at, _)| at.elapsed() < self.ttl)
            .map(|(_, value)| value.clone())
    }

    /// Remembers a value.
    pub fn put(&self, key: K, value: V) {
        if self.ttl.is_zero() {
            return;
        }
        let mut entries = self
            .entries
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if entries.len() >= MAX_ENTRIES {
            let ttl = self.ttl;
            entries.retain(|_, (at, _)| at.elapsed() < ttl);
            if entries.len() >= MAX_ENTRIES {
                entries.clear();
            }
        }
        entries.insert(key, (Instant::now(), value));
    }

    /// Forgets a key.
    pub fn forget(&self, key: &K) {
        self.entries
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .remove(key);
    }
}

/// Key for a page: (site id, page URI).
pub type PageKey = (String, String);

/// The caches of the public API; cheap to clone.
#[derive(Debug, Clone)]
pub struct Caches {
    /// Anonymous `GET /api/comments` bodies.
    pub threads: Arc<TtlCache<PageKey, Bytes>>,
    /// Approved comment counts.
    pub counts: Arc<TtlCache<PageKey, i64>>,
}

impl Caches {
    /// Caches whose entries live for `ttl`.
    pub fn new(ttl: Duration) -> Self {
        Self {
            threads: Arc::new(TtlCache::new(ttl)),
            counts: Arc::new(TtlCache::new(ttl)),
        }
    }

    /// Forgets everything about a page after its comments changed.
    pub fn page_changed(&self, site: &str, uri: &str) {
        let key = (site.to_string(), uri.to_string());
        self.threads.forget(&key);
        self.counts.forget(&key);
    }
}
