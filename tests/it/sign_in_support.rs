//! The sign-in stories' world: a real OpenID Connect provider (node `oidc-provider`, started
//! from tests/oidc on a free loopback port) and a replybox that knows it as a generic OIDC
//! provider (`corp`) and as a GitHub-shaped plain-OAuth2 provider (`github`, the preset with
//! its endpoints pointed at the test provider). A reader is an HTTP client with a cookie jar
//! that follows the provider's redirects by hand.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;

use replybox::config::Config;
use replybox::http;
use replybox::state::AppState;
use reqwest::{StatusCode, Url};
use serde_json::{Value, json};
use tokio::sync::oneshot;

use crate::support::{Engine, Inspector, SITES, TestDatabase};

const OIDC_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/oidc");
static NPM: Mutex<bool> = Mutex::new(false);

/// The node provider, killed when dropped.
pub struct OidcProvider {
    pub issuer: String,
    child: Child,
}

impl OidcProvider {
    /// Starts the provider with replybox's clients registered for `replybox_base`.
    pub fn start(replybox_base: &str, conform_id_token_claims: bool) -> Self {
        {
            let mut installed = NPM.lock().unwrap_or_else(|e| e.into_inner());
            if !*installed && !std::path::Path::new(OIDC_DIR).join("node_modules").exists() {
                let status = Command::new("npm")
                    .args(["ci", "--no-audit", "--no-fund"])
                    .current_dir(OIDC_DIR)
                    .status()
                    .expect("npm runs");
                assert!(status.success(), "npm ci in tests/oidc");
            }
            *installed = true;
        }
        let clients = json!([
            {"client_id": "replybox-corp", "client_secret": "corp-secret",
             "redirect_uris": [format!("{replybox_base}/auth/corp/callback")]},
            {"client_id": "replybox-github", "client_secret": "github-secret",
             "redirect_uris": [format!("{replybox_base}/auth/github/callback")],
             "token_endpoint_auth_method": "client_secret_post"},
        ]);
        let mut child = Command::new("node")
            .arg("server.mjs")
            .current_dir(OIDC_DIR)
            .env("OIDC_CLIENTS", clients.to_string())
            .env(
                "OIDC_CONFORM",
                if conform_id_token_claims { "1" } else { "0" },
            )
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("node starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("provider says where it is");
        let ready: Value = serde_json::from_str(&line).expect("a JSON line");
        Self {
            issuer: ready["issuer"].as_str().expect("issuer").to_string(),
            child,
        }
    }
}

impl OidcProvider {
    /// Stops the provider: from now on it is down (connections refused).
    pub fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for OidcProvider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// How a [`World`] is set up beyond the defaults.
pub struct Setup {
    /// Whether the real provider puts the user's claims into the id_token.
    pub conform_id_token_claims: bool,
    /// `limits.sign_ins_per_minute` (and the burst).
    pub sign_ins_per_minute: u32,
    /// `auth.timeout_secs`.
    pub timeout_secs: u64,
    /// More `[auth.providers.*]` tables; `{issuer}` is replaced by the provider's issuer.
    pub providers: String,
}

impl Default for Setup {
    fn default() -> Self {
        Self {
            conform_id_token_claims: false,
            sign_ins_per_minute: 10_000,
            timeout_secs: 10,
            providers: String::new(),
        }
    }
}

/// A provider entry for the hostile issuer's `defect` (see tests/oidc/server.mjs), with the
/// id `rogue-{defect}`.
pub fn rogue_provider(defect: &str) -> String {
    format!(
        r#"[auth.providers.rogue-{defect}]
kind = "oidc"
name = "Rogue {defect}"
issuer = "{{issuer}}/rogue/{defect}"
client_id = "replybox-rogue"
client_secret = "rogue-secret"
"#
    )
}

/// replybox with sign-in configured, and the provider it trusts.
pub struct World {
    /// replybox's public URL (`http://localhost:PORT`): the popup and the widget live here.
    pub base: String,
    pub provider: OidcProvider,
    /// The database as an operator sees it from outside.
    pub inspector: Inspector,
    _db: TestDatabase,
    shutdown: Option<oneshot::Sender<()>>,
}

impl World {
    pub async fn start(engine: Engine, conform_id_token_claims: bool) -> Self {
        Self::start_with(
            engine,
            Setup {
                conform_id_token_claims,
                ..Setup::default()
            },
        )
        .await
    }

