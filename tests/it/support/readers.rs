//! Readers as the widget knows them: a guest's browser, or one account signed in in several
//! browsers (made here as a finished sign-in leaves them; the sign-in itself has its own
//! stories against the real provider).

use replybox::auth::Credential;
use replybox::auth::credential::LIFETIME_MS;
use replybox::store::{self, identities, users};

use super::TestApp;

/// The credentials of `browsers` browsers in which the account `provider:subject` named `name`
/// signed in.
pub async fn signed_in_browsers(
    app: &TestApp,
    (provider, subject): (&str, &str),
    name: &str,
    browsers: usize,
) -> Vec<String> {
    let now = store::now_ms();
    let account = identities::SignedInAccount {
        provider,
        subject,
        name,
        avatar_url: None,
        avatar_path: None,
        profile_url: None,
        email: None,
        email_verified: false,
    };
    let user = identities::link(&app.state.db, &account, now)
        .await
        .expect("the account is linked");
    let mut tokens = Vec::new();
    for _ in 0..browsers {
        let credential = Credential::generate();
        users::issue_credential(
            &app.state.db,
            &credential.hash,
            user,
            provider,
            now,
            now + LIFETIME_MS,
        )
        .await
        .expect("a credential is issued");
        tokens.push(credential.token);
    }
    tokens
}
