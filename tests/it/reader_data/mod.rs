//! A reader's own data ("Your data" in the widget): a guest downloads exactly what replybox
//! holds about their browser — comments with their earlier versions, likes, reports,
//! subscriptions, proven addresses — and nobody else's; they delete it, their comments turned
//! into tombstones or removed, and what others wrote stays in place; a signed-in reader's data
//! spans all their browsers and its deletion ends the account. The stories are in
//! [`downloading`], [`deleting`], [`accounts`] and [`refusals`]; here are the cast and the
//! requests.

use std::time::{Duration, Instant};

use replybox::auth::credential::hash_token;
use reqwest::{Response, StatusCode};
use serde_json::{Value, json};

use crate::smtp::Smtp;
use crate::support::{BLOG, Engine, LIMITS, TestApp, path_of};

pub(crate) mod accounts;
mod deleting;
mod downloading;
mod refusals;

/// Two sites on the blog's origin, publishing at once.
pub const SITES: &str = r#"
[[sites]]
id = "open"
name = "Open blog"
origins = ["http://blog.test"]
moderation = "none"
guest_email = "optional"
min_seconds_to_write = 0

[[sites]]
id = "talk"
name = "Talk blog"
origins = ["http://blog.test"]
moderation = "none"
guest_email = "optional"
min_seconds_to_write = 0
"#;

/// `GET /api/me/data` with a credential (or none).
pub async fn download(app: &TestApp, credential: Option<&str>) -> Response {
    let mut request = app.client.get(app.url("/api/me/data"));
    if let Some(token) = credential {
        request = request.bearer_auth(token);
    }
    request.send().await.unwrap()
}

