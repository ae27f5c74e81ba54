//! What a parser reports as it reads a file: pages, comments (with what kind of text their
//! body is), and what it skipped and why. The same for every format.

use crate::moderation::Status;
use crate::render;

/// A page as an export names it.
#[derive(Debug, Clone)]
pub struct Page {
    /// The export's own key for it (Disqus thread id, WordPress post id or link).
    pub key: String,
    /// Its address as the export has it (usually absolute).
    pub link: String,
    /// Its title.
    pub title: Option<String>,
}

/// One comment as an export has it.
#[derive(Debug, Clone)]
pub struct Entry {
    /// The export's own id for it, unique in the file.
    pub key: String,
    /// The [`Page::key`] of its page.
    pub page: String,
    /// The key of the comment it replies to.
    pub parent: Option<String>,
    /// Display name.
    pub author_name: String,
    /// Email, never published.
    pub author_email: Option<String>,
    /// Website.
    pub author_url: Option<String>,
    /// When it was written (epoch ms).
    pub created_at: i64,
    /// The body as exported.
    pub body: String,
    /// What kind of text `body` is.
    pub markup: Markup,
    /// Its status there.
    pub status: Status,
    /// A pingback or trackback rather than a comment.
    pub pingback: bool,
}

/// What an exported body is, and so how it becomes the published HTML.
#[derive(Debug, Clone)]
pub enum Markup {
    /// Markdown, as replybox's own comments (Isso, Comentario keep it too).
    Markdown,
    /// HTML as WordPress and Disqus keep it (`render::imported_html`).
    Html,
    /// HTML that was published by replybox already (its own export): cleaned again, as is.
    Published(String),
}

impl Markup {
    /// The published HTML for `body`, through the one policy.
    pub fn html(&self, body: &str) -> String {
        match self {
            Self::Markdown => render::comment_html(body),
            Self::Html => render::imported_html(body),
            Self::Published(html) => render::clean_html(html),
        }
    }
}

/// Why something in the file was not imported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Skip {
    /// A pingback or trackback (kept with `--pingbacks`).
    Pingback,
    /// Its date could not be read.
    UnparsableDate,
    /// It names a page the file does not have.
    UnknownPage,
    /// Its id appears twice in the file; the first one was imported.
    DuplicateId,
    /// Its page address cannot be a page of the site, even after `--map-url`.
    InvalidAddress,
    /// Part of the file could not be read; the parser went on after it.
    Unreadable,
}

impl Skip {
    /// How the summary names it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Pingback => "pingback or trackback (use --pingbacks to keep)",
            Self::UnparsableDate => "unparsable date",
            Self::UnknownPage => "names a page not in the file",
            Self::DuplicateId => "duplicate id",
            Self::InvalidAddress => "page address not usable on this site",
            Self::Unreadable => "unreadable part of the file",
        }
    }
}

/// What a parser reports, in file order.
#[derive(Debug, Clone)]
pub enum Found {
    /// A page (before its comments in WXR; anywhere in Disqus).
    Page(Page),
    /// A comment.
    Comment(Box<Entry>),
    /// Something not imported, and what it was.
    Skipped(Skip, String),
}

/// What a parser hands each thing it finds to; an error stops the parse.
pub type Sink<'s> = &'s mut dyn FnMut(Found) -> anyhow::Result<()>;

/// Parses a date as exports write it: RFC 3339 (`2011-09-30T22:48:43Z`), or WordPress's
/// `2011-09-30 22:48:43` (UTC, from `comment_date_gmt`); epoch ms.
pub fn parse_date(text: &str) -> Option<i64> {
    use time::format_description::well_known::Rfc3339;
    use time::{OffsetDateTime, PrimitiveDateTime, macros::format_description};
    let text = text.trim();
    let at = OffsetDateTime::parse(text, &Rfc3339).ok().or_else(|| {
        PrimitiveDateTime::parse(
            text,
            format_description!("[year]-[month]-[day] [hour]:[minute]:[second]"),
        )
        .ok()
        .map(PrimitiveDateTime::assume_utc)
    })?;
    let ms = (at.unix_timestamp_nanos() / 1_000_000) as i64;
    // Zero dates (`0001-01-01…`, `0000-00-00 …`) mean "unknown".
    (ms > 0).then_some(ms)
}
