//! The peers' advisory classes around signing in and fetching from other servers, one named
//! story each (the rest of the peers' classes are in `peers`).

use std::net::TcpListener;

use reqwest::StatusCode;

use crate::sign_in_support::{World, code_in, error_in};
use crate::support::{Engine, LIMITS, SITES, TestApp, on_both_engines};

on_both_engines!(
    waline_a_sign_in_code_is_exchanged_only_by_replybox_itself,
    remark42_no_open_redirect_after_sign_in,
    remark42_artalk_no_server_side_fetch_reaches_a_private_address,
);

/// Waline (`postMessage` without an origin check, tokens handed around in URLs): the popup
/// gives the widget a one-use code, never a token; the code is exchanged only by replybox's own
/// frame (its Origin), not by the blog's page, another site, or a script without an Origin.
/// The browser story `sign-in.test.mjs` adds that a forged message is not exchanged and the
/// code never appears in a request.
async fn waline_a_sign_in_code_is_exchanged_only_by_replybox_itself(engine: Engine) {
    let world = World::start(engine, false).await;
    let page = world.popup(&world.browser(), "corp", "ada").await;
    let code = code_in(&page.text().await.unwrap()).unwrap();
    for origin in [Some("http://blog.test"), Some("http://evil.test"), None] {
        let mut request = reqwest::Client::new()
            .post(world.url("/auth/exchange"))
            .json(&serde_json::json!({"code": code}));
        if let Some(origin) = origin {
            request = request.header("Origin", origin);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{origin:?}");
    }
    assert_eq!(world.exchange(&code, None).await.status(), StatusCode::OK);
}

/// Remark42 (open redirect after OAuth): the page a sign-in returns to must be on the site's
/// own origins; anything else is refused before the provider is even asked.
async fn remark42_no_open_redirect_after_sign_in(engine: Engine) {
    let world = World::start(engine, false).await;
    let claim = "a".repeat(64);
    for foreign in [
        "http://evil.test/steal",
        "http://blog.test.evil.test/",
        "javascript:alert(1)",
        "//evil.test/x",
        "http://user@blog.test/",
    ] {
        let response = world
            .browser()
            .get(world.url("/auth/corp/start"))
            .query(&[("site", "open"), ("return", foreign), ("claim", &claim)])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{foreign}");
        assert!(response.headers().get("location").is_none());
        assert_eq!(
            error_in(&response.text().await.unwrap()).as_deref(),
            Some("invalid_return")
        );
    }
}

/// Remark42 and Artalk (SSRF through a server-side fetch, DNS rebinding included): a provider
/// whose address is a name that resolves to loopback is refused when replybox connects (the
/// address is checked after resolving, so a name that turns private later gains nothing), and
/// the listener behind it never sees a connection.
async fn remark42_artalk_no_server_side_fetch_reaches_a_private_address(engine: Engine) {
    let inside = TcpListener::bind("127.0.0.1:0").expect("bind");
    inside.set_nonblocking(true).expect("non-blocking");
    let port = inside.local_addr().expect("address").port();
    let app = TestApp::with_config(
        engine,
        &format!(
            "{LIMITS}[auth.providers.inside]\nkind = \"oidc\"\nissuer = \"http://localhost:{port}\"\nclient_id = \"replybox-inside\"\n{SITES}"
        ),
    )
    .await;
    let response = app
        .client
        .get(app.url("/auth/inside/start"))
        .query(&[("site", "open")])
        .send()
        .await
        .unwrap();
    let status = response.status();
    assert!(response.headers().get("location").is_none());
    let page = response.text().await.unwrap();
    assert_eq!(status, StatusCode::BAD_GATEWAY, "{page}");
    assert_eq!(error_in(&page).as_deref(), Some("provider_unavailable"));
    // The answer came after replybox gave up on the provider: had it connected, the connection
    // would be waiting here now.
    match inside.accept() {
        Err(err) if err.kind() == std::io::ErrorKind::WouldBlock => {}
        other => panic!("replybox connected to a private address: {other:?}"),
    }
}
