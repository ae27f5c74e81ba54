//! Rate limits per client address: a generous one for reads, a tight one per site for comments
//! (and, counted apart, for reports, for authors' edits and for readers deleting their data), one
//! for likes, one for starting sign-ins and exchanging their codes, one for moderators' actions
//! from the widget, and one for admin login attempts.
//!
//! Keyed governor limiters, checked directly (no tower_governor: its key extractor trusts a forged
//! `X-Forwarded-For`). The address comes from [`crate::client_ip`]. IPv6 clients are keyed by
//! their /64, which is what one subscriber usually holds. The limiters' maps are pruned
//! periodically by [`RateLimits::prune`], or they would only grow.
//!
//! On PostgreSQL the budgets that matter for abuse — comments, sign-ins, admin logins — are kept
//! in the database instead ([`crate::store::rate_limits`]), so several instances behind one
//! balancer allow a client what one instance would, not N times that; the statement costs one
//! index probe on a write that already goes to the database. Reads (a generous flood guard,
//! checked on every request) stay in each instance's memory: N instances allow N times the
//! configured read rate.

use std::collections::HashMap;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota};

use crate::config::Config;
use crate::error::{AppError, AppResult};
use crate::store::{self, Db};

type Limiter = DefaultKeyedRateLimiter<IpAddr>;

/// A budget as configured: so many per minute, so many at once.
#[derive(Debug, Clone, Copy)]
struct Budget {
    per_minute: u32,
    burst: u32,
}

impl Budget {
    fn quota(self) -> Quota {
        Quota::per_minute(NonZeroU32::new(self.per_minute).unwrap_or(NonZeroU32::MIN))
            .allow_burst(NonZeroU32::new(self.burst).unwrap_or(NonZeroU32::MIN))
    }

    /// Takes one request for `key` from the budget shared in the database.
    async fn take_shared(self, db: &Db, key: &str) -> AppResult<()> {
        let interval_ms = (60_000 / i64::from(self.per_minute.max(1))).max(1);
        let burst = i64::from(self.burst.max(1));
        match store::rate_limits::take(db, key, store::now_ms(), interval_ms, burst).await? {
            None => Ok(()),
            Some(wait_ms) => Err(AppError::RateLimited {
                retry_after_secs: u64::try_from((wait_ms + 999) / 1000).unwrap_or(1).max(1),
            }),
        }
    }
}

/// All limiters of the instance; cheap to clone.
#[derive(Clone)]
pub struct RateLimits {
    enabled: bool,
    reads: Arc<Limiter>,
    sign_ins: Arc<Limiter>,
    sign_in_budget: Budget,
    writes_by_site: Arc<HashMap<String, (Limiter, Budget)>>,
    /// Reports of comments: the same budget as comments, counted apart.
    reports_by_site: Arc<HashMap<String, (Limiter, Budget)>>,
    /// Authors' edits and deletions of their own comments: the same budget, counted apart.
    edits_by_site: Arc<HashMap<String, (Limiter, Budget)>>,
    /// Likes and taking them back (`limits.likes_per_minute`).
    likes_by_site: Arc<HashMap<String, (Limiter, Budget)>>,
    /// Moderators' actions from the widget ([`MODERATION_BUDGET`]).
    moderations: Arc<Limiter>,
    /// Readers deleting their own data: the same budget as comments, counted apart (a reader
    /// who just posted is not kept from leaving).
    deletions_by_site: Arc<HashMap<String, (Limiter, Budget)>>,
    /// The database holding the budgets every instance shares (PostgreSQL only).
    shared: Option<Db>,
}

