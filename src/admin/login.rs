//! Signing in and out of the admin pages. A wrong name and a wrong password get the same answer
//! in the same time; attempts are limited per address and per account name. A login may go on
//! to `next` (the widget's moderator sign-in sends its popup here first), only ever a path
//! under `/admin`.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;
use tower_sessions::Session;

use super::accounts;
use super::error::AdminError;
use super::guard::{self, AdminForm};
use crate::client_ip::ClientIp;
use crate::error::AppError;
use crate::extract::AppQuery;
use crate::state::AppState;
use crate::store;

#[derive(Template)]
#[template(path = "admin/login.html")]
struct LoginPage {
    error: Option<&'static str>,
    name: String,
    /// Where to go afterwards, if not the queue (already checked by [`admin_path`]).
    next: Option<String>,
}

/// `GET /admin/login` parameters.
#[derive(Debug, Deserialize)]
pub struct LoginQuery {
    next: Option<String>,
}

/// `GET /admin/login[?next=/admin/…]`
pub async fn page(AppQuery(query): AppQuery<LoginQuery>) -> Result<Html<String>, AdminError> {
    Ok(Html(
        LoginPage {
            error: None,
            name: String::new(),
            next: query.next.as_deref().and_then(admin_path).map(String::from),
        }
        .render()?,
    ))
}

/// The login form.
#[derive(Debug, Deserialize)]
pub struct Credentials {
    name: String,
    password: String,
    #[serde(default)]
    next: Option<String>,
}

/// `next` if it is a path under `/admin` (`/admin`, `/admin/…`, `/admin?…`) that cannot be
/// read as another host: no `//`, no `\` (browsers read it as `/`), no control characters
/// (browsers drop tabs and newlines from URLs, which could join two slashes).
pub fn admin_path(next: &str) -> Option<&str> {
    let under_admin =
        next == "/admin" || next.starts_with("/admin/") || next.starts_with("/admin?");
    let plain = !next.contains("//") && !next.contains('\\') && !next.chars().any(char::is_control);
    (under_admin && plain && next.len() <= 2048).then_some(next)
}

/// `POST /admin/login`
pub async fn submit(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    session: Session,
    headers: axum::http::HeaderMap,
    Form(form): Form<Credentials>,
) -> Result<Response, AdminError> {
    if !same_origin(&headers) {
        return Err(AdminError::Forbidden(
            "The login form must be sent from this site.".into(),
        ));
    }
    // The throttle counts the very name that is looked up (" root" is "root").
    let name = form.name.trim();
    state
        .login_throttle
        .check(ip, name)
        .await
        .map_err(|err| match err {
            AppError::RateLimited { retry_after_secs } => AdminError::RateLimited(retry_after_secs),
            other => other.into(),
        })?;
    let account = store::admins::find_by_name(&state.db, name).await?;
    let hash = match &account {
        Some(account) => account.password_hash.clone(),
        None => accounts::decoy_hash().await,
    };
    let valid = accounts::verify_password(form.password, hash).await;
    match account {
        Some(account) if valid => {
            guard::sign_in(&session, account.id).await?;
            tracing::info!(admin = %account.name, "admin signed in");
            let next = form
                .next
                .as_deref()
                .and_then(admin_path)
                .unwrap_or("/admin");
            Ok(Redirect::to(next).into_response())
        }
        _ => {
            let page = LoginPage {
                error: Some("Wrong name or password."),
                next: form.next.as_deref().and_then(admin_path).map(String::from),
                name: form.name,
            };
            Ok((axum::http::StatusCode::UNAUTHORIZED, Html(page.render()?)).into_response())
        }
    }
}

/// Login CSRF: a form on another site must not sign this browser in (as the attacker). Browsers
/// send `Origin` with every form POST; its host must be the one the form was sent to (whatever
/// name the operator reached replybox by). A request without one (curl) is let through.
fn same_origin(headers: &axum::http::HeaderMap) -> bool {
    use axum::http::header;
    let Some(origin) = headers.get(header::ORIGIN) else {
        return true;
    };
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    let origin_host = origin
        .to_str()
        .ok()
        .and_then(|o| url::Url::parse(o).ok())
        .and_then(|url| {
            let host = url.host_str()?.to_string();
            Some(match url.port() {
                Some(port) => format!("{host}:{port}"),
                None => host,
            })
        });
    matches!((origin_host, host), (Some(o), Some(h)) if o.eq_ignore_ascii_case(h))
}

/// `POST /admin/logout`
pub async fn logout(form: AdminForm) -> Result<Redirect, AdminError> {
    form.moderator
        .session
        .flush()
        .await
        .map_err(AdminError::session)?;
    Ok(Redirect::to("/admin/login"))
}
