//! Moderators at work on the admin pages: log in, find held comments with their reasons, act
//! on them (`moderating`) — and the protections around all that (`protections`: sessions, CSRF,
//! login limits, site permissions). This file is the signed-in browser both use.

use replybox::admin::accounts::{self, Role};
use reqwest::StatusCode;
use reqwest::redirect::Policy;

use crate::support::TestApp;

mod moderating;
mod protections;

/// The password of every test account.
pub const PASSWORD: &str = "correct horse battery staple";

/// A browser signed in to the admin pages.
pub struct Admin {
    client: reqwest::Client,
    base: String,
    csrf: String,
}

impl Admin {
    pub async fn sign_in(app: &TestApp, name: &str, role: Role, sites: &[&str]) -> Self {
        let sites: Vec<String> = sites.iter().map(|s| s.to_string()).collect();
        accounts::add(&app.state.db, name, PASSWORD.into(), role, &sites)
            .await
            .expect("account created");
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(Policy::none())
            .build()
            .unwrap();
        let login = client
            .post(app.url("/admin/login"))
            .form(&[("name", name), ("password", PASSWORD)])
            .send()
            .await
            .unwrap();
        assert_eq!(login.status(), StatusCode::SEE_OTHER, "signed in");
        let cookie = login.headers()["set-cookie"].to_str().unwrap().to_string();
        assert!(
            cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
            "{cookie}"
        );
        let mut admin = Self {
            client,
            base: app.base.clone(),
            csrf: String::new(),
        };
        let page = admin.page("/admin").await;
        admin.csrf = between(&page, "name=\"csrf\" value=\"", "\"").to_string();
        admin
    }

    /// The same browser (cookies, CSRF token) talking to another instance of the cluster.
    pub fn on(&self, app: &TestApp) -> Self {
        Self {
            client: self.client.clone(),
            base: app.base.clone(),
            csrf: self.csrf.clone(),
        }
    }

    pub async fn page(&self, path: &str) -> String {
        let response = self
            .client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "GET {path}");
        let csp = response.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .to_string();
        assert!(
            csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'"),
            "{csp}"
        );
        response.text().await.unwrap()
    }

    /// A GET as this browser, whatever it answers.
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap()
    }

    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let mut form: Vec<(&str, &str)> = vec![("csrf", &self.csrf)];
        form.extend_from_slice(fields);
        self.client
            .post(format!("{}{path}", self.base))
            .form(&form)
            .send()
            .await
            .unwrap()
    }
}

/// The text between two markers of a page.
pub fn between<'a>(text: &'a str, start: &str, end: &str) -> &'a str {
    let from = text
        .find(start)
        .unwrap_or_else(|| panic!("{start:?} not in page"))
        + start.len();
    &text[from..from + text[from..].find(end).expect("end marker")]
}

/// A comment's status as the database holds it.
pub async fn status_of(app: &TestApp, id: i64) -> String {
    app.comment_column(id, "status").await.unwrap()
}
