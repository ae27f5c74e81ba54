//! Moving in: `replybox import` reads another system's export and adds its comments to a site.
//!
//! Each format has a streaming parser (`wxr`, `disqus`, `native`) that reports what it finds —
//! pages, comments and things it skipped, with the reason — to one [`Import`], which writes them
//! in a single transaction (all of a file or nothing) and counts what happened. Nothing is ever
//! dropped silently: every comment not imported is in the [`Summary`] with its reason.
//!
//! - **Idempotent:** each comment remembers where it came from (`comments.source`, e.g.
//!   `blog:wxr:post-12/c-7`), so a second run of the same file adds nothing; importing into a
//!   site that has comments adds, never wipes.
//! - **Threads keep their nesting:** a reply whose parent comes later in the file is attached at
//!   the end; a reply whose parent is not in the file (nor imported before) becomes a top-level
//!   comment of its page and is reported as an orphan.
//! - **Status maps faithfully:** approved → approved, pending → pending, spam → spam, trash →
//!   rejected; a deleted Disqus post becomes a tombstone that keeps its replies.
//! - **Bodies are attacker input:** they go through the one HTML policy in `render.rs` —
//!   WordPress's and Disqus's HTML as `imported_html`, markdown as `comment_html`. Emails are
//!   stored, never published, as everywhere.
//! - **Addresses:** an absolute page link becomes a thread key on the site: `--map-url
//!   OLD=NEW` rewrites a prefix first (`https://old.example.com/blog/=/`), then an absolute link
//!   keeps its path (and query), which is what the widget keys a page by.

use std::io::BufRead;

use anyhow::Context;

use crate::sites::Site;
use crate::store::Db;

pub mod disqus;
mod found;
pub mod native;
mod summary;
mod writing;
pub mod wxr;
mod xml;

pub use found::{Entry, Found, Markup, Page, Sink, Skip, parse_date};
pub use summary::Summary;
pub use writing::{Import, thread_key};

/// The export formats replybox reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// WordPress eXtended RSS (WXR 1.0–1.2, http or https namespace).
    Wxr,
    /// A Disqus XML export.
    Disqus,
    /// Isso's generic JSON.
    Isso,
    /// Remark42's JSON-lines backup.
    Remark42,
    /// Comentario's JSON export (v3).
    Comentario,
    /// replybox's own JSON export (`replybox export --format json`).
    Replybox,
}

impl Format {
    /// Every format.
    pub const ALL: [Format; 6] = [
        Format::Wxr,
        Format::Disqus,
        Format::Isso,
        Format::Remark42,
        Format::Comentario,
        Format::Replybox,
    ];

    /// The word on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Wxr => "wxr",
            Self::Disqus => "disqus",
            Self::Isso => "isso",
            Self::Remark42 => "remark42",
            Self::Comentario => "comentario",
            Self::Replybox => "replybox",
        }
    }

    /// Parses [`Format::as_str`].
    pub fn parse(word: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.as_str() == word)
    }

    /// Guesses the format from the start of a file.
    pub fn sniff(head: &[u8]) -> Option<Self> {
        let text = String::from_utf8_lossy(head);
        if text.contains("\"replybox_export\"") {
            Some(Self::Replybox)
        } else if text.contains("<disqus") || text.contains("disqus.com/disqus-internals") {
            Some(Self::Disqus)
        } else if text.contains("wordpress.org/export/") || text.contains("<wp:") {
            Some(Self::Wxr)
        } else if text.contains("\"version\"") && text.contains("\"pages\"") {
            Some(Self::Comentario)
        } else if text.trim_start().starts_with('{') && text.contains("\"users\"") {
            Some(Self::Remark42)
        } else if text.trim_start().starts_with('[') {
            Some(Self::Isso)
        } else {
            None
        }
    }
}

/// What the owner asked for.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Print what would happen; write nothing.
    pub dry_run: bool,
    /// Prefix rewrites of page links, tried in order (`OLD=NEW`).
    pub map_url: Vec<(String, String)>,
    /// Keep pingbacks and trackbacks as comments (skipped by default).
    pub pingbacks: bool,
}

impl Options {
    /// Parses one `--map-url OLD=NEW`.
    pub fn map(spec: &str) -> anyhow::Result<(String, String)> {
        let (old, new) = spec
            .split_once('=')
            .context("--map-url takes OLD=NEW, e.g. https://old.example.com/=/")?;
        anyhow::ensure!(!old.is_empty(), "--map-url needs a prefix to replace");
        Ok((old.to_string(), new.to_string()))
    }
}

/// Reads `reader` as `format` into `site`. The parser streams on a blocking thread (never the
/// whole document in memory) into a bounded channel; the import writes as it reads, in one
/// transaction: a malformed file is an error naming where it broke, and writes nothing.
pub async fn run(
    db: &Db,
    site: &Site,
    format: Format,
    options: &Options,
    reader: Box<dyn BufRead + Send>,
    on_comment: impl FnMut(),
) -> anyhow::Result<Summary> {
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Found>(1024);
    let parser = tokio::task::spawn_blocking(move || {
        let mut sink = |found: Found| {
            tx.blocking_send(found)
                .map_err(|_| anyhow::anyhow!("the import stopped"))
        };
        parse(format, reader, &mut sink)
    });
    let mut import = Import::begin(db, site, format, options, on_comment).await?;
    let mut failed = None;
    while let Some(found) = rx.recv().await {
        if let Err(err) = import.take(found).await {
            failed = Some(err);
            break;
        }
    }
    drop(rx);
    let parsed = parser.await.context("the parser stopped")?;
    if let Some(err) = failed {
        return Err(err);
    }
    parsed?;
    import.finish().await
}

/// Runs the parser of `format` over `reader`.
pub fn parse(format: Format, reader: impl BufRead, sink: Sink<'_>) -> anyhow::Result<()> {
    match format {
        Format::Wxr => wxr::parse(reader, sink),
        Format::Disqus => disqus::parse(reader, sink),
        Format::Isso => native::isso(reader, sink),
        Format::Remark42 => native::remark42(reader, sink),
        Format::Comentario => native::comentario(reader, sink),
        Format::Replybox => native::replybox(reader, sink),
    }
}
