//! Every moderation rule as a reader meets it: post → status and reason stored → what the
//! public thread shows.

use reqwest::StatusCode;
use serde_json::{Value, json};

use replybox::admin::accounts::Role;

use crate::admin::Admin;
use crate::support::{Engine, SITES, TestApp, error_code, on_both_engines};

on_both_engines!(
    two_links_hold_a_comment_and_the_reason_is_stored,
    watched_words_hold_and_blocked_words_mark_spam,
    bots_are_caught_by_the_honeypot_and_their_speed,
    the_same_comment_twice_is_refused_as_a_duplicate,
    banned_authors_are_refused_by_email_address_or_network,
    a_trusted_guest_skips_first_time_moderation,
    threads_close_by_themselves_after_the_configured_days,
);

// Without the thread cache: these stories change the database behind the API's back.
const CONFIG: &str = "[server]\nthread_cache_ms = 0\n[limits]\nreads_per_minute = 100000\nread_burst = 10000\nwrites_per_minute = 10000\nwrite_burst = 10000\n";

async fn app(engine: Engine) -> TestApp {
    let closing = "\n[[sites]]\nid = \"closing\"\nname = \"Closing\"\norigins = [\"http://blog.test\"]\nmoderation = \"none\"\nclose_after_days = 30\n";
    TestApp::with_config(engine, &format!("{CONFIG}{SITES}{closing}")).await
}

fn guest(site: &str, uri: &str, body: &str) -> Value {
    json!({"site": site, "uri": uri, "body": body, "author": {"name": "Ada", "email": "ada@example.org"}, "compose_ms": 20000})
}

/// Posts and returns (status shown to the author, stored status, stored reason).
async fn post_and_inspect(app: &TestApp, body: Value) -> (String, Option<String>, Option<String>) {
    let response = app.post(body, None).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let created: Value = response.json().await.unwrap();
    let id = created["comment"]["id"].as_i64().unwrap();
    (
        created["comment"]["status"].as_str().unwrap().to_string(),
        app.comment_column(id, "status").await,
        app.comment_column(id, "reason").await,
    )
}

async fn two_links_hold_a_comment_and_the_reason_is_stored(engine: Engine) {
    let app = app(engine).await;
    let one = post_and_inspect(&app, guest("open", "/l/", "see https://a.example")).await;
    assert_eq!(one, ("approved".into(), Some("approved".into()), None));
    let two = post_and_inspect(
        &app,
        guest(
            "open",
            "/l/",
            "see https://a.example and [b](https://b.example)",
        ),
    )
    .await;
    assert_eq!(
        two,
        (
            "pending".into(),
            Some("pending".into()),
            Some("too_many_links: 2".into())
        )
    );
    let thread = app.thread("open", "/l/", None).await;
    assert_eq!(
        thread["comments"].as_array().unwrap().len(),
        1,
        "the held one is not public"
    );
    app.stop().await;
}

async fn watched_words_hold_and_blocked_words_mark_spam(engine: Engine) {
    let app = app(engine).await;
    let moderator = Admin::sign_in(&app, "mia", Role::Moderator, &["open"]).await;
    let saved = moderator
        .post(
            "/admin/sites/open/words",
            &[("watched", "refund"), ("blocked", "casino*")],
        )
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let watched = post_and_inspect(&app, guest("open", "/w/", "I want a Refund now")).await;
    assert_eq!(
        watched,
        (
            "pending".into(),
            Some("pending".into()),
            Some("watched_word: refund".into())
        )
    );
    let blocked = post_and_inspect(&app, guest("open", "/w/", "Play at CasinoRoyale")).await;
    assert_eq!(
        blocked,
        (
            "pending".into(),
            Some("spam".into()),
            Some("blocked_word: casino*".into())
        ),
        "spam looks merely held to its author"
    );
    let by_name =
        json!({"site": "open", "uri": "/w/", "body": "hello", "author": {"name": "Casino Bot"}});
    assert_eq!(post_and_inspect(&app, by_name).await.1, Some("spam".into()));
    assert_eq!(app.thread("open", "/w/", None).await["comments"], json!([]));
    app.stop().await;
}

async fn bots_are_caught_by_the_honeypot_and_their_speed(engine: Engine) {
    let app = app(engine).await;
    let mut trapped = guest("open", "/b/", "buy things");
    trapped["honeypot"] = json!("http://spam.example");
    assert_eq!(
        post_and_inspect(&app, trapped).await.2,
        Some("honeypot: the hidden field was filled in".into())
    );
    let mut fast = guest("open", "/b/", "instant comment");
    fast["compose_ms"] = json!(300);
    assert_eq!(post_and_inspect(&app, fast).await.1, Some("spam".into()));
    let mut person = guest("open", "/b/", "a considered comment");
    person["honeypot"] = json!("");
    assert_eq!(
        post_and_inspect(&app, person).await.1,
        Some("approved".into())
    );
    app.stop().await;
}

async fn the_same_comment_twice_is_refused_as_a_duplicate(engine: Engine) {
    let app = app(engine).await;
    post_and_inspect(&app, guest("open", "/d/", "Great post!")).await;
    let again = app.post(guest("open", "/d/", "Great post!"), None).await;
    assert_eq!(
        error_code(again).await,
        (StatusCode::CONFLICT, "duplicate_comment".into())
    );
    assert_eq!(app.count_rows("comments").await, 1);
    // Someone else may say the same thing, and so may Ada on another page.
    let other = json!({"site": "open", "uri": "/d/", "body": "Great post!", "author": {"name": "Bob", "email": "bob@example.org"}});
    assert_eq!(app.post(other, None).await.status(), StatusCode::CREATED);
    assert_eq!(
        app.post(guest("open", "/d2/", "Great post!"), None)
            .await
            .status(),
        StatusCode::CREATED
    );
    app.stop().await;
}

