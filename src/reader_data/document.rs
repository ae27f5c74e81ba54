//! The download: everything stored about one reader as a JSON document, `"replybox_data": 1`.
//!
//! Left out, on purpose:
//! - keyed digests that mean nothing outside this instance and would only hand out a stable
//!   identifier: a comment's `ip_hash` (the client network under the instance secret) and
//!   `dedupe_key`, a report's `ip_hash`;
//! - secrets and their hashes: credential tokens, verification links, unsubscribe tokens,
//!   sign-in codes (a downloaded file should not unlock anything);
//! - the moderators' records about them: bans, trusted-author entries, the audit log, and who
//!   edited a revision (a moderator's account name); these also survive a deletion (a ban must);
//! - copies made for others: mail already queued or sent, webhook deliveries;
//! - what the rules made of a comment: its stored `reason` (which rule held it, or which spam
//!   rule caught it), and `spam` itself, shown as `pending` — as the widget shows it to its
//!   author, so that a spammer learns nothing about the rules from their own data.

use std::collections::HashMap;

use serde::Serialize;

use super::Owner;
use crate::error::AppResult;
use crate::moderation::Status;
use crate::state::AppState;
use crate::store::{self, reader_data as stored};
use crate::time::rfc3339;

/// Everything stored about the reader, version 1.
#[derive(Debug, Serialize)]
pub struct Document {
    replybox_data: u32,
    exported: String,
    account: Option<AccountDoc>,
    browsers: Vec<BrowserDoc>,
    comments: Vec<CommentDoc>,
    likes: Vec<LikeDoc>,
    reports: Vec<ReportDoc>,
    subscriptions: Vec<SubscriptionDoc>,
    emails: Vec<EmailDoc>,
}

#[derive(Debug, Serialize)]
struct AccountDoc {
    name: String,
    avatar: Option<String>,
    picture_url: Option<String>,
    profile_url: Option<String>,
    created: String,
    identities: Vec<IdentityDoc>,
}

#[derive(Debug, Serialize)]
struct IdentityDoc {
    provider: String,
    subject: String,
    email: Option<String>,
    email_verified: bool,
    created: String,
    last_seen: String,
}

#[derive(Debug, Serialize)]
struct BrowserDoc {
    provider: Option<String>,
    created: String,
    expires: String,
}

#[derive(Debug, Serialize)]
struct CommentDoc {
    id: i64,
    site: String,
    uri: String,
    url: Option<String>,
    parent: Option<i64>,
    status: String,
    text: String,
    html: String,
    author: AuthorDoc,
    notify: Vec<String>,
    created: String,
    edited: Option<String>,
    pinned: Option<String>,
    revisions: Vec<RevisionDoc>,
}

#[derive(Debug, Serialize)]
struct AuthorDoc {
    name: String,
    email: Option<String>,
    url: Option<String>,
    avatar: String,
    provider: Option<String>,
}

#[derive(Debug, Serialize)]
struct RevisionDoc {
    text: String,
    html: String,
    status: String,
    replaced: String,
}

#[derive(Debug, Serialize)]
struct LikeDoc {
    comment: i64,
    site: String,
    uri: String,
    created: String,
}

#[derive(Debug, Serialize)]
struct ReportDoc {
    comment: i64,
    site: String,
    uri: String,
    reason: String,
    created: String,
    dismissed: Option<String>,
}

#[derive(Debug, Serialize)]
struct SubscriptionDoc {
    site: String,
    uri: String,
    kind: String,
    comment: Option<i64>,
    email: String,
    created: String,
}

#[derive(Debug, Serialize)]
struct EmailDoc {
    email: String,
    verified: String,
}

/// Everything replybox holds about `owner`, read in one snapshot.
pub async fn export(state: &AppState, owner: Owner) -> AppResult<Document> {
    let held = stored::holdings(&state.db, owner).await?;
    let base = state.public_base();
    let page_url = |site: &str, uri: &str| state.sites.get(site).ok().map(|s| s.page_url(uri));
    let mut revisions: HashMap<i64, Vec<RevisionDoc>> = HashMap::new();
    for r in held.revisions {
        revisions
            .entry(r.comment_id)
            .or_default()
            .push(RevisionDoc {
                text: r.body,
                html: r.html,
                status: Status::as_its_author_sees(&r.status).to_string(),
                replaced: rfc3339(r.replaced_at),
            });
    }
    let comments = held
        .comments
        .into_iter()
        .map(|c| CommentDoc {
            url: page_url(&c.site, &c.uri),
            revisions: revisions.remove(&c.id).unwrap_or_default(),
            id: c.id,
            site: c.site,
            uri: c.uri,
            parent: c.parent_id,
            status: Status::as_its_author_sees(&c.status).to_string(),
            text: c.body,
            html: c.html,
            author: AuthorDoc {
                name: c.author_name,
                email: c.author_email,
                url: c.author_url,
                avatar: format!("{base}{}", c.author_avatar),
                provider: c.author_provider,
            },
            notify: (c.notify.unwrap_or_default().split(','))
                .filter(|kind| !kind.is_empty())
                .map(str::to_string)
                .collect(),
            created: rfc3339(c.created_at),
            edited: c.edited_at.map(rfc3339),
            pinned: c.pinned_at.map(rfc3339),
        })
        .collect();
    Ok(Document {
        replybox_data: 1,
        exported: rfc3339(store::now_ms()),
        account: held.account.map(|(account, identities)| AccountDoc {
            name: account.name,
            avatar: account.avatar_path.map(|path| format!("{base}{path}")),
            picture_url: account.avatar_url,
            profile_url: account.profile_url,
            created: rfc3339(account.created_at),
            identities: identities
                .into_iter()
                .map(|i| IdentityDoc {
                    provider: i.provider,
                    subject: i.subject,
                    email: i.email,
                    email_verified: i.email_verified,
                    created: rfc3339(i.created_at),
                    last_seen: rfc3339(i.last_seen_at),
                })
                .collect(),
        }),
        browsers: (held.browsers.into_iter())
            .map(|b| BrowserDoc {
                provider: b.provider,
                created: rfc3339(b.created_at),
                expires: rfc3339(b.expires_at),
            })
            .collect(),
        comments,
        likes: (held.likes.into_iter())
            .map(|l| LikeDoc {
                comment: l.comment_id,
                site: l.site,
                uri: l.uri,
                created: rfc3339(l.created_at),
            })
            .collect(),
        reports: (held.reports.into_iter())
            .map(|r| ReportDoc {
                comment: r.comment_id,
                site: r.site,
                uri: r.uri,
                reason: r.reason.unwrap_or_default(),
                created: rfc3339(r.created_at),
                dismissed: r.dismissed_at.map(rfc3339),
            })
            .collect(),
        subscriptions: (held.subscriptions.into_iter())
            .map(|s| SubscriptionDoc {
                site: s.site,
                uri: s.uri,
                kind: s.kind,
                comment: s.comment_id,
                email: s.email,
                created: rfc3339(s.created_at),
            })
            .collect(),
        emails: (held.emails.into_iter())
            .map(|(email, at)| EmailDoc {
                email,
                verified: rfc3339(at),
            })
            .collect(),
    })
}
