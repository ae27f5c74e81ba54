//! Every refusal the API documents, provoked and checked against the contract: bad JSON, wrong
//! media type, oversized bodies, foreign origins, unknown sites, rule violations, duplicates,
//! forged codes and credentials, the sign-in pages' refusals, and the rate limit.

use reqwest::StatusCode;
use serde_json::{Value, json};

use super::contract::check;
use crate::support::{BLOG, Engine, LIMITS, SITES, TestApp, on_both_engines};

on_both_engines!(refusals_fit_the_contract);

async fn refusals_fit_the_contract(engine: Engine) {
    let app = TestApp::with_config(engine, &format!("{LIMITS}{SITES}")).await;
    let code = |body: &Value| {
        body["error"]["code"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    };
    let comment = |body: Value| {
        app.client
            .post(app.url("/api/comments"))
            .header("Origin", BLOG)
            .json(&body)
            .send()
    };
    let refusals = [
        (
            json!({"site": "open", "uri": "/r", "body": "x", "author": {"name": "A"}, "extra": 1}),
            400,
            "invalid_request",
        ),
        (
            json!({"site": "nowhere", "uri": "/r", "body": "x"}),
            404,
            "unknown_site",
        ),
        (
            json!({"site": "open", "uri": "//evil.example/r", "body": "x"}),
            422,
            "invalid_uri",
        ),
        (
            json!({"site": "open", "uri": "/r", "body": " ", "author": {"name": "A"}}),
            422,
            "comment_empty",
        ),
        (
            json!({"site": "open", "uri": "/r", "body": "x", "parent": 999_999, "author": {"name": "A"}}),
            422,
            "invalid_parent",
        ),
        (
            json!({"site": "members", "uri": "/r", "body": "x", "author": {"name": "A"}}),
            403,
            "guests_not_allowed",
        ),
    ];
    for (body, status, expected) in refusals {
        let (got, answer) = check("post", "/api/comments", comment(body).await.unwrap()).await;
        assert_eq!(
            (got.as_u16(), code(&answer)),
            (status, expected.to_string())
        );
    }
    let twice = json!({"site": "open", "uri": "/r", "body": "Same", "author": {"name": "A"}});
    assert_eq!(
        check(
            "post",
            "/api/comments",
            comment(twice.clone()).await.unwrap()
        )
        .await
        .0,
        StatusCode::CREATED
    );
    let (status, again) = check(
        "post",
        "/api/comments",
        comment(twice.clone()).await.unwrap(),
    )
    .await;
    assert_eq!(
        (status, code(&again)),
        (StatusCode::CONFLICT, "duplicate_comment".into())
    );

    let raw = |path: &str, origin: &str, content_type: &str, body: String| {
        let request = app.client.post(app.url(path)).header("Origin", origin);
        request
            .header("Content-Type", content_type)
            .body(body)
            .send()
    };
    let public = app.state.public_origin.to_string();
    for (path, origin) in [
        ("/api/comments", BLOG),
        ("/api/counts", BLOG),
        ("/auth/exchange", public.as_str()),
    ] {
        let cases = [
            (
                "application/json",
                "{not json".to_string(),
                400,
                "malformed_json",
            ),
            (
                "text/plain",
                "{}".to_string(),
                415,
                "unsupported_media_type",
            ),
            (
                "application/json",
                format!("{{\"site\":\"{}\"}}", "x".repeat(40_000)),
                413,
                "payload_too_large",
            ),
        ];
        for (content_type, body, status, expected) in cases {
            let (got, answer) = check(
                "post",
                path,
                raw(path, origin, content_type, body).await.unwrap(),
            )
            .await;
            assert_eq!(
                (got.as_u16(), code(&answer)),
                (status, expected.to_string()),
                "{path}"
            );
        }
    }
    let (status, answer) = check(
        "post",
        "/api/comments",
        raw(
            "/api/comments",
            "http://evil.example",
            "application/json",
            twice.to_string(),
        )
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(
        (status, code(&answer)),
        (StatusCode::FORBIDDEN, "origin_not_allowed".into())
    );
    let counts = json!({"site": "open", "uris": vec!["/a"; 101]}).to_string();
    let (status, answer) = check(
        "post",
        "/api/counts",
        raw("/api/counts", BLOG, "application/json", counts)
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, code(&answer)),
        (StatusCode::UNPROCESSABLE_ENTITY, "too_many_uris".into())
    );
    for (origin, status, expected) in [
        (public.as_str(), 400, "invalid_code"),
        (BLOG, 403, "origin_not_allowed"),
    ] {
        let response = raw(
            "/auth/exchange",
            origin,
            "application/json",
            json!({"code": "forged"}).to_string(),
        )
        .await
        .unwrap();
        let (got, answer) = check("post", "/auth/exchange", response).await;
        assert_eq!(
            (got.as_u16(), code(&answer)),
            (status, expected.to_string())
        );
    }

    let get = |path: &str| app.client.get(app.url(path)).send();
    for (path, documented, status) in [
        ("/api/comments?site=open", "/api/comments", 400),
        ("/api/comments?site=nowhere&uri=/", "/api/comments", 404),
        ("/api/comments?site=open&uri=x", "/api/comments", 422),
        ("/api/session?site=nowhere", "/api/session", 404),
        ("/auth/github/start", "/auth/{provider}/start", 400),
        (
            "/auth/nobody/start?site=open",
            "/auth/{provider}/start",
            404,
        ),
        (
            "/auth/nobody/callback?code=c&state=s",
            "/auth/{provider}/callback",
            400,
        ),
    ] {
        let (got, _) = check("get", documented, get(path).await.unwrap()).await;
        assert_eq!(got.as_u16(), status, "{path}");
    }
    let forged = app
        .client
        .get(app.url("/api/comments?site=open&uri=/r"))
        .bearer_auth("forged")
        .send()
        .await
        .unwrap();
    assert_eq!(
        check("get", "/api/comments", forged).await.0,
        StatusCode::UNAUTHORIZED
    );
    app.stop().await;

    let strict = "[limits]\nreads_per_minute = 1\nread_burst = 1\n";
    let app = TestApp::with_config(engine, &format!("{strict}{SITES}")).await;
    let read = || app.client.get(app.url("/api/session")).send();
    assert_eq!(
        check("get", "/api/session", read().await.unwrap()).await.0,
        StatusCode::OK
    );
    let (status, answer) = check("get", "/api/session", read().await.unwrap()).await;
    assert_eq!(
        (status, code(&answer)),
        (StatusCode::TOO_MANY_REQUESTS, "rate_limited".into())
    );
    app.stop().await;
}
