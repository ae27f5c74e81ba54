//! Moderators in the widget: an admin-page account signs in inside the widget through the
//! first-party popup (`/admin/widget`, [`sign_in`]) and works the queue in place through
//! `POST /api/comments/{id}/moderation` ([`accounts`]), as does a reader signed in with an
//! identity the site lists in `sites.moderators` ([`identities`]); everyone else is refused and
//! nothing changes ([`refusals`]). The audit log must hold exactly what /admin writes.

use replybox::admin::accounts::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::admin::Admin;
use crate::sign_in_support::code_in;
use crate::support::{BLOG, Inspector, TestApp};

mod accounts;
mod identities;
mod refusals;
mod sign_in;
mod tools;

/// An admin-page account signed in at /admin and then inside the widget for `site`: its
/// browser (with the admin session) and the widget's credential.
pub struct WidgetModerator {
    pub admin: Admin,
    pub credential: String,
    pub viewer: Value,
}

impl WidgetModerator {
    /// Creates the account, logs in at /admin, opens the popup page for `site`, pulls the code
    /// out of it and exchanges it as the widget's frame does (Origin: replybox's own).
    pub async fn sign_in(
        app: &TestApp,
        name: &str,
        role: Role,
        sites: &[&str],
        site: &str,
    ) -> Self {
        let admin = Admin::sign_in(app, name, role, sites).await;
        let code = popup_code(&admin, site).await;
        let exchanged = exchange(app, &code, None).await;
        assert_eq!(exchanged.status(), StatusCode::OK, "the code is exchanged");
        let body: Value = exchanged.json().await.unwrap();
        Self {
            admin,
            credential: body["credential"].as_str().expect("credential").to_string(),
            viewer: body["viewer"].clone(),
        }
    }

    /// `POST /api/comments/{id}/moderation` from the blog's page.
    pub async fn act(&self, app: &TestApp, id: i64, body: Value) -> reqwest::Response {
        moderate(
            app,
            &id.to_string(),
            Some(BLOG),
            Some(&self.credential),
            body,
        )
        .await
    }
}

/// The one-time code the popup page hands to the widget, for a browser signed in at /admin.
pub async fn popup_code(admin: &Admin, site: &str) -> String {
    let page = admin.get(&format!("/admin/widget?site={site}")).await;
    assert_eq!(page.status(), StatusCode::OK, "the popup page");
    let html = page.text().await.unwrap();
    assert!(
        html.contains("/auth/popup.js"),
        "the page posts the code with the provider popup's own script: {html}"
    );
    code_in(&html).expect("a code in the page")
}

/// `POST /auth/exchange` as the widget's frame sends it.
pub async fn exchange(app: &TestApp, code: &str, claim: Option<&str>) -> reqwest::Response {
    let mut body = json!({"code": code});
    if let Some(claim) = claim {
        body["claim"] = json!(claim);
    }
    app.client
        .post(app.url("/auth/exchange"))
        .header("Origin", &*app.state.public_origin)
        .json(&body)
        .send()
        .await
        .unwrap()
}

/// `POST /api/comments/{id}/moderation` with the given Origin and credential, if any.
pub async fn moderate(
    app: &TestApp,
    id: &str,
    origin: Option<&str>,
    credential: Option<&str>,
    body: Value,
) -> reqwest::Response {
    let mut request = app
        .client
        .post(app.url(&format!("/api/comments/{id}/moderation")))
        .json(&body);
    if let Some(origin) = origin {
        request = request.header("Origin", origin);
    }
    if let Some(token) = credential {
        request = request.bearer_auth(token);
    }
    request.send().await.unwrap()
}

/// The audit log, oldest first: `comment actor action before after detail` per entry (`-`
/// for NULL).
pub async fn audit_log(inspector: &Inspector) -> Vec<String> {
    let sql = "SELECT COALESCE(CAST(comment_id AS TEXT), '-') || ' ' || actor || ' ' || action || ' ' \
               || COALESCE(status_before, '-') || ' ' || COALESCE(status_after, '-') || ' ' \
               || COALESCE(detail, '-') FROM moderation_events ORDER BY id";
    match inspector {
        Inspector::Sqlite(pool) => sqlx::query_scalar(sql).fetch_all(pool).await,
        Inspector::Postgres(pool) => sqlx::query_scalar(sql).fetch_all(pool).await,
    }
    .expect("the audit log")
}

/// A held guest comment on `site`'s `/post/`; returns its id.
pub async fn held_comment(app: &TestApp, site: &str, body: &str, name: &str) -> i64 {
    let posted = app.post_as_guest(site, "/post/", None, body, name).await;
    assert_eq!(posted["comment"]["status"], "pending", "{body} is held");
    posted["comment"]["id"].as_i64().unwrap()
}
