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

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::BufRead;

use anyhow::Context;

use crate::moderation::Status;
use crate::render;
use crate::sites::Site;
use crate::store::Db;
use crate::store::import::{BATCH, ImportWriter, ImportedComment};

pub mod disqus;
pub mod native;
pub mod wxr;
mod xml;

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

/// What an import did (or, with `--dry-run`, would do).
#[derive(Debug, Clone, Default)]
pub struct Summary {
    /// Pages with at least one comment imported.
    pub threads: usize,
    /// Comments imported.
    pub comments: usize,
    /// Of those, replies.
    pub replies: usize,
    /// Comments already imported by an earlier run (left as they are).
    pub already_there: usize,
    /// Replies whose parent is not in the file: imported at the top of their page.
    pub orphans: Vec<String>,
    /// Not imported, by reason, with what each was.
    pub skipped: BTreeMap<Skip, Vec<String>>,
}

impl Summary {
    /// How many things were skipped.
    pub fn skipped_count(&self) -> usize {
        self.skipped.values().map(Vec::len).sum()
    }

    /// The summary as the command prints it.
    pub fn report(&self, dry_run: bool) -> String {
        let mut out = format!(
            "{}{} threads, {} comments ({} replies), {} already imported, {} orphans attached to their page's top, {} skipped\n",
            if dry_run {
                "dry run, nothing written: "
            } else {
                ""
            },
            self.threads,
            self.comments,
            self.replies,
            self.already_there,
            self.orphans.len(),
            self.skipped_count()
        );
        if !self.orphans.is_empty() {
            out.push_str(&format!("  orphans: {}\n", sample(&self.orphans)));
        }
        for (skip, what) in &self.skipped {
            out.push_str(&format!(
                "  skipped, {}: {} ({})\n",
                skip.label(),
                what.len(),
                sample(what)
            ));
        }
        out
    }
}

fn sample(items: &[String]) -> String {
    let mut shown: Vec<&str> = items.iter().take(5).map(String::as_str).collect();
    if items.len() > 5 {
        shown.push("…");
    }
    shown.join(", ")
}

/// One import in progress: pages seen, comments batched for the database.
pub struct Import<'a> {
    site: &'a Site,
    format: Format,
    options: &'a Options,
    writer: Option<ImportWriter>,
    pages: HashMap<String, Page>,
    threads: HashMap<String, i64>,
    /// Sources of this file's comments (a second one with the same id is a duplicate).
    seen: HashSet<String>,
    /// Comments waiting to be written, at most `store::import::BATCH`.
    batch: Vec<ImportedComment>,
    /// A dry run's replies and their parents' sources, to find orphans at the end.
    dry_replies: Vec<(String, String)>,
    summary: Summary,
    on_comment: Box<dyn FnMut() + 'a>,
}

impl<'a> Import<'a> {
    /// Starts an import into `site` (one transaction, unless a dry run).
    pub async fn begin(
        db: &Db,
        site: &'a Site,
        format: Format,
        options: &'a Options,
        on_comment: impl FnMut() + 'a,
    ) -> anyhow::Result<Self> {
        let writer = if options.dry_run {
            None
        } else {
            Some(ImportWriter::begin(db).await?)
        };
        Ok(Self {
            site,
            format,
            options,
            writer,
            pages: HashMap::new(),
            threads: HashMap::new(),
            seen: HashSet::new(),
            batch: Vec::with_capacity(BATCH),
            dry_replies: Vec::new(),
            summary: Summary::default(),
            on_comment: Box::new(on_comment),
        })
    }

    /// Takes one thing a parser found.
    pub async fn take(&mut self, found: Found) -> anyhow::Result<()> {
        match found {
            Found::Page(page) => {
                self.pages.entry(page.key.clone()).or_insert(page);
            }
            Found::Skipped(skip, what) => self.skip(skip, what),
            Found::Comment(entry) => self.comment(*entry).await?,
        }
        Ok(())
    }

    fn skip(&mut self, skip: Skip, what: String) {
        self.summary.skipped.entry(skip).or_default().push(what);
    }

    fn source(&self, key: &str) -> String {
        format!("{}:{}:{key}", self.site.id(), self.format.as_str())
    }

    async fn comment(&mut self, entry: Entry) -> anyhow::Result<()> {
        (self.on_comment)();
        if entry.pingback && !self.options.pingbacks {
            self.skip(Skip::Pingback, entry.key);
            return Ok(());
        }
        let Some(page) = self.pages.get(&entry.page).cloned() else {
            self.skip(Skip::UnknownPage, entry.key);
            return Ok(());
        };
        let Some(uri) = thread_key(self.site, &self.options.map_url, &page.link) else {
            self.skip(
                Skip::InvalidAddress,
                format!("{} ({})", entry.key, page.link),
            );
            return Ok(());
        };
        let source = self.source(&entry.key);
        if !self.seen.insert(source.clone()) {
            self.skip(Skip::DuplicateId, entry.key);
            return Ok(());
        }
        let thread_id = self.thread(&page, &uri, entry.created_at).await?;
        let parent_source = entry.parent.as_deref().map(|p| self.source(p));
        let Some(writer) = self.writer.as_mut() else {
            self.summary.comments += 1;
            if let Some(parent) = parent_source {
                self.summary.replies += 1;
                self.dry_replies.push((entry.key, parent));
            }
            return Ok(());
        };
        self.batch.push(ImportedComment {
            thread_id,
            html: entry.markup.html(&entry.body),
            author_avatar: avatar_for(&entry),
            author_name: one_line_or(&entry.author_name, "Anonymous"),
            author_email: entry.author_email,
            author_url: entry.author_url,
            body: entry.body,
            status: entry.status.as_str(),
            created_at: entry.created_at,
            source,
            parent_source,
        });
        if self.batch.len() >= BATCH {
            flush(writer, &mut self.batch, &mut self.summary).await?;
        }
        Ok(())
    }

