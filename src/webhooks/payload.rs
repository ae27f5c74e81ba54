//! What a webhook receives: replybox's own JSON, or one chat message for Slack- or
//! Discord-compatible incoming webhooks.
//!
//! The payload is built field by field from what the public thread shows (name, website,
//! provider, text, sanitised HTML, times) plus the status and why a comment was held — never
//! the author's email, address hash, account ids or a moderation link. In chat shapes everything
//! a reader wrote is neutralised: it cannot format the message, fake a link or mention anyone
//! (`@everyone`, `<!channel>`), and link previews are off.

use serde::Serialize;
use serde_json::json;

use crate::config::{WebhookEvent, WebhookFormat};
use crate::sites::Site;
use crate::store::moderation::QueueRow;

/// How much of a comment a chat message quotes.
const CHAT_EXCERPT_CHARS: usize = 300;

/// The JSON body of the `json` format.
#[derive(Debug, Serialize)]
pub struct Payload<'a> {
    /// The delivery's id (also `X-Replybox-Delivery`), the same on every retry.
    pub id: &'a str,
    /// `created`, `held`, `approved`, `rejected`, `deleted`, `flagged` or `edited`.
    pub event: &'static str,
    /// The site.
    pub site: SiteRef<'a>,
    /// The comment.
    pub comment: CommentRef<'a>,
}

/// Which site.
#[derive(Debug, Serialize)]
pub struct SiteRef<'a> {
    /// `data-site`.
    pub id: &'a str,
    /// The site's name.
    pub name: &'a str,
}

/// The comment, as the public would see it once published.
#[derive(Debug, Serialize)]
pub struct CommentRef<'a> {
    /// Comment id.
    pub id: i64,
    /// The comment it replies to.
    pub parent: Option<i64>,
    /// `approved`, `pending`, `rejected`, `spam` or `deleted`, at the time of the event.
    pub status: &'a str,
    /// Why moderation held it (`site_holds_all`, `links`, …), for held comments.
    pub reason: Option<&'a str>,
    /// The page's key and public address.
    pub page: PageRef<'a>,
    /// Who wrote it.
    pub author: AuthorRef<'a>,
    /// The markdown as written (absent for a deleted comment).
    pub text: Option<&'a str>,
    /// The sanitised HTML the widget shows (absent for a deleted comment).
    pub html: Option<&'a str>,
    /// When it was written (RFC 3339).
    pub created: String,
}

/// The page.
#[derive(Debug, Serialize)]
pub struct PageRef<'a> {
    /// The thread's key (`data-uri`).
    pub uri: &'a str,
    /// Its address on the site's first origin.
    pub url: &'a str,
}

/// The author's public face.
#[derive(Debug, Serialize)]
pub struct AuthorRef<'a> {
    /// Display name.
    pub name: &'a str,
    /// Website they gave.
    pub url: Option<&'a str>,
    /// Sign-in provider, if they signed in.
    pub provider: Option<&'a str>,
    /// Written by a moderator of the site.
    pub moderator: bool,
}

impl<'a> Payload<'a> {
    /// The payload of `event` for `comment`, whose page is at `page_url`.
    pub fn new(
        id: &'a str,
        event: WebhookEvent,
        site: &'a Site,
        comment: &'a QueueRow,
        page_url: &'a str,
    ) -> Self {
        let deleted = comment.status == "deleted";
        Self {
            id,
            event: event.as_str(),
            site: SiteRef {
                id: site.id(),
                name: &site.config.name,
            },
            comment: CommentRef {
                id: comment.id,
                parent: comment.parent_id,
                status: &comment.status,
                reason: comment
                    .reason
                    .as_deref()
                    .filter(|_| comment.status == "pending"),
                page: PageRef {
                    uri: &comment.uri,
                    url: page_url,
                },
                author: AuthorRef {
                    name: &comment.author_name,
                    url: comment.author_url.as_deref(),
                    provider: comment.author_provider.as_deref(),
                    moderator: comment.moderator,
                },
                text: (!deleted).then_some(comment.body.as_str()),
                html: (!deleted).then_some(comment.html.as_str()),
                created: crate::time::rfc3339(comment.created_at),
            },
        }
    }

