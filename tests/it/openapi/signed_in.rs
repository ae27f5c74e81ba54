//! A signed-in reader's answers against the contract: the popup's redirect and pages, the code
//! exchange, the session with a viewer, a signed-in comment and thread, a replayed callback.

use reqwest::StatusCode;
use serde_json::json;

use super::contract::check;
use crate::sign_in_support::{Setup, World, code_in};
use crate::support::{Engine, on_both_engines};

on_both_engines!(a_signed_in_readers_answers_fit_the_contract);

async fn a_signed_in_readers_answers_fit_the_contract(engine: Engine) {
    let setup = Setup {
        providers: "[auth.providers.mastodon]\n".into(),
        ..Setup::default()
    };
    let world = World::start_with(engine, setup).await;
    let browser = world.browser();
    let start = |query: &[(&str, &str)]| {
        browser
            .get(world.url("/auth/corp/start"))
            .query(query)
            .send()
    };

    let full_page = [
        ("site", "open"),
        ("return", "http://blog.test/post"),
        ("claim", &"c".repeat(64)),
    ];
    let (status, _) = check(
        "get",
        "/auth/{provider}/start",
        start(&full_page).await.unwrap(),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::OK,
        "a full-page sign-in stops on a confirmation page"
    );
    let popup = start(&[("site", "open"), ("login_hint", "ada")])
        .await
        .unwrap();
    let to_provider = crate::sign_in_support::location(&popup).expect("to the provider");
    assert_eq!(
        check("get", "/auth/{provider}/start", popup).await.0,
        StatusCode::SEE_OTHER
    );
    let callback = world.through_provider(&browser, to_provider).await;
    let (status, page) = check(
        "get",
        "/auth/{provider}/callback",
        browser.get(callback.clone()).send().await.unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let code = code_in(page.as_str().unwrap()).expect("a one-time code");
    let (status, _) = check(
        "get",
        "/auth/{provider}/callback",
        browser.get(callback).send().await.unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "a callback works once");

    let (status, exchanged) =
        check("post", "/auth/exchange", world.exchange(&code, None).await).await;
    assert_eq!(status, StatusCode::OK);
    let credential = exchanged["credential"].as_str().unwrap().to_string();
    assert_eq!(exchanged["viewer"]["provider"], "corp");

    let client = reqwest::Client::new();
    let session = client
        .get(world.url("/api/session"))
        .query(&[("site", "corp-only")])
        .bearer_auth(&credential);
    let (_, who) = check("get", "/api/session", session.send().await.unwrap()).await;
    assert_eq!(who["viewer"]["moderator"], true);
    let comment = json!({"site": "open", "uri": "/signed", "body": "Signed in", "author": null});
    let posted = client
        .post(world.url("/api/comments"))
        .header("Origin", "http://blog.test")
        .bearer_auth(&credential)
        .json(&comment);
    let (status, created) = check("post", "/api/comments", posted.send().await.unwrap()).await;
    assert_eq!(
        (status, created["comment"]["author"]["provider"].as_str()),
        (StatusCode::CREATED, Some("corp"))
    );
    let thread = client
        .get(world.url("/api/comments"))
        .query(&[("site", "open"), ("uri", "/signed")])
        .bearer_auth(&credential);
    let (_, page) = check("get", "/api/comments", thread.send().await.unwrap()).await;
    assert_eq!(page["viewer"]["provider"], "corp");
    let buttons = page["site"]["providers"].as_array().unwrap();
    assert!(
        buttons.iter().any(|b| b["instance"] == true),
        "the Mastodon button asks for an instance: {buttons:?}"
    );
    let out = client
        .delete(world.url("/api/session"))
        .bearer_auth(&credential)
        .send()
        .await
        .unwrap();
    assert_eq!(
        check("delete", "/api/session", out).await.0,
        StatusCode::NO_CONTENT
    );
}
