//! Short-lived memory of what readers ask for most: a page's public thread as ready JSON, and
//! pages' comment counts. A write through this instance forgets the page at once; entries also
//! expire after `server.thread_cache_ms` (while one request rebuilds an expired entry, others
//! get the old one), which bounds staleness to about twice that when several instances share
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

    /// The value if present and fresh. When an entry has just expired, the first caller to notice
    /// gets `None` and rebuilds it, while everyone else keeps getting the old value until the
    /// new one is put: one rebuild per expiry, not one per waiting request (a 1,000-comment
    /// thread would otherwise be rebuilt by every connection at once, every second).
    pub fn get(&self, key: &K) -> Option<V> {
        {
            let entries = self
                .entries
                .read()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            match entries.get(key) {
                None => return None,
                Some((at, value)) if at.elapsed() < self.ttl => return Some(value.clone()),
                Some(_) => {}
            }
        }
        let mut entries = self
            .entries
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let (at, value) = entries.get_mut(key)?;
        if at.elapsed() < self.ttl {
            return Some(value.clone());
        }
        *at = Instant::now();
        None
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_expired_entry_is_rebuilt_by_one_caller_while_others_get_the_old_value() {
        let cache = TtlCache::new(Duration::from_millis(20));
        cache.put("page", 1);
        assert_eq!(cache.get(&"page"), Some(1));
        std::thread::sleep(Duration::from_millis(30));
        assert_eq!(
            cache.get(&"page"),
            None,
            "the first caller after expiry rebuilds"
        );
        assert_eq!(
            cache.get(&"page"),
            Some(1),
            "the others are served meanwhile"
        );
        cache.put("page", 2);
        assert_eq!(cache.get(&"page"), Some(2));
        cache.forget(&"page");
        assert_eq!(cache.get(&"page"), None);
    }

    #[test]
    fn a_zero_lifetime_turns_the_cache_off() {
        let cache = TtlCache::new(Duration::ZERO);
        cache.put("page", 1);
        assert_eq!(cache.get(&"page"), None);
    }
}
