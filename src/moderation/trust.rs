//! Who a site already knows. A signed-in account is known once one of its comments on the site
//! was approved. A guest is never known from an email address alone — anyone can type anyone's
//! address — only once that address is verified (which arrives with email verification).

use crate::store::{Db, comments};

/// Who is writing, as far as trust is concerned.
#[derive(Debug, Clone, Copy)]
pub enum AuthorRef {
    /// A guest with only a typed name and email.
    UnverifiedGuest,
    /// A signed-in account.
    User(i64),
}

/// Whether the site knows this author well enough to skip `first-time` moderation.
pub async fn author_is_known(db: &Db, site: &str, author: AuthorRef) -> sqlx::Result<bool> {
    match author {
        AuthorRef::UnverifiedGuest => Ok(false),
        AuthorRef::User(user_id) => comments::user_has_approved(db, site, user_id).await,
    }
}
