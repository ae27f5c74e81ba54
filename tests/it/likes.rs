//! Readers like comments: once each (a signed-in reader once across all their browsers),
//! counted by the server and shown to everyone, taken back at will, never their own, behind
//! the site's origins and a rate limit of their own.

use reqwest::StatusCode;
use serde_json::Value;

use crate::own_comments::{config, find, post};
use crate::support::{BLOG, Engine, TestApp, error_code, on_both_engines, signed_in_browsers};

on_both_engines!(
    readers_like_a_comment_once_and_take_it_back,
    a_signed_in_reader_likes_once_across_browsers_and_keeps_it_after_signing_out,
    likes_are_refused_where_they_do_not_belong,
    likes_are_rate_limited,
);

/// `POST` (or `DELETE`) `/api/comments/{id}/likes` from the blog.
async fn like(
    app: &TestApp,
    id: &str,
    credential: Option<&str>,
    take_back: bool,
) -> reqwest::Response {
    let url = app.url(&format!("/api/comments/{id}/likes"));
    let mut request = if take_back {
        app.client.delete(url)
    } else {
        app.client.post(url)
    }
    .header("Origin", BLOG);
    if let Some(token) = credential {
        request = request.bearer_auth(token);
    }
    request.send().await.unwrap()
}

async fn readers_like_a_comment_once_and_take_it_back(engine: Engine) {
    let app = TestApp::with_config(engine, &config("")).await;
    let (comment, ada) = post(&app, "open", "/liked/", "Worth liking.", "Ada").await;
    let id = comment["id"].as_i64().unwrap();
    assert_eq!(comment["likes"], 0);
    // The public thread is read (and remembered) before anyone likes it.
    assert_eq!(
        find(&app.thread("open", "/liked/", None).await, id).unwrap()["likes"],
        0
    );

    // Bob has never written anything: his first like gives his browser a credential.
    let response = like(&app, &id.to_string(), None, false).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let liked: Value = response.json().await.unwrap();
    assert_eq!(
        (liked["likes"].as_i64(), liked["liked"].as_bool()),
        (Some(1), Some(true))
    );
    let bob = liked["credential"]
        .as_str()
        .expect("a credential")
        .to_string();
    // Once is once.
    let (status, code) = error_code(like(&app, &id.to_string(), Some(&bob), false).await).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::CONFLICT, "already_liked")
    );
    let (_, cy) = post(&app, "open", "/elsewhere/", "Hi.", "Cy").await;
    let response = like(&app, &id.to_string(), Some(&cy), false).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    assert_eq!(response.json::<Value>().await.unwrap()["likes"], 2);
    assert_eq!(
        app.count_rows(&format!("likes WHERE comment_id = {id}"))
            .await,
        2
    );

    // Everyone sees the count at once (the remembered thread was forgotten); each reader sees
    // their own like, the author their own comment, unliked.
    assert_eq!(
        find(&app.thread("open", "/liked/", None).await, id).unwrap()["likes"],
        2
    );
    let seen_by_bob = find(&app.thread("open", "/liked/", Some(&bob)).await, id).unwrap();
    assert_eq!(
        (
            seen_by_bob["likes"].as_i64(),
            seen_by_bob["liked"].as_bool()
        ),
        (Some(2), Some(true))
    );
    let seen_by_ada = find(&app.thread("open", "/liked/", Some(&ada)).await, id).unwrap();
    assert_eq!(seen_by_ada["liked"], false);

    // Bob takes it back; taking back twice is harmless.
    for _ in 0..2 {
        let response = like(&app, &id.to_string(), Some(&bob), true).await;
        assert_eq!(response.status(), StatusCode::OK);
        let answer: Value = response.json().await.unwrap();
        assert_eq!(
            (answer["likes"].as_i64(), answer["liked"].as_bool()),
            (Some(1), Some(false))
        );
    }
    assert_eq!(
        find(&app.thread("open", "/liked/", None).await, id).unwrap()["likes"],
        1
    );
    // He may like it again.
    assert_eq!(
        like(&app, &id.to_string(), Some(&bob), false)
            .await
            .status(),
        StatusCode::CREATED
    );

    // Nobody likes their own comment.
    let (status, code) = error_code(like(&app, &id.to_string(), Some(&ada), false).await).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::FORBIDDEN, "own_comment")
    );
    assert_eq!(
        app.count_rows(&format!("likes WHERE comment_id = {id}"))
            .await,
        2
    );
}

