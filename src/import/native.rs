//! The JSON formats of other self-hosted comment systems: Isso's generic import format,
//! Remark42's JSON-lines backup (read line by line), and Comentario's export (version 3). Isso's
//! and Comentario's files are one JSON document each, read whole: they are small by nature
//! (one site's comments, no markup around them).

use std::collections::HashMap;
use std::io::BufRead;

use anyhow::Context;
use serde::Deserialize;
use serde_json::Value;

use super::wxr::website;
use super::{Entry, Found, Markup, Page, Sink, Skip, parse_date};
use crate::moderation::Status;

fn text(value: &Value, key: &str) -> String {
    match value.get(key) {
        Some(Value::String(s)) => s.trim().to_string(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

fn nonempty(value: String) -> Option<String> {
    Some(value).filter(|v| !v.is_empty())
}

/// Isso's generic format: `[{"id": "/path/", "title": "…", "comments": [{"id", "parent"?,
/// "author", "email", "website", "created", "text"}]}]`, titles form-encoded.
pub fn isso(mut input: impl BufRead, sink: Sink<'_>) -> anyhow::Result<()> {
    let mut raw = String::new();
    input.read_to_string(&mut raw)?;
    let threads: Vec<Value> = serde_json::from_str(&raw).map_err(|err| {
        anyhow::anyhow!(
            "the Isso file is not valid JSON at line {}, column {}: {err}",
            err.line(),
            err.column()
        )
    })?;
    for thread in &threads {
        let page = text(thread, "id");
        let title: String =
            url::form_urlencoded::parse(format!("t={}", text(thread, "title")).as_bytes())
                .map(|(_, v)| v.into_owned())
                .next()
                .unwrap_or_default();
        sink(Found::Page(Page {
            key: page.clone(),
            link: page.clone(),
            title: nonempty(title),
        }))?;
        for comment in thread["comments"].as_array().into_iter().flatten() {
            let id = text(comment, "id");
            let key = format!("{page}#{id}");
            let Some(created_at) = parse_date(&text(comment, "created")) else {
                sink(Found::Skipped(Skip::UnparsableDate, key))?;
                continue;
            };
            let parent = nonempty(text(comment, "parent")).map(|p| format!("{page}#{p}"));
            sink(Found::Comment(Box::new(Entry {
                key,
                page: page.clone(),
                parent,
                author_name: text(comment, "author"),
                author_email: nonempty(text(comment, "email")),
                author_url: nonempty(text(comment, "website")).and_then(website),
                created_at,
                body: text(comment, "text"),
                markup: Markup::Markdown,
                status: match comment.get("mode").and_then(Value::as_i64) {
                    Some(2) => Status::Pending,
                    Some(4) => Status::Deleted,
                    _ => Status::Approved,
                },
                pingback: false,
            })))?;
        }
    }
    Ok(())
}

/// Remark42's backup: a header line (`{"version", "users", "posts"}`), then one comment per line
/// (`{"id", "pid", "text", "user": {"name"}, "locator": {"url"}, "time", "delete"?}`).
pub fn remark42(input: impl BufRead, sink: Sink<'_>) -> anyhow::Result<()> {
    let mut pages_seen: HashMap<String, ()> = HashMap::new();
    for (number, line) in input.lines().enumerate() {
        let line = line.with_context(|| format!("reading line {}", number + 1))?;
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let value: Value = match serde_json::from_str(line) {
            Ok(value) => value,
            Err(err) => {
                // One broken line does not spoil the others: it is reported and skipped.
                sink(Found::Skipped(
                    Skip::Unreadable,
                    format!("line {}: {err}", number + 1),
                ))?;
                continue;
            }
        };
        if value.get("version").is_some() {
            continue;
        }
        let url = text(&value["locator"], "url");
        if pages_seen.insert(url.clone(), ()).is_none() {
            sink(Found::Page(Page {
                key: url.clone(),
                link: url.clone(),
                title: None,
            }))?;
        }
        let key = text(&value, "id");
        let Some(created_at) = parse_date(&text(&value, "time")) else {
            sink(Found::Skipped(Skip::UnparsableDate, key))?;
            continue;
        };
        let deleted = value.get("delete").and_then(Value::as_bool) == Some(true);
        sink(Found::Comment(Box::new(Entry {
            parent: nonempty(text(&value, "pid")),
            page: url,
            author_name: text(&value["user"], "name"),
            author_email: None,
            author_url: None,
            created_at,
            body: text(&value, "text"),
            markup: Markup::Html,
            status: if deleted {
                Status::Deleted
            } else {
                Status::Approved
            },
            pingback: false,
            key,
        })))?;
    }
    Ok(())
}

/// Comentario's export, version 3: `pages`, `comments` (with `html` and `markdown`) and
/// `commenters` (name, email, website).
#[derive(Debug, Deserialize)]
struct ComentarioExport {
    version: Option<i64>,
    #[serde(default)]
    pages: Vec<Value>,
    #[serde(default)]
    comments: Vec<Value>,
    #[serde(default)]
    commenters: Vec<Value>,
}

/// Comentario's export (version 3).
pub fn comentario(mut input: impl BufRead, sink: Sink<'_>) -> anyhow::Result<()> {
    let mut raw = String::new();
    input.read_to_string(&mut raw)?;
    let export: ComentarioExport = serde_json::from_str(&raw).map_err(|err| {
        anyhow::anyhow!(
            "the Comentario file is not valid JSON at line {}, column {}: {err}",
            err.line(),
            err.column()
        )
    })?;
    anyhow::ensure!(
        export.version == Some(3),
        "only Comentario's export version 3 is read (this file says {:?})",
        export.version
    );
    for page in &export.pages {
        sink(Found::Page(Page {
            key: text(page, "id"),
            link: text(page, "path"),
            title: nonempty(text(page, "title")),
        }))?;
    }
    let people: HashMap<String, &Value> = export
        .commenters
        .iter()
        .map(|c| (text(c, "id"), c))
        .collect();
    for comment in &export.comments {
        let key = text(comment, "id");
        let Some(created_at) = parse_date(&text(comment, "createdTime")) else {
            sink(Found::Skipped(Skip::UnparsableDate, key))?;
            continue;
        };
        let author = people.get(&text(comment, "userCreated"));
        let field = |name: &str| author.map(|a| text(a, name)).unwrap_or_default();
        let flag = |name: &str| comment.get(name).and_then(Value::as_bool) == Some(true);
        let markdown = text(comment, "markdown");
        sink(Found::Comment(Box::new(Entry {
            page: text(comment, "pageId"),
            parent: nonempty(text(comment, "parentId")),
            author_name: field("name"),
            author_email: nonempty(field("email")),
            author_url: nonempty(field("websiteUrl")).and_then(website),
            created_at,
            markup: if markdown.is_empty() {
                Markup::Html
            } else {
                Markup::Markdown
            },
            body: if markdown.is_empty() {
                text(comment, "html")
            } else {
                markdown
            },
            status: if flag("isDeleted") {
                Status::Deleted
            } else if flag("isApproved") {
                Status::Approved
            } else {
                Status::Pending
            },
            pingback: false,
            key,
        })))?;
    }
    Ok(())
}

/// replybox's own JSON export: the round trip of `replybox export --format json`.
#[derive(Debug, Deserialize)]
struct ReplyboxExport {
    replybox_export: u32,
    threads: Vec<crate::export::JsonThread>,
}

/// replybox's own JSON export (read whole: `threads` is one JSON array).
pub fn replybox(input: impl BufRead, sink: Sink<'_>) -> anyhow::Result<()> {
    let export: ReplyboxExport = serde_json::from_reader(input).map_err(|err| {
        anyhow::anyhow!(
            "the replybox export is not valid JSON at line {}, column {}: {err}",
            err.line(),
            err.column()
        )
    })?;
    anyhow::ensure!(
        export.replybox_export == crate::export::JSON_VERSION,
        "this replybox reads export version {}, the file is version {}",
        crate::export::JSON_VERSION,
        export.replybox_export
    );
    for thread in export.threads {
        sink(Found::Page(Page {
            key: thread.uri.clone(),
            link: thread.uri.clone(),
            title: thread.title.clone(),
        }))?;
        for comment in thread.comments {
            let key = comment.id.to_string();
            let Some(created_at) = parse_date(&comment.created) else {
                sink(Found::Skipped(Skip::UnparsableDate, key))?;
                continue;
            };
            sink(Found::Comment(Box::new(Entry {
                key,
                page: thread.uri.clone(),
                parent: comment.parent.map(|p| p.to_string()),
                author_name: comment.author.name,
                author_email: comment.author.email,
                author_url: comment.author.url.and_then(website),
                created_at,
                body: comment.body,
                markup: Markup::Published(comment.html),
                status: Status::parse(&comment.status).unwrap_or(Status::Pending),
                pingback: false,
            })))?;
        }
    }
    Ok(())
}
