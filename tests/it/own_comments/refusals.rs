//! What an author's edit and delete refuse, and that a refusal changes nothing: someone else's
//! comment (IDOR by id), no credential, a comment its author cannot see, a missing or foreign
//! origin, ids that are no comment, bad bodies, and too many edits.

use reqwest::StatusCode;
use serde_json::json;

use super::{config, delete, edit, post};
use crate::support::{BLOG, Engine, TestApp, error_code, on_both_engines};

on_both_engines!(
    nobody_edits_or_deletes_another_readers_comment,
    bad_requests_change_nothing,
    edits_are_rate_limited_apart_from_new_comments,
);

/// What a refusal must leave as it was.
async fn untouched(app: &TestApp, id: i64, body: &str, status: &str) {
    assert_eq!(app.comment_column(id, "body").await.as_deref(), Some(body));
    assert_eq!(
        app.comment_column(id, "status").await.as_deref(),
        Some(status)
    );
    assert_eq!(app.count_rows("comment_revisions").await, 0);
    assert_eq!(
        app.count_rows("moderation_events WHERE action IN ('author_edit', 'author_delete')")
            .await,
        0
    );
}

async fn nobody_edits_or_deletes_another_readers_comment(engine: Engine) {
    let app = TestApp::with_config(engine, &config("")).await;
    let (published, _ada) = post(&app, "open", "/idor/", "Ada's words.", "Ada").await;
    let published = published["id"].as_i64().unwrap();
    let (held, _) = post(&app, "held", "/idor/", "Ada's held words.", "Ada").await;
    let held = held["id"].as_i64().unwrap();
    let (_, mallory) = post(&app, "open", "/idor/", "Mallory was here.", "Mallory").await;

    for id in [published, held] {
        // Mallory's own credential, and no credential at all.
        for credential in [Some(mallory.as_str()), None] {
            let expected = if id == published {
                (StatusCode::FORBIDDEN, "not_your_comment")
            } else {
                // A held comment is invisible to others: nothing says it exists.
                (StatusCode::NOT_FOUND, "not_found")
            };
            let (status, code) =
                error_code(edit(&app, &id.to_string(), "Mine now", credential).await).await;
            assert_eq!(
                (status, code.as_str()),
                expected,
                "edit #{id} as {credential:?}"
            );
            let (status, code) = error_code(delete(&app, &id.to_string(), credential).await).await;
            assert_eq!(
                (status, code.as_str()),
                expected,
                "delete #{id} as {credential:?}"
            );
        }
    }
    // A credential that is not one is refused as such.
    let (status, code) =
        error_code(edit(&app, &published.to_string(), "x", Some("forged")).await).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::UNAUTHORIZED, "invalid_credential")
    );
    untouched(&app, published, "Ada's words.", "approved").await;
    untouched(&app, held, "Ada's held words.", "pending").await;
}

async fn bad_requests_change_nothing(engine: Engine) {
    let app = TestApp::with_config(engine, &config("")).await;
    let (comment, ada) = post(&app, "open", "/bad/", "Original.", "Ada").await;
    let id = comment["id"].as_i64().unwrap();
    let path = format!("/api/comments/{id}");

    // No Origin: refused before anything is looked up, for a real id and a made-up one.
    for target in [path.clone(), "/api/comments/999999".into()] {
        let response = app
            .client
            .patch(app.url(&target))
            .bearer_auth(&ada)
            .json(&json!({"body": "x"}))
            .send()
            .await
            .unwrap();
        let (status, code) = error_code(response).await;
        assert_eq!(
            (status, code.as_str()),
            (StatusCode::FORBIDDEN, "origin_not_allowed")
        );
    }
    // A page on another site.
    let response = app
        .client
        .delete(app.url(&path))
        .header("Origin", "https://evil.example")
        .bearer_auth(&ada)
        .send()
        .await
        .unwrap();
    let (status, code) = error_code(response).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::FORBIDDEN, "origin_not_allowed")
    );
    // Ids that are no comment.
    for id in ["999999", "abc", "9223372036854775808", "-1"] {
        let (status, code) = error_code(edit(&app, id, "x", Some(&ada)).await).await;
        assert_eq!(
            (status, code.as_str()),
            (StatusCode::NOT_FOUND, "not_found"),
            "{id}"
        );
    }
    // Bodies that are no comment.
    for (body, expected) in [
        (
            json!({"body": "   "}),
            (StatusCode::UNPROCESSABLE_ENTITY, "comment_empty"),
        ),
        (
            json!({"body": "x".repeat(10_001)}),
            (StatusCode::UNPROCESSABLE_ENTITY, "comment_too_long"),
        ),
        (
            json!({"body": "x", "status": "approved"}),
            (StatusCode::BAD_REQUEST, "invalid_request"),
        ),
        (
            json!({"text": "x"}),
            (StatusCode::BAD_REQUEST, "invalid_request"),
        ),
    ] {
        let response = app
            .client
            .patch(app.url(&path))
            .header("Origin", BLOG)
            .bearer_auth(&ada)
            .json(&body)
            .send()
            .await
            .unwrap();
        let (status, code) = error_code(response).await;
        assert_eq!((status, code.as_str()), expected, "{body}");
    }
    let response = app
        .client
        .patch(app.url(&path))
        .header("Origin", BLOG)
        .header("Content-Type", "application/json")
        .bearer_auth(&ada)
        .body("{\"body\": ")
        .send()
        .await
        .unwrap();
    let (status, code) = error_code(response).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::BAD_REQUEST, "malformed_json")
    );
    untouched(&app, id, "Original.", "approved").await;
}

async fn edits_are_rate_limited_apart_from_new_comments(engine: Engine) {
    let toml = config("").replace(
        "writes_per_minute = 10000\nwrite_burst = 10000",
        "writes_per_minute = 1\nwrite_burst = 2",
    );
    let app = TestApp::with_config(engine, &toml).await;
    let (comment, ada) = post(&app, "open", "/fast/", "One.", "Ada").await;
    let id = comment["id"].as_i64().unwrap().to_string();
    // The post took one of two; the edits have a budget of their own.
    assert_eq!(
        edit(&app, &id, "One, edited.", Some(&ada)).await.status(),
        StatusCode::OK
    );
    assert_eq!(
        edit(&app, &id, "One, edited twice.", Some(&ada))
            .await
            .status(),
        StatusCode::OK
    );
    let response = edit(&app, &id, "One, edited thrice.", Some(&ada)).await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(response.headers().contains_key("retry-after"));
    assert_eq!(
        app.comment_column(comment["id"].as_i64().unwrap(), "body")
            .await
            .as_deref(),
        Some("One, edited twice.")
    );
    // Posting still has its second one.
    let (_, _) = post(&app, "open", "/fast/", "Two.", "Bob").await;
}
