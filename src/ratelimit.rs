//! Rate limits per client address: a generous one for reads, a tight one per site for comments,
//! one for starting sign-ins and exchanging their codes, and one for admin login attempts.
//!
//! Keyed governor limiters, checked directly (no tower_governor: its key extractor trusts a forged
//! `X-Forwarded-For`). The address comes from [`crate::client_ip`]. IPv6 clients are keyed by
//! their /64, which is what one subscriber usually holds. The limiters' maps are pruned
//! periodically by [`RateLimits::prune`], or they would only grow.

use std::collections::HashMap;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota};

use crate::config::Config;
use crate::error::{AppError, AppResult};

type Limiter = DefaultKeyedRateLimiter<IpAddr>;

/// All limiters of the instance; cheap to clone.
#[derive(Clone)]
pub struct RateLimits {
    enabled: bool,
    reads: Arc<Limiter>,
    sign_ins: Arc<Limiter>,
    writes_by_site: Arc<HashMap<String, Limiter>>,
}

impl RateLimits {
    /// Builds the limiters from `[limits]` and each site's own `writes_per_minute`.
    pub fn from_config(config: &Config) -> Self {
        let limits = &config.limits;
        let quota = |per_minute: u32, burst: u32| {
            Quota::per_minute(NonZeroU32::new(per_minute).unwrap_or(NonZeroU32::MIN))
                .allow_burst(NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN))
        };
        let reads = Arc::new(Limiter::dashmap(quota(
            limits.reads_per_minute,
            limits.read_burst,
        )));
        let sign_ins = Arc::new(Limiter::dashmap(quota(
            limits.sign_ins_per_minute,
            limits.sign_in_burst,
        )));
        let writes_by_site = config
            .sites
            .iter()
            .map(|site| {
                let per_minute = site.writes_per_minute.unwrap_or(limits.writes_per_minute);
                (
                    site.id.clone(),
                    Limiter::dashmap(quota(per_minute, limits.write_burst)),
                )
            })
            .collect();
        Self {
            enabled: limits.enabled,
            reads,
            sign_ins,
            writes_by_site: Arc::new(writes_by_site),
        }
    }

    /// Counts a read by this client; `rate_limited` when it has used its share.
    pub fn check_read(&self, ip: IpAddr) -> AppResult<()> {
        if !self.enabled {
            return Ok(());
        }
        check(&self.reads, ip)
    }

    /// Counts a sign-in start or code exchange by this client.
    pub fn check_sign_in(&self, ip: IpAddr) -> AppResult<()> {
        if !self.enabled {
            return Ok(());
        }
        check(&self.sign_ins, ip)
    }

    /// Counts a new comment by this client on this site.
    pub fn check_write(&self, site: &str, ip: IpAddr) -> AppResult<()> {
        if !self.enabled {
            return Ok(());
        }
        match self.writes_by_site.get(site) {
            Some(limiter) => check(limiter, ip),
            None => Err(AppError::UnknownSite),
        }
    }

    /// Forgets clients whose limits have fully recovered, and returns how many are still tracked.
    pub fn prune(&self) -> usize {
        let mut tracked = 0;
        let shared = [self.reads.as_ref(), self.sign_ins.as_ref()];
        for limiter in shared.into_iter().chain(self.writes_by_site.values()) {
            limiter.retain_recent();
            limiter.shrink_to_fit();
            tracked += limiter.len();
        }
        tracked
    }
}

/// Login attempts allowed per address and per account name: five, then one a minute. Off only
/// when `limits.enabled = false` (benchmarks, browser tests).
#[derive(Clone)]
pub struct LoginThrottle {
    enabled: bool,
    by_ip: Arc<DefaultKeyedRateLimiter<IpAddr>>,
    by_name: Arc<DefaultKeyedRateLimiter<String>>,
}

impl LoginThrottle {
    /// A throttle, on or off.
    pub fn new(enabled: bool) -> Self {
        let quota =
            Quota::per_minute(NonZeroU32::MIN).allow_burst(NonZeroU32::new(5).expect("5 > 0"));
        Self {
            enabled,
            by_ip: Arc::new(DefaultKeyedRateLimiter::dashmap(quota)),
            by_name: Arc::new(DefaultKeyedRateLimiter::dashmap(quota)),
        }
    }

    /// Counts one attempt for this address and this (trimmed) account name.
    pub fn check(&self, ip: IpAddr, name: &str) -> AppResult<()> {
        if !self.enabled {
            return Ok(());
        }
        let wait = |not_until: governor::NotUntil<_>| AppError::RateLimited {
            retry_after_secs: not_until
                .wait_time_from(DefaultClock::default().now())
                .as_secs()
                .max(1),
        };
        self.by_ip
            .check_key(&crate::client_ip::client_network(ip))
            .map_err(wait)?;
        self.by_name.check_key(&name.to_lowercase()).map_err(wait)?;
        Ok(())
    }

    /// Forgets recovered keys (called periodically).
    pub fn prune(&self) {
        self.by_ip.retain_recent();
        self.by_name.retain_recent();
    }
}

fn check(limiter: &Limiter, ip: IpAddr) -> AppResult<()> {
    limiter
        .check_key(&crate::client_ip::client_network(ip))
        .map_err(|not_until| {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            AppError::RateLimited {
                retry_after_secs: wait.as_secs() + u64::from(wait.subsec_nanos() > 0),
            }
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(writes_per_minute: u32, burst: u32) -> RateLimits {
        let mut config = Config::from_toml("[[sites]]\nid = \"blog\"\nname = \"Blog\"").unwrap();
        config.limits.writes_per_minute = writes_per_minute;
        config.limits.write_burst = burst;
        RateLimits::from_config(&config)
    }

    #[test]
    fn a_client_gets_its_burst_then_waits() {
        let limits = limits(2, 2);
        let ip: IpAddr = "192.0.2.1".parse().unwrap();
        assert!(limits.check_write("blog", ip).is_ok());
        assert!(limits.check_write("blog", ip).is_ok());
        match limits.check_write("blog", ip) {
            Err(AppError::RateLimited { retry_after_secs }) => {
                assert!((1..=30).contains(&retry_after_secs))
            }
            other => panic!("expected rate_limited, got {other:?}"),
        }
        let other: IpAddr = "192.0.2.2".parse().unwrap();
        assert!(
            limits.check_write("blog", other).is_ok(),
            "another client has its own budget"
        );
    }

    #[test]
    fn one_ipv6_subscriber_cannot_hop_addresses_inside_its_64() {
        let limits = limits(1, 1);
        assert!(
            limits
                .check_write("blog", "2001:db8:1:2::1".parse().unwrap())
                .is_ok()
        );
        assert!(
            limits
                .check_write("blog", "2001:db8:1:2::ffff".parse().unwrap())
                .is_err()
        );
        assert!(
            limits
                .check_write("blog", "2001:db8:1:3::1".parse().unwrap())
                .is_ok()
        );
    }
}
