//! The queues: Pending (where moderators land), Spam, Approved, Rejected/Deleted, All —
//! filterable by site, page, author and text.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Html;
use serde::Deserialize;

use super::card::Card;
use super::error::AdminError;
use super::guard::Moderator;
use crate::state::AppState;
use crate::store::{self, moderation::QueueFilter};

/// A queue tab.
pub struct Tab {
    /// Query value.
    pub key: &'static str,
    /// Shown name.
    pub label: &'static str,
    /// Comments in it.
    pub count: i64,
}

const TABS: [(&str, &str, &[&str]); 5] = [
    ("pending", "Pending", &["pending"]),
    ("spam", "Spam", &["spam"]),
    ("approved", "Approved", &["approved"]),
    ("rejected", "Rejected / Deleted", &["rejected", "deleted"]),
    ("all", "All", &[]),
];

/// `GET /admin` parameters.
#[derive(Debug, Default, Deserialize)]
pub struct QueueQuery {
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    site: Option<String>,
    #[serde(default)]
    uri: Option<String>,
    #[serde(default)]
    author: Option<String>,
    #[serde(default)]
    q: Option<String>,
}

#[derive(Template)]
#[template(path = "admin/queue.html")]
struct QueuePage {
    me: String,
    csrf: String,
    tabs: Vec<Tab>,
    active: &'static str,
    sites: Vec<String>,
    site: String,
    uri: String,
    author: String,
    q: String,
    cards: Vec<Card>,
    back: String,
    mail_on: bool,
}

fn nonempty(value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_string)
}

/// `GET /admin`: one queue.
pub async fn show(
    State(state): State<AppState>,
    me: Moderator,
    Query(query): Query<QueueQuery>,
) -> Result<Html<String>, AdminError> {
    let sites = me.sites(&state);
    let (active, statuses) = TABS
        .iter()
        .find(|(key, _, _)| Some(*key) == query.status.as_deref())
        .map(|(key, _, statuses)| (*key, statuses.to_vec()))
        .unwrap_or(("pending", vec!["pending"]));
    let site = nonempty(&query.site).filter(|s| sites.contains(s));
    let filter = QueueFilter {
        statuses,
        sites: site
            .clone()
            .map(|s| vec![s])
            .unwrap_or_else(|| sites.clone()),
        uri: nonempty(&query.uri),
        author: nonempty(&query.author),
        text: nonempty(&query.q),
        limit: 100,
    };
    let rows = store::moderation::queue(&state.db, &filter).await?;
    let counts = store::moderation::status_counts(&state.db, &filter.sites).await?;
    let count_of = |statuses: &[&str]| -> i64 {
        counts
            .iter()
            .filter(|(status, _)| statuses.is_empty() || statuses.contains(&status.as_str()))
            .map(|(_, n)| n)
            .sum()
    };
    let tabs = TABS
        .iter()
        .map(|(key, label, statuses)| Tab {
            key,
            label,
            count: count_of(statuses),
        })
        .collect();
    let back = format!(
        "/admin?{}",
        url::form_urlencoded::Serializer::new(String::new())
            .append_pair("status", active)
            .append_pair("site", site.as_deref().unwrap_or_default())
            .append_pair("uri", query.uri.as_deref().unwrap_or_default())
            .append_pair("author", query.author.as_deref().unwrap_or_default())
            .append_pair("q", query.q.as_deref().unwrap_or_default())
            .finish()
    );
    let page = QueuePage {
        me: me.account.name.clone(),
        csrf: me.csrf.clone(),
        tabs,
        active,
        sites,
        site: site.unwrap_or_default(),
        uri: query.uri.unwrap_or_default(),
        author: query.author.unwrap_or_default(),
        q: query.q.unwrap_or_default(),
        cards: Card::all(&state.db, &state.sites, rows).await?,
        mail_on: state.config.smtp.is_some(),
        back,
    };
    Ok(Html(page.render()?))
}
