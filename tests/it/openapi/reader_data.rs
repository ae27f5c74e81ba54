//! A reader's own data against the contract: the download of a guest (with comments, a
//! revision, a like, a report, a subscription and a proven address) and of a signed-in account,
//! the deletion's answer, and every refusal both operations document.

use reqwest::StatusCode;
use serde_json::{Value, json};

use super::contract::check;
use crate::reader_data::accounts::signed_in;
use crate::reader_data::{SITES, credential_id, post};
use crate::support::{BLOG, Engine, LIMITS, TestApp, on_both_engines};

on_both_engines!(a_readers_own_data_fits_the_contract);

async fn a_readers_own_data_fits_the_contract(engine: Engine) {
    let app = TestApp::with_config(engine, &format!("{LIMITS}{SITES}")).await;
    let code = |body: &Value| {
        body["error"]["code"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    };
    let (first, ada) = post(
        &app,
        json!({"site": "open", "uri": "/c/", "body": "Ada's", "notify_replies": false,
        "author": {"name": "Ada", "email": "ada@example.org", "url": "https://ada.example/"}}),
        None,
    )
    .await;
    let (reply, bo) = post(&app, json!({"site": "open", "uri": "/c/", "parent": first, "body": "Bo's", "author": {"name": "Bo"}}), None).await;
    let ada_id = credential_id(&app, &ada).await;
    for row in [
        format!(
            "INSERT INTO likes (comment_id, voter, reader_id, created_at) VALUES ({reply}, 'r:{ada_id}', {ada_id}, 1)"
        ),
        format!(
            "INSERT INTO comment_revisions (comment_id, body, html, status, edited_by, replaced_at) VALUES ({first}, 'Ada', '<p>Ada</p>', 'approved', 'reader', 2)"
        ),
        format!(
            "INSERT INTO reader_emails (reader_id, email, verified_at) VALUES ({ada_id}, 'ada@example.org', 3)"
        ),
        format!(
            "INSERT INTO subscriptions (site, uri, kind, comment_id, email, token, created_at) VALUES ('open', '/c/', 'replies', {first}, 'ada@example.org', 't', 4)"
        ),
        format!(
            "INSERT INTO flags (comment_id, reader_id, reason, ip_hash, created_at, dismissed_at) VALUES ({reply}, {ada_id}, 'spam', 'x', 5, 6)"
        ),
        // Judged spam: its author is shown `pending`, here as everywhere.
        format!("UPDATE comments SET status = 'spam', reason = 'too_fast' WHERE id = {first}"),
    ] {
        app.execute(&row).await;
    }
    let download = |credential: Option<&str>| {
        let mut request = app.client.get(app.url("/api/me/data"));
        if let Some(token) = credential {
            request = request.bearer_auth(token);
        }
        request.send()
    };
    let (status, data) = check("get", "/api/me/data", download(Some(&ada)).await.unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    for part in [
        "comments",
        "likes",
        "reports",
        "subscriptions",
        "emails",
        "browsers",
    ] {
        assert_eq!(data[part].as_array().unwrap().len(), 1, "{part}: {data}");
    }
    assert_eq!(
        data["comments"][0]["revisions"].as_array().unwrap().len(),
        1
    );
    let (_, grace) = signed_in(&app, "Grace", None, 1).await;
    post(
        &app,
        json!({"site": "open", "uri": "/c/", "body": "Grace's", "author": null}),
        Some(&grace[0]),
    )
    .await;
    let (status, account) = check(
        "get",
        "/api/me/data",
        download(Some(&grace[0])).await.unwrap(),
    )
    .await;
    assert_eq!(
        (status, account["account"]["name"].as_str()),
        (StatusCode::OK, Some("Grace"))
    );
    for (credential, expected) in [
        (None, "credential_required"),
        (Some("forged"), "invalid_credential"),
    ] {
        let (status, answer) =
            check("get", "/api/me/data", download(credential).await.unwrap()).await;
        assert_eq!(
            (status, code(&answer)),
            (StatusCode::UNAUTHORIZED, expected.into())
        );
    }

    let delete =
        |origin: Option<&str>, credential: Option<&str>, content_type: &str, body: String| {
            let mut request = app
                .client
                .delete(app.url("/api/me/data"))
                .header("Content-Type", content_type)
                .body(body);
            if let Some(origin) = origin {
                request = request.header("Origin", origin);
            }
            if let Some(token) = credential {
                request = request.bearer_auth(token);
            }
            request.send()
        };
    let json = "application/json";
    let body = |site: &str, comments: &str| json!({"site": site, "comments": comments}).to_string();
    let refusals = [
        (
            Some(BLOG),
            Some(bo.as_str()),
            json,
            "{\"site\":".to_string(),
            400,
            "malformed_json",
        ),
        (
            Some(BLOG),
            Some(&bo),
            json,
            json!({"site": "open"}).to_string(),
            400,
            "invalid_request",
        ),
        (
            Some(BLOG),
            None,
            json,
            body("open", "remove"),
            401,
            "credential_required",
        ),
        (
            Some(BLOG),
            Some("forged"),
            json,
            body("open", "remove"),
            401,
            "invalid_credential",
        ),
        (
            None,
            Some(&bo),
            json,
            body("open", "remove"),
            403,
            "origin_not_allowed",
        ),
        (
            Some("https://evil.example"),
            Some(&bo),
            json,
            body("open", "remove"),
            403,
            "origin_not_allowed",
        ),
        (
            Some(BLOG),
            Some(&bo),
            json,
            body("nowhere", "remove"),
            404,
            "unknown_site",
        ),
        (
            Some(BLOG),
            Some(&bo),
            json,
            format!("{{\"site\":\"{}\"}}", "x".repeat(40_000)),
            413,
            "payload_too_large",
        ),
        (
            Some(BLOG),
            Some(&bo),
            "text/plain",
            body("open", "remove"),
            415,
            "unsupported_media_type",
        ),
        (
            Some(BLOG),
            Some(&bo),
            json,
            body("open", "all"),
            422,
            "invalid_choice",
        ),
    ];
    for (origin, credential, content_type, body, status, expected) in refusals {
        let response = delete(origin, credential, content_type, body)
            .await
            .unwrap();
        let (got, answer) = check("delete", "/api/me/data", response).await;
        assert_eq!(
            (got.as_u16(), code(&answer)),
            (status, expected.to_string())
        );
    }
    let (status, deleted) = check(
        "delete",
        "/api/me/data",
        delete(Some(BLOG), Some(&ada), json, body("open", "tombstone"))
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, &deleted["deleted"]["comments"]),
        (StatusCode::OK, &json!(1))
    );
    app.stop().await;

    let strict = "[limits]\nreads_per_minute = 100000\nread_burst = 10000\nwrites_per_minute = 1\nwrite_burst = 1\n";
    let app = TestApp::with_config(engine, &format!("{strict}{SITES}")).await;
    let guest = app
        .post_as_guest("open", "/p/", None, "Soon gone.", "Ada")
        .await;
    let token = guest["credential"].as_str().unwrap().to_string();
    let once = || {
        app.client
            .delete(app.url("/api/me/data"))
            .header("Origin", BLOG)
            .bearer_auth(&token)
            .json(&json!({"site": "open", "comments": "remove"}))
            .send()
    };
    assert_eq!(
        check("delete", "/api/me/data", once().await.unwrap())
            .await
            .0,
        StatusCode::OK
    );
    let (status, answer) = check("delete", "/api/me/data", once().await.unwrap()).await;
    assert_eq!(
        (status, code(&answer)),
        (StatusCode::TOO_MANY_REQUESTS, "rate_limited".into())
    );
    let strict_reads = "[limits]\nreads_per_minute = 1\nread_burst = 1\n";
    app.stop().await;
    let app = TestApp::with_config(engine, &format!("{strict_reads}{SITES}")).await;
    let read = || app.client.get(app.url("/api/me/data")).send();
    assert_eq!(
        check("get", "/api/me/data", read().await.unwrap()).await.0,
        StatusCode::UNAUTHORIZED
    );
    let (status, answer) = check("get", "/api/me/data", read().await.unwrap()).await;
    assert_eq!(
        (status, code(&answer)),
        (StatusCode::TOO_MANY_REQUESTS, "rate_limited".into())
    );
    app.stop().await;
}
