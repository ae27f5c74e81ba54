//! The JSON shapes of the widget's API (DESIGN.md "Public API": keep these names).

use std::collections::HashSet;

use serde::Serialize;

use crate::auth::providers::Providers;
use crate::auth::viewer::is_author;
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
    /// Readers who like it.
    likes: i64,
    /// Whether the viewer likes it.
    liked: bool,
    /// A moderator pinned it: shown first.
    pinned: bool,
    /// The markdown as written, for its author only (to edit it).
    #[serde(skip_serializing_if = "Option::is_none")]
    text: Option<String>,
    /// Until when its author may edit or delete it (their own comments only; null once the
    /// window closed).
    #[serde(skip_serializing_if = "Option::is_none")]
    editable_until: Option<Option<String>>,
}

/// Who is looking at comments, and what that adds to each: whether it is theirs, whether they
/// like it, and how long they may still change it.
#[derive(Debug)]
pub struct SeenBy<'a> {
    /// The viewer's browser credential.
    pub reader_id: Option<i64>,
    /// The viewer's account.
    pub user_id: Option<i64>,
    /// The comments the viewer likes.
    pub liked: &'a HashSet<i64>,
    /// How long after writing an author may still edit (0: never).
    pub edit_window_ms: i64,
    /// Now (epoch ms).
    pub now: i64,
    /// Where avatars are served from.
    pub public_base: &'a str,
}

impl<'a> SeenBy<'a> {
    /// The viewer with this credential and account, on `site`, who likes `liked`.
    pub fn new(
        state: &'a crate::state::AppState,
        site: &Site,
        (reader_id, user_id): (Option<i64>, Option<i64>),
        liked: &'a HashSet<i64>,
    ) -> Self {
        Self {
            reader_id,
            user_id,
            liked,
            edit_window_ms: crate::comments::own::window_ms(site.config.edit_minutes),
            now: crate::store::now_ms(),
            public_base: state.public_base(),
        }
    }

    /// Whether the viewer wrote `row` (this browser, or their account in any browser).
    fn wrote(&self, row: &CommentRow) -> bool {
        is_author((self.reader_id, self.user_id), (row.reader_id, row.user_id))
    }
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
    /// Shapes a stored comment for a viewer.
    pub fn of(mut row: CommentRow, seen: &SeenBy<'_>) -> Self {
        let mine = seen.wrote(&row);
        if row.status == Status::Deleted.as_str() {
            // A tombstone: where it stood, not what it said or who said it.
            row.html.clear();
            row.body.clear();
            row.author_name.clear();
            row.author_url = None;
            row.author_provider = None;
        }
        let live = matches!(
            Status::parse(&row.status),
            Some(Status::Approved | Status::Pending)
        );
        let pinned = row.pinned_at.is_some() && row.status == Status::Approved.as_str();
        let editable_until = mine.then(|| {
            crate::comments::own::editable_until(row.created_at, seen.edit_window_ms, seen.now)
                .filter(|_| live)
                .map(rfc3339)
        });
        Self {
            id: row.id,
            parent: row.parent_id,
            mine,
            author: AuthorView {
                name: row.author_name,
                avatar: format!("{}{}", seen.public_base, row.author_avatar),
                url: row.author_url,
                provider: row.author_provider,
            },
            html: row.html,
            created: rfc3339(row.created_at),
            edited: row.edited_at.map(rfc3339),
            status: row.status,
            moderator: row.moderator,
            likes: row.likes,
            liked: seen.liked.contains(&row.id),
            pinned,
            text: (mine && live).then_some(row.body),
            editable_until,
        }
    }

    /// Whether the comment counts towards the public count.
    pub fn is_approved(&self) -> bool {
        self.status == Status::Approved.as_str()
    }
}
