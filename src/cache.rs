//! Short-lived memory of what readers ask for most: a page's public thread as ready JSON, and
//! pages' comment counts. A write through this instance forgets the page at once; entries also
//! expire after `server.thread_cache_ms` (while one request rebuilds an expired entry, others
//! get the old one), which bounds staleness to about twice that when several instances share
//! one PostgreSQL database. Only anonymous views are cached (a viewer's own pending comments
//! and "mine" flags are always read fresh). Each cache is bounded in bytes, and expired entries
//! are swept every maintenance tick, so memory follows the traffic back down.
//!
//! With several instances on one PostgreSQL, [`crate::cluster`] hangs an announcer on
//! [`Caches::page_changed`] and forgets what the other instances announce, so a write through
//! any instance reaches every instance's readers within milliseconds, not a cache lifetime. A
//! rebuild that began before a change is not remembered after it ([`Caches::version`]).

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock, RwLock};
use std::time::{Duration, Instant};

use axum::body::Bytes;

/// Most entries one map holds before expired ones are swept (and, if still full, all are).
const MAX_ENTRIES: usize = 50_000;
/// Most bytes (keys and values, as [`Weigh`] counts them) the thread bodies may take.
pub const MAX_THREAD_BYTES: usize = 64 << 20;
/// Most bytes the comment counts may take.
pub const MAX_COUNT_BYTES: usize = 8 << 20;

/// What an entry costs in memory, roughly: what a cache's byte budget counts.
pub trait Weigh {
    /// Bytes this value holds.
    fn weight(&self) -> usize;
}

impl Weigh for Bytes {
    fn weight(&self) -> usize {
        self.len()
    }
}

impl Weigh for i64 {
    fn weight(&self) -> usize {
        8
    }
}

impl Weigh for String {
    fn weight(&self) -> usize {
        self.len()
    }
}

impl<A: Weigh, B: Weigh> Weigh for (A, B) {
    fn weight(&self) -> usize {
        self.0.weight() + self.1.weight()
    }
}

impl Weigh for &str {
    fn weight(&self) -> usize {
        self.len()
    }
}

/// Bookkeeping overhead counted for every entry (hash slot, instant, lengths).
const ENTRY_OVERHEAD: usize = 64;

/// A map whose entries expire, bounded in entries and in bytes.
#[derive(Debug)]
pub struct TtlCache<K, V> {
    ttl: Duration,
    max_bytes: usize,
    entries: RwLock<Entries<K, V>>,
}

#[derive(Debug)]
struct Entries<K, V> {
    map: HashMap<K, (Instant, V)>,
    bytes: usize,
}

impl<K: Weigh, V: Weigh> Entries<K, V> {
    fn cost(key: &K, value: &V) -> usize {
        key.weight() + value.weight() + ENTRY_OVERHEAD
    }

    fn remove_expired(&mut self, ttl: Duration, now: Instant) {
        let mut freed = 0;
        self.map.retain(|key, (at, value)| {
            let keep = now.saturating_duration_since(*at) < ttl;
            if !keep {
                freed += Self::cost(key, value);
            }
            keep
        });
        self.bytes -= freed;
    }
}

impl<K: Hash + Eq + Clone + Weigh, V: Weigh> Entries<K, V> {
    /// Drops the oldest entries until at most `entries` and `bytes` remain.
    fn shrink_to(&mut self, entries: usize, bytes: usize) {
        let mut by_age: Vec<(Instant, K)> = self
            .map
            .iter()
            .map(|(k, (at, _))| (*at, k.clone()))
            .collect();
        by_age.sort_unstable_by_key(|(at, _)| *at);
        for (_, key) in by_age {
            if self.map.len() <= entries && self.bytes <= bytes {
                break;
            }
            if let Some((_, value)) = self.map.remove(&key) {
                self.bytes -= Self::cost(&key, &value);
            }
        }
    }
}

