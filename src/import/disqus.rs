//! A Disqus XML export, streamed with quick-xml: `<thread>`s (pages) and `<post>`s (comments,
//! each naming its thread and, for a reply, its `<parent>` by `dsq:id`). Posts may come before
//! the thread they name is known to be missing, so a post is reported as it is read and the
//! import decides (an unknown thread is a skip with its reason). Unquoted attribute values and
//! stray text before the XML declaration, both seen in real exports, are tolerated.

use std::io::BufRead;

use quick_xml::events::{BytesStart, Event};
use sha2::{Digest, Sha256};

use super::wxr::decode_entities;
use super::xml::{self, local};
use super::{Entry, Found, Markup, Page, Sink, Skip, parse_date};
use crate::moderation::Status;

/// What is being read.
#[derive(Default)]
struct Record {
    id: Option<String>,
    thread: Option<String>,
    parent: Option<String>,
    link: String,
    title: String,
    message: String,
    created_at: String,
    is_deleted: String,
    is_spam: String,
    name: String,
    email: String,
}

/// Reads a Disqus export, reporting each thread, each post, and what it skipped.
pub fn parse(input: impl BufRead, sink: Sink<'_>) -> anyhow::Result<()> {
    let mut reader = xml::reader(input);
    let mut buf = Vec::new();
    // The open elements below <disqus>, by local name.
    let mut path: Vec<String> = Vec::new();
    let mut record: Option<Record> = None;
    let mut text = String::new();
    let mut unnamed = 0usize;
    loop {
        let Some(event) = xml::next(&mut reader, &mut buf, "Disqus")? else {
            buf.clear();
            continue;
        };
        match event {
            Event::Start(start) => {
                let name = local(start.name().as_ref());
                let depth = path.len();
                // Top-level children: <disqus> is depth 0, so its children are at depth 1.
                if depth == 1 && (name == "thread" || name == "post") {
                    record = Some(Record {
                        id: dsq_id(&start),
                        ..Record::default()
                    });
                } else if let Some(record) = record.as_mut() {
                    match name.as_str() {
                        "thread" if depth == 2 => record.thread = dsq_id(&start),
                        "parent" if depth == 2 => record.parent = dsq_id(&start),
                        _ => {}
                    }
                }
                path.push(name);
                text.clear();
            }
            Event::Text(t) => {
                let raw = String::from_utf8_lossy(&t.into_inner()).into_owned();
                text.push_str(
                    &quick_xml::escape::unescape(&raw)
                        .map(|t| t.into_owned())
                        .unwrap_or(raw),
                );
            }
            Event::CData(t) => text.push_str(&String::from_utf8_lossy(&t.into_inner())),
            Event::End(_) => {
                let Some(name) = path.pop() else { continue };
                let depth = path.len();
                if depth == 1 && (name == "thread" || name == "post") {
                    if let Some(done) = record.take() {
                        let found = if name == "thread" {
                            thread(done)
                        } else {
                            post(done, &mut unnamed)
                        };
                        if let Some(found) = found {
                            sink(found)?;
                        }
                    }
                } else if let Some(record) = record.as_mut() {
                    let value = text.trim().to_string();
                    let parent = path.last().map(String::as_str);
                    match (parent, name.as_str()) {
                        (Some("author"), "name") => record.name = value,
                        (Some("author"), "email") => record.email = value,
                        (Some("thread" | "post"), "link") => record.link = value,
                        (Some("thread" | "post"), "title") => record.title = value,
                        (Some("thread" | "post"), "message") => record.message = value,
                        (Some("thread" | "post"), "createdAt") => record.created_at = value,
                        (Some("thread" | "post"), "isDeleted") => record.is_deleted = value,
                        (Some("thread" | "post"), "isSpam") => record.is_spam = value,
                        _ => {}
                    }
                }
                text.clear();
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    Ok(())
}

/// A `<thread>` as a page (a thread without an id cannot be named by any post).
fn thread(record: Record) -> Option<Found> {
    let key = record.id?;
    Some(Found::Page(Page {
        key,
        link: record.link,
        title: Some(decode_entities(&record.title)).filter(|t| !t.is_empty()),
    }))
}

/// A `<post>` as a comment, or why it is skipped.
fn post(record: Record, unnamed: &mut usize) -> Option<Found> {
    // A post without its own id (seen in real exports) is keyed by what it says, so a second
    // run of the same file still recognises it.
    let key = match &record.id {
        Some(id) => id.clone(),
        None => {
            *unnamed += 1;
            let digest = Sha256::digest(
                format!(
                    "{:?}|{}|{}|{}",
                    record.thread, record.created_at, record.name, record.message
                )
                .as_bytes(),
            );
            format!("unnamed-{}", &crate::fingerprint::hex(&digest)[..16])
        }
    };
    let Some(thread) = record.thread.clone() else {
        return Some(Found::Skipped(Skip::UnknownPage, key));
    };
    let Some(created_at) = parse_date(&record.created_at) else {
        return Some(Found::Skipped(
            Skip::UnparsableDate,
            format!("{key} ({})", record.created_at),
        ));
    };
    let deleted = is_true(&record.is_deleted);
    let status = if deleted {
        Status::Deleted
    } else if is_true(&record.is_spam) || !is_false(&record.is_spam) {
        // `isSpam` is true or false; anything else (`123` in one real export) is held as spam
        // for a moderator to look at rather than published.
        Status::Spam
    } else {
        Status::Approved
    };
    Some(Found::Comment(Box::new(Entry {
        key,
        page: thread,
        parent: record.parent,
        author_name: decode_entities(&record.name),
        author_email: Some(record.email).filter(|e| !e.is_empty()),
        author_url: None,
        created_at,
        body: record.message,
        status,
        markup: Markup::Html,
        pingback: false,
    })))
}

fn is_true(value: &str) -> bool {
    matches!(value.trim(), "true" | "1")
}

fn is_false(value: &str) -> bool {
    matches!(value.trim(), "false" | "0" | "")
}

/// The `dsq:id` attribute, quoted or not (`<thread dsq:id=247937687/>` is in a real export).
fn dsq_id(start: &BytesStart<'_>) -> Option<String> {
    start
        .html_attributes()
        .flatten()
        .find(|a| local(a.key.as_ref()) == "id")
        .map(|a| String::from_utf8_lossy(&a.value).trim().to_string())
        .filter(|id| !id.is_empty())
}