/// The export, which must be there.
pub async fn exported(app: &TestApp, credential: &str) -> Value {
    let response = download(app, Some(credential)).await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

/// `DELETE /api/me/data` from the blog, as the widget sends it.
pub async fn delete(app: &TestApp, credential: Option<&str>, body: Value) -> Response {
    let mut request = app
        .client
        .delete(app.url("/api/me/data"))
        .header("Origin", BLOG)
        .json(&body);
    if let Some(token) = credential {
        request = request.bearer_auth(token);
    }
    request.send().await.unwrap()
}

/// Posts a comment and returns (id, the credential the browser holds afterwards).
pub async fn post(app: &TestApp, body: Value, credential: Option<&str>) -> (i64, String) {
    let response = app.post(body, credential).await;
    let status = response.status();
    let answer: Value = response.json().await.unwrap();
    assert_eq!(status, StatusCode::CREATED, "{answer}");
    let token = match credential {
        Some(token) => token.to_string(),
        None => answer["credential"].as_str().unwrap().to_string(),
    };
    (answer["comment"]["id"].as_i64().unwrap(), token)
}

/// The credential's row id.
pub async fn credential_id(app: &TestApp, token: &str) -> i64 {
    let sql = format!(
        "SELECT id FROM credentials WHERE token_hash = '{}'",
        hash_token(token)
    );
    app.inspector.count(&sql).await
}

/// Waits until `sql` counts `expected` (the mail worker writes subscriptions behind the API).
pub async fn eventually(app: &TestApp, sql: &str, expected: i64) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let now = app.inspector.count(sql).await;
        if now == expected {
            return;
        }
        assert!(Instant::now() < deadline, "{sql}: {now}, not {expected}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The page's thread as anyone sees it: (id, parent, status, author name).
pub async fn public(
    app: &TestApp,
    site: &str,
    uri: &str,
) -> Vec<(i64, Option<i64>, String, String)> {
    let thread = app.thread(site, uri, None).await;
    thread["comments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["id"].as_i64().unwrap(),
                c["parent"].as_i64(),
                c["status"].as_str().unwrap().to_string(),
                c["author"]["name"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// Who did what before Ada asks for her data.
pub struct Cast {
    pub app: TestApp,
    pub _smtp: Smtp,
    pub ada: String,
    pub ada_id: i64,
    pub bo: String,
    pub eve: String,
    /// Ada's comment on open:/post/, which Bo answered.
    pub a1: i64,
    /// Ada's comment on talk:/other/ and her own reply to it.
    pub a2: i64,
    pub a3: i64,
    /// Bo's reply to a1 and his own comment.
    pub b1: i64,
    pub b2: i64,
    /// Eve's comment, typing Ada's address.
    pub e1: i64,
}

/// Ada (a guest) comments on two sites, asks for replies by mail and proves her address, likes
/// and reports one of Bo's comments; an earlier version of her comment is kept. Bo replies to
/// her, likes and reports her comment, asks for mail without proving his address; Eve types
/// Ada's address to follow the page.
pub async fn cast(engine: Engine) -> Cast {
    let mut smtp = Smtp::reserve();
    smtp.start();
    // Threads stay in memory for minutes: only the deletion's own notice can make them current.
    let remember = "[server]\nthread_cache_ms = 600000\n";
    let toml = format!("{remember}{LIMITS}{}{SITES}", smtp.config());
    let app = TestApp::with_config(engine, &toml).await;
    let (a1, ada) = post(&app, json!({"site": "open", "uri": "/post/", "body": "Ada's *first* words", "notify_replies": true,
        "author": {"name": "Ada Lovelace", "email": "ada@example.org", "url": "https://ada.example/"}}), None).await;
    let verification = smtp
        .wait_for("ada@example.org", "Confirm your email address")
        .await;
    let verify = path_of(&verification.link("/mail/verify/"));
    let verified = app.client.post(app.url(&verify)).send().await.unwrap();
    assert_eq!(verified.status(), StatusCode::OK);
    let (a2, _) = post(
        &app,
        json!({"site": "talk", "uri": "/other/", "body": "Ada on another blog",
        "author": {"name": "Ada Lovelace", "email": "ada@example.org"}}),
        Some(&ada),
    )
    .await;
    let (a3, _) = post(
        &app,
        json!({"site": "talk", "uri": "/other/", "parent": a2, "body": "Ada answering herself",
        "author": {"name": "Ada Lovelace", "email": "ada@example.org"}}),
        Some(&ada),
    )
    .await;
    let (b1, bo) = post(&app, json!({"site": "open", "uri": "/post/", "parent": a1, "body": "Bo's reply", "notify_page": true,
        "author": {"name": "Bo Brant", "email": "bo@example.org"}}), None).await;
    let (b2, _) = post(
        &app,
        json!({"site": "open", "uri": "/post/", "body": "Bo's own thought",
        "author": {"name": "Bo Brant", "email": "bo@example.org"}}),
        Some(&bo),
    )
    .await;
    let (e1, eve) = post(
        &app,
        json!({"site": "open", "uri": "/post/", "body": "Eve following along", "notify_page": true,
        "author": {"name": "Eve", "email": "ada@example.org"}}),
        None,
    )
    .await;
    eventually(&app, "SELECT COUNT(*) FROM subscriptions", 3).await;
    let (ada_id, bo_id) = (
        credential_id(&app, &ada).await,
        credential_id(&app, &bo).await,
    );
    let now = replybox::store::now_ms();
    app.execute(&format!(
        "INSERT INTO likes (comment_id, voter, reader_id, created_at) VALUES ({b2}, 'r:{ada_id}', {ada_id}, {now}), \
         ({a1}, 'r:{bo_id}', {bo_id}, {now})"
    ))
    .await;
    app.execute(&format!(
        "INSERT INTO comment_revisions (comment_id, body, html, status, edited_by, replaced_at) VALUES \
         ({a1}, 'Ada''s frist words', '<p>Ada''s frist words</p>', 'approved', 'reader', {now}), \
         ({b1}, 'Bo''s old reply', '<p>Bo''s old reply</p>', 'approved', 'reader', {now})"
    ))
    .await;
    for (comment, token) in [(b2, &ada), (a1, &bo)] {
        let report = app
            .client
            .post(app.url(&format!("/api/comments/{comment}/flags")))
            .header("Origin", BLOG)
            .bearer_auth(token)
            .json(&json!({"reason": "off_topic"}))
            .send()
            .await
            .unwrap();
        assert_eq!(report.status(), StatusCode::CREATED);
    }
    Cast {
        app,
        _smtp: smtp,
        ada,
        ada_id,
        bo,
        eve,
        a1,
        a2,
        a3,
        b1,
        b2,
        e1,
    }
}

pub fn ids(list: &Value, field: &str) -> Vec<i64> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|item| item[field].as_i64().unwrap())
        .collect()
}

/// Rows of `table` matching `condition`.
pub async fn count(app: &TestApp, table: &str, condition: &str) -> i64 {
    app.inspector
        .count(&format!("SELECT COUNT(*) FROM {table} WHERE {condition}"))
        .await
}