impl RateLimits {
    /// Builds the limiters from `[limits]` and each site's own `writes_per_minute`.
    pub fn from_config(config: &Config) -> Self {
        let limits = &config.limits;
        let reads = Budget {
            per_minute: limits.reads_per_minute,
            burst: limits.read_burst,
        };
        let sign_in_budget = Budget {
            per_minute: limits.sign_ins_per_minute,
            burst: limits.sign_in_burst,
        };
        let per_site = |budget: &dyn Fn(&crate::config::SiteConfig) -> Budget| {
            config
                .sites
                .iter()
                .map(|site| {
                    let budget = budget(site);
                    (site.id.clone(), (Limiter::dashmap(budget.quota()), budget))
                })
                .collect::<HashMap<String, (Limiter, Budget)>>()
        };
        let writes = |site: &crate::config::SiteConfig| Budget {
            per_minute: site.writes_per_minute.unwrap_or(limits.writes_per_minute),
            burst: limits.write_burst,
        };
        let likes = |_: &crate::config::SiteConfig| Budget {
            per_minute: limits.likes_per_minute,
            burst: limits.like_burst,
        };
        Self {
            enabled: limits.enabled,
            reads: Arc::new(Limiter::dashmap(reads.quota())),
            sign_ins: Arc::new(Limiter::dashmap(sign_in_budget.quota())),
            sign_in_budget,
            writes_by_site: Arc::new(per_site(&writes)),
            reports_by_site: Arc::new(per_site(&writes)),
            edits_by_site: Arc::new(per_site(&writes)),
            likes_by_site: Arc::new(per_site(&likes)),
            deletions_by_site: Arc::new(per_site(&writes)),
            moderations: Arc::new(Limiter::dashmap(MODERATION_BUDGET.quota())),
            shared: None,
        }
    }

    /// On PostgreSQL, keeps the write and sign-in budgets in the database, shared by every
    /// instance using it; on SQLite, changes nothing.
    pub fn shared_through(mut self, db: &Db) -> Self {
        if matches!(db, Db::Postgres(_)) {
            self.shared = Some(db.clone());
        }
        self
    }

    /// Counts a read by this client; `rate_limited` when it has used its share.
    pub fn check_read(&self, ip: IpAddr) -> AppResult<()> {
        if !self.enabled {
            return Ok(());
        }
        check(&self.reads, ip)
    }

    /// Counts a sign-in start or code exchange by this client.
    pub async fn check_sign_in(&self, ip: IpAddr) -> AppResult<()> {
        if !self.enabled {
            return Ok(());
        }
        match &self.shared {
            Some(db) => {
                let key = format!("sign-in {}", crate::client_ip::client_network(ip));
                self.sign_in_budget.take_shared(db, &key).await
            }
            None => check(&self.sign_ins, ip),
        }
    }

    /// Counts a moderator's action from the widget by this client.
    pub async fn check_moderation(&self, ip: IpAddr) -> AppResult<()> {
        if !self.enabled {
            return Ok(());
        }
        match &self.shared {
            Some(db) => {
                let key = format!("moderate {}", crate::client_ip::client_network(ip));
                MODERATION_BUDGET.take_shared(db, &key).await
            }
            None => check(&self.moderations, ip),
        }
    }

    /// Counts a new comment by this client on this site.
    pub async fn check_write(&self, site: &str, ip: IpAddr) -> AppResult<()> {
        self.check_site(&self.writes_by_site, "write", site, ip)
            .await
    }

    /// Counts a report of a comment by this client on this site.
    pub async fn check_report(&self, site: &str, ip: IpAddr) -> AppResult<()> {
        self.check_site(&self.reports_by_site, "report", site, ip)
            .await
    }

    /// Counts an author's edit or deletion of their own comment by this client on this site.
    pub async fn check_edit(&self, site: &str, ip: IpAddr) -> AppResult<()> {
        self.check_site(&self.edits_by_site, "edit", site, ip).await
    }

    /// Counts a like (or taking one back) by this client on this site.
    pub async fn check_like(&self, site: &str, ip: IpAddr) -> AppResult<()> {
        self.check_site(&self.likes_by_site, "like", site, ip).await
    }

    /// Counts a reader's deletion of their own data, from this client through this site.
    pub async fn check_deletion(&self, site: &str, ip: IpAddr) -> AppResult<()> {
        self.check_site(&self.deletions_by_site, "delete-data", site, ip)
            .await
    }

    async fn check_site(
        &self,
        limiters: &HashMap<String, (Limiter, Budget)>,
        what: &str,
        site: &str,
        ip: IpAddr,
    ) -> AppResult<()> {
        if !self.enabled {
            return Ok(());
        }
        let Some((limiter, budget)) = limiters.get(site) else {
            return Err(AppError::UnknownSite);
        };
        match &self.shared {
            Some(db) => {
                let key = format!("{what} {site} {}", crate::client_ip::client_network(ip));
                budget.take_shared(db, &key).await
            }
            None => check(limiter, ip),
        }
    }

