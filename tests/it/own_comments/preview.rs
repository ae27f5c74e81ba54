//! The preview shows what would be published, cleaned by the same policy as a comment: the
//! widget has no renderer of its own.

use reqwest::StatusCode;
use serde_json::{Value, json};

use super::config;
use crate::support::{BLOG, Engine, TestApp, error_code, on_both_engines};

on_both_engines!(a_reader_previews_markdown_as_it_will_be_published);

async fn preview(app: &TestApp, origin: Option<&str>, body: Value) -> reqwest::Response {
    let mut request = app.client.post(app.url("/api/preview")).json(&body);
    if let Some(origin) = origin {
        request = request.header("Origin", origin);
    }
    request.send().await.unwrap()
}

async fn a_reader_previews_markdown_as_it_will_be_published(engine: Engine) {
    let app = TestApp::with_config(engine, &config("")).await;
    let text = "**Bold** and <script>alert(1)</script> [a link](javascript:alert(2)) <img src=x onerror=alert(3)>";
    let response = preview(&app, Some(BLOG), json!({"site": "open", "body": text})).await;
    assert_eq!(response.status(), StatusCode::OK);
    let shown: Value = response.json().await.unwrap();
    let html = shown["html"].as_str().unwrap();
    assert_eq!(
        html,
        replybox::render::comment_html(text),
        "exactly what a comment would show"
    );
    assert!(html.contains("<strong>Bold</strong>"));
    for hostile in ["<script", "javascript:", "onerror"] {
        assert!(!html.contains(hostile), "{hostile} survived: {html}");
    }
    // Posting the same text publishes the same HTML.
    let posted = app
        .post(
            json!({"site": "open", "uri": "/preview/", "body": text, "author": {"name": "Ada"}}),
            None,
        )
        .await;
    assert_eq!(posted.status(), StatusCode::CREATED);
    let posted: Value = posted.json().await.unwrap();
    assert_eq!(posted["comment"]["html"], shown["html"]);
    // Nothing to preview is an empty preview.
    let response = preview(&app, Some(BLOG), json!({"site": "open", "body": "  \n"})).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.json::<Value>().await.unwrap()["html"], "");
    // Refusals.
    for (origin, body, expected) in [
        (
            None,
            json!({"site": "open", "body": "x"}),
            (StatusCode::FORBIDDEN, "origin_not_allowed"),
        ),
        (
            Some("https://evil.example"),
            json!({"site": "open", "body": "x"}),
            (StatusCode::FORBIDDEN, "origin_not_allowed"),
        ),
        (
            Some(BLOG),
            json!({"site": "nope", "body": "x"}),
            (StatusCode::NOT_FOUND, "unknown_site"),
        ),
        (
            Some(BLOG),
            json!({"site": "open", "body": "x".repeat(10_001)}),
            (StatusCode::UNPROCESSABLE_ENTITY, "comment_too_long"),
        ),
        (
            Some(BLOG),
            json!({"site": "open"}),
            (StatusCode::BAD_REQUEST, "invalid_request"),
        ),
    ] {
        let (status, code) = error_code(preview(&app, origin, body.clone()).await).await;
        assert_eq!((status, code.as_str()), expected, "{origin:?} {body}");
    }
    assert_eq!(
        app.count_rows("comments").await,
        1,
        "a preview writes nothing"
    );
}
