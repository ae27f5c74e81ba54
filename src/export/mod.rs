//! Moving out: a site's comments as JSON (every field replybox holds, schema in the README) or
//! as WordPress WXR 1.2 (what WordPress's own importer reads). Both are written as the rows
//! stream out of the database, page by page, so an export never holds the site in memory.
//! `replybox import --format replybox` reads the JSON back (a round trip keeps threads,
//! nesting, statuses and texts).

use std::io::Write;

use serde::Serialize;

use crate::sites::Site;
use crate::store::export::{ExportRow, each_comment};
use crate::store::{self, Db};
use crate::time::rfc3339;

mod wxr;

/// The export formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// replybox's own JSON.
    Json,
    /// WordPress eXtended RSS 1.2.
    Wxr,
}

impl Format {
    /// Parses `json` or `wxr`.
    pub fn parse(word: &str) -> Option<Self> {
        match word {
            "json" => Some(Self::Json),
            "wxr" => Some(Self::Wxr),
            _ => None,
        }
    }

    /// The file name extension.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Json => "json",
            Self::Wxr => "xml",
        }
    }

    /// The media type.
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Json => "application/json",
            Self::Wxr => "application/rss+xml; charset=utf-8",
        }
    }
}

/// The version of the JSON layout (bumped on any incompatible change).
pub const JSON_VERSION: u32 = 1;

/// One comment in the JSON export.
#[derive(Debug, Serialize, serde::Deserialize)]
pub struct JsonComment {
    /// Its id here.
    pub id: i64,
    /// The comment it replies to.
    pub parent: Option<i64>,
    /// Who wrote it.
    pub author: JsonAuthor,
    /// The text as written (markdown, or an import's original text).
    pub body: String,
    /// The published HTML (through the comment policy).
    pub html: String,
    /// `pending`, `approved`, `rejected`, `spam` or `deleted`.
    pub status: String,
    /// Why moderation chose that status.
    pub reason: Option<String>,
    /// When (RFC 3339).
    pub created: String,
    /// Last edit (RFC 3339).
    pub edited: Option<String>,
    /// Written by a moderator from the admin pages.
    pub moderator: bool,
    /// Notifications the author asked for (`replies`, `page`).
    pub notify: Option<String>,
    /// Keyed digest of the client's address (meaningful only to this instance).
    pub ip_hash: Option<String>,
    /// Where an imported comment came from.
    pub source: Option<String>,
}

/// A comment's author in the JSON export.
#[derive(Debug, Serialize, serde::Deserialize)]
pub struct JsonAuthor {
    /// Display name.
    pub name: String,
    /// Email (never published by replybox).
    pub email: Option<String>,
    /// Website.
    pub url: Option<String>,
    /// Avatar path on this server.
    pub avatar: String,
    /// Sign-in provider, for signed-in authors.
    pub provider: Option<String>,
    /// The account's id here, for signed-in authors.
    pub user_id: Option<i64>,
}

/// A page in the JSON export.
#[derive(Debug, Serialize, serde::Deserialize)]
pub struct JsonThread {
    /// The thread key (a path, or an absolute address on the site).
    pub uri: String,
    /// The page's title.
    pub title: Option<String>,
    /// Locked by a moderator.
    pub locked: bool,
    /// When its first comment was written (RFC 3339).
    pub created: String,
    /// Its comments, parents before replies.
    pub comments: Vec<JsonComment>,
}

impl From<&ExportRow> for JsonComment {
    fn from(row: &ExportRow) -> Self {
        Self {
            id: row.id,
            parent: row.parent_id,
            author: JsonAuthor {
                name: row.author_name.clone(),
                email: row.author_email.clone(),
                url: row.author_url.clone(),
                avatar: row.author_avatar.clone(),
                provider: row.author_provider.clone(),
                user_id: row.user_id,
            },
            body: row.body.clone(),
            html: row.html.clone(),
            status: row.status.clone(),
            reason: row.reason.clone(),
            created: rfc3339(row.created_at),
            edited: row.edited_at.map(rfc3339),
            moderator: row.moderator,
            notify: row.notify.clone(),
            ip_hash: row.ip_hash.clone(),
            source: row.source.clone(),
        }
    }
}

/// Writes `site`'s comments to `out` as `format`; the number of comments.
pub async fn write(
    db: &Db,
    site: &Site,
    format: Format,
    out: &mut (dyn Write + Send),
) -> anyhow::Result<usize> {
    match format {
        Format::Json => json(db, site, out).await,
        Format::Wxr => wxr::write(db, site, out).await,
    }
}

/// `{"replybox_export": 1, "site", "exported", "threads": [{"uri", "title", "locked",
/// "created", "comments": [...]}]}`, written a comment at a time.
async fn json(db: &Db, site: &Site, out: &mut (dyn Write + Send)) -> anyhow::Result<usize> {
    write!(
        out,
        "{{\"replybox_export\":{JSON_VERSION},\"site\":{},\"exported\":{},\"threads\":[",
        serde_json::to_string(site.id())?,
        serde_json::to_string(&rfc3339(store::now_ms()))?
    )?;
    let mut current: Option<String> = None;
    let count = each_comment(db, site.id(), |row| {
        if current.as_deref() != Some(row.uri.as_str()) {
            if current.is_some() {
                out.write_all(b"]},")?;
            }
            write!(
                out,
                "{{\"uri\":{},\"title\":{},\"locked\":{},\"created\":{},\"comments\":[",
                serde_json::to_string(&row.uri)?,
                serde_json::to_string(&row.title)?,
                row.locked,
                serde_json::to_string(&rfc3339(row.thread_created_at))?
            )?;
            current = Some(row.uri.clone());
        } else {
            out.write_all(b",")?;
        }
        serde_json::to_writer(&mut *out, &JsonComment::from(&row))?;
        Ok(())
    })
    .await?;
    if current.is_some() {
        out.write_all(b"]}")?;
    }
    out.write_all(b"]}\n")?;
    Ok(count)
}
