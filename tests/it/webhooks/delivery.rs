//! How deliveries get there: retried after a failure, kept across a restart, sent once by two
//! instances on one database, and never sent to loopback unless the operator allows it.

use replybox::config::Config;
use replybox::http;
use replybox::state::AppState;
use tokio::sync::oneshot;

use super::receiver::Receiver;
use super::{ALLOW_LOOPBACK, SECRET, hook, post, site, wait_for_rows};
use crate::support::{Engine, LIMITS, TestApp, on_both_engines};

on_both_engines!(
    a_receiver_that_fails_gets_the_same_delivery_again_until_it_answers_2xx,
    a_delivery_waiting_for_a_receiver_that_is_down_survives_a_restart,
    two_instances_on_one_database_deliver_each_event_once,
    a_loopback_url_is_refused_without_a_connection_unless_allowed,
);

fn signed_hook(receiver: &Receiver) -> String {
    hook(&receiver.url("/hook"), &format!("secret = \"{SECRET}\""))
}

async fn a_receiver_that_fails_gets_the_same_delivery_again_until_it_answers_2xx(engine: Engine) {
    let receiver = Receiver::start().await;
    receiver.answer(&[500, 503]);
    let app = TestApp::with_config(
        engine,
        &format!(
            "{LIMITS}{ALLOW_LOOPBACK}{}",
            site("open", "none", &signed_hook(&receiver))
        ),
    )
    .await;
    let id = post(&app, "open", "Ann", "Published at once").await;

    let attempts = receiver.wait_for(3).await;
    assert_eq!(attempts.len(), 3);
    for attempt in &attempts {
        assert!(
            attempt.signature_is_valid(SECRET),
            "each attempt is signed anew"
        );
        assert_eq!(attempt.header("x-replybox-event"), "created");
        assert_eq!(
            attempt.header("x-replybox-delivery"),
            attempts[0].header("x-replybox-delivery")
        );
        assert_eq!(attempt.body, attempts[0].body, "the same body every time");
    }
    assert_eq!(attempts[0].json()["comment"]["id"], id);
    assert_eq!(attempts[0].json()["comment"]["status"], "approved");
    wait_for_rows(
        &app,
        "SELECT COUNT(*) FROM webhook_deliveries WHERE sent_at IS NOT NULL",
        1,
    )
    .await;
    assert_eq!(
        app.count_rows("webhook_deliveries WHERE attempts = 2 AND last_error IS NULL")
            .await,
        1,
        "two failures counted, none left over"
    );
    app.stop().await;
    receiver.stop();
}

async fn a_delivery_waiting_for_a_receiver_that_is_down_survives_a_restart(engine: Engine) {
    let receiver = Receiver::start().await;
    let port = receiver.port;
    let hooks = signed_hook(&receiver);
    receiver.stop();
    let app = TestApp::with_config(
        engine,
        &format!("{LIMITS}{ALLOW_LOOPBACK}{}", site("open", "none", &hooks)),
    )
    .await;
    let id = post(&app, "open", "Ann", "Posted while the receiver is down").await;
    wait_for_rows(
        &app,
        "SELECT COUNT(*) FROM webhook_deliveries WHERE attempts >= 1 AND sent_at IS NULL AND last_error IS NOT NULL",
        1,
    )
    .await;

    // Whatever the old instance tried, it could not connect: the delivery comes from the new one.
    let app = app.restart().await;
    let receiver = Receiver::start_on(port).await;
    let delivered = receiver.wait_for(1).await.remove(0);
    assert!(delivered.signature_is_valid(SECRET));
    assert_eq!(delivered.json()["comment"]["id"], id);
    wait_for_rows(
        &app,
        "SELECT COUNT(*) FROM webhook_deliveries WHERE sent_at IS NOT NULL",
        1,
    )
    .await;
    assert_eq!(app.count_rows("webhook_deliveries").await, 1);
    app.stop().await;
    receiver.stop();
}

async fn two_instances_on_one_database_deliver_each_event_once(engine: Engine) {
    let receiver = Receiver::start().await;
    let toml = format!(
        "{LIMITS}{ALLOW_LOOPBACK}{}",
        site("open", "none", &signed_hook(&receiver))
    );
    let first = TestApp::with_config(engine, &toml).await;
    // A second replybox on the same database, as behind a load balancer.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let config = Config::from_toml(&format!(
        "[database]\nurl = \"{}\"\nmax_connections = 4\n{toml}",
        first.state.config.database.url.expose()
    ))
    .unwrap();
    let second = AppState::start(config).await.unwrap();
    let (stop, stopped) = oneshot::channel::<()>();
    let server = tokio::spawn(http::serve(second, listener, async {
        let _ = stopped.await;
    }));

    for n in 0..6 {
        post(&first, "open", "Ann", &format!("Comment {n}")).await;
    }
    wait_for_rows(
        &first,
        "SELECT COUNT(*) FROM webhook_deliveries WHERE sent_at IS NOT NULL",
        6,
    )
    .await;
    let received = receiver.received();
    let mut ids: Vec<&str> = received
        .iter()
        .map(|r| r.header("x-replybox-delivery"))
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(
        (received.len(), ids.len()),
        (6, 6),
        "six events, six deliveries, each once"
    );
    assert_eq!(first.count_rows("webhook_deliveries").await, 6);
    let _ = stop.send(());
    server.await.unwrap().unwrap();
    first.stop().await;
    receiver.stop();
}

async fn a_loopback_url_is_refused_without_a_connection_unless_allowed(engine: Engine) {
    let receiver = Receiver::start().await;
    let hooks = format!(
        "{}{}",
        signed_hook(&receiver),
        hook(
            &format!("https://localhost:{}/hook", receiver.port),
            "format = \"slack\""
        )
    );
    // No [webhooks] allow_private_addresses: the default refuses.
    let app =
        TestApp::with_config(engine, &format!("{LIMITS}{}", site("open", "none", &hooks))).await;
    post(&app, "open", "Ann", "Nobody inside hears this").await;
    wait_for_rows(
        &app,
        "SELECT COUNT(*) FROM webhook_deliveries WHERE attempts >= 1 AND last_error LIKE 'refused: % is not a public address%'",
        2,
    )
    .await;
    assert_eq!(
        receiver.connections(),
        0,
        "no connection reached the listener"
    );
    assert_eq!(
        app.count_rows("webhook_deliveries WHERE sent_at IS NOT NULL")
            .await,
        0
    );
    assert_eq!(
        app.count_rows("webhook_deliveries WHERE last_error LIKE '%/hook%'")
            .await,
        0,
        "the error names the host, never the URL (a chat URL is a credential)"
    );
    app.stop().await;

    // The same receiver, allowed, hears it.
    let app = TestApp::with_config(
        engine,
        &format!(
            "{LIMITS}{ALLOW_LOOPBACK}{}",
            site("open", "none", &signed_hook(&receiver))
        ),
    )
    .await;
    post(&app, "open", "Ann", "Allowed now").await;
    assert_eq!(
        receiver.wait_for(1).await[0].json()["comment"]["text"],
        "Allowed now"
    );
    app.stop().await;
    receiver.stop();
}
