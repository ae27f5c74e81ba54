//! Reports that are refused: a clear code for each, and nothing written — no report, and no
//! credential issued for a browser whose report was refused.

use reqwest::StatusCode;
use serde_json::json;

use super::{GENEROUS, config};
use crate::support::{BLOG, Engine, TestApp, error_code, on_both_engines};

on_both_engines!(a_report_is_refused_clearly_and_never_half_written);

async fn a_report_is_refused_clearly_and_never_half_written(engine: Engine) {
    let app = TestApp::with_config(engine, &config(GENEROUS, "[[sites]]\nid = \"held\"\nname = \"Held\"\norigins = [\"http://blog.test\"]\nmoderation = \"all\"\nmin_seconds_to_write = 0\n")).await;
    let id = app
        .post_as_guest("open", "/p/", None, "published", "Ada")
        .await["comment"]["id"]
        .as_i64()
        .unwrap();
    let held = app
        .post_as_guest("held", "/p/", None, "waiting", "Bo")
        .await["comment"]["id"]
        .as_i64()
        .unwrap();
    let cases: Vec<(reqwest::RequestBuilder, StatusCode, &str)> = vec![
        (
            app.client
                .post(app.url(&format!("/api/comments/{id}/flags")))
                .header("Origin", BLOG)
                .json(&json!({"reason": "boring"})),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_reason",
        ),
        (
            app.client
                .post(app.url(&format!("/api/comments/{id}/flags")))
                .header("Origin", BLOG)
                .json(&json!({"reason": "spam", "extra": 1})),
            StatusCode::BAD_REQUEST,
            "invalid_request",
        ),
        (
            app.client
                .post(app.url(&format!("/api/comments/{id}/flags")))
                .header("Origin", BLOG)
                .header("Content-Type", "application/json")
                .body("{\"reason\":"),
            StatusCode::BAD_REQUEST,
            "malformed_json",
        ),
        (
            app.client
                .post(app.url(&format!("/api/comments/{id}/flags")))
                .json(&json!({"reason": "spam"})),
            StatusCode::FORBIDDEN,
            "origin_not_allowed",
        ),
        (
            app.client
                .post(app.url(&format!("/api/comments/{id}/flags")))
                .header("Origin", "https://evil.example")
                .json(&json!({"reason": "spam"})),
            StatusCode::FORBIDDEN,
            "origin_not_allowed",
        ),
        (
            app.client
                .post(app.url("/api/comments/999999/flags"))
                .header("Origin", BLOG)
                .json(&json!({"reason": "spam"})),
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        // Ids that are no number, or too large for one, are no comment either (in JSON).
        (
            app.client
                .post(app.url("/api/comments/abc/flags"))
                .header("Origin", BLOG)
                .json(&json!({"reason": "spam"})),
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            app.client
                .post(app.url("/api/comments/99999999999999999999/flags"))
                .header("Origin", BLOG)
                .json(&json!({"reason": "spam"})),
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            app.client
                .post(app.url(&format!("/api/comments/{held}/flags")))
                .header("Origin", BLOG)
                .json(&json!({"reason": "spam"})),
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            app.client
                .post(app.url(&format!("/api/comments/{id}/flags")))
                .header("Origin", BLOG)
                .bearer_auth("not-a-credential")
                .json(&json!({"reason": "spam"})),
            StatusCode::UNAUTHORIZED,
            "invalid_credential",
        ),
    ];
    for (request, status, code) in cases {
        let response = request.send().await.unwrap();
        assert_eq!(error_code(response).await, (status, code.to_string()));
    }
    assert_eq!(app.count_rows("flags").await, 0, "no report was written");
    assert_eq!(
        app.count_rows("credentials").await,
        2,
        "no credential was issued for a refused report"
    );
}