    /// Forgets clients whose limits have fully recovered, and returns how many are still tracked.
    pub fn prune(&self) -> usize {
        let mut tracked = 0;
        let shared = [
            self.reads.as_ref(),
            self.sign_ins.as_ref(),
            self.moderations.as_ref(),
        ];
        let writes = (self.writes_by_site.values())
            .chain(self.reports_by_site.values())
            .chain(self.edits_by_site.values())
            .chain(self.likes_by_site.values())
            .chain(self.deletions_by_site.values())
            .map(|(limiter, _)| limiter);
        for limiter in shared.into_iter().chain(writes) {
            limiter.retain_recent();
            limiter.shrink_to_fit();
            tracked += limiter.len();
        }
        tracked
    }
}

/// Moderators' actions from the widget, per client: a moderator clearing a queue in place
/// works at the speed of clicks (60 a minute, 30 at once is more than a person does), while a
/// stolen credential cannot empty a site in a burst.
const MODERATION_BUDGET: Budget = Budget {
    per_minute: 60,
    burst: 30,
};

/// Login attempts allowed per address and per account name: five, then one a minute. Off only
/// when `limits.enabled = false` (benchmarks, browser tests).
#[derive(Clone)]
pub struct LoginThrottle {
    enabled: bool,
    by_ip: Arc<DefaultKeyedRateLimiter<IpAddr>>,
    by_name: Arc<DefaultKeyedRateLimiter<String>>,
    shared: Option<Db>,
}

/// Five login attempts, then one a minute.
const LOGIN_BUDGET: Budget = Budget {
    per_minute: 1,
    burst: 5,
};

impl LoginThrottle {
    /// A throttle, on or off.
    pub fn new(enabled: bool) -> Self {
        let quota = LOGIN_BUDGET.quota();
        Self {
            enabled,
            by_ip: Arc::new(DefaultKeyedRateLimiter::dashmap(quota)),
            by_name: Arc::new(DefaultKeyedRateLimiter::dashmap(quota)),
            shared: None,
        }
    }

    /// On PostgreSQL, counts attempts in the database, for every instance together.
    pub fn shared_through(mut self, db: &Db) -> Self {
        if matches!(db, Db::Postgres(_)) {
            self.shared = Some(db.clone());
        }
        self
    }

    /// Counts one attempt for this address and this (trimmed) account name.
    pub async fn check(&self, ip: IpAddr, name: &str) -> AppResult<()> {
        if !self.enabled {
            return Ok(());
        }
        if let Some(db) = &self.shared {
            let network = crate::client_ip::client_network(ip);
            LOGIN_BUDGET
                .take_shared(db, &format!("login-from {network}"))
                .await?;
            return LOGIN_BUDGET
                .take_shared(db, &format!("login-as {}", name.to_lowercase()))
                .await;
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

/// Forgets the shared budgets that have fully recovered (called periodically; PostgreSQL only).
pub async fn prune_shared(db: &Db) -> AppResult<i64> {
    Ok(store::rate_limits::forget_recovered(db, store::now_ms()).await?)
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

    #[tokio::test]
    async fn a_client_gets_its_burst_then_waits() {
        let limits = limits(2, 2);
        let ip: IpAddr = "192.0.2.1".parse().unwrap();
        assert!(limits.check_write("blog", ip).await.is_ok());
        assert!(limits.check_write("blog", ip).await.is_ok());
        match limits.check_write("blog", ip).await {
            Err(AppError::RateLimited { retry_after_secs }) => {
                assert!((1..=30).contains(&retry_after_secs))
            }
            other => panic!("expected rate_limited, got {other:?}"),
        }
        let other: IpAddr = "192.0.2.2".parse().unwrap();
        assert!(
            limits.check_write("blog", other).await.is_ok(),
            "another client has its own budget"
        );
    }

    #[tokio::test]
    async fn one_ipv6_subscriber_cannot_hop_addresses_inside_its_64() {
        let limits = limits(1, 1);
        assert!(
            limits
                .check_write("blog", "2001:db8:1:2::1".parse().unwrap())
                .await
                .is_ok()
        );
        assert!(
            limits
                .check_write("blog", "2001:db8:1:2::ffff".parse().unwrap())
                .await
                .is_err()
        );
        assert!(
            limits
                .check_write("blog", "2001:db8:1:3::1".parse().unwrap())
                .await
                .is_ok()
        );
    }
}
