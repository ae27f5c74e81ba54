//! Index pages ask for many pages' counts in one request.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::{BLOG, Engine, TestApp, error_code, on_both_engines};

on_both_engines!(counts_of_many_pages_come_in_one_request);

async fn counts_of_many_pages_come_in_one_request(engine: Engine) {
    let app = TestApp::start(engine).await;
    for n in 0..3 {
        app.post_as_guest("open", "/a/", None, &format!("comment {n} on a"), "Ada")
            .await;
    }
    app.post_as_guest("open", "/b/", None, "on b", "Ada").await;
    app.post_as_guest("held", "/a/", None, "pending on another site", "Ada")
        .await;

    let counts = |uris: Vec<String>| {
        app.client
            .post(app.url("/api/counts"))
            .header("Origin", BLOG)
            .json(&json!({"site": "open", "uris": uris}))
            .send()
    };
    let response = counts(vec!["/a/".into(), "/b/".into(), "/none/".into()])
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["access-control-allow-origin"], BLOG);
    assert_eq!(
        response.json::<Value>().await.unwrap(),
        json!({"counts": {"/a/": 3, "/b/": 1, "/none/": 0}})
    );

    // A new comment shows up in the next count at once (this instance forgets its cached count).
    app.post_as_guest("open", "/b/", None, "another", "Ada")
        .await;
    let again: Value = counts(vec!["/b/".into()])
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(again, json!({"counts": {"/b/": 2}}));

    // Held comments are not counted.
    let held: Value = app
        .client
        .post(app.url("/api/counts"))
        .json(&json!({"site": "held", "uris": ["/a/"]}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(held, json!({"counts": {"/a/": 0}}));

    let too_many = counts((0..101).map(|i| format!("/p{i}")).collect())
        .await
        .unwrap();
    assert_eq!(
        error_code(too_many).await,
        (StatusCode::UNPROCESSABLE_ENTITY, "too_many_uris".into())
    );
    app.stop().await;
}
