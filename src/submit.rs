//! A reader submits a comment: check what they typed, decide its status, store it.
//!
//! Order matters for "bad input loses nothing and writes nothing": everything is validated
//! before the single write transaction, which creates the thread, the guest's credential and
//! the comment together or not at all.

use std::net::IpAddr;

use serde::Deserialize;

use crate::app::AppState;
use crate::auth::{Credential, Viewer, credential};
use crate::error::{AppError, AppResult};
use crate::moderation::{self, Facts, SiteRules, WordList};
use crate::render;
use crate::sites::Site;
use crate::store::comments::CommentRow;
use crate::store::new_comment::{NewComment, NewReader};
use crate::store::standing::{Author, Standing};
use crate::store::{self};
use crate::telemetry;

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
    #[serde(default)]
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
    #[serde(default)]
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

/// A stored comment and, for a guest's first comment, the credential their browser should keep.
#[derive(Debug)]
pub struct Submitted {
    /// The comment as stored.
    pub comment: CommentRow,
    /// The new credential's token, when one was issued.
    pub credential: Option<String>,
}

/// Validates, moderates and stores a new comment.
pub async fn submit(
    state: &AppState,
    site: &Site,
    viewer: &Viewer,
    ip: IpAddr,
    input: CommentInput,
) -> AppResult<Submitted> {
    let uri = page_uri(&input.uri)?;
    let title = input
        .title
        .as_deref()
        .map(page_title)
        .filter(|t| !t.is_empty());
    let body = comment_body(&input.body, state.config.limits.max_comment_chars)?;
    if viewer.user_id().is_none() && !site.config.guests {
        return Err(AppError::GuestsNotAllowed);
    }
    // A signed-in viewer's account wins over the typed author fields.
    let signed_in = match viewer.reader.as_ref().filter(|r| r.user_id.is_some()) {
        Some(reader) => store::users::for_reader(&state.db, reader.id).await?,
        None => None,
    };
    let identity_age_minutes = signed_in
        .as_ref()
        .and_then(|user| user.identity_created_at)
        .map(|created| (store::now_ms() - created).max(0) as u64 / 60_000);
    let (guest, author_avatar, author_provider) = match signed_in {
        Some(user) => (
            Guest {
                name: user.name.clone(),
                email: None,
                url: user.profile_url.clone(),
            },
            crate::auth::avatar_path(&user),
            user.provider,
        ),
        None => {
            let guest = guest_author(
                input.author.unwrap_or_default(),
                site.requires_guest_email(),
            )?;
            let avatar = state
                .fingerprints
                .guest_avatar_path(guest.email.as_deref(), &guest.name);
            (guest, avatar, None)
        }
    };
    let notify = wanted_notifications(
        state,
        &input.notify_replies,
        &input.notify_page,
        guest.email.as_deref(),
    )?;
    let html = render::comment_html(&body);
    let ip_hash = state.fingerprints.ip_hash(ip);
    let now = store::now_ms();

    let author = Author {
        site: site.id(),
        uri,
        user_id: viewer.user_id(),
        reader_id: viewer.reader_id(),
        email: guest.email.as_deref(),
        ip_hash: &ip_hash,
        body: &body,
    };
    let standing = store::standing::of(&state.db, &author, now).await?;
    refuse_if_closed(site, &standing, now)?;
    if standing.banned || network_banned(standing.ban_networks.as_deref(), ip) {
        return Err(AppError::Banned);
    }
    if standing.duplicate {
        return Err(AppError::DuplicateComment);
    }
    let rules = SiteRules {
        mode: site.moderation(),
        links_to_hold: site.config.links_to_hold,
        new_identity_minutes: site.config.new_identity_minutes,
        min_seconds_to_write: site.config.min_seconds_to_write,
        verify_guests: site.config.verify_guests,
        watched: WordList::parse(standing.watched.as_deref().unwrap_or_default()),
        blocked: WordList::parse(standing.blocked.as_deref().unwrap_or_default()),
    };
    let verdict = moderation::judge(
        &rules,
        &Facts {
            body: &body,
            html: &html,
            name: &guest.name,
            email: guest.email.as_deref(),
            url: guest.url.as_deref(),
            honeypot_filled: input.honeypot.is_some_and(|field| !field.trim().is_empty()),
            seconds_to_write: input.compose_ms.map(|ms| ms as f64 / 1000.0),
            trusted: standing.trusted,
            known: standing.known,
            identity_age_minutes,
            unverified_guest: viewer.user_id().is_none() && !standing.email_verified,
        },
    );

    let issued = viewer.reader.is_none().then(Credential::generate);
    let new = NewComment {
        site: site.id().to_string(),
        uri: uri.to_string(),
        title,
        parent_id: input.parent,
        reader: match (&viewer.reader, &issued) {
            (Some(reader), _) => NewReader::Existing(reader.id),
            (None, Some(credential)) => NewReader::Issue {
                token_hash: credential.hash.clone(),
                expires_at: now + credential::LIFETIME_MS,
            },
            (None, None) => unreachable!("a credential is issued whenever there is no reader"),
        },
        user_id: viewer.user_id(),
        author_avatar,
        author_name: guest.name,
        author_email: guest.email,
        author_url: guest.url,
        author_provider,
        html,
        body,
        status: verdict.status.as_str(),
        reason: verdict.reason,
        ip_hash: Some(ip_hash),
        created_at: now,
        moderator: false,
        notify,
        record_event: state.config.smtp.is_some(),
    };
    let comment = store::new_comment::insert(&state.db, &new).await?;
    state.caches.page_changed(site.id(), uri);
    state.mail_wake.wake();
    telemetry::comment_created(new.status);
    Ok(Submitted {
        comment,
        credential: issued.map(|c| c.token),
    })
}

