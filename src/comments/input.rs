//! What a reader sends with a comment, and the checks it must pass before anything is stored:
//! a page address, a body within the length limit, and guest details that are data (a name of
//! one line, a plausible email address, an http(s) website), never HTML.

use serde::Deserialize;

use super::whole_number;
use crate::error::{AppError, AppResult};
use crate::names::one_line;
use crate::sites::Site;

/// Longest page URI.
pub const MAX_URI_CHARS: usize = 2048;
const MAX_TITLE_CHARS: usize = 300;
const MAX_NAME_CHARS: usize = 80;
const MAX_EMAIL_CHARS: usize = 254;
const MAX_URL_CHARS: usize = 500;

/// `POST /api/comments` body.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommentInput {
    /// Site id.
    pub site: String,
    /// Page URI.
    pub uri: String,
    /// Page title (optional; kept for the thread's first comment).
    #[serde(default)]
    pub title: Option<String>,
    /// Comment replied to.
    #[serde(default, deserialize_with = "whole_number::optional_i64")]
    pub parent: Option<i64>,
    /// Markdown.
    pub body: String,
    /// Guest details (ignored for signed-in readers).
    #[serde(default)]
    pub author: Option<GuestInput>,
    /// The widget's hidden field: people leave it empty, form-filling bots do not.
    #[serde(default)]
    pub honeypot: Option<String>,
    /// Milliseconds between the form being shown and sent, as the widget measured them.
    #[serde(default, deserialize_with = "whole_number::optional_u64")]
    pub compose_ms: Option<u64>,
    /// Mail me replies to this comment (needs an email address; verified first).
    #[serde(default)]
    pub notify_replies: bool,
    /// Mail me new comments on this page.
    #[serde(default)]
    pub notify_page: bool,
}

/// What a guest types about themselves.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GuestInput {
    /// Display name.
    #[serde(default)]
    pub name: Option<String>,
    /// Email, never published.
    #[serde(default)]
    pub email: Option<String>,
    /// Website.
    #[serde(default)]
    pub url: Option<String>,
}

/// A guest's details after checking.
pub(super) struct Guest {
    pub(super) name: String,
    pub(super) email: Option<String>,
    pub(super) url: Option<String>,
}

pub(super) fn guest_author(input: GuestInput, email_required: bool) -> AppResult<Guest> {
    let name = one_line(input.name.as_deref().unwrap_or_default());
    if name.is_empty() {
        return Err(AppError::invalid(
            "name_required",
            "Please enter your name.",
        ));
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(AppError::invalid(
            "name_too_long",
            format!("Names are at most {MAX_NAME_CHARS} characters."),
        ));
    }
    let email = input
        .email
        .as_deref()
        .map(str::trim)
        .filter(|e| !e.is_empty());
    let email = match email {
        None if email_required => {
            return Err(AppError::invalid(
                "email_required",
                "Please enter your email address.",
            ));
        }
        None => None,
        Some(email) if is_plausible_email(email) => Some(email.to_string()),
        Some(_) => {
            return Err(AppError::invalid(
                "invalid_email",
                "That email address does not look right.",
            ));
        }
    };
    let url = input
        .url
        .as_deref()
        .map(str::trim)
        .filter(|u| !u.is_empty());
    let url = url.map(website).transpose()?;
    Ok(Guest { name, email, url })
}

/// An email address we would accept: one `@`, something on both sides, a dot in the domain, no
/// spaces or control characters. Deliverability is what verification is for.
fn is_plausible_email(email: &str) -> bool {
    let Some((local, domain)) = email.rsplit_once('@') else {
        return false;
    };
    email.len() <= MAX_EMAIL_CHARS
        && !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !email.chars().any(|c| {
            c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | ',' | ';' | '"')
        })
}

