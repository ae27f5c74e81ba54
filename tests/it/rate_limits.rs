//! Flooding gets 429 with `Retry-After`; forging `X-Forwarded-For` does not get around it; a
//! trusted proxy's `X-Forwarded-For` is honoured.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::{BLOG, Engine, SITES, TestApp, error_code, on_both_engines};

on_both_engines!(
    a_flood_of_comments_is_limited_and_a_rotating_forwarded_for_does_not_help,
    behind_a_trusted_proxy_each_client_has_its_own_budget,
    reads_are_limited_too,
);

const TIGHT: &str = "[limits]\nwrites_per_minute = 2\nwrite_burst = 2\nreads_per_minute = 100000\nread_burst = 10000\n";

fn comment(n: usize) -> Value {
    json!({"site": "open", "uri": "/flood/", "body": format!("comment {n}"), "author": {"name": "Flooder"}})
}

async fn post_from(app: &TestApp, n: usize, forwarded_for: Option<String>) -> reqwest::Response {
    let mut request = app
        .client
        .post(app.url("/api/comments"))
        .header("Origin", BLOG)
        .json(&comment(n));
    if let Some(xff) = forwarded_for {
        request = request.header("X-Forwarded-For", xff);
    }
    request.send().await.unwrap()
}

async fn a_flood_of_comments_is_limited_and_a_rotating_forwarded_for_does_not_help(engine: Engine) {
    let app = TestApp::with_config(engine, &format!("{TIGHT}{SITES}")).await;
    assert_eq!(post_from(&app, 1, None).await.status(), StatusCode::CREATED);
    assert_eq!(post_from(&app, 2, None).await.status(), StatusCode::CREATED);
    let limited = post_from(&app, 3, None).await;
    let retry_after: u64 = limited.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry_after), "Retry-After {retry_after}");
    assert_eq!(
        error_code(limited).await,
        (StatusCode::TOO_MANY_REQUESTS, "rate_limited".into())
    );

    // The peer (127.0.0.1) is not a trusted proxy, so whatever it claims, it is the client.
    for n in 0..5 {
        let spoofed = post_from(&app, 10 + n, Some(format!("198.51.100.{n}"))).await;
        assert_eq!(
            spoofed.status(),
            StatusCode::TOO_MANY_REQUESTS,
            "X-Forwarded-For 198.51.100.{n}"
        );
    }
    assert_eq!(
        app.count_rows("comments").await,
        2,
        "only the allowed comments were stored"
    );

    // Another site has its own budget.
    let other = app
        .client
        .post(app.url("/api/comments"))
        .header("Origin", BLOG)
        .json(&json!({"site": "held", "uri": "/x/", "body": "hi", "author": {"name": "A", "email": "a@b.org"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(other.status(), StatusCode::CREATED);
    app.stop().await;
}

async fn behind_a_trusted_proxy_each_client_has_its_own_budget(engine: Engine) {
    let config = format!("[server]\ntrusted_proxies = [\"127.0.0.1/32\"]\n{TIGHT}{SITES}");
    let app = TestApp::with_config(engine, &config).await;
    // Two posts each for three clients behind the proxy: all allowed.
    for client in 1..=3 {
        for n in 0..2 {
            let response = post_from(&app, n, Some(format!("203.0.113.{client}"))).await;
            assert_eq!(
                response.status(),
                StatusCode::CREATED,
                "client {client} post {n}"
            );
        }
    }
    // A third from the same client is limited, even when it prepends a forged hop.
    let again = post_from(&app, 9, Some("6.6.6.6, 203.0.113.1".into())).await;
    assert_eq!(again.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(app.count_rows("comments").await, 6);
    // The proxy's own requests without the header count as the proxy.
    app.stop().await;
}

async fn reads_are_limited_too(engine: Engine) {
    let config = format!("[limits]\nreads_per_minute = 3\nread_burst = 3\n{SITES}");
    let app = TestApp::with_config(engine, &config).await;
    for _ in 0..3 {
        app.thread("open", "/r/", None).await;
    }
    let limited = app.get("/api/comments?site=open&uri=/r/").await;
    assert!(limited.headers().contains_key("retry-after"));
    assert_eq!(
        error_code(limited).await,
        (StatusCode::TOO_MANY_REQUESTS, "rate_limited".into())
    );
    app.stop().await;
}
