//! A reader changes their mind: they edit their comment within the site's window (the text is
//! rendered and judged again, the old one kept for moderators) or delete it (a tombstone that
//! keeps the replies), with the credential their browser holds — and never anyone else's
//! comment (`refusals`). Previews render what would be published (`preview`).

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::{BLOG, LIMITS, SITES, TestApp};

mod deleting;
mod editing;
mod preview;
mod refusals;

/// The standard test sites (`open` publishes at once, `held` holds everything) and one that
/// allows no edits; `extra` goes under `[limits]`.
pub fn config(extra: &str) -> String {
    format!(
        r#"{LIMITS}{extra}
{SITES}
[[sites]]
id = "frozen"
name = "No second thoughts"
origins = ["{BLOG}"]
moderation = "none"
edit_minutes = 0
"#
    )
}

/// Posts as a guest; returns the comment and the guest's credential.
pub async fn post(app: &TestApp, site: &str, uri: &str, body: &str, name: &str) -> (Value, String) {
    post_with(app, site, uri, None, body, name, None).await
}

/// Posts with everything a story may set.
pub async fn post_with(
    app: &TestApp,
    site: &str,
    uri: &str,
    parent: Option<i64>,
    body: &str,
    name: &str,
    credential: Option<&str>,
) -> (Value, String) {
    let response = app
        .post(
            json!({"site": site, "uri": uri, "parent": parent, "body": body,
                   "author": {"name": name, "email": format!("{}@example.org", name.to_lowercase())}}),
            credential,
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED, "posting as {name}");
    let answer: Value = response.json().await.unwrap();
    let token = answer["credential"]
        .as_str()
        .map(str::to_string)
        .or(credential.map(str::to_string))
        .expect("a credential");
    (answer["comment"].clone(), token)
}

/// `PATCH /api/comments/{id}` from the blog, as the widget sends it.
pub async fn edit(
    app: &TestApp,
    id: &str,
    body: &str,
    credential: Option<&str>,
) -> reqwest::Response {
    let mut request = app
        .client
        .patch(app.url(&format!("/api/comments/{id}")))
        .header("Origin", BLOG)
        .json(&json!({ "body": body }));
    if let Some(token) = credential {
        request = request.bearer_auth(token);
    }
    request.send().await.unwrap()
}

/// `DELETE /api/comments/{id}` from the blog.
pub async fn delete(app: &TestApp, id: &str, credential: Option<&str>) -> reqwest::Response {
    let mut request = app
        .client
        .delete(app.url(&format!("/api/comments/{id}")))
        .header("Origin", BLOG);
    if let Some(token) = credential {
        request = request.bearer_auth(token);
    }
    request.send().await.unwrap()
}

/// The comment with this id in a thread as someone sees it.
pub fn find(thread: &Value, id: i64) -> Option<Value> {
    thread["comments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .cloned()
}