impl<K: Hash + Eq + Clone + Weigh, V: Clone + Weigh> TtlCache<K, V> {
    /// An empty cache whose entries live for `ttl` (zero disables it) and that holds at most
    /// `max_bytes`.
    pub fn new(ttl: Duration, max_bytes: usize) -> Self {
        Self {
            ttl,
            max_bytes,
            entries: RwLock::new(Entries {
                map: HashMap::new(),
                bytes: 0,
            }),
        }
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, Entries<K, V>> {
        self.entries
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The value if present and fresh. When an entry has just expired, the first caller to notice
    /// gets `None` and rebuilds it, while everyone else keeps getting the old value until the
    /// new one is put: one rebuild per expiry, not one per waiting request (a 1,000-comment
    /// thread would otherwise be rebuilt by every connection at once, every second).
    pub fn get(&self, key: &K) -> Option<V> {
        self.get_at(key, Instant::now())
    }

    /// [`TtlCache::get`] at a given moment (tests use a clock of their own).
    pub fn get_at(&self, key: &K, now: Instant) -> Option<V> {
        let fresh = |at: &Instant| now.saturating_duration_since(*at) < self.ttl;
        {
            let entries = self
                .entries
                .read()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            match entries.map.get(key) {
                None => return None,
                Some((at, value)) if fresh(at) => return Some(value.clone()),
                Some(_) => {}
            }
        }
        let mut entries = self.write();
        let (at, value) = entries.map.get_mut(key)?;
        if fresh(at) {
            return Some(value.clone());
        }
        *at = now;
        None
    }

    /// Remembers a value. When the cache is full (in entries or bytes), expired entries go
    /// first, and if that is not enough, the oldest, down to three quarters of the budget (so
    /// the sort is paid rarely); a value larger than the whole budget is not kept.
    pub fn put(&self, key: K, value: V) {
        self.put_at(key, value, Instant::now());
    }

    /// [`TtlCache::put`], unless `still_current` (asked under the cache's lock) says the value
    /// was outdated while it was being built.
    pub fn put_if(&self, key: K, value: V, still_current: impl FnOnce() -> bool) {
        self.put_checked(key, value, Instant::now(), still_current);
    }

    /// [`TtlCache::put`] at a given moment.
    pub fn put_at(&self, key: K, value: V, now: Instant) {
        self.put_checked(key, value, now, || true);
    }

    fn put_checked(&self, key: K, value: V, now: Instant, still_current: impl FnOnce() -> bool) {
        let cost = Entries::cost(&key, &value);
        if self.ttl.is_zero() || cost > self.max_bytes {
            return;
        }
        let mut entries = self.write();
        if !still_current() {
            return;
        }
        if let Some((_, old)) = entries.map.remove(&key) {
            entries.bytes -= Entries::cost(&key, &old);
        }
        let full =
            |e: &Entries<K, V>| e.map.len() >= MAX_ENTRIES || e.bytes + cost > self.max_bytes;
        if full(&entries) {
            entries.remove_expired(self.ttl, now);
            if full(&entries) {
                entries.shrink_to(MAX_ENTRIES * 3 / 4, (self.max_bytes - cost) * 3 / 4);
            }
        }
        entries.bytes += cost;
        entries.map.insert(key, (now, value));
    }

    /// Forgets a key.
    pub fn forget(&self, key: &K) {
        let mut entries = self.write();
        if let Some((_, old)) = entries.map.remove(key) {
            entries.bytes -= Entries::cost(key, &old);
        }
    }

    /// Forgets everything.
    pub fn clear(&self) {
        let mut entries = self.write();
        entries.map.clear();
        entries.bytes = 0;
    }

    /// Drops every expired entry (called periodically, so memory follows the traffic down).
    pub fn sweep(&self) {
        self.sweep_at(Instant::now());
    }

    /// [`TtlCache::sweep`] at a given moment.
    pub fn sweep_at(&self, now: Instant) {
        let ttl = self.ttl;
        self.write().remove_expired(ttl, now);
    }

    /// Entries and bytes held.
    pub fn size(&self) -> (usize, usize) {
        let entries = self
            .entries
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        (entries.map.len(), entries.bytes)
    }
}

/// Key for a page: (site id, page URI).
pub type PageKey = (String, String);

/// Told of every page this instance changed (the cluster announcer).
pub type Announcer = Arc<dyn Fn(&PageKey) + Send + Sync>;

/// The caches of the public API; cheap to clone.
#[derive(Clone)]
pub struct Caches {
    /// Anonymous `GET /api/comments` bodies.
    pub threads: Arc<TtlCache<PageKey, Bytes>>,
    /// Approved comment counts.
    pub counts: Arc<TtlCache<PageKey, i64>>,
    /// Changes seen so far (here or announced by another instance).
    changes: Arc<AtomicU64>,
    announcer: Arc<OnceLock<Announcer>>,
}

impl std::fmt::Debug for Caches {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Caches")
            .field("threads", &self.threads.size())
            .field("counts", &self.counts.size())
            .field("changes", &self.version())
            .finish_non_exhaustive()
    }
}

impl Caches {
    /// Caches whose entries live for `ttl`.
    pub fn new(ttl: Duration) -> Self {
        Self {
            threads: Arc::new(TtlCache::new(ttl, MAX_THREAD_BYTES)),
            counts: Arc::new(TtlCache::new(ttl, MAX_COUNT_BYTES)),
            changes: Arc::new(AtomicU64::new(0)),
            announcer: Arc::new(OnceLock::new()),
        }
    }

    /// From now on, every page this instance changes is also handed to `announcer` (once; a
    /// second announcer is ignored).
    pub fn announce_with(&self, announcer: Announcer) {
        let _ = self.announcer.set(announcer);
    }

    /// Drops expired entries from both caches.
    pub fn sweep(&self) {
        self.threads.sweep();
        self.counts.sweep();
    }

    /// How many changes have been seen: read it before building a value, and put the value
    /// with [`Caches::unchanged_since`] so that one outdated while building is not kept.
    pub fn version(&self) -> u64 {
        self.changes.load(Ordering::SeqCst)
    }

    /// Whether no change was seen since `version` was read.
    pub fn unchanged_since(&self, version: u64) -> bool {
        self.version() == version
    }

    /// Forgets everything about a page after its comments changed here, and announces it.
    pub fn page_changed(&self, site: &str, uri: &str) {
        let key = (site.to_string(), uri.to_string());
        self.forget_page(&key);
        if let Some(announce) = self.announcer.get() {
            announce(&key);
        }
    }

    /// Forgets everything about a page (changed here or on another instance).
    pub fn forget_page(&self, key: &PageKey) {
        self.changes.fetch_add(1, Ordering::SeqCst);
        self.threads.forget(key);
        self.counts.forget(key);
    }

    /// Forgets every page (after a gap in the other instances' announcements).
    pub fn forget_all(&self) {
        self.changes.fetch_add(1, Ordering::SeqCst);
        self.threads.clear();
        self.counts.clear();
    }
}

#[cfg(test)]
mod tests;
