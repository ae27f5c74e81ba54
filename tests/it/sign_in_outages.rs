//! A provider that is down or hangs, and a client that floods the sign-in: each answered at
//! once (or within the configured timeout) with a clear page, never a hang.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::Value;

use crate::sign_in_support::{Setup, World, error_in, rogue_provider};
use crate::support::{Engine, on_both_engines};

on_both_engines!(
    a_provider_that_is_down_at_the_start_is_reported_at_once,
    a_provider_that_goes_down_before_the_callback_is_reported_at_once,
    a_provider_that_hangs_is_given_up_on_after_the_timeout,
    a_flood_of_sign_ins_is_rate_limited,
);

/// A loopback port nothing listens on.
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("addr").port()
}

fn assert_unavailable(status: StatusCode, page: &str) {
    assert_eq!(status, StatusCode::BAD_GATEWAY, "{page}");
    assert_eq!(error_in(page).as_deref(), Some("provider_unavailable"));
    assert!(
        page.contains("The provider is not answering. Please try again later."),
        "{page}"
    );
}

async fn a_provider_that_is_down_at_the_start_is_reported_at_once(engine: Engine) {
    let timeout = Duration::from_secs(5);
    let world = World::start_with(
        engine,
        Setup {
            timeout_secs: timeout.as_secs(),
            providers: format!(
                "[auth.providers.gone]\nkind = \"oidc\"\nissuer = \"http://127.0.0.1:{}\"\nclient_id = \"replybox-gone\"\n",
                closed_port()
            ),
            ..Setup::default()
        },
    )
    .await;
    let began = Instant::now();
    let response = world
        .browser()
        .get(world.url("/auth/gone/start"))
        .query(&[("site", "open")])
        .send()
        .await
        .unwrap();
    assert!(began.elapsed() < timeout, "took {:?}", began.elapsed());
    assert!(response.headers().get("location").is_none());
    let status = response.status();
    assert_unavailable(status, &response.text().await.unwrap());
}

async fn a_provider_that_goes_down_before_the_callback_is_reported_at_once(engine: Engine) {
    let timeout = Duration::from_secs(5);
    let mut world = World::start_with(
        engine,
        Setup {
            timeout_secs: timeout.as_secs(),
            ..Setup::default()
        },
    )
    .await;
    let browser = world.browser();
    let to_provider = world.start_sign_in(&browser, "corp", "ada").await;
    let callback = world.through_provider(&browser, to_provider).await;
    world.provider.stop();
    let began = Instant::now();
    let page = browser.get(callback).send().await.unwrap();
    assert!(began.elapsed() < timeout, "took {:?}", began.elapsed());
    let status = page.status();
    assert_unavailable(status, &page.text().await.unwrap());
    assert_eq!(world.count("SELECT COUNT(*) FROM users").await, 0);
}

/// The hostile issuer's `slow` token endpoint accepts the request and never answers.
async fn a_provider_that_hangs_is_given_up_on_after_the_timeout(engine: Engine) {
    let timeout = Duration::from_secs(2);
    let world = World::start_with(
        engine,
        Setup {
            timeout_secs: timeout.as_secs(),
            providers: rogue_provider("slow"),
            ..Setup::default()
        },
    )
    .await;
    let browser = world.browser();
    let to_provider = world.start_sign_in(&browser, "rogue-slow", "ada").await;
    let callback = world.through_provider(&browser, to_provider).await;
    let began = Instant::now();
    let page = browser.get(callback).send().await.unwrap();
    let took = began.elapsed();
    assert!(
        took >= timeout - Duration::from_millis(200),
        "took {took:?}"
    );
    assert!(took < timeout + Duration::from_secs(2), "took {took:?}");
    let status = page.status();
    assert_unavailable(status, &page.text().await.unwrap());
    assert_eq!(world.count("SELECT COUNT(*) FROM users").await, 0);
}

async fn a_flood_of_sign_ins_is_rate_limited(engine: Engine) {
    let world = World::start_with(
        engine,
        Setup {
            sign_ins_per_minute: 3,
            ..Setup::default()
        },
    )
    .await;
    for _ in 0..3 {
        world.start_sign_in(&world.browser(), "corp", "ada").await;
    }
    let sessions = match engine {
        Engine::Sqlite => "SELECT COUNT(*) FROM tower_sessions",
        Engine::Postgres => "SELECT COUNT(*) FROM tower_sessions.session",
    };
    let sessions_before = world.count(sessions).await;
    assert_eq!(sessions_before, 3);
    let flooded = world
        .browser()
        .get(world.url("/auth/corp/start"))
        .query(&[("site", "open")])
        .send()
        .await
        .unwrap();
    assert_eq!(flooded.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry_after: u64 = flooded.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry_after), "{retry_after}");
    assert!(flooded.headers().get("location").is_none());
    assert_eq!(
        error_in(&flooded.text().await.unwrap()).as_deref(),
        Some("rate_limited")
    );
    assert_eq!(
        world.count(sessions).await,
        sessions_before,
        "a refused start writes no session"
    );

    // The exchange shares the budget.
    let exchange = world.exchange("whatever", None).await;
    assert_eq!(exchange.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(exchange.headers().get("retry-after").is_some());
    let body: Value = exchange.json().await.unwrap();
    assert_eq!(body["error"]["code"], "rate_limited");
}
