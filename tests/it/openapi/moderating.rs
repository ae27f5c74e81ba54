//! A moderator's answers in the widget against the contract: the exchange of an admin-page
//! account's code, its session and thread (pending comments in place), its comment, and every
//! answer of `POST /api/comments/{id}/moderation`, successes and refusals.

use replybox::admin::accounts::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use super::contract::check;
use crate::admin::Admin;
use crate::moderating_in_place::{exchange, held_comment, moderate, popup_code};
use crate::support::{BLOG, Engine, TestApp, on_both_engines};

on_both_engines!(a_moderators_answers_fit_the_contract);

const PATH: &str = "/api/comments/{id}/moderation";

async fn a_moderators_answers_fit_the_contract(engine: Engine) {
    let app = TestApp::start(engine).await;
    let pending = held_comment(&app, "held", "Waiting", "Eve").await;
    let other = held_comment(&app, "held", "Also waiting", "Bo").await;
    let admin = Admin::sign_in(&app, "mia", Role::Moderator, &["held"]).await;
    let code = popup_code(&admin, "held").await;
    let (status, exchanged) =
        check("post", "/auth/exchange", exchange(&app, &code, None).await).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(exchanged["viewer"]["provider"], Value::Null);
    let credential = exchanged["credential"].as_str().unwrap().to_string();

    let session = app
        .client
        .get(app.url("/api/session?site=held"))
        .bearer_auth(&credential)
        .send()
        .await
        .unwrap();
    let (_, session) = check("get", "/api/session", session).await;
    assert_eq!(session["viewer"]["moderator"], true);
    let thread = app
        .client
        .get(app.url("/api/comments?site=held&uri=/post/"))
        .bearer_auth(&credential)
        .send()
        .await
        .unwrap();
    let (_, thread) = check("get", "/api/comments", thread).await;
    assert_eq!(thread["comments"].as_array().unwrap().len(), 2);
    let reply = json!({"site": "held", "uri": "/post/", "parent": pending, "body": "On it."});
    let (status, created) = check(
        "post",
        "/api/comments",
        app.post(reply, Some(&credential)).await,
    )
    .await;
    assert_eq!(
        (status, &created["comment"]["moderator"]),
        (StatusCode::CREATED, &json!(true))
    );

    let act = |id: String, origin: Option<&'static str>, token: Option<String>, body: Value| {
        let app = &app;
        async move { moderate(app, &id, origin, token.as_deref(), body).await }
    };
    let mine = || Some(credential.clone());
    let id = pending.to_string();
    for (body, expected) in [
        (json!({"action": "pin"}), StatusCode::CONFLICT),
        (json!({"action": "approve"}), StatusCode::OK),
        (json!({"action": "pin"}), StatusCode::OK),
        (json!({"action": "unpin", "days": null}), StatusCode::OK),
        (json!({"action": "nuke"}), StatusCode::UNPROCESSABLE_ENTITY),
        (
            json!({"action": "ban", "days": 1.5}),
            StatusCode::BAD_REQUEST,
        ),
        (json!({"action": "ban", "days": 7.0}), StatusCode::OK),
    ] {
        let (status, answer) = check(
            "post",
            PATH,
            act(id.clone(), Some(BLOG), mine(), body.clone()).await,
        )
        .await;
        assert_eq!(status, expected, "{body} → {answer}");
    }
    for (id, origin, token, expected) in [
        (other.to_string(), None, mine(), StatusCode::FORBIDDEN),
        ("abc".to_string(), Some(BLOG), mine(), StatusCode::NOT_FOUND),
        (
            other.to_string(),
            Some(BLOG),
            None,
            StatusCode::UNAUTHORIZED,
        ),
        (
            other.to_string(),
            Some(BLOG),
            Some("made-up".to_string()),
            StatusCode::UNAUTHORIZED,
        ),
    ] {
        let (status, _) = check(
            "post",
            PATH,
            act(id, origin, token, json!({"action": "spam"})).await,
        )
        .await;
        assert_eq!(status, expected);
    }
    let wrong_type = app
        .client
        .post(app.url(&format!("/api/comments/{other}/moderation")))
        .header("Origin", BLOG)
        .bearer_auth(&credential)
        .body("action=spam")
        .send()
        .await
        .unwrap();
    assert_eq!(
        check("post", PATH, wrong_type).await.0,
        StatusCode::UNSUPPORTED_MEDIA_TYPE
    );
    let mut last = StatusCode::OK;
    for _ in 0..40 {
        last = check(
            "post",
            PATH,
            act(
                other.to_string(),
                Some(BLOG),
                mine(),
                json!({"action": "nuke"}),
            )
            .await,
        )
        .await
        .0;
        if last == StatusCode::TOO_MANY_REQUESTS {
            break;
        }
    }
    assert_eq!(last, StatusCode::TOO_MANY_REQUESTS);
    app.stop().await;
}
