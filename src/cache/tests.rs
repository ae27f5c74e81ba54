//! The caches' rules, with a clock the tests move by hand.

use super::*;

/// A clock the test moves by hand.
struct Clock(Instant);

impl Clock {
    fn at(&self, ms: u64) -> Instant {
        self.0 + Duration::from_millis(ms)
    }
}

#[test]
fn an_expired_entry_is_rebuilt_by_one_caller_while_others_get_the_old_value() {
    let clock = Clock(Instant::now());
    let cache = TtlCache::new(Duration::from_millis(20), 1 << 20);
    cache.put_at("page", 1i64, clock.at(0));
    assert_eq!(cache.get_at(&"page", clock.at(19)), Some(1));
    assert_eq!(
        cache.get_at(&"page", clock.at(20)),
        None,
        "the first caller after expiry rebuilds"
    );
    assert_eq!(
        cache.get_at(&"page", clock.at(21)),
        Some(1),
        "the others are served meanwhile"
    );
    cache.put_at("page", 2, clock.at(22));
    assert_eq!(cache.get_at(&"page", clock.at(23)), Some(2));
    cache.forget(&"page");
    assert_eq!(cache.get_at(&"page", clock.at(23)), None);
}

#[test]
fn a_zero_lifetime_turns_the_cache_off() {
    let cache = TtlCache::new(Duration::ZERO, 1 << 20);
    cache.put("page", 1i64);
    assert_eq!(cache.get(&"page"), None);
}

#[test]
fn the_byte_budget_holds_and_a_sweep_frees_expired_entries() {
    let clock = Clock(Instant::now());
    let cache = TtlCache::new(Duration::from_millis(20), 10_000);
    for i in 0..100 {
        cache.put_at(
            format!("/page-{i}"),
            Bytes::from(vec![b'x'; 1000]),
            clock.at(i),
        );
        assert!(cache.size().1 <= 10_000, "{:?}", cache.size());
    }
    assert!(cache.size().0 >= 5, "the latest entries are kept");
    assert!(
        cache
            .get_at(&"/page-99".to_string(), clock.at(100))
            .is_some(),
        "the newest entry survives eviction"
    );
    cache.put_at(
        "/huge".to_string(),
        Bytes::from(vec![b'x'; 20_000]),
        clock.at(100),
    );
    assert_eq!(
        cache.get_at(&"/huge".to_string(), clock.at(100)),
        None,
        "too big to keep"
    );
    cache.sweep_at(clock.at(200));
    assert_eq!(cache.size(), (0, 0));
}