async fn a_signed_in_reader_likes_once_across_browsers_and_keeps_it_after_signing_out(
    engine: Engine,
) {
    let app = TestApp::with_config(engine, &config("")).await;
    let (comment, _) = post(&app, "open", "/account/", "Like me from anywhere.", "Ada").await;
    let id = comment["id"].to_string();
    let browsers = signed_in_browsers(&app, ("corp", "grace-1"), "Grace", 2).await;
    assert_eq!(
        like(&app, &id, Some(&browsers[0]), false).await.status(),
        StatusCode::CREATED
    );
    let (status, code) = error_code(like(&app, &id, Some(&browsers[1]), false).await).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::CONFLICT, "already_liked"),
        "one account, one like"
    );
    // The other browser shows it as hers.
    let thread = app.thread("open", "/account/", Some(&browsers[1])).await;
    assert_eq!(
        find(&thread, comment["id"].as_i64().unwrap()).unwrap()["liked"],
        true
    );
    // Signing out of the first browser ends its credential, not her like.
    let response = app
        .client
        .delete(app.url("/api/session"))
        .bearer_auth(&browsers[0])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(app.count_rows("likes").await, 1);
    let thread = app.thread("open", "/account/", None).await;
    assert_eq!(
        find(&thread, comment["id"].as_i64().unwrap()).unwrap()["likes"],
        1
    );
}

async fn likes_are_refused_where_they_do_not_belong(engine: Engine) {
    let app = TestApp::with_config(engine, &config("")).await;
    let (held, _) = post(&app, "held", "/no-likes/", "Not public yet.", "Ada").await;
    let (published, _) = post(&app, "open", "/no-likes/", "Public.", "Ada").await;
    let (_, bob) = post(&app, "open", "/elsewhere/", "Hi.", "Bob").await;
    // A comment that is not public, and ids that are no comment.
    for id in [
        held["id"].to_string(),
        "999999".into(),
        "abc".into(),
        "99999999999999999999".into(),
    ] {
        let (status, code) = error_code(like(&app, &id, Some(&bob), false).await).await;
        assert_eq!(
            (status, code.as_str()),
            (StatusCode::NOT_FOUND, "not_found"),
            "{id}"
        );
    }
    // No Origin, or another site's.
    let url = app.url(&format!("/api/comments/{}/likes", published["id"]));
    let response = app
        .client
        .post(&url)
        .bearer_auth(&bob)
        .send()
        .await
        .unwrap();
    let (status, code) = error_code(response).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::FORBIDDEN, "origin_not_allowed")
    );
    let response = app
        .client
        .post(&url)
        .header("Origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    let (status, code) = error_code(response).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::FORBIDDEN, "origin_not_allowed")
    );
    assert_eq!(app.count_rows("likes").await, 0);
    assert_eq!(
        app.count_rows("credentials").await,
        3,
        "no credential was issued by a refusal"
    );
}

async fn likes_are_rate_limited(engine: Engine) {
    let app = TestApp::with_config(engine, &config("likes_per_minute = 1\nlike_burst = 2")).await;
    let mut ids = Vec::new();
    for n in 0..3 {
        let (comment, _) = post(
            &app,
            "open",
            "/rate/",
            &format!("Comment {n}."),
            &format!("Author{n}"),
        )
        .await;
        ids.push(comment["id"].to_string());
    }
    let (_, bob) = post(&app, "open", "/elsewhere/", "Hi.", "Bob").await;
    assert_eq!(
        like(&app, &ids[0], Some(&bob), false).await.status(),
        StatusCode::CREATED
    );
    assert_eq!(
        like(&app, &ids[1], Some(&bob), false).await.status(),
        StatusCode::CREATED
    );
    let response = like(&app, &ids[2], Some(&bob), false).await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(response.headers().contains_key("retry-after"));
    assert_eq!(app.count_rows("likes").await, 2);
}
