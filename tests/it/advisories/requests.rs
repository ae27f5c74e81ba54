//! Findings 3, 4, 5, 6 and 11: what a request may carry, and what it may cost.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::{Engine, LIMITS, TestApp, on_both_engines};

on_both_engines!(
    a_page_address_cannot_point_mail_links_elsewhere,
    unknown_and_oversized_page_addresses_cost_no_memory,
    the_admin_login_throttle_counts_the_name_looked_up_and_ipv6_by_64,
    a_junk_forwarded_hop_does_not_reset_a_clients_limit,
    the_small_findings_stay_fixed,
);

/// Audit finding 3 (Remark42 class: attacker-chosen links in moderator mail): the posted `uri`
/// could be any string and was glued after the site's origin, so `@evil.example/post-1/` or
/// `.evil.example/x` made the real sender mail a link to another host.
async fn a_page_address_cannot_point_mail_links_elsewhere(engine: Engine) {
    let app = TestApp::start(engine).await;
    for hostile in [
        "https://evil.example/replybox/login",
        "@evil.example/post-1/",
        ".evil.example/x",
        "//evil.example/x",
        "/\\evil.example/x",
        "http://blog.test@evil.example/",
        "javascript:alert(1)",
        "post-1",
    ] {
        let posted = app
            .post(
                json!({"site": "open", "uri": hostile, "body": "hi", "author": {"name": "Eve"}}),
                None,
            )
            .await;
        assert_eq!(
            crate::support::error_code(posted).await,
            (StatusCode::UNPROCESSABLE_ENTITY, "invalid_uri".to_string()),
            "{hostile}"
        );
    }
    assert_eq!(app.count_rows("comments").await, 0);
    // A path, and an absolute address on the site's own origin, are pages.
    for fine in ["/post-1/", "http://blog.test/post-2/"] {
        let posted = app
            .post(
                json!({"site": "open", "uri": fine, "body": "hi", "author": {"name": "Ada"}}),
                None,
            )
            .await;
        assert_eq!(posted.status(), StatusCode::CREATED, "{fine}");
    }
}

