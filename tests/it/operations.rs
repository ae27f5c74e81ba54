//! What an operator watches: health and metrics.

use reqwest::StatusCode;

use crate::support::{Engine, TestApp, on_both_engines};

on_both_engines!(
    health_follows_the_database,
    metrics_count_requests_and_comments
);

async fn health_follows_the_database(engine: Engine) {
    let app = TestApp::start(engine).await;
    let healthy = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(healthy.status(), StatusCode::OK);
    assert_eq!(healthy.text().await.unwrap(), "ok");

    app.state.db.close().await;
    let sick = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(
        crate::support::error_code(sick).await,
        (StatusCode::SERVICE_UNAVAILABLE, "unavailable".into())
    );
    app.stop().await;
}

async fn metrics_count_requests_and_comments(engine: Engine) {
    let app = TestApp::start(engine).await;
    app.post_as_guest("held", "/m/", None, "for the metrics", "Ada")
        .await;
    app.thread("held", "/m/", None).await;
    let response = app.client.get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let text = response.text().await.unwrap();
    assert!(
        text.contains(r#"comments_created_total{status="pending"}"#),
        "{text}"
    );
    assert!(
        text.contains(r#"http_requests_total{method="GET",route="/api/comments",status="200"}"#),
        "{text}"
    );
    assert!(
        text.contains(r#"http_requests_total{method="POST",route="/api/comments",status="201"}"#),
        "{text}"
    );
    assert!(
        text.contains("http_request_duration_seconds_bucket{"),
        "{text}"
    );
    app.stop().await;
}
