//! Comment bodies: markdown → HTML → one ammonia policy. The only place HTML is cleaned.
//!
//! What readers may use: paragraphs, line breaks (a single newline is a break, as people type
//! in a comment box), emphasis, strikethrough, inline code and code blocks, block quotes, lists,
//! rules, and links (http, https and mailto only, always `rel="nofollow ugc noopener
//! noreferrer"`). Bare `http(s)://` URLs become links. Headings are demoted to h3–h6 so a
//! comment never outranks the post. Images become links to the image: no remote image ever
//! loads in a reader's browser (tracking pixels). Raw HTML in the markdown is cleaned by the
//! same policy, so `<b>` works and `<script>` does not.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use ammonia::{Builder, UrlRelative};
use pulldown_cmark::{CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd};

#[cfg(test)]
mod tests;

static POLICY: LazyLock<Builder<'static>> = LazyLock::new(|| {
    let tags: HashSet<&str> = [
        "p",
        "br",
        "em",
        "strong",
        "b",
        "i",
        "del",
        "code",
        "pre",
        "blockquote",
        "ul",
        "ol",
        "li",
        "a",
        "hr",
        "h3",
        "h4",
        "h5",
        "h6",
    ]
    .into();
    let attributes: HashMap<&str, HashSet<&str>> =
        [("a", ["href", "title"].into()), ("ol", ["start"].into())].into();
    let mut builder = Builder::empty();
    builder
        .tags(tags)
        .tag_attributes(attributes)
        .generic_attributes(HashSet::new())
        .url_schemes(["http", "https", "mailto"].into())
        .url_relative(UrlRelative::Deny)
        .link_rel(Some("nofollow ugc noopener noreferrer"))
        .clean_content_tags(["script", "style"].into())
        .strip_comments(true);
    builder
});

/// Turns a comment's markdown into safe HTML.
pub fn comment_html(markdown: &str) -> String {
    let parser = Parser::new_ext(markdown, Options::ENABLE_STRIKETHROUGH);
    let events = Linkify::new(parser.map(reshape));
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events);
    clean_html(&html)
}

/// Cleans HTML with the comment policy (also for HTML arriving from imports).
pub fn clean_html(html: &str) -> String {
    POLICY.clean(html).to_string()
}

/// An imported body that is HTML the way WordPress and Disqus keep it: text with inline tags
/// whose blank lines are paragraphs and single newlines line breaks (WordPress adds the `<p>`s
/// only when it shows a comment). Bodies that already carry paragraphs are cleaned as they are.
/// Unlike markdown, this leaves `*`, `_` and `\` in the text alone. Then the one policy.
pub fn imported_html(text: &str) -> String {
    let has_blocks = ["<p", "<P", "<div", "<DIV", "<br", "<BR"]
        .iter()
        .any(|tag| text.contains(tag));
    if has_blocks {
        return clean_html(text);
    }
    let normalised = text.replace("\r\n", "\n");
    let paragraphs: Vec<String> = normalised
        .split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| format!("<p>{}</p>", p.lines().collect::<Vec<_>>().join("<br>\n")))
        .collect();
    clean_html(&paragraphs.join("\n"))
}

/// Demotes headings, turns images into links and soft breaks into line breaks.
fn reshape(event: Event<'_>) -> Event<'_> {
    match event {
        Event::Start(Tag::Heading {
            level,
            id,
            classes,
            attrs,
        }) => Event::Start(Tag::Heading {
            level: demote(level),
            id,
            classes,
            attrs,
        }),
        Event::End(TagEnd::Heading(level)) => Event::End(TagEnd::Heading(demote(level))),
        Event::Start(Tag::Image {
            dest_url,
            title,
            id,
            ..
        }) => Event::Start(Tag::Link {
            link_type: LinkType::Inline,
            dest_url,
            title,
            id,
        }),
        Event::End(TagEnd::Image) => Event::End(TagEnd::Link),
        Event::SoftBreak => Event::HardBreak,
        other => other,
    }
}

fn demote(level: HeadingLevel) -> HeadingLevel {
    match level {
        HeadingLevel::H1 => HeadingLevel::H3,
        HeadingLevel::H2 => HeadingLevel::H4,
        HeadingLevel::H3 => HeadingLevel::H5,
        _ => HeadingLevel::H6,
    }
}

/// Wraps bare `http://` and `https://` URLs in plain text into links (not inside links or code).
struct Linkify<'a, I> {
    inner: I,
    pending: std::collections::VecDeque<Event<'a>>,
    link_depth: usize,
    in_code_block: bool,
}

impl<'a, I: Iterator<Item = Event<'a>>> Linkify<'a, I> {
    fn new(inner: I) -> Self {
        Self {
            inner,
            pending: Default::default(),
            link_depth: 0,
            in_code_block: false,
        }
    }

    fn split_text(&mut self, text: CowStr<'a>) -> Event<'a> {
        let mut rest: &str = &text;
        let mut out = Vec::new();
        while let Some(start) = find_url_start(rest) {
            let end = url_end(&rest[start..]) + start;
            if end - start <= "https://".len() {
                out.push(Event::Text(rest[..end].to_string().into()));
                rest = &rest[end..];
                continue;
            }
            if start > 0 {
                out.push(Event::Text(rest[..start].to_string().into()));
            }
            let url: CowStr<'a> = rest[start..end].to_string().into();
            out.push(Event::Start(Tag::Link {
                link_type: LinkType::Autolink,
                dest_url: url.clone(),
                title: "".into(),
                id: "".into(),
            }));
            out.push(Event::Text(url));
            out.push(Event::End(TagEnd::Link));
            rest = &rest[end..];
        }
        if out.is_empty() {
            return Event::Text(text);
        }
        if !rest.is_empty() {
            out.push(Event::Text(rest.to_string().into()));
        }
        let mut out = out.into_iter();
        let first = out.next().expect("at least one event");
        self.pending.extend(out);
        first
    }
}

impl<'a, I: Iterator<Item = Event<'a>>> Iterator for Linkify<'a, I> {
    type Item = Event<'a>;

    fn next(&mut self) -> Option<Event<'a>> {
        if let Some(event) = self.pending.pop_front() {
            return Some(event);
        }
        let event = self.inner.next()?;
        match &event {
            Event::Start(Tag::Link { .. }) => self.link_depth += 1,
            Event::End(TagEnd::Link) => self.link_depth = self.link_depth.saturating_sub(1),
            Event::Start(Tag::CodeBlock(_)) => self.in_code_block = true,
            Event::End(TagEnd::CodeBlock) => self.in_code_block = false,
            _ => {}
        }
        match event {
            Event::Text(text) if self.link_depth == 0 && !self.in_code_block => {
                Some(self.split_text(text))
            }
            other => Some(other),
        }
    }
}

fn find_url_start(text: &str) -> Option<usize> {
    let http = text.find("http://");
    let https = text.find("https://");
    match (http, https) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// Length of the URL at the start of `text`: up to whitespace or `<`, without trailing
/// punctuation that usually ends the sentence, and without an unbalanced closing parenthesis.
fn url_end(text: &str) -> usize {
    let mut end = text
        .find(|c: char| c.is_whitespace() || c == '<' || c == '"')
        .unwrap_or(text.len());
    loop {
        let candidate = &text[..end];
        let Some(last) = candidate.chars().last() else {
            break;
        };
        let unbalanced_paren =
            last == ')' && candidate.matches('(').count() < candidate.matches(')').count();
        if matches!(last, '.' | ',' | ';' | ':' | '!' | '?' | '\'') || unbalanced_paren {
            end -= last.len_utf8();
        } else {
            break;
        }
    }
    end
}
