//! Downloads and deletions that are refused: a clear code for each, and nothing changed in the
//! database — not a comment, like, credential or audit entry.

use reqwest::StatusCode;
use serde_json::json;

use super::{SITES, delete, download, post};
use crate::support::{BLOG, Engine, LIMITS, TestApp, error_code, on_both_engines};

on_both_engines!(
    refused_requests_change_nothing,
    deleting_is_rate_limited_per_client_apart_from_posting,
);

/// What the database holds, in numbers a refused request must not move.
async fn snapshot(app: &TestApp) -> Vec<i64> {
    let mut numbers = Vec::new();
    for sql in [
        "SELECT COUNT(*) FROM comments",
        "SELECT COUNT(*) FROM comments WHERE status = 'approved' AND body <> '' AND reader_id IS NOT NULL",
        "SELECT COUNT(*) FROM credentials",
        "SELECT COUNT(*) FROM likes",
        "SELECT COUNT(*) FROM moderation_events",
        "SELECT COUNT(*) FROM events",
    ] {
        numbers.push(app.inspector.count(sql).await);
    }
    numbers
}

async fn refused_requests_change_nothing(engine: Engine) {
    let app = TestApp::with_config(engine, &format!("{LIMITS}{SITES}")).await;
    let (id, ada) = post(
        &app,
        json!({"site": "open", "uri": "/p/", "body": "Mine", "author": {"name": "Ada"}}),
        None,
    )
    .await;
    let ada_id = super::credential_id(&app, &ada).await;
    app.execute(&format!(
        "INSERT INTO likes (comment_id, voter, reader_id, created_at) VALUES ({id}, 'r:{ada_id}', {ada_id}, 0)"
    ))
    .await;
    let before = snapshot(&app).await;
    assert_eq!(before, vec![1, 1, 1, 1, 0, 0]);

    assert_eq!(
        error_code(download(&app, None).await).await,
        (StatusCode::UNAUTHORIZED, "credential_required".into())
    );
    assert_eq!(
        error_code(download(&app, Some("not-a-credential")).await).await,
        (StatusCode::UNAUTHORIZED, "invalid_credential".into())
    );
    let tombstone = json!({"site": "open", "comments": "tombstone"});
    let url = app.url("/api/me/data");
    let cases: Vec<(reqwest::RequestBuilder, StatusCode, &str)> = vec![
        // No credential: nobody's data.
        (
            app.client
                .delete(&url)
                .header("Origin", BLOG)
                .json(&tombstone),
            StatusCode::UNAUTHORIZED,
            "credential_required",
        ),
        (
            app.client
                .delete(&url)
                .header("Origin", BLOG)
                .bearer_auth("forged")
                .json(&tombstone),
            StatusCode::UNAUTHORIZED,
            "invalid_credential",
        ),
        // No Origin: refused before the site or the credential is looked up.
        (
            app.client.delete(&url).bearer_auth(&ada).json(&tombstone),
            StatusCode::FORBIDDEN,
            "origin_not_allowed",
        ),
        (
            app.client
                .delete(&url)
                .bearer_auth(&ada)
                .json(&json!({"site": "nowhere", "comments": "remove"})),
            StatusCode::FORBIDDEN,
            "origin_not_allowed",
        ),
        (
            app.client
                .delete(&url)
                .header("Origin", "https://evil.example")
                .bearer_auth(&ada)
                .json(&tombstone),
            StatusCode::FORBIDDEN,
            "origin_not_allowed",
        ),
        (
            app.client
                .delete(&url)
                .header("Origin", BLOG)
                .bearer_auth(&ada)
                .json(&json!({"site": "nowhere", "comments": "remove"})),
            StatusCode::NOT_FOUND,
            "unknown_site",
        ),
        (
            app.client
                .delete(&url)
                .header("Origin", BLOG)
                .bearer_auth(&ada)
                .json(&json!({"site": "open", "comments": "everything"})),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_choice",
        ),
        (
            app.client
                .delete(&url)
                .header("Origin", BLOG)
                .bearer_auth(&ada)
                .header("Content-Type", "application/json")
                .body("{\"site\": \"open\","),
            StatusCode::BAD_REQUEST,
            "malformed_json",
        ),
        (
            app.client
                .delete(&url)
                .header("Origin", BLOG)
                .bearer_auth(&ada)
                .json(&json!({"site": "open"})),
            StatusCode::BAD_REQUEST,
            "invalid_request",
        ),
        (
            app.client
                .delete(&url)
                .header("Origin", BLOG)
                .bearer_auth(&ada)
                .json(&json!({"site": "open", "comments": "remove", "also": "likes"})),
            StatusCode::BAD_REQUEST,
            "invalid_request",
        ),
        (
            app.client
                .delete(&url)
                .header("Origin", BLOG)
                .bearer_auth(&ada)
                .header("Content-Type", "text/plain")
                .body(tombstone.to_string()),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
        ),
    ];
    for (request, status, code) in cases {
        let response = request.send().await.unwrap();
        assert_eq!(error_code(response).await, (status, code.to_string()));
        assert_eq!(snapshot(&app).await, before, "nothing changed after {code}");
    }
    // Still hers, still working.
    assert_eq!(
        app.comment_column(id, "body").await.as_deref(),
        Some("Mine")
    );
    assert_eq!(download(&app, Some(&ada)).await.status(), StatusCode::OK);
    let done = delete(&app, Some(&ada), tombstone).await;
    assert_eq!(
        done.status(),
        StatusCode::OK,
        "the same request with everything right works"
    );
    assert_ne!(snapshot(&app).await, before);
}

