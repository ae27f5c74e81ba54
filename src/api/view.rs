//! The JSON shapes of the widget's API (DESIGN.md "Public API": keep these names).

use serde::Serialize;

use crate::auth::providers::Providers;
use crate::auth::{ProviderButton, ViewerView};
use crate::moderation::Status;
use crate::sites::Site;
use crate::store::comments::CommentRow;
use crate::time::rfc3339;

/// A comment as readers see it.
#[derive(Debug, Serialize)]
pub struct CommentView {
    id: i64,
    parent: Option<i64>,
    author: AuthorView,
    html: String,
    created: String,
    edited: Option<String>,
    status: String,
    mine: bool,
    moderator: bool,
}

/// A comment's author as readers see them: never an email address.
#[derive(Debug, Serialize)]
pub struct AuthorView {
    name: String,
    avatar: String,
    url: Option<String>,
    provider: Option<String>,
}

/// A page's thread summary.
#[derive(Debug, Serialize)]
pub struct ThreadView<'a> {
    /// The page URI.
    pub uri: &'a str,
    /// The page title, if known.
    pub title: Option<&'a str>,
    /// Approved comments on the page.
    pub count: usize,
    /// Whether new comments are refused.
    pub locked: bool,
}

/// What the widget needs to know about the site to draw its form.
#[derive(Debug, Serialize)]
pub struct SiteView<'a> {
    id: &'a str,
    name: &'a str,
    guests: bool,
    email: &'static str,
    providers: Vec<ProviderButton>,
    /// Readers may ask for mail about replies and new comments (mail is configured).
    notifications: bool,
}

/// `GET /api/comments`
#[derive(Debug, Serialize)]
pub struct ThreadPage<'a> {
    /// The site.
    pub site: SiteView<'a>,
    /// The thread.
    pub thread: ThreadView<'a>,
    /// Visible comments, oldest first.
    pub comments: Vec<CommentView>,
    /// The signed-in reader, or null.
    pub viewer: Option<ViewerView>,
}

impl<'a> SiteView<'a> {
    /// The public face of a site's configuration.
    pub fn of(site: &'a Site, auth: &Providers, mail_on: bool) -> Self {
        Self {
            id: site.id(),
            name: &site.config.name,
            guests: site.config.guests,
            email: if site.requires_guest_email() {
                "required"
            } else {
                "optional"
            },
            providers: crate::auth::buttons(auth, site),
            notifications: mail_on,
        }
    }
}

impl CommentView {
    /// Shapes a stored comment for a viewer (`viewer_reader` recognises their own comments).
    pub fn of(mut row: CommentRow, viewer_reader: Option<i64>, public_base: &str) -> Self {
        if row.status == Status::Deleted.as_str() {
            // A tombstone: where it stood, not what it said or who said it.
            row.html.clear();
            row.author_name.clear();
            row.author_url = None;
            row.author_provider = None;
        }
        Self {
            id: row.id,
            parent: row.parent_id,
            mine: viewer_reader.is_some() && row.reader_id == viewer_reader,
            author: AuthorView {
                name: row.author_name,
                avatar: format!("{public_base}{}", row.author_avatar),
                url: row.author_url,
                provider: row.author_provider,
            },
            html: row.html,
            created: rfc3339(row.created_at),
            edited: row.edited_at.map(rfc3339),
            status: row.status,
            moderator: row.moderator,
        }
    }

    /// Whether the comment counts towards the public count.
    pub fn is_approved(&self) -> bool {
        self.status == Status::Approved.as_str()
    }
}
