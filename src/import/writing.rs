//! One import in progress: it takes what the parser found, turns pages into threads and
//! comments into rows, writes them in batches, and at the end attaches replies to their parents.

use std::collections::{HashMap, HashSet};

use super::{Entry, Format, Found, Options, Page, Skip, Summary};
use crate::fingerprint::Fingerprints;
use crate::sites::Site;
use crate::store::Db;
use crate::store::import::{BATCH, ImportWriter, ImportedComment};

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
    /// Draws imported authors' pictures from their name, never from an old export's address
    /// (which proves nothing about who types it now); made once, not per comment.
    avatars: Fingerprints,
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
            avatars: Fingerprints::new("import"),
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
            author_avatar: self
                .avatars
                .guest_avatar_path(None, &format!("import:{}", entry.author_name.trim())),
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