    /// The body to POST in `format`.
    pub fn body(&self, format: WebhookFormat) -> String {
        let value = match format {
            WebhookFormat::Json => json!(self),
            WebhookFormat::Slack => json!({
                "text": self.chat_line(slack_text, slack_text),
                "mrkdwn": false,
                "unfurl_links": false,
                "unfurl_media": false,
            }),
            WebhookFormat::Discord => json!({
                "content": self.chat_line(discord_text, discord_link),
                "allowed_mentions": {"parse": []},
                "flags": 4, // SUPPRESS_EMBEDS: no previews of links a reader wrote
            }),
        };
        value.to_string()
    }

    /// One chat message: what happened, by whom, where, and an excerpt — every part that came
    /// from a reader passed through `neutral`, the page's address through `link`.
    fn chat_line(&self, neutral: fn(&str) -> String, link: fn(&str) -> String) -> String {
        let c = &self.comment;
        let what = match (self.event, c.status) {
            ("created", _) => "New comment",
            ("held", _) => "Comment held for review",
            ("approved", _) => "Comment approved",
            ("rejected", "spam") => "Comment marked as spam",
            ("rejected", _) => "Comment rejected",
            ("deleted", _) => "Comment deleted",
            ("flagged", _) => "Comment flagged",
            ("edited", "pending") => "Comment edited and held for review",
            ("edited", _) => "Comment edited",
            _ => "Comment changed",
        };
        let mut line = format!(
            "[{}] {what} by {} on {}",
            neutral(self.site.name),
            neutral(c.author.name),
            link(c.page.url),
        );
        if let Some(text) = c.text {
            let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
            let mut excerpt: String = flat.chars().take(CHAT_EXCERPT_CHARS).collect();
            if excerpt.len() < flat.len() {
                excerpt.push('…');
            }
            line.push('\n');
            line.push_str(&neutral(&excerpt));
        }
        line
    }
}

/// Text for Slack-compatible services: `&`, `<` and `>` escaped as Slack asks (no `<!channel>`,
/// no `<url|label>`), and a zero-width joiner after every `@`, for the compatible services
/// (Mattermost, Rocket.Chat) that turn a plain `@channel` or `@all` into a mention.
pub fn slack_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '@' => out.push_str("@\u{2060}"),
            c => out.push(c),
        }
    }
    out
}

/// A page address for Discord: in angle brackets, a link without a preview. The address is on
/// one of the site's origins and serialised by `url`, which percent-encodes `<`, `>`, spaces and
/// backticks, so it cannot close the brackets.
fn discord_link(url: &str) -> String {
    format!("<{}>", url.replace('>', "%3E"))
}

/// Text for Discord-compatible services: every markdown character escaped with a backslash (no
/// formatting, no masked links, no `<@id>`), and a zero-width joiner after every `@` on top of
/// `allowed_mentions`, for compatible services that ignore it.
pub fn discord_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' | '*' | '_' | '~' | '`' | '|' | '>' | '<' | '[' | ']' | '(' | ')' | '#' | '-'
            | ':' => {
                out.push('\\');
                out.push(c);
            }
            '@' => out.push_str("@\u{2060}"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chat_text_cannot_mention_link_or_format() {
        assert_eq!(
            slack_text("<!channel> @here & <https://evil|bank>"),
            "&lt;!channel&gt; @\u{2060}here &amp; &lt;https://evil|bank&gt;"
        );
        let discord = discord_text("@everyone [bank](https://evil) **x** <@123>");
        assert!(!discord.contains("@everyone"));
        assert!(discord.contains("\\[bank\\]\\(https\\:"), "{discord}");
        assert!(discord.contains("\\*\\*x\\*\\*"));
        assert!(discord.contains("\\<@\u{2060}123\\>"));
    }
}