/// A website must be an absolute http(s) URL; it is stored in its normalised form.
fn website(raw: &str) -> AppResult<String> {
    let invalid = || {
        AppError::invalid(
            "invalid_url",
            "Your website must be an http:// or https:// address.",
        )
    };
    if raw.chars().count() > MAX_URL_CHARS {
        return Err(invalid());
    }
    let url = url::Url::parse(raw).map_err(|_| invalid())?;
    if !matches!(url.scheme(), "http" | "https")
        || !url.has_host()
        || !url.username().is_empty()
        || url.password().is_some()
    {
        return Err(invalid());
    }
    Ok(url.to_string())
}

/// A page address as a thread's key: a path starting with a single `/` (the widget sends
/// `location.pathname`), or an absolute http(s) address on one of the site's origins. Anything
/// else is refused: the key becomes links in mails and on the admin pages, where `@evil.example`
/// or `.evil.example/x` after the site's origin would point elsewhere.
pub fn page_uri<'a>(site: &Site, raw: &'a str) -> AppResult<&'a str> {
    let uri = raw.trim();
    let invalid = || {
        AppError::invalid(
            "invalid_uri",
            "The page address must be a path starting with / or an address on the site, at most 2048 characters.",
        )
    };
    if uri.is_empty() || uri.chars().count() > MAX_URI_CHARS || uri.chars().any(char::is_control) {
        return Err(invalid());
    }
    if is_site_path(uri) || is_on_site(site, uri) {
        Ok(uri)
    } else {
        Err(invalid())
    }
}

/// `/post/1`, not `//host`, `/\host` (browsers read both as another host) or `post/1`.
fn is_site_path(uri: &str) -> bool {
    let mut chars = uri.chars();
    chars.next() == Some('/') && !matches!(chars.next(), Some('/' | '\\'))
}

/// An absolute http(s) address on one of the site's origins, without credentials.
fn is_on_site(site: &Site, uri: &str) -> bool {
    url::Url::parse(uri).is_ok_and(|url| {
        matches!(url.scheme(), "http" | "https")
            && url.username().is_empty()
            && url.password().is_none()
            && site.origins.contains(&url.origin().ascii_serialization())
    })
}

pub(super) fn page_title(raw: &str) -> String {
    one_line(raw).chars().take(MAX_TITLE_CHARS).collect()
}

/// A comment's text as it will be stored (NULs gone, trimmed): 422 `comment_empty` or
/// `comment_too_long`.
pub(crate) fn comment_body(raw: &str, max_chars: usize) -> AppResult<String> {
    // NULs go first, so that a body of only NULs is empty, as it will be stored.
    let without_nul = raw.replace('\0', "");
    let body = without_nul.trim();
    if body.is_empty() {
        return Err(AppError::invalid(
            "comment_empty",
            "Please write a comment.",
        ));
    }
    if body.chars().count() > max_chars {
        return Err(AppError::invalid(
            "comment_too_long",
            format!("Comments are at most {max_chars} characters."),
        ));
    }
    Ok(body.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_absolute_http_websites_are_accepted() {
        assert_eq!(
            website("https://example.com").unwrap(),
            "https://example.com/"
        );
        for bad in [
            "javascript:alert(1)",
            "data:text/html,x",
            "//example.com",
            "example.com",
            "ftp://x.org",
            "https://user:pw@x.org",
        ] {
            assert!(website(bad).is_err(), "{bad} must be refused");
        }
    }

    #[test]
    fn emails_need_a_local_part_and_a_dotted_domain() {
        assert!(is_plausible_email("ada@example.org"));
        for bad in [
            "ada",
            "@example.org",
            "ada@localhost",
            "a da@x.org",
            "ada@x.org\r\nBcc: y@z.org",
            "<a@x.org>",
        ] {
            assert!(!is_plausible_email(bad), "{bad:?} must be refused");
        }
    }

    #[test]
    fn names_are_one_line_of_text() {
        assert_eq!(one_line("  Ada \n\t Lovelace\u{7} "), "Ada Lovelace");
    }
}