    async fn thread(&mut self, page: &Page, uri: &str, created_at: i64) -> anyhow::Result<i64> {
        if let Some(id) = self.threads.get(uri) {
            return Ok(*id);
        }
        let title = page
            .title
            .as_deref()
            .map(|t| {
                crate::names::one_line(t)
                    .chars()
                    .take(300)
                    .collect::<String>()
            })
            .filter(|t| !t.is_empty());
        let id = match &mut self.writer {
            None => self.threads.len() as i64 + 1,
            Some(writer) => {
                writer
                    .thread(self.site.id(), uri, title.as_deref(), created_at)
                    .await?
            }
        };
        self.threads.insert(uri.to_string(), id);
        Ok(id)
    }

    /// Writes the last batch, attaches every reply to its parent, reports the orphans, and
    /// commits.
    pub async fn finish(mut self) -> anyhow::Result<Summary> {
        self.summary.threads = self.threads.len();
        let Some(mut writer) = self.writer.take() else {
            for (key, parent) in std::mem::take(&mut self.dry_replies) {
                if !self.seen.contains(&parent) {
                    self.summary.replies -= 1;
                    self.summary
                        .orphans
                        .push(format!("{key} (reply to missing {parent})"));
                }
            }
            return Ok(self.summary);
        };
        flush(&mut writer, &mut self.batch, &mut self.summary).await?;
        let attaching = std::time::Instant::now();
        let (replies, orphans) = writer.attach_parents().await?;
        tracing::debug!(
            replies,
            elapsed_ms = attaching.elapsed().as_millis() as u64,
            "replies attached to their parents"
        );
        self.summary.replies = replies - orphans.len();
        for (source, parent) in orphans {
            self.summary.orphans.push(format!(
                "{} (reply to missing {})",
                short(&source),
                short(&parent)
            ));
        }
        let committing = std::time::Instant::now();
        writer.commit().await?;
        tracing::debug!(
            elapsed_ms = committing.elapsed().as_millis() as u64,
            "import committed"
        );
        Ok(self.summary)
    }
}

/// Writes a batch and counts what was new and what was there already.
async fn flush(
    writer: &mut ImportWriter,
    batch: &mut Vec<ImportedComment>,
    summary: &mut Summary,
) -> anyhow::Result<()> {
    let new = writer.comments(batch).await? as usize;
    summary.comments += new;
    summary.already_there += batch.len() - new;
    batch.clear();
    Ok(())
}

/// A source without its `site:format:` prefix, as the summary names it.
fn short(source: &str) -> &str {
    source.splitn(3, ':').nth(2).unwrap_or(source)
}

/// A name on one line, or `fallback` when there is none.
fn one_line_or(name: &str, fallback: &str) -> String {
    let name: String = crate::names::one_line(name).chars().take(80).collect();
    if name.is_empty() {
        fallback.to_string()
    } else {
        name
    }
}

/// Imported authors get a picture drawn from their name (an address in an old export proves
/// nothing about who types it now).
fn avatar_for(entry: &Entry) -> String {
    crate::fingerprint::Fingerprints::new("import")
        .guest_avatar_path(None, &format!("import:{}", entry.author_name.trim()))
}

/// The thread key for an exported page link: `--map-url` prefixes first, then the path (and
/// query) of an absolute link, or the link itself when it is already a path. `None` when the
/// result cannot be a page of the site.
pub fn thread_key(site: &Site, maps: &[(String, String)], link: &str) -> Option<String> {
    let link = link.trim();
    let mapped = maps
        .iter()
        .find_map(|(old, new)| {
            link.strip_prefix(old.as_str())
                .map(|rest| format!("{new}{rest}"))
        })
        .unwrap_or_else(|| link.to_string());
    // The widget keys a thread by the page's path, so that is what an absolute link becomes,
    // on the site's origins or not (an old domain's links are the blog's pages too).
    let key = match url::Url::parse(&mapped) {
        Ok(url) if matches!(url.scheme(), "http" | "https") => match url.query() {
            Some(query) => format!("{}?{query}", url.path()),
            None => url.path().to_string(),
        },
        _ => mapped.clone(),
    };
    let key = if key.is_empty() { "/".to_string() } else { key };
    crate::comments::page_uri(site, &key)
        .ok()
        .map(str::to_string)
}

/// What a parser hands each thing it finds to; an error stops the parse.
pub type Sink<'s> = &'s mut dyn FnMut(Found) -> anyhow::Result<()>;

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
