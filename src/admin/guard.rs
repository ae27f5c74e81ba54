//! Who is using the admin pages: the signed-in account from the session, and the CSRF token
//! every form must carry.

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use tower_sessions::Session;

use super::error::AdminError;
use crate::admin::accounts;
use crate::auth::Credential;
use crate::fingerprint::same_secret;
use crate::moderation::Role;
use crate::state::AppState;
use crate::store::{self, admins::AdminRow};

const ADMIN_ID: &str = "admin_id";
const CSRF: &str = "csrf";

/// A signed-in moderator or admin.
#[derive(Debug, Clone)]
pub struct Moderator {
    /// Their account.
    pub account: AdminRow,
    /// The token their forms carry.
    pub csrf: String,
    /// Their session.
    pub session: Session,
}

impl Moderator {
    /// Whether they may act on this site.
    pub fn may_moderate(&self, site: &str) -> bool {
        accounts::may_moderate(&self.account, site)
    }

    /// The sites they see, of those configured.
    pub fn sites(&self, state: &AppState) -> Vec<String> {
        let mut sites: Vec<String> = state
            .sites
            .iter()
            .map(|s| s.id().to_string())
            .filter(|id| self.may_moderate(id))
            .collect();
        sites.sort();
        sites
    }

    /// How they appear in the audit log.
    pub fn actor(&self) -> String {
        crate::moderation::role::actor(&self.account)
    }

    /// Whether they are an admin (every site).
    pub fn is_admin(&self) -> bool {
        Role::parse(&self.account.role) == Some(Role::Admin)
    }
}

/// Starts a signed-in session: a new session id (no fixation) and a fresh CSRF token.
pub async fn sign_in(session: &Session, admin_id: i64) -> Result<(), AdminError> {
    session.cycle_id().await.map_err(AdminError::session)?;
    session
        .insert(ADMIN_ID, admin_id)
        .await
        .map_err(AdminError::session)?;
    session
        .insert(CSRF, Credential::generate().token)
        .await
        .map_err(AdminError::session)?;
    Ok(())
}

impl FromRequestParts<AppState> for Moderator {
    type Rejection = AdminError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AdminError> {
        let session = Session::from_request_parts(parts, state)
            .await
            .map_err(|_| AdminError::SignIn)?;
        let id: Option<i64> = session.get(ADMIN_ID).await.map_err(AdminError::session)?;
        let id = id.ok_or(AdminError::SignIn)?;
        let account = store::admins::find(&state.db, id)
            .await?
            .ok_or(AdminError::SignIn)?;
        let csrf: Option<String> = session.get(CSRF).await.map_err(AdminError::session)?;
        let csrf = match csrf {
            Some(token) => token,
            None => {
                let token = Credential::generate().token;
                session
                    .insert(CSRF, &token)
                    .await
                    .map_err(AdminError::session)?;
                token
            }
        };
        Ok(Self {
            account,
            csrf,
            session,
        })
    }
}

/// A form posted by a signed-in moderator, with its CSRF token checked. Fields are read by
/// name; repeated fields (checkboxes) with [`AdminForm::all`].
#[derive(Debug)]
pub struct AdminForm {
    /// Who posted it.
    pub moderator: Moderator,
    fields: Vec<(String, String)>,
}

impl AdminForm {
    /// The first value of a field.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    /// The first value of a field, trimmed, if not empty.
    pub fn text(&self, name: &str) -> Option<&str> {
        self.get(name)
            .map(str::trim)
            .filter(|value| !value.is_empty())
    }

    /// Every value of a field.
    pub fn all(&self, name: &str) -> impl Iterator<Item = &str> {
        self.fields
            .iter()
            .filter(move |(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }
}

impl FromRequest<AppState> for AdminForm {
    type Rejection = AdminError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, AdminError> {
        let (mut parts, body) = request.into_parts();
        let moderator = Moderator::from_request_parts(&mut parts, state).await?;
        let bytes = axum::body::to_bytes(body, state.config.server.max_body_bytes)
            .await
            .map_err(|_| AdminError::BadRequest("The form is too large.".into()))?;
        let fields: Vec<(String, String)> =
            url::form_urlencoded::parse(&bytes).into_owned().collect();
        let sent = fields
            .iter()
            .find(|(key, _)| key == CSRF)
            .map(|(_, value)| value.as_str())
            .unwrap_or_default();
        if !same_secret(sent, &moderator.csrf) {
            return Err(AdminError::Forbidden(
                "This form has expired. Go back, reload the page and try again.".into(),
            ));
        }
        Ok(Self { moderator, fields })
    }
}