    pub async fn start_with(engine: Engine, setup: Setup) -> Self {
        let conform_id_token_claims = setup.conform_id_token_claims;
        let db = TestDatabase::create(engine).await;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let base = format!(
            "http://localhost:{}",
            listener.local_addr().expect("addr").port()
        );
        let provider = OidcProvider::start(&base, conform_id_token_claims);
        let issuer = &provider.issuer;
        let toml = format!(
            r#"[server]
public_url = "{base}"
[database]
url = "{db}"
max_connections = 4
[limits]
reads_per_minute = 100000
read_burst = 10000
writes_per_minute = 10000
write_burst = 10000
sign_ins_per_minute = {sign_ins}
sign_in_burst = {sign_ins}
[auth]
allow_private_addresses = true
timeout_secs = {timeout}
[auth.providers.corp]
kind = "oidc"
name = "Corp"
issuer = "{issuer}"
client_id = "replybox-corp"
client_secret = "corp-secret"
[auth.providers.github]
auth_url = "{issuer}/auth"
token_url = "{issuer}/token"
userinfo_url = "{issuer}/user"
client_id = "replybox-github"
client_secret = "github-secret"
{providers}
{SITES}
[[sites]]
id = "wary"
name = "Wary of new accounts"
origins = ["http://blog.test"]
moderation = "none"
new_identity_minutes = 30
min_seconds_to_write = 0

[[sites]]
id = "self-hosted"
name = "Served by replybox itself, like the demo"
origins = ["{base}", "http://blog.test"]

[[sites]]
id = "corp-only"
name = "Corp only"
origins = ["http://blog.test"]
providers = ["corp"]
moderators = ["corp:ada", "github:ada"]
"#,
            db = db.url,
            sign_ins = setup.sign_ins_per_minute,
            timeout = setup.timeout_secs,
            providers = setup.providers.replace("{issuer}", issuer),
        );
        let config = Config::from_toml(&toml).expect("config");
        let state = AppState::start(config).await.expect("app starts");
        let inspector = Inspector::open(&db.url).await;
        let (tx, rx) = oneshot::channel::<()>();
        let server_state = state;
        tokio::spawn(async move {
            http::serve(server_state, listener, async {
                let _ = rx.await;
            })
            .await
            .expect("server runs");
        });
        Self {
            base,
            provider,
            inspector,
            _db: db,
            shutdown: Some(tx),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A fresh browser: its own cookie jar, redirects followed by hand.
    pub fn browser(&self) -> reqwest::Client {
        reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client")
    }

    /// Opens `/auth/{provider}/start` and returns where replybox sends the reader.
    pub async fn start_sign_in(
        &self,
        browser: &reqwest::Client,
        provider: &str,
        user: &str,
    ) -> Url {
        let response = browser
            .get(self.url(&format!("/auth/{provider}/start")))
            .query(&[("site", "open"), ("login_hint", user)])
            .send()
            .await
            .expect("start");
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "start redirects");
        location(&response).expect("to the provider")
    }

    /// A full-page sign-in as the widget starts it (the whole page goes to `start` with `return`
    /// and `claim`): the reader reads replybox's confirmation page and presses "Continue".
    /// Returns the answer to the press, or `start`'s own answer when it showed no page to confirm.
    pub async fn start_full_page(
        &self,
        browser: &reqwest::Client,
        provider: &str,
        query: &[(&str, &str)],
    ) -> reqwest::Response {
        let shown = browser
            .get(self.url(&format!("/auth/{provider}/start")))
            .query(query)
            .send()
            .await
            .expect("start");
        if shown.status() != StatusCode::OK {
            return shown;
        }
        let html = shown.text().await.expect("confirmation page");
        let href = continue_link(&html).expect("a Continue link on the confirmation page");
        assert!(
            href.starts_with(&self.base),
            "Continue stays on replybox: {href}"
        );
        browser.get(href).send().await.expect("continue")
    }

    /// Walks through the provider (log in, consent) until it sends the reader back to replybox;
    /// returns that callback URL without visiting it.
    pub async fn through_provider(&self, browser: &reqwest::Client, mut url: Url) -> Url {
        for _ in 0..12 {
            if url.as_str().starts_with(&self.base) {
                return url;
            }
            let response = browser.get(url.clone()).send().await.expect("provider");
            url = location(&response).unwrap_or_else(|| {
                panic!("the provider stopped at {url} with {}", response.status())
            });
        }
        panic!("too many redirects")
    }

    /// The whole popup: start, provider, callback; returns the callback's response.
    pub async fn popup(
        &self,
        browser: &reqwest::Client,
        provider: &str,
        user: &str,
    ) -> reqwest::Response {
        let to_provider = self.start_sign_in(browser, provider, user).await;
        let callback = self.through_provider(browser, to_provider).await;
        browser.get(callback).send().await.expect("callback")
    }

    /// Trades a one-time code for a credential, as the widget's frame does.
    pub async fn exchange(&self, code: &str, claim: Option<&str>) -> reqwest::Response {
        let mut body = json!({"code": code});
        if let Some(claim) = claim {
            body["claim"] = json!(claim);
        }
        reqwest::Client::new()
            .post(self.url("/auth/exchange"))
            .header("Origin", &self.base)
            .json(&body)
            .send()
            .await
            .expect("exchange")
    }

    /// Signs `user` in through the popup and returns (credential, viewer).
    pub async fn sign_in(&self, provider: &str, user: &str) -> (String, Value) {
        let page = self.popup(&self.browser(), provider, user).await;
        assert_eq!(page.status(), StatusCode::OK);
        let code = code_in(&page.text().await.expect("page")).expect("a code in the page");
        let response = self.exchange(&code, None).await;
        assert_eq!(response.status(), StatusCode::OK);
        let body: Value = response.json().await.expect("json");
        (
            body["credential"].as_str().expect("credential").to_string(),
            body["viewer"].clone(),
        )
    }

    /// A number from the database.
    pub async fn count(&self, sql: &str) -> i64 {
        self.inspector.count(sql).await
    }

    /// Runs a statement on the database.
    pub async fn execute(&self, sql: &str) {
        self.inspector.execute(sql).await;
    }
}

impl Drop for World {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// A redirect's target, resolved against the request URL.
pub fn location(response: &reqwest::Response) -> Option<Url> {
    if !response.status().is_redirection() {
        return None;
    }
    let target = response.headers().get("location")?.to_str().ok()?;
    response.url().join(target).ok()
}

/// The one-time code a popup page carries.
pub fn code_in(page: &str) -> Option<String> {
    let start = page.find("data-code=\"")? + "data-code=\"".len();
    let end = page[start..].find('"')? + start;
    Some(page[start..end].to_string())
}

/// The failure code a popup page carries.
pub fn error_in(page: &str) -> Option<String> {
    let start = page.find("data-error=\"")? + "data-error=\"".len();
    let end = page[start..].find('"')? + start;
    Some(page[start..end].to_string())
}

/// The href of the confirmation page's "Continue" link, unescaped.
pub fn continue_link(html: &str) -> Option<String> {
    let start = html.find("id=\"replybox-continue\"")?;
    let rest = &html[start..];
    let href = rest.split("href=\"").nth(1)?.split('"').next()?;
    Some(href.replace("&amp;", "&"))
}
