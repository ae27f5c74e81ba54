//! Bad input gets a clear 4xx with a stable code, and nothing is written.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::{BLOG, Engine, TestApp, error_code, on_both_engines};

on_both_engines!(
    every_bad_request_gets_its_status_and_code_and_writes_nothing,
    writes_from_foreign_or_missing_origins_are_refused,
    a_bad_credential_is_an_error_not_an_anonymous_visitor,
);

fn guest(body: &str) -> Value {
    json!({"site": "open", "uri": "/p/", "body": body, "author": {"name": "Ada", "email": "ada@example.org"}})
}

async fn every_bad_request_gets_its_status_and_code_and_writes_nothing(engine: Engine) {
    let app = TestApp::start(engine).await;
    let post_raw = |body: String, content_type: &'static str| {
        app.client
            .post(app.url("/api/comments"))
            .header("Origin", BLOG)
            .header("Content-Type", content_type)
            .body(body)
            .send()
    };
    let cases: Vec<(&str, reqwest::Response, StatusCode, &str)> = vec![
        ("malformed JSON", post_raw("{\"site\": ".into(), "application/json").await.unwrap(), StatusCode::BAD_REQUEST, "malformed_json"),
        ("wrong type", post_raw(r#"{"site":"open","uri":"/p/","body":42}"#.into(), "application/json").await.unwrap(), StatusCode::BAD_REQUEST, "invalid_request"),
        ("missing field", post_raw(r#"{"site":"open","uri":"/p/"}"#.into(), "application/json").await.unwrap(), StatusCode::BAD_REQUEST, "invalid_request"),
        ("unknown field", post_raw(r#"{"site":"open","uri":"/p/","body":"x","admin":true}"#.into(), "application/json").await.unwrap(), StatusCode::BAD_REQUEST, "invalid_request"),
        ("not JSON", post_raw("body=x".into(), "application/x-www-form-urlencoded").await.unwrap(), StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type"),
        ("oversized body", post_raw(guest(&"a".repeat(40_000)).to_string(), "application/json").await.unwrap(), StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"),
        ("comment too long", app.post(guest(&"a".repeat(10_001)), None).await, StatusCode::UNPROCESSABLE_ENTITY, "comment_too_long"),
        ("empty comment", app.post(guest("  \n "), None).await, StatusCode::UNPROCESSABLE_ENTITY, "comment_empty"),
        ("no name", app.post(json!({"site": "open", "uri": "/p/", "body": "hi", "author": {"name": "  "}}), None).await, StatusCode::UNPROCESSABLE_ENTITY, "name_required"),
        ("no author at all", app.post(json!({"site": "open", "uri": "/p/", "body": "hi"}), None).await, StatusCode::UNPROCESSABLE_ENTITY, "name_required"),
        ("name too long", app.post(json!({"site": "open", "uri": "/p/", "body": "hi", "author": {"name": "n".repeat(81)}}), None).await, StatusCode::UNPROCESSABLE_ENTITY, "name_too_long"),
        ("email required", app.post(json!({"site": "held", "uri": "/p/", "body": "hi", "author": {"name": "Ada"}}), None).await, StatusCode::UNPROCESSABLE_ENTITY, "email_required"),
        ("bad email", app.post(json!({"site": "held", "uri": "/p/", "body": "hi", "author": {"name": "Ada", "email": "ada@\r\nbcc"}}), None).await, StatusCode::UNPROCESSABLE_ENTITY, "invalid_email"),
        ("javascript website", app.post(json!({"site": "open", "uri": "/p/", "body": "hi", "author": {"name": "Ada", "url": "javascript:alert(1)"}}), None).await, StatusCode::UNPROCESSABLE_ENTITY, "invalid_url"),
        ("relative website", app.post(json!({"site": "open", "uri": "/p/", "body": "hi", "author": {"name": "Ada", "url": "/me"}}), None).await, StatusCode::UNPROCESSABLE_ENTITY, "invalid_url"),
        ("empty uri", app.post(json!({"site": "open", "uri": " ", "body": "hi", "author": {"name": "Ada"}}), None).await, StatusCode::UNPROCESSABLE_ENTITY, "invalid_uri"),
        ("unknown site", app.post(json!({"site": "nope", "uri": "/p/", "body": "hi", "author": {"name": "Ada"}}), None).await, StatusCode::NOT_FOUND, "unknown_site"),
        ("guests not allowed", app.post(json!({"site": "members", "uri": "/p/", "body": "hi", "author": {"name": "Ada", "email": "a@b.org"}}), None).await, StatusCode::FORBIDDEN, "guests_not_allowed"),
        ("unknown site read", app.get("/api/comments?site=nope&uri=/p/").await, StatusCode::NOT_FOUND, "unknown_site"),
        ("read without uri", app.get("/api/comments?site=open").await, StatusCode::BAD_REQUEST, "invalid_request"),
        ("unknown route", app.get("/api/nothing").await, StatusCode::NOT_FOUND, "not_found"),
        ("wrong method", app.client.put(app.url("/api/comments")).send().await.unwrap(), StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed"),
        ("counts of an unknown site", app.client.post(app.url("/api/counts")).json(&json!({"site": "nope", "uris": ["/a"]})).send().await.unwrap(), StatusCode::NOT_FOUND, "unknown_site"),
        ("counts with a non-list", app.client.post(app.url("/api/counts")).json(&json!({"site": "open", "uris": "/a"})).send().await.unwrap(), StatusCode::BAD_REQUEST, "invalid_request"),
    ];
    for (what, response, status, code) in cases {
        assert_eq!(
            error_code(response).await,
            (status, code.to_string()),
            "{what}"
        );
    }
    assert_eq!(app.count_rows("comments").await, 0);
    assert_eq!(app.count_rows("threads").await, 0);
    assert_eq!(app.count_rows("credentials").await, 0);

    // A body at the limit is still fine: the limit is on characters, not on the form.
    let at_limit = app.post(guest(&"é".repeat(10_000)), None).await;
    assert_eq!(at_limit.status(), StatusCode::CREATED);
    app.stop().await;
}

async fn writes_from_foreign_or_missing_origins_are_refused(engine: Engine) {
    let app = TestApp::start(engine).await;
    let from = |origin: Option<&'static str>| {
        let mut request = app
            .client
            .post(app.url("/api/comments"))
            .json(&guest("hello"));
        if let Some(origin) = origin {
            request = request.header("Origin", origin);
        }
        request.send()
    };
    for origin in [
        Some("https://evil.example"),
        Some("http://blog.test.evil.example"),
        Some("null"),
        None,
    ] {
        let response = from(origin).await.unwrap();
        assert_eq!(
            error_code(response).await,
            (StatusCode::FORBIDDEN, "origin_not_allowed".into()),
            "{origin:?}"
        );
    }
    assert_eq!(app.count_rows("comments").await, 0);

    // The widget's own frame (replybox's origin) and the blog may write.
    let own_origin = app.state.public_origin.to_string();
    let widget = app
        .client
        .post(app.url("/api/comments"))
        .header("Origin", own_origin)
        .json(&guest("from the widget"))
        .send()
        .await
        .unwrap();
    assert_eq!(widget.status(), StatusCode::CREATED);
    assert_eq!(
        from(Some(BLOG)).await.unwrap().status(),
        StatusCode::CREATED
    );

    // CORS answers only the site's origins.
    let preflight = |origin: &'static str| {
        app.client
            .request(reqwest::Method::OPTIONS, app.url("/api/counts"))
            .header("Origin", origin)
            .header("Access-Control-Request-Method", "POST")
            .header("Access-Control-Request-Headers", "content-type")
            .send()
    };
    let allowed = preflight(BLOG).await.unwrap();
    assert_eq!(
        allowed
            .headers()
            .get("access-control-allow-origin")
            .map(|v| v.to_str().unwrap()),
        Some(BLOG)
    );
    let foreign = preflight("https://evil.example").await.unwrap();
    assert!(
        foreign
            .headers()
            .get("access-control-allow-origin")
            .is_none()
    );
    app.stop().await;
}

async fn a_bad_credential_is_an_error_not_an_anonymous_visitor(engine: Engine) {
    let app = TestApp::start(engine).await;
    let response = app.post(guest("hi"), Some("forged-token")).await;
    assert_eq!(
        error_code(response).await,
        (StatusCode::UNAUTHORIZED, "invalid_credential".into())
    );
    let read = app
        .client
        .get(app.url("/api/comments?site=open&uri=/p/"))
        .header("Authorization", "Basic abc")
        .send()
        .await
        .unwrap();
    assert_eq!(
        error_code(read).await,
        (StatusCode::UNAUTHORIZED, "invalid_credential".into())
    );
    assert_eq!(app.count_rows("comments").await, 0);
    app.stop().await;
}
