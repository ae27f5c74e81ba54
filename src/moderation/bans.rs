//! Bans: who a ban names (an account, a browser, an email address, a client address or a whole
//! network), banning a comment's author as a moderator chose, and whether an address falls in a
//! banned network. The bans in force are read with the author's standing
//! (`store::standing`) and kept by `store::site_rules`; this is the one place that decides.

use std::net::IpAddr;

use super::BanKind;
use super::actions::{self, Action, Desk};
use crate::error::{AppError, AppResult};
use crate::store::moderation::{NewAuditEntry, QueueRow};
use crate::store::site_rules::NewBan;
use crate::store::{self};

/// The longest ban a moderator sets, in days (0 is for good): ten years.
pub const MAX_BAN_DAYS: i64 = 3650;

/// Whom and how to ban, as the moderator chose.
#[derive(Debug, Clone, Copy)]
pub struct BanChoice {
    /// By what.
    pub kind: BanKind,
    /// On every site (admins only) rather than the comment's.
    pub everywhere: bool,
    /// For this many days; 0 for good.
    pub days: i64,
    /// And mark the comment as spam.
    pub and_spam: bool,
}

impl BanChoice {
    /// What a moderator's mail link does: ban on the comment's site for good, by email if the
    /// author gave one, else by address, and mark the comment as spam.
    pub fn from_mail(comment: &QueueRow) -> Self {
        Self {
            kind: if comment.author_email.is_some() {
                BanKind::Email
            } else {
                BanKind::Ip
            },
            everywhere: false,
            days: 0,
            and_spam: true,
        }
    }
}

impl BanChoice {
    /// What a moderator's Ban button in the widget does: ban on the comment's site, for `days`
    /// (0: for good), the author's account when they signed in, else the email they gave, else
    /// the browser credential that wrote it (else, for an imported comment, its address), and
    /// mark the comment as spam. `None` for a moderator's own comment or one with nobody to ban.
    pub fn from_widget(comment: &QueueRow, days: i64) -> Option<Self> {
        if comment.moderator {
            return None;
        }
        let kind = if comment.user_id.is_some() {
            BanKind::User
        } else if comment.author_email.is_some() {
            BanKind::Email
        } else if comment.reader_id.is_some() {
            BanKind::Reader
        } else if comment.ip_hash.is_some() {
            BanKind::Ip
        } else {
            return None;
        };
        Some(Self {
            kind,
            everywhere: false,
            days,
            and_spam: true,
        })
    }
}

/// Bans the author of a comment, records it in the audit log and, if asked, marks the comment
/// as spam. Used from a card and from a moderator's mail.
pub async fn ban_author(
    desk: Desk<'_>,
    comment: &QueueRow,
    choice: BanChoice,
    actor: &str,
    allowed: impl Fn(&str) -> bool,
) -> AppResult<()> {
    if !allowed(&comment.site) {
        return Err(actions::not_your_site());
    }
    let kind = choice.kind.as_str();
    let value = match choice.kind {
        BanKind::User => comment.user_id.map(|id| id.to_string()),
        BanKind::Reader => comment.reader_id.map(|id| id.to_string()),
        BanKind::Email => comment.author_email.as_deref().map(str::to_lowercase),
        BanKind::Ip => comment.ip_hash.clone(),
        BanKind::Network => {
            return Err(AppError::bad_request(
                "invalid_ban",
                "Networks are banned by hand, on the bans page.",
            ));
        }
    }
    .ok_or_else(|| {
        AppError::bad_request("invalid_ban", format!("This comment has no {kind} to ban."))
    })?;
    let now = store::now_ms();
    let note = format!("{} (comment #{})", comment.author_name, comment.id);
    let new = NewBan {
        site: (!choice.everywhere).then_some(comment.site.as_str()),
        kind,
        value: &value,
        note: Some(&note),
        created_by: actor,
        expires_at: (choice.days > 0).then(|| now + choice.days * 24 * 60 * 60 * 1000),
    };
    store::site_rules::ban(desk.db, &new, now).await?;
    let detail = format!(
        "{kind} ban{}{}",
        if choice.everywhere {
            " on every site"
        } else {
            ""
        },
        if choice.days > 0 {
            format!(" for {} days", choice.days)
        } else {
            " for good".into()
        }
    );
    let event = NewAuditEntry {
        site: &comment.site,
        comment_id: Some(comment.id),
        actor,
        action: "ban",
        before: None,
        after: None,
        detail: Some(detail),
    };
    store::moderation::record(desk.db, &event, now).await?;
    if choice.and_spam {
        actions::apply(desk, comment.id, Action::Spam, actor, allowed).await?;
    }
    Ok(())
}

/// Whether `ip` is in one of the banned networks (CIDRs, space-separated, as the standing query
/// reads them).
pub fn network_banned(networks: Option<&str>, ip: IpAddr) -> bool {
    networks
        .unwrap_or_default()
        .split_whitespace()
        .filter_map(|cidr| cidr.parse::<ipnet::IpNet>().ok())
        .any(|net| net.contains(&ip))
}
