//! What instances sharing one PostgreSQL tell each other: pages whose comments changed, on the
//! `replybox_pages` channel (`NOTIFY`), so that each forgets its cached copy. SQLite has one
//! instance per file and nothing to tell.

use sqlx::postgres::PgListener;

use super::Db;
use crate::cache::PageKey;

/// The channel the announcements travel on.
const CHANNEL: &str = "replybox_pages";
/// `NOTIFY` payloads must stay under 8,000 bytes; a longer key is announced as "everything".
const MAX_PAYLOAD: usize = 7_900;
/// The payload that means "forget every page".
const EVERYTHING: &str = "*";

/// Tells every instance that a page changed; `from` names the announcing instance, which
/// ignores its own news. Nothing on SQLite.
pub async fn announce(db: &Db, from: &str, page: &PageKey) -> sqlx::Result<()> {
    let Db::Postgres(pool) = db else {
        return Ok(());
    };
    let payload = serde_json::to_string(&(from, &page.0, &page.1)).unwrap_or_default();
    let payload = if payload.is_empty() || payload.len() > MAX_PAYLOAD {
        serde_json::to_string(&(from, EVERYTHING)).unwrap_or_default()
    } else {
        payload
    };
    sqlx::query("SELECT pg_notify($1, $2)")
        .bind(CHANNEL)
        .bind(payload)
        .execute(pool)
        .await
        .map(|_| ())
}

/// What an instance announced.
#[derive(Debug, PartialEq, Eq)]
pub enum Announcement {
    /// This page changed.
    Page(PageKey),
    /// The listening instance's own news (it already forgot the page).
    Own,
    /// Anything may have changed: announcements were missed (the connection was lost) or a
    /// key was too long to send.
    Everything,
}

/// A connection listening to the announcements; `None` on SQLite.
pub struct PageChanges(PgListener);

impl PageChanges {
    /// Starts listening.
    pub async fn listen(db: &Db) -> sqlx::Result<Option<Self>> {
        let Db::Postgres(pool) = db else {
            return Ok(None);
        };
        let mut listener = PgListener::connect_with(pool).await?;
        listener.listen(CHANNEL).await?;
        Ok(Some(Self(listener)))
    }

    /// The next announcement, as heard by the instance named `me`. After the connection was
    /// lost this reconnects and answers [`Announcement::Everything`], since what was said
    /// meanwhile is gone.
    pub async fn next(&mut self, me: &str) -> sqlx::Result<Announcement> {
        Ok(match self.0.try_recv().await? {
            None => Announcement::Everything,
            Some(notification) => parse(notification.payload(), me),
        })
    }
}

fn parse(payload: &str, me: &str) -> Announcement {
    if let Ok((from, site, uri)) = serde_json::from_str::<(String, String, String)>(payload) {
        return if from == me {
            Announcement::Own
        } else {
            Announcement::Page((site, uri))
        };
    }
    match serde_json::from_str::<(String, String)>(payload) {
        Ok((from, _)) if from == me => Announcement::Own,
        _ => Announcement::Everything,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_travels_as_json_and_anything_else_means_everything() {
        let page = ("blog".to_string(), "/a \"quoted\"\n/path".to_string());
        let payload = serde_json::to_string(&("other", &page.0, &page.1)).unwrap();
        assert_eq!(parse(&payload, "me"), Announcement::Page(page));
        assert_eq!(parse(&payload, "other"), Announcement::Own);
        assert_eq!(parse("[\"other\", \"*\"]", "me"), Announcement::Everything);
        assert_eq!(parse("[\"me\", \"*\"]", "me"), Announcement::Own);
        assert_eq!(parse("[\"only one\"]", "me"), Announcement::Everything);
    }
}