/// Audit finding 5: `GET /api/comments` took a 65 KB `uri` and cached even empty threads, and
/// expired entries were swept only at 50,000: 1,500 requests took the process from 20 to 220 MB.
async fn unknown_and_oversized_page_addresses_cost_no_memory(engine: Engine) {
    let app = TestApp::start(engine).await;
    let huge = format!("/{}", "x".repeat(65_000));
    let response = app
        .client
        .get(app.url("/api/comments"))
        .query(&[("site", "open"), ("uri", huge.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(
        crate::support::error_code(response).await,
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_uri".to_string())
    );
    for i in 0..50 {
        let thread = app
            .thread("open", &format!("/nobody-commented-{i}/"), None)
            .await;
        assert_eq!(thread["comments"], json!([]));
    }
    assert_eq!(
        app.state.caches.threads.size(),
        (0, 0),
        "unknown pages are not kept"
    );
    // A page with a thread is cached (the sweep of expired entries is src/cache.rs's test).
    let posted = app
        .post(
            json!({"site": "open", "uri": "/real/", "body": "hi", "author": {"name": "Ada"}}),
            None,
        )
        .await;
    assert_eq!(posted.status(), StatusCode::CREATED);
    app.thread("open", "/real/", None).await;
    assert_eq!(app.state.caches.threads.size().0, 1);
}

/// Audit finding 4: the login throttle keyed the name as typed, the lookup trimmed it, so
/// `" root"`, `"root "` and `"\troot"` each got a fresh budget of guesses; and single IPv6
/// addresses were counted, so one /64 had unlimited guesses.
async fn the_admin_login_throttle_counts_the_name_looked_up_and_ipv6_by_64(engine: Engine) {
    use replybox::admin::accounts::{self, Role};
    let config = format!(
        "[server]\ntrusted_proxies = [\"127.0.0.1/32\"]\n{LIMITS}{}",
        crate::support::SITES
    );
    let app = TestApp::with_config(engine, &config).await;
    accounts::add(
        &app.state.db,
        "root",
        "right-password-123".into(),
        Role::Admin,
        &[],
    )
    .await
    .unwrap();
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let attempt = |from: String, name: &'static str, password: &'static str| {
        client
            .post(app.url("/admin/login"))
            .header("X-Forwarded-For", from)
            .form(&[("name", name), ("password", password)])
            .send()
    };
    // Each guess from a fresh address: the name's own budget runs out.
    let mut statuses = Vec::new();
    for n in 1..=6 {
        statuses.push(
            attempt(format!("198.51.100.{n}"), "root", "guess")
                .await
                .unwrap()
                .status(),
        );
    }
    assert_eq!(
        statuses.last(),
        Some(&StatusCode::TOO_MANY_REQUESTS),
        "{statuses:?}"
    );
    for (n, disguised) in [" root", "root ", "\troot", "  root"]
        .into_iter()
        .enumerate()
    {
        let response = attempt(format!("198.51.100.{}", 20 + n), disguised, "guess")
            .await
            .unwrap();
        assert_eq!(
            response.status(),
            StatusCode::TOO_MANY_REQUESTS,
            "{disguised:?}"
        );
    }
    let right = attempt("198.51.100.30".into(), "   root", "right-password-123")
        .await
        .unwrap();
    assert_eq!(right.status(), StatusCode::TOO_MANY_REQUESTS);

    // Addresses of one IPv6 /64 share one budget, whatever names they try.
    let names = ["a1", "a2", "a3", "a4", "a5", "a6"];
    let mut statuses = Vec::new();
    for (n, name) in names.into_iter().enumerate() {
        let from = format!("2001:db8:7:7::{:x}", n + 1);
        statuses.push(attempt(from, name, "guess").await.unwrap().status());
    }
    assert_eq!(
        statuses.last(),
        Some(&StatusCode::TOO_MANY_REQUESTS),
        "{statuses:?}"
    );
    let other_network = attempt("2001:db8:7:8::1".into(), "a7", "guess")
        .await
        .unwrap();
    assert_eq!(other_network.status(), StatusCode::UNAUTHORIZED);
}

/// Audit finding 6 (Remark42 class: `X-Forwarded-For` spoofing past limits): one unparsable hop
/// discarded the whole header, so `junk, 198.51.100.7` counted as the proxy and the client got
/// a fresh budget (and escaped address bans).
async fn a_junk_forwarded_hop_does_not_reset_a_clients_limit(engine: Engine) {
    let config = format!(
        "[server]\ntrusted_proxies = [\"127.0.0.1/32\"]\n[limits]\nwrites_per_minute = 3\nwrite_burst = 3\n{}",
        crate::support::SITES
    );
    let app = TestApp::with_config(engine, &config).await;
    let post = |n: usize, xff: &'static str| {
        app.client
            .post(app.url("/api/comments"))
            .header("Origin", crate::support::BLOG)
            .header("X-Forwarded-For", xff)
            .json(&json!({"site": "open", "uri": "/xff/", "body": format!("comment {n}"), "author": {"name": "Flooder"}}))
            .send()
    };
    for n in 0..3 {
        assert_eq!(
            post(n, "198.51.100.7").await.unwrap().status(),
            StatusCode::CREATED
        );
    }
    for (n, xff) in [
        "198.51.100.7",
        "junk, 198.51.100.7",
        "6.6.6.6, junk, 198.51.100.7",
    ]
    .into_iter()
    .enumerate()
    {
        let response = post(10 + n, xff).await.unwrap();
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS, "{xff}");
    }
    assert_eq!(app.count_rows("comments").await, 3);
}

/// Audit finding 11 (info): a body of only NULs was stored empty; replying to someone else's
/// pending comment was accepted; `/metrics` was public; `/admin/login` took a cross-site form.
async fn the_small_findings_stay_fixed(engine: Engine) {
    let app = TestApp::start(engine).await;
    let nul = app
        .post(
            json!({"site": "open", "uri": "/small/", "body": "\u{0000}\u{0000} ", "author": {"name": "Ada"}}),
            None,
        )
        .await;
    assert_eq!(
        crate::support::error_code(nul).await,
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            "comment_empty".to_string()
        )
    );

    // Held comments may be answered by their own author, not by a stranger.
    let held = app
        .post(
            json!({"site": "held", "uri": "/small/", "body": "first", "author": {"name": "Ada", "email": "ada@example.org"}}),
            None,
        )
        .await;
    let held: Value = held.json().await.unwrap();
    let parent = held["comment"]["id"].as_i64().unwrap();
    let adas = held["credential"].as_str().unwrap().to_string();
    let reply = |credential: Option<String>| {
        let app = &app;
        async move {
            app.post(
                json!({"site": "held", "uri": "/small/", "parent": parent, "body": "a reply", "author": {"name": "Bob", "email": "bob@example.org"}}),
                credential.as_deref(),
            )
            .await
        }
    };
    assert_eq!(
        crate::support::error_code(reply(None).await).await,
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_parent".to_string()
        )
    );
    assert_eq!(reply(Some(adas)).await.status(), StatusCode::CREATED);

    // Metrics answer a scraper beside replybox, not a client behind the proxy.
    let local = app.get("/metrics").await;
    assert_eq!(local.status(), StatusCode::OK);
    let behind_proxy = TestApp::with_config(
        engine,
        &format!(
            "[server]\ntrusted_proxies = [\"127.0.0.1/32\"]\n{}",
            crate::support::SITES
        ),
    )
    .await;
    let public = behind_proxy
        .client
        .get(behind_proxy.url("/metrics"))
        .header("X-Forwarded-For", "198.51.100.7")
        .send()
        .await
        .unwrap();
    assert_eq!(public.status(), StatusCode::NOT_FOUND);

    // A login form posted from another site is refused before any password check.
    let cross_site = app
        .client
        .post(app.url("/admin/login"))
        .header("Origin", "http://evil.test")
        .form(&[("name", "alice"), ("password", "guess")])
        .send()
        .await
        .unwrap();
    assert_eq!(cross_site.status(), StatusCode::FORBIDDEN);
    let same_site = app
        .client
        .post(app.url("/admin/login"))
        .header("Origin", app.url(""))
        .form(&[("name", "alice"), ("password", "guess")])
        .send()
        .await
        .unwrap();
    assert_eq!(same_site.status(), StatusCode::UNAUTHORIZED);
}
