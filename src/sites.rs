//! The sites this instance serves, looked up by id on every request.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use crate::config::{Config, GuestEmail, ModerationMode, SiteConfig, normalize_origin};
use crate::error::AppError;

/// One configured blog, with its origins normalised for comparison with `Origin` headers.
#[derive(Debug)]
pub struct Site {
    /// The site's configuration as written.
    pub config: SiteConfig,
    /// Normalised origins (`https://blog.example.com`).
    pub origins: HashSet<String>,
}

impl Site {
    /// The public address of a comment's page: the URI joined to the site's first origin, or the URI
    /// itself when it is an absolute address on one of the site's origins. Whatever the stored key,
    /// the link never leaves the site's origins (a key that would, from before keys were checked,
    /// links to the site's first origin).
    pub fn page_url(&self, uri: &str) -> String {
        let mut origins: Vec<&String> = self.origins.iter().collect();
        origins.sort();
        let Some(first) = origins.first().and_then(|o| url::Url::parse(o).ok()) else {
            return String::new();
        };
        let on_site = |url: &url::Url| self.origins.contains(&url.origin().ascii_serialization());
        match url::Url::parse(uri).or_else(|_| first.join(uri)) {
            Ok(url) if on_site(&url) && url.username().is_empty() && url.password().is_none() => {
                url.to_string()
            }
            _ => first.to_string(),
        }
    }

    /// A comment's address on its page (`…/post/#comment-42`): the widget scrolls to it and
    /// highlights it. The admin cards and mails link there.
    pub fn comment_url(&self, uri: &str, id: i64) -> String {
        let page = self.page_url(uri);
        let page = page.split('#').next().unwrap_or_default();
        format!("{page}#comment-{id}")
    }

    /// The site's id (`data-site`).
    pub fn id(&self) -> &str {
        &self.config.id
    }

    /// Which comments wait for a moderator.
    pub fn moderation(&self) -> ModerationMode {
        self.config.moderation
    }

    /// Whether a thread that began at `created_at` is closed by age (`close_after_days`).
    pub fn is_closed_by_age(&self, created_at: Option<i64>, now: i64) -> bool {
        let days = self.config.close_after_days;
        days > 0 && created_at.is_some_and(|start| now - start > days as i64 * 24 * 60 * 60 * 1000)
    }

    /// Whether guests must give an email address.
    pub fn requires_guest_email(&self) -> bool {
        self.config.guest_email == GuestEmail::Required
    }
}

/// All sites by id; cheap to clone.
#[derive(Debug, Clone)]
pub struct Sites {
    by_id: Arc<HashMap<String, Arc<Site>>>,
    any_origin: Arc<HashSet<String>>,
}

impl Sites {
    /// Builds the registry from a validated configuration.
    pub fn from_config(config: &Config) -> Self {
        let mut by_id = HashMap::new();
        let mut any_origin = HashSet::new();
        for site in &config.sites {
            let origins: HashSet<String> = site
                .origins
                .iter()
                .filter_map(|o| normalize_origin(o).ok())
                .collect();
            any_origin.extend(origins.iter().cloned());
            by_id.insert(
                site.id.clone(),
                Arc::new(Site {
                    config: site.clone(),
                    origins,
                }),
            );
        }
        Self {
            by_id: Arc::new(by_id),
            any_origin: Arc::new(any_origin),
        }
    }

    /// The site with this id, or `unknown_site`.
    pub fn get(&self, id: &str) -> Result<Arc<Site>, AppError> {
        self.by_id.get(id).cloned().ok_or(AppError::UnknownSite)
    }

    /// Whether any site lists this origin (used to answer CORS preflights, which carry no site).
    pub fn any_allows(&self, origin: &str) -> bool {
        self.any_origin.contains(origin)
    }

    /// Every site, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = &Arc<Site>> {
        self.by_id.values()
    }
}
