//! Stories that provoke every documented operation's successful answers and check each
//! against the contract ([`check`]): a guest's comments, a reply, a held comment, a tombstone,
//! counts, the session and sign-out.

use reqwest::StatusCode;
use serde_json::{Value, json};

use super::contract::{SPEC, check, resolve};
use crate::support::{Engine, TestApp, on_both_engines};

on_both_engines!(a_guests_answers_fit_the_contract);

/// A comment with every documented field of `CommentInput` set.
fn every_field(site: &str, uri: &str, body: &str) -> Value {
    let comment = json!({
        "site": site, "uri": uri, "title": "The contract", "parent": null, "body": body,
        "author": {"name": "Ada", "email": "ada@example.org", "url": "https://ada.example"},
        "honeypot": "", "compose_ms": 60_000, "notify_replies": false, "notify_page": false,
    });
    let (_, schema) = resolve("/components/schemas/CommentInput".into());
    let documented: Vec<_> = schema["properties"].as_object().unwrap().keys().collect();
    let sent: Vec<_> = comment.as_object().unwrap().keys().collect();
    assert_eq!(sent, documented, "the story sends every documented field");
    comment
}

async fn a_guests_answers_fit_the_contract(engine: Engine) {
    let app = TestApp::start(engine).await;
    let get = |path: &str| app.client.get(app.url(path)).send();

    let (status, served) = check(
        "get",
        "/api/openapi.json",
        get("/api/openapi.json").await.unwrap(),
    )
    .await;
    assert_eq!(
        (status, &served),
        (StatusCode::OK, &*SPEC),
        "the binary serves the repo's spec"
    );
    let (status, body) = check("get", "/healthz", get("/healthz").await.unwrap()).await;
    assert_eq!((status, body), (StatusCode::OK, json!("ok")));
    let (status, _) = check("get", "/metrics", get("/metrics").await.unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = check("get", "/readyz", get("/readyz").await.unwrap()).await;
    assert_eq!((status, body), (StatusCode::OK, json!("ready")));

    let posted = app
        .post(every_field("open", "/contract", "First!"), None)
        .await;
    let (status, first) = check("post", "/api/comments", posted).await;
    assert_eq!(status, StatusCode::CREATED);
    let credential = first["credential"]
        .as_str()
        .expect("a guest's credential")
        .to_string();
    let flags = format!("{}/api/comments/{}/flags", app.base, first["comment"]["id"]);
    let report = || {
        app.client
            .post(&flags)
            .header("Origin", crate::support::BLOG)
            .bearer_auth(&credential)
            .json(&json!({"reason": "other"}))
            .send()
    };
    let (status, reported) =
        check("post", "/api/comments/{id}/flags", report().await.unwrap()).await;
    assert_eq!(
        (status, reported),
        (StatusCode::CREATED, json!({"reported": true}))
    );
    let (status, _) = check("post", "/api/comments/{id}/flags", report().await.unwrap()).await;
    assert_eq!(status, StatusCode::CONFLICT, "once per reader");
    let reply = json!({"site": "open", "uri": "/contract", "parent": first["comment"]["id"], "body": "A reply", "author": {"name": "Ada"}});
    let (status, second) = check(
        "post",
        "/api/comments",
        app.post(reply, Some(&credential)).await,
    )
    .await;
    assert_eq!(
        (status, second.get("credential")),
        (StatusCode::CREATED, None)
    );
    let held = json!({"site": "held", "uri": "/contract", "body": "Held", "author": {"name": "Bo", "email": "bo@example.org"}});
    let (status, held) = check("post", "/api/comments", app.post(held, None).await).await;
    assert_eq!(
        (status, held["comment"]["status"].as_str()),
        (StatusCode::CREATED, Some("pending"))
    );
    let gone = json!({"site": "open", "uri": "/contract", "body": "Soon a tombstone", "author": {"name": "Cy", "email": "cy@example.org"}});
    let (_, gone) = check("post", "/api/comments", app.post(gone, None).await).await;
    let gone_id = gone["comment"]["id"].as_i64().unwrap();
    let under = json!({"site": "open", "uri": "/contract", "parent": gone_id, "body": "Kept under it", "author": {"name": "Di"}});
    assert_eq!(
        check("post", "/api/comments", app.post(under, None).await)
            .await
            .0,
        StatusCode::CREATED
    );
    app.execute(&format!(
        "UPDATE comments SET status = 'deleted' WHERE id = {gone_id}"
    ))
    .await;

    let thread = |site: &'static str, credential: Option<String>| {
        let mut request = app.client.get(app.url("/api/comments"));
        request = request.query(&[("site", site), ("uri", "/contract")]);
        if let Some(token) = credential {
            request = request.bearer_auth(token);
        }
        request.send()
    };
    let (status, page) = check("get", "/api/comments", thread("open", None).await.unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    let statuses: Vec<_> = page["comments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["status"].clone())
        .collect();
    assert_eq!(
        statuses,
        [
            json!("approved"),
            json!("approved"),
            json!("deleted"),
            json!("approved")
        ]
    );
    let (_, mine) = check(
        "get",
        "/api/comments",
        thread("open", Some(credential.clone())).await.unwrap(),
    )
    .await;
    assert_eq!(mine["comments"][0]["mine"], true);
    let (_, held_page) = check(
        "get",
        "/api/comments",
        thread("held", Some(held["credential"].as_str().unwrap().into()))
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        held_page["comments"][0]["status"], "pending",
        "the author sees their held comment"
    );
    let (_, empty) = check("get", "/api/comments", thread("first", None).await.unwrap()).await;
    assert_eq!(
        empty["comments"],
        json!([]),
        "an unknown page is an empty thread"
    );

    let counts = app
        .client
        .post(app.url("/api/counts"))
        .json(&json!({"site": "open", "uris": ["/contract", "/none", "not a page"]}))
        .send()
        .await
        .unwrap();
    let (status, counts) = check("post", "/api/counts", counts).await;
    assert_eq!(
        (status, counts),
        (
            StatusCode::OK,
            json!({"counts": {"/contract": 3, "/none": 0, "not a page": 0}})
        )
    );

    let session = |credential: Option<&str>| {
        let mut request = app
            .client
            .get(app.url("/api/session"))
            .query(&[("site", "open")]);
        if let Some(token) = credential {
            request = request.bearer_auth(token);
        }
        request.send()
    };
    let (status, who) = check("get", "/api/session", session(None).await.unwrap()).await;
    assert_eq!((status, who), (StatusCode::OK, json!({"viewer": null})));
    let (_, guest) = check(
        "get",
        "/api/session",
        session(Some(&credential)).await.unwrap(),
    )
    .await;
    assert_eq!(
        guest,
        json!({"viewer": null}),
        "a guest is nobody signed in"
    );
    let out = app
        .client
        .delete(app.url("/api/session"))
        .bearer_auth(&credential)
        .send()
        .await
        .unwrap();
    assert_eq!(
        check("delete", "/api/session", out).await,
        (StatusCode::NO_CONTENT, Value::Null)
    );
    let (status, body) = check(
        "get",
        "/api/session",
        session(Some(&credential)).await.unwrap(),
    )
    .await;
    assert_eq!(
        (status, &body["error"]["code"]),
        (StatusCode::UNAUTHORIZED, &json!("invalid_credential"))
    );
    let out = app
        .client
        .delete(app.url("/api/session"))
        .bearer_auth(&credential)
        .send()
        .await
        .unwrap();
    assert_eq!(
        check("delete", "/api/session", out).await.0,
        StatusCode::UNAUTHORIZED
    );
    app.stop().await;
}
