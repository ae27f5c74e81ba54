//! What schemathesis found (scripts/api-fuzz), each kept as a story so it stays fixed.

use reqwest::StatusCode;
use serde_json::json;

use super::contract::check;
use crate::support::{Engine, TestApp, error_code, on_both_engines};

on_both_engines!(
    a_post_without_origin_is_refused_before_its_site_is_looked_up,
    whole_numbers_written_as_floats_are_integers
);

/// Every POST without `Origin` is a 403, whatever site it names (it was a 404 for an unknown
/// site, which told a script which site ids exist and contradicted "Origin is required").
async fn a_post_without_origin_is_refused_before_its_site_is_looked_up(engine: Engine) {
    let app = TestApp::start(engine).await;
    for site in ["open", "", "nowhere"] {
        let body = json!({"site": site, "uri": "/p", "body": "Hi", "author": {"name": "Ada"}});
        let response = app
            .client
            .post(app.url("/api/comments"))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(
            error_code(response).await,
            (StatusCode::FORBIDDEN, "origin_not_allowed".to_string()),
            "site {site:?}"
        );
    }
    assert_eq!(app.count_rows("comments").await, 0);
    app.stop().await;
}

/// `"parent": 5.0` and `"compose_ms": 1234.0` are integers to JSON Schema (and to JavaScript,
/// which has no other numbers): they were a 400 `invalid_request`; fractions still are.
async fn whole_numbers_written_as_floats_are_integers(engine: Engine) {
    let app = TestApp::start(engine).await;
    let first = app.post_as_guest("open", "/p", None, "First", "Ada").await;
    let parent = first["comment"]["id"].as_i64().unwrap() as f64;
    let reply = json!({"site": "open", "uri": "/p", "parent": parent, "body": "Reply",
        "compose_ms": 49067587.0, "author": {"name": "Bo"}});
    let (status, created) = check("post", "/api/comments", app.post(reply, None).await).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(created["comment"]["parent"], first["comment"]["id"]);
    let fraction = json!({"site": "open", "uri": "/p", "parent": parent + 0.5, "body": "Half",
        "author": {"name": "Cy"}});
    let (status, answer) = check("post", "/api/comments", app.post(fraction, None).await).await;
    assert_eq!(
        (status, &answer["error"]["code"]),
        (StatusCode::BAD_REQUEST, &json!("invalid_request"))
    );
    assert_eq!(app.count_rows("comments").await, 2);
    app.stop().await;
}
