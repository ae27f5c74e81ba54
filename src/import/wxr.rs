//! WordPress eXtended RSS (WXR), streamed with quick-xml: one `<item>` per post, its
//! `<wp:comment>`s inside. Elements are matched by local name whatever their namespace, so WXR
//! 1.0, 1.1 and 1.2, the `http` and `https` namespace URIs (WordPress.com writes `https`) and
//! even a file whose `wp:` prefix is never declared are all read. Text before the XML
//! declaration, unmatched end tags and HTML entities in text are tolerated; anything that stops
//! the XML tokenizer is an error naming the byte where it broke.

use std::collections::HashMap;
use std::io::BufRead;

use quick_xml::events::Event;

use super::xml::{self, local};
use super::{Entry, Found, Markup, Page, Sink, Skip, parse_date};
use crate::moderation::Status;

/// The fields of the element being read, by local name.
#[derive(Default)]
struct Fields(HashMap<String, String>);

impl Fields {
    fn get(&self, name: &str) -> &str {
        self.0.get(name).map(|v| v.trim()).unwrap_or_default()
    }

    fn optional(&self, name: &str) -> Option<String> {
        Some(self.get(name).to_string()).filter(|v| !v.is_empty())
    }
}

/// Reads a WXR file, reporting each post with comments, each comment, and what it skipped.
pub fn parse(input: impl BufRead, sink: Sink<'_>) -> anyhow::Result<()> {
    let mut reader = xml::reader(input);
    let mut buf = Vec::new();
    // Where we are: inside an item, inside one of its comments, and which element's text.
    let mut item: Option<Fields> = None;
    let mut page_sent = false;
    let mut comment: Option<Fields> = None;
    let mut in_meta = false;
    let mut field: Option<String> = None;
    let mut text = String::new();
    loop {
        let Some(event) = xml::next(&mut reader, &mut buf, "WXR")? else {
            buf.clear();
            continue;
        };
        match event {
            Event::Start(start) => {
                let name = local(start.name().as_ref());
                match name.as_str() {
                    "item" => {
                        item = Some(Fields::default());
                        page_sent = false;
                    }
                    "comment" if item.is_some() => {
                        if !page_sent {
                            if let Some(page) = item.as_ref().and_then(page_of) {
                                sink(Found::Page(page))?;
                            }
                            page_sent = true;
                        }
                        comment = Some(Fields::default());
                    }
                    "commentmeta" => in_meta = true,
                    _ => {
                        field = Some(name);
                        text.clear();
                    }
                }
            }
            Event::Text(t) if field.is_some() => {
                let raw = String::from_utf8_lossy(&t.into_inner()).into_owned();
                text.push_str(&unescape(&raw));
            }
            Event::CData(t) if field.is_some() => {
                text.push_str(&String::from_utf8_lossy(&t.into_inner()));
            }
            Event::End(end) => {
                let name = local(end.name().as_ref());
                match name.as_str() {
                    "item" => {
                        item = None;
                        comment = None;
                    }
                    "commentmeta" => in_meta = false,
                    "comment" if comment.is_some() => {
                        let fields = comment.take().unwrap_or_default();
                        let post = item.as_ref().map(page_key).unwrap_or_default();
                        sink(entry(&post, &fields))?;
                    }
                    _ => {
                        if field.as_deref() == Some(name.as_str()) && !in_meta {
                            let target = comment.as_mut().or(item.as_mut());
                            if let Some(fields) = target {
                                fields.0.entry(name).or_insert_with(|| text.clone());
                            }
                        }
                        field = None;
                    }
                }
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    Ok(())
}

/// `wp:post_id`, else the link: what identifies a post in the file.
fn page_key(item: &Fields) -> String {
    item.optional("post_id")
        .or_else(|| item.optional("link"))
        .unwrap_or_else(|| "post".into())
}

fn page_of(item: &Fields) -> Option<Page> {
    let link = item.optional("link").or_else(|| item.optional("guid"))?;
    Some(Page {
        key: page_key(item),
        link,
        title: item.optional("title").map(|t| decode_entities(&t)),
    })
}

/// One `<wp:comment>` as an entry, or why it is skipped.
fn entry(post: &str, fields: &Fields) -> Found {
    let id = fields.get("comment_id");
    let key = format!("{post}/{id}");
    let kind = fields.get("comment_type");
    let date = Some(fields.get("comment_date_gmt"))
        .and_then(parse_date)
        .or_else(|| parse_date(fields.get("comment_date")));
    let Some(created_at) = date else {
        return Found::Skipped(Skip::UnparsableDate, key);
    };
    let parent = fields.get("comment_parent");
    Found::Comment(Box::new(Entry {
        parent: (!parent.is_empty() && parent != "0").then(|| format!("{post}/{parent}")),
        page: post.to_string(),
        author_name: decode_entities(fields.get("comment_author")),
        author_email: fields.optional("comment_author_email"),
        author_url: fields.optional("comment_author_url").and_then(website),
        created_at,
        body: fields.get("comment_content").to_string(),
        status: match fields.get("comment_approved") {
            "1" | "approve" | "approved" => Status::Approved,
            "spam" => Status::Spam,
            "trash" | "post-trashed" => Status::Rejected,
            _ => Status::Pending,
        },
        markup: Markup::Html,
        pingback: matches!(kind, "pingback" | "trackback"),
        key,
    }))
}

/// XML text with its entities resolved; text with entities XML does not know (HTML ones, in a
/// sloppy export) is kept as written.
fn unescape(raw: &str) -> String {
    quick_xml::escape::unescape(raw)
        .map(|t| t.into_owned())
        .unwrap_or_else(|_| raw.to_string())
}

/// An author's website, if it is an http(s) address (stored normalised, as the API stores them).
pub(super) fn website(raw: String) -> Option<String> {
    url::Url::parse(raw.trim())
        .ok()
        .filter(|url| matches!(url.scheme(), "http" | "https") && url.has_host())
        .filter(|url| url.username().is_empty() && url.password().is_none())
        .map(|url| url.to_string())
}

/// Names and titles are text, but exports often carry them HTML-encoded (`Cynwise&#039;s`,
/// `&laquo;`): the numeric and the common named entities are decoded.
pub(super) fn decode_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let decoded = rest.find(';').filter(|end| *end <= 10).and_then(|end| {
            let name = &rest[1..end];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some('\u{a0}'),
                "laquo" => Some('«'),
                "raquo" => Some('»'),
                "hellip" => Some('…'),
                "ndash" => Some('–'),
                "mdash" => Some('—'),
                "lsquo" => Some('‘'),
                "rsquo" => Some('’'),
                "ldquo" => Some('“'),
                "rdquo" => Some('”'),
                _ => name
                    .strip_prefix("#x")
                    .or_else(|| name.strip_prefix("#X"))
                    .and_then(|hex| u32::from_str_radix(hex, 16).ok())
                    .or_else(|| name.strip_prefix('#').and_then(|d| d.parse().ok()))
                    .and_then(char::from_u32),
            }?;
            Some((c, end))
        });
        match decoded {
            Some((c, end)) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_lose_their_html_entities() {
        assert_eq!(
            decode_entities("Wednesday Reading &laquo; Cynwise&#039;s &#x2014; &bogus; & more"),
            "Wednesday Reading « Cynwise's — &bogus; & more"
        );
    }
}
