//! A reader submits a comment: check what they typed, decide its status, store it.
//!
//! Order matters for "bad input loses nothing and writes nothing": everything is validated
//! before the single write transaction, which creates the thread, the guest's credential and
//! the comment together or not at all.

use std::net::IpAddr;
use std::sync::Arc;

use crate::auth::{Credential, Viewer, credential};
use crate::error::{AppError, AppResult};
use crate::moderation::{self, Facts, Status};
use crate::sites::Site;
use crate::state::AppState;
use crate::store::new_comment::{NewComment, NewReader};
use crate::store::standing::{Author, Standing};
use crate::store::{self};

use super::Submitted;
use super::input::{CommentInput, Guest, comment_body, guest_author, page_title, page_uri};

/// A valid comment before its author's standing is known: everything [`Draft::judge`] needs to
/// decide, owned, because on SQLite it is decided on the writing thread.
struct Draft {
    site: Arc<Site>,
    /// The comment to store; the verdict fills in `status` and `reason`.
    new: NewComment,
    ip: IpAddr,
    honeypot_filled: bool,
    seconds_to_write: Option<f64>,
    identity_age_minutes: Option<u64>,
    /// A guest's picture while this browser has not proven the typed address: by name, so that
    /// typing someone's address does not borrow their picture.
    unproven_avatar: Option<String>,
}

impl Draft {
    /// Refuses the comment (thread closed, author banned, a duplicate) or gives it its status.
    fn judge(mut self, standing: &Standing) -> AppResult<NewComment> {
        let site = &self.site;
        super::refuse_closed_or_banned(site, standing, self.ip, self.new.created_at)?;
        if standing.duplicate {
            return Err(AppError::DuplicateComment);
        }
        let moderators = standing.moderator_names.as_deref().unwrap_or_default();
        if self.new.user_id.is_none()
            && crate::names::is_reserved(&self.new.author_name, moderators.split('\u{1f}'))
        {
            return Err(AppError::invalid(
                "name_reserved",
                "That name belongs to the site's moderators. Please choose another.",
            ));
        }
        let rules = super::site_rules(site, standing);
        let new = &self.new;
        let verdict = moderation::judge(
            &rules,
            &Facts {
                body: &new.body,
                html: &new.html,
                name: &new.author_name,
                email: new.author_email.as_deref(),
                url: new.author_url.as_deref(),
                honeypot_filled: self.honeypot_filled,
                seconds_to_write: self.seconds_to_write,
                trusted: standing.trusted,
                known: standing.known,
                identity_age_minutes: self.identity_age_minutes,
                unverified_guest: new.user_id.is_none() && !standing.email_verified,
            },
        );
        self.new.status = verdict.status.as_str();
        self.new.reason = verdict.reason;
        // The page's title comes from a published comment only: a held or spam one (a bot's,
        // say) must not name the thread for good.
        if verdict.status != Status::Approved {
            self.new.title = None;
        }
        if let Some(avatar) = self.unproven_avatar.filter(|_| !standing.email_verified) {
            self.new.author_avatar = avatar;
        }
        Ok(self.new)
    }
}

/// Validates, moderates and stores a new comment.
pub async fn submit(
    state: &AppState,
    site: &Arc<Site>,
    viewer: &Viewer,
    ip: IpAddr,
    input: CommentInput,
) -> AppResult<Submitted> {
    // An admin-page account signed in inside the widget writes as a moderator.
    if let Some(reader) = viewer.reader.as_ref() {
        if let Some(admin_id) = reader.admin_id {
            return super::reply::in_widget(state, site, reader.id, admin_id, input).await;
        }
    }
    let uri = page_uri(site, &input.uri)?;
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
    let mut unproven_avatar = None;
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
            if guest.email.is_some() {
                unproven_avatar = Some(state.fingerprints.guest_avatar_path(None, &guest.name));
            }
            (guest, avatar, None)
        }
    };
    let notify = wanted_notifications(
        state,
        &input.notify_replies,
        &input.notify_page,
        guest.email.as_deref(),
    )?;
    let ip_hash = state.fingerprints.ip_hash(ip);
    let now = store::now_ms();
    let ids = (
        viewer.user_id(),
        guest.email.as_deref(),
        viewer.reader_id(),
        ip_hash.as_str(),
    );
    let dedupe_key = store::standing::dedupe_key(site.id(), uri, ids, &body);
    let author = Author {
        site: site.id().to_owned(),
        uri: uri.to_owned(),
        user_id: viewer.user_id(),
        reader_id: viewer.reader_id(),
        email: guest.email.clone(),
        ip_hash: ip_hash.clone(),
        dedupe_key: dedupe_key.clone(),
    };
    let issued = viewer.reader.is_none().then(Credential::generate);
    let desk = state.desk();
    let draft = Draft {
        site: Arc::clone(site),
        new: NewComment {
            title,
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
            ip_hash: Some(ip_hash),
            dedupe_key: Some(dedupe_key),
            notify,
            ..super::draft(site.id(), uri, input.parent, body, now, &desk)
        },
        ip,
        honeypot_filled: input.honeypot.is_some_and(|field| !field.trim().is_empty()),
        seconds_to_write: input.compose_ms.map(|ms| ms as f64 / 1000.0),
        identity_age_minutes,
        unproven_avatar,
    };
    let comment =
        store::new_comment::judge_and_insert(&state.db, Some(author), now, move |standing| {
            draft.judge(&standing)
        })
        .await?;
    super::stored(&desk, site.id(), uri, &comment);
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