/// What the author asked to be mailed about, if mail is on; asking without an address is an error.
fn wanted_notifications(
    state: &AppState,
    replies: &bool,
    page: &bool,
    email: Option<&str>,
) -> AppResult<Option<String>> {
    let wanted: Vec<&str> = [(*replies, "replies"), (*page, "page")]
        .into_iter()
        .filter(|(on, _)| *on)
        .map(|(_, kind)| kind)
        .collect();
    if wanted.is_empty() || state.config.smtp.is_none() {
        return Ok(None);
    }
    if email.is_none() {
        return Err(AppError::invalid(
            "email_required",
            "Notifications need your email address.",
        ));
    }
    Ok(Some(wanted.join(",")))
}

/// A locked thread, or one older than the site's `close_after_days`, takes no comments.
fn refuse_if_closed(site: &Site, standing: &Standing, now: i64) -> AppResult<()> {
    if standing.thread_locked == Some(true)
        || site.is_closed_by_age(standing.thread_created_at, now)
    {
        return Err(AppError::ThreadLocked);
    }
    Ok(())
}

fn network_banned(networks: Option<&str>, ip: IpAddr) -> bool {
    networks
        .unwrap_or_default()
        .split_whitespace()
        .filter_map(|cidr| cidr.parse::<ipnet::IpNet>().ok())
        .any(|net| net.contains(&ip))
}

/// A guest's details after checking.
struct Guest {
    name: String,
    email: Option<String>,
    url: Option<String>,
}

fn guest_author(input: GuestInput, email_required: bool) -> AppResult<Guest> {
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

fn page_uri(raw: &str) -> AppResult<&str> {
    let uri = raw.trim();
    if uri.is_empty() || uri.chars().count() > MAX_URI_CHARS || uri.chars().any(char::is_control) {
        return Err(AppError::invalid(
            "invalid_uri",
            "The page address is missing or too long.",
        ));
    }
    Ok(uri)
}

fn page_title(raw: &str) -> String {
    one_line(raw).chars().take(MAX_TITLE_CHARS).collect()
}

fn comment_body(raw: &str, max_chars: usize) -> AppResult<String> {
    let body = raw.trim();
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
    Ok(body.replace('\0', ""))
}

/// Trims and folds whitespace; drops control characters (names and titles are one line of text).
fn one_line(raw: &str) -> String {
    raw.split_whitespace()
        .map(|word| word.chars().filter(|c| !c.is_control()).collect::<String>())
        .filter(|word| !word.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
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
