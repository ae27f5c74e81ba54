//! The answers of a reader's own controls held against the contract: editing and deleting
//! one's comment, likes, previews — each success, and each refusal the stories can provoke.

use reqwest::StatusCode;
use serde_json::json;

use super::contract::check;
use crate::support::{BLOG, Engine, LIMITS, SITES, TestApp, error_code, on_both_engines};

on_both_engines!(a_readers_own_controls_fit_the_contract);

async fn a_readers_own_controls_fit_the_contract(engine: Engine) {
    let app = TestApp::with_config(engine, &format!("{LIMITS}{SITES}")).await;
    let ada = app
        .post_as_guest("open", "/controls", None, "Mine.", "Ada")
        .await;
    let bob = app
        .post_as_guest("open", "/controls", None, "Bob's.", "Bob")
        .await;
    let (ada_token, bob_token) = (
        ada["credential"].as_str().unwrap().to_string(),
        bob["credential"].as_str().unwrap().to_string(),
    );
    let (ada_id, bob_id) = (
        ada["comment"]["id"].as_i64().unwrap(),
        bob["comment"]["id"].as_i64().unwrap(),
    );
    let path = |id: i64| app.url(&format!("/api/comments/{id}"));
    let edit = |id: i64, token: &str, body: serde_json::Value| {
        app.client
            .patch(path(id))
            .header("Origin", BLOG)
            .bearer_auth(token)
            .json(&body)
            .send()
    };

    // The thread as Ada sees it: her comment with its text and window; Bob's without.
    let thread = app
        .client
        .get(app.url("/api/comments"))
        .query(&[("site", "open"), ("uri", "/controls")])
        .bearer_auth(&ada_token)
        .send()
        .await
        .unwrap();
    let (_, page) = check("get", "/api/comments", thread).await;
    assert_eq!(page["comments"][0]["text"], "Mine.");
    assert!(page["comments"][1].get("text").is_none());

    let (status, edited) = check(
        "patch",
        "/api/comments/{id}",
        edit(ada_id, &ada_token, json!({"body": "Mine, edited."}))
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, edited["comment"]["text"].as_str()),
        (StatusCode::OK, Some("Mine, edited."))
    );
    for (response, expected) in [
        (
            edit(bob_id, &ada_token, json!({"body": "x"}))
                .await
                .unwrap(),
            (StatusCode::FORBIDDEN, "not_your_comment"),
        ),
        (
            edit(999_999, &ada_token, json!({"body": "x"}))
                .await
                .unwrap(),
            (StatusCode::NOT_FOUND, "not_found"),
        ),
        (
            edit(ada_id, &ada_token, json!({"body": ""})).await.unwrap(),
            (StatusCode::UNPROCESSABLE_ENTITY, "comment_empty"),
        ),
        (
            edit(ada_id, &ada_token, json!({"text": "x"}))
                .await
                .unwrap(),
            (StatusCode::BAD_REQUEST, "invalid_request"),
        ),
        (
            edit(ada_id, "forged", json!({"body": "x"})).await.unwrap(),
            (StatusCode::UNAUTHORIZED, "invalid_credential"),
        ),
    ] {
        let (status, body) = check("patch", "/api/comments/{id}", response).await;
        assert_eq!((status, body["error"]["code"].as_str().unwrap()), expected);
    }

    let like = |id: i64, token: &str| {
        app.client
            .post(app.url(&format!("/api/comments/{id}/likes")))
            .header("Origin", BLOG)
            .bearer_auth(token)
            .send()
    };
    let (status, liked) = check(
        "post",
        "/api/comments/{id}/likes",
        like(ada_id, &bob_token).await.unwrap(),
    )
    .await;
    assert_eq!(
        (status, liked),
        (StatusCode::CREATED, json!({"likes": 1, "liked": true}))
    );
    let (status, _) = check(
        "post",
        "/api/comments/{id}/likes",
        like(ada_id, &bob_token).await.unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, _) = check(
        "post",
        "/api/comments/{id}/likes",
        like(ada_id, &ada_token).await.unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = check(
        "post",
        "/api/comments/{id}/likes",
        like(999_999, &bob_token).await.unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let fresh = app
        .client
        .post(app.url(&format!("/api/comments/{bob_id}/likes")))
        .header("Origin", BLOG)
        .send()
        .await
        .unwrap();
    let (status, with_credential) = check("post", "/api/comments/{id}/likes", fresh).await;
    assert_eq!(status, StatusCode::CREATED);
    assert!(
        with_credential["credential"].is_string(),
        "a browser without one gets one"
    );
    let unlike = app
        .client
        .delete(app.url(&format!("/api/comments/{ada_id}/likes")))
        .header("Origin", BLOG)
        .bearer_auth(&bob_token)
        .send()
        .await
        .unwrap();
    let (status, unliked) = check("delete", "/api/comments/{id}/likes", unlike).await;
    assert_eq!(
        (status, unliked),
        (StatusCode::OK, json!({"likes": 0, "liked": false}))
    );
    let no_origin = app
        .client
        .delete(app.url(&format!("/api/comments/{ada_id}/likes")))
        .send()
        .await
        .unwrap();
    assert_eq!(
        check("delete", "/api/comments/{id}/likes", no_origin)
            .await
            .0,
        StatusCode::FORBIDDEN
    );

    let preview = |body: serde_json::Value| {
        app.client
            .post(app.url("/api/preview"))
            .header("Origin", BLOG)
            .json(&body)
            .send()
    };
    let (status, shown) = check(
        "post",
        "/api/preview",
        preview(json!({"site": "open", "body": "*hi*"}))
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, shown),
        (StatusCode::OK, json!({"html": "<p><em>hi</em></p>\n"}))
    );
    for (body, expected) in [
        (
            json!({"site": "nowhere", "body": "x"}),
            StatusCode::NOT_FOUND,
        ),
        (
            json!({"site": "open", "body": "x".repeat(10_001)}),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (json!({"site": "open"}), StatusCode::BAD_REQUEST),
    ] {
        assert_eq!(
            check("post", "/api/preview", preview(body).await.unwrap())
                .await
                .0,
            expected
        );
    }

    let delete = |id: i64, token: &str| {
        app.client
            .delete(path(id))
            .header("Origin", BLOG)
            .bearer_auth(token)
            .send()
    };
    let (status, gone) = check(
        "delete",
        "/api/comments/{id}",
        delete(ada_id, &ada_token).await.unwrap(),
    )
    .await;
    assert_eq!(
        (status, gone["comment"]["status"].as_str()),
        (StatusCode::OK, Some("deleted"))
    );
    let (status, _) = check(
        "delete",
        "/api/comments/{id}",
        delete(ada_id, &ada_token).await.unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = check(
        "delete",
        "/api/comments/{id}",
        delete(bob_id, &ada_token).await.unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, code) = error_code(
        app.client
            .delete(path(bob_id))
            .bearer_auth(&bob_token)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::FORBIDDEN, "origin_not_allowed")
    );
}