async fn deleting_is_rate_limited_per_client_apart_from_posting(engine: Engine) {
    let limits = LIMITS.replace(
        "writes_per_minute = 10000\nwrite_burst = 10000",
        "writes_per_minute = 1\nwrite_burst = 1",
    );
    let app = TestApp::with_config(engine, &format!("{limits}{SITES}")).await;
    let (mine, ada) = post(
        &app,
        json!({"site": "open", "uri": "/p/", "body": "Mine", "author": {"name": "Ada"}}),
        None,
    )
    .await;
    let refused = app
        .post(
            json!({"site": "open", "uri": "/p/", "body": "More", "author": {"name": "Ada"}}),
            Some(&ada),
        )
        .await;
    assert_eq!(
        error_code(refused).await.1,
        "rate_limited",
        "the comment budget is used up"
    );
    // Deleting has a budget of its own: the reader who just posted may still leave.
    let tombstone = json!({"site": "open", "comments": "tombstone"});
    assert_eq!(
        error_code(delete(&app, None, tombstone.clone()).await).await,
        (StatusCode::UNAUTHORIZED, "credential_required".into()),
        "without a credential nothing is counted"
    );
    // Bob, on the same network, has a credential from liking Ada's comment.
    let liked = app
        .client
        .post(app.url(&format!("/api/comments/{mine}/likes")))
        .header("Origin", BLOG)
        .send()
        .await
        .unwrap();
    assert_eq!(liked.status(), StatusCode::CREATED);
    let bob = liked.json::<serde_json::Value>().await.unwrap()["credential"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        delete(&app, Some(&ada), tombstone.clone()).await.status(),
        StatusCode::OK
    );
    let before = snapshot(&app).await;
    let flood = delete(&app, Some(&bob), tombstone).await;
    assert!(flood.headers().contains_key("retry-after"));
    assert_eq!(
        error_code(flood).await,
        (StatusCode::TOO_MANY_REQUESTS, "rate_limited".into())
    );
    assert_eq!(snapshot(&app).await, before, "nothing deleted");
    assert_eq!(download(&app, Some(&bob)).await.status(), StatusCode::OK);
}