async fn banned_authors_are_refused_by_email_address_or_network(engine: Engine) {
    let app = app(engine).await;
    let moderator = Admin::sign_in(&app, "mia", Role::Moderator, &["open"]).await;
    let ban = |kind: &'static str, value: &'static str| {
        let moderator = &moderator;
        async move {
            moderator
                .post(
                    "/admin/bans",
                    &[("site", "open"), ("kind", kind), ("value", value)],
                )
                .await
        }
    };
    assert_eq!(
        ban("email", "ada@example.org").await.status(),
        StatusCode::SEE_OTHER
    );
    let refused = app.post(guest("open", "/x/", "let me in"), None).await;
    let status = refused.status();
    let body: Value = refused.json().await.unwrap();
    assert_eq!(
        (status, body["error"]["code"].as_str().unwrap()),
        (StatusCode::FORBIDDEN, "banned")
    );
    assert!(
        !body.to_string().contains("email"),
        "no detail that helps evade the ban: {body}"
    );
    // The ban is per site; an expired one no longer counts.
    let elsewhere = json!({"site": "held", "uri": "/x/", "body": "hi", "author": {"name": "Ada", "email": "ada@example.org"}});
    assert_eq!(
        app.post(elsewhere, None).await.status(),
        StatusCode::CREATED
    );
    // Time passes: the ban has run out (no route sets a past expiry).
    app.execute("UPDATE bans SET expires_at = 1").await;
    assert_eq!(
        app.post(guest("open", "/x/", "back again"), None)
            .await
            .status(),
        StatusCode::CREATED
    );

    assert_eq!(
        ban("network", "127.0.0.0/8").await.status(),
        StatusCode::SEE_OTHER
    );
    let bob = json!({"site": "open", "uri": "/x/", "body": "from the banned network", "author": {"name": "Bob"}});
    assert_eq!(
        error_code(app.post(bob, None).await).await,
        (StatusCode::FORBIDDEN, "banned".into())
    );
    app.stop().await;
}

async fn a_trusted_guest_skips_first_time_moderation(engine: Engine) {
    let app = app(engine).await;
    let first = app
        .post_as_guest("first", "/t/", None, "first", "Ada")
        .await;
    assert_eq!(first["comment"]["status"], "pending");
    let credential = first["credential"].as_str().unwrap();
    let id = first["comment"]["id"].as_i64().unwrap();
    // The moderator approves and trusts her, from the queue.
    let moderator = Admin::sign_in(&app, "mia", Role::Moderator, &["first"]).await;
    let trusted = moderator
        .post("/admin/act", &[("act", &format!("trust:{id}"))])
        .await;
    assert_eq!(trusted.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.comment_column(id, "status").await.as_deref(),
        Some("approved")
    );
    // Trust skips even the hold rules an author who is merely known still meets (links).
    let second = app.post(json!({"site": "first", "uri": "/t/", "body": "see https://a.example and https://b.example", "author": {"name": "Ada", "email": "ada@example.org"}}), Some(credential)).await;
    let second: Value = second.json().await.unwrap();
    assert_eq!(second["comment"]["status"], "approved");
    app.stop().await;
}

async fn threads_close_by_themselves_after_the_configured_days(engine: Engine) {
    let app = app(engine).await;
    post_and_inspect(&app, guest("closing", "/old/", "early words")).await;
    assert_eq!(
        app.thread("closing", "/old/", None).await["thread"]["locked"],
        false
    );
    app.execute("UPDATE threads SET created_at = 0 WHERE uri = '/old/'")
        .await;
    let late = app
        .post(guest("closing", "/old/", "late words"), None)
        .await;
    assert_eq!(
        error_code(late).await,
        (StatusCode::FORBIDDEN, "thread_locked".into())
    );
    assert_eq!(
        app.thread("closing", "/old/", None).await["thread"]["locked"],
        true
    );
    app.stop().await;
}

on_both_engines!(a_verified_guest_with_an_approved_comment_is_known_to_first_time_moderation);

async fn a_verified_guest_with_an_approved_comment_is_known_to_first_time_moderation(
    engine: Engine,
) {
    let app = app(engine).await;
    let response = app
        .post(guest("first", "/v/", "my first comment"), None)
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let first: Value = response.json().await.unwrap();
    assert_eq!(first["comment"]["status"], "pending");
    let adas_browser = first["credential"].as_str().unwrap().to_string();
    let id = first["comment"]["id"].as_i64().unwrap();
    let moderator = Admin::sign_in(&app, "mia", Role::Moderator, &["first"]).await;
    let approved = moderator
        .post("/admin/act", &[("act", &format!("approve:{id}"))])
        .await;
    assert_eq!(approved.status(), StatusCode::SEE_OTHER);
    // An approved comment with the address is not enough: anyone can type ada@example.org.
    let unverified = post_and_inspect(&app, guest("first", "/v/", "typed address only")).await;
    assert_eq!(unverified.1.as_deref(), Some("pending"));
    // Nor is the address verified by someone else's link: the proof is the browser's own.
    app.execute("INSERT INTO verified_emails (email, verified_at) VALUES ('ada@example.org', 0)")
        .await;
    let elsewhere = post_and_inspect(&app, guest("first", "/v/", "verified elsewhere")).await;
    assert_eq!(elsewhere.1.as_deref(), Some("pending"));
    // Ada's own browser, whose comment was approved, is known.
    let response = app
        .post(
            guest("first", "/v/", "from my own browser"),
            Some(&adas_browser),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let own: Value = response.json().await.unwrap();
    assert_eq!(own["comment"]["status"], "approved");
    app.stop().await;
}
