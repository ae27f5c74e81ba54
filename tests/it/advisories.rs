//! The attacks found against replybox itself or against its peers, one named story each, every
//! one of which failed before its fix. The doc comment of each names the finding or advisory.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::sign_in_support::{World, code_in, continue_link, error_in, location};
use crate::smtp::Smtp;
use crate::support::{Engine, LIMITS, TestApp, on_both_engines, path_of};

on_both_engines!(
    a_return_page_replybox_serves_cannot_carry_a_sign_in_code_away,
    a_crafted_full_page_sign_in_link_stops_on_a_confirmation_page,
    a_popup_code_planted_with_a_claim_is_refused,
    a_typed_address_of_a_known_guest_earns_nothing,
    a_page_address_cannot_point_mail_links_elsewhere,
    unknown_and_oversized_page_addresses_cost_no_memory,
    the_admin_login_throttle_counts_the_name_looked_up_and_ipv6_by_64,
    a_junk_forwarded_hop_does_not_reset_a_clients_limit,
    a_guest_name_cannot_hide_characters_or_pass_for_a_moderator,
    a_held_comment_does_not_name_the_thread,
    the_small_findings_stay_fixed,
);

/// Audit finding 1 (HIGH): `return` on replybox's own origin pointed at
/// `/auth/mastodon/start?instance=<attacker>`; browsers keep the fragment across redirects, so
/// the sign-in code reached the attacker, who chose the claim and knew its secret.
async fn a_return_page_replybox_serves_cannot_carry_a_sign_in_code_away(engine: Engine) {
    let world = World::start(engine, false).await;
    let claim = "a".repeat(64);
    let base = &world.base;
    for hostile in [
        format!("{base}/auth/mastodon/start?site=self-hosted&instance=http://127.0.0.1:9"),
        format!("{base}/auth/corp/start?site=self-hosted"),
        format!("{base}/mail/act/x"),
        format!("{base}/admin"),
        format!("{base}/"),
        format!("{base}/demo/../auth/corp/start"),
        format!("{base}/demo/%2e%2e/auth/corp/start"),
        "http://blog.test/auth/corp/start".to_string(),
        "http://blog.test/mail/verify/x".to_string(),
    ] {
        let response = world
            .browser()
            .get(world.url("/auth/corp/start"))
            .query(&[
                ("site", "self-hosted"),
                ("return", hostile.as_str()),
                ("claim", &claim),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{hostile}");
        assert!(response.headers().get("location").is_none(), "{hostile}");
        assert_eq!(
            error_in(&response.text().await.unwrap()).as_deref(),
            Some("invalid_return"),
            "{hostile}"
        );
    }
    // Pages of the blog, and replybox's own demo pages, are still where a reader comes back to.
    for fine in [
        format!("{base}/demo/"),
        "http://blog.test/post/1".to_string(),
    ] {
        let response = world
            .browser()
            .get(world.url("/auth/corp/start"))
            .query(&[
                ("site", "self-hosted"),
                ("return", fine.as_str()),
                ("claim", &claim),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{fine}");
        assert!(continue_link(&response.text().await.unwrap()).is_some());
    }
}

/// Audit finding 1, second half: a full-page sign-in link crafted by someone else must not be
/// one click. The first visit shows replybox's confirmation page (site, provider, return page);
/// only its "Continue" link, whose token lives in this browser's session, goes to the provider.
async fn a_crafted_full_page_sign_in_link_stops_on_a_confirmation_page(engine: Engine) {
    let world = World::start(engine, false).await;
    let claim = "b".repeat(64);
    let query = [
        ("site", "open"),
        ("return", "http://blog.test/post?x=1"),
        ("claim", claim.as_str()),
        ("login_hint", "ada"),
    ];
    let start = world.url("/auth/corp/start");

    // The attacker's own browser gets a confirmation page and its Continue link.
    let attacker = world.browser();
    let shown = attacker.get(&start).query(&query).send().await.unwrap();
    assert_eq!(shown.status(), StatusCode::OK);
    assert!(shown.headers().get("location").is_none());
    assert!(
        shown.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("frame-ancestors 'none'")
    );
    let html = shown.text().await.unwrap();
    assert!(
        html.contains("Open blog") && html.contains("Corp"),
        "{html}"
    );
    assert!(html.contains("http://blog.test/post?x=1"), "{html}");
    let attackers_link = continue_link(&html).unwrap();

    // Sent to the victim, neither the crafted link nor the attacker's Continue link (nor a
    // guessed token) goes to the provider: each only shows the victim a confirmation page.
    let victim = world.browser();
    for link in [
        reqwest::Url::parse_with_params(&start, &query).unwrap(),
        reqwest::Url::parse(&attackers_link).unwrap(),
        reqwest::Url::parse(&format!("{start}?site=open&return=http%3A%2F%2Fblog.test%2Fpost%3Fx%3D1&claim={claim}&confirm=guess")).unwrap(),
    ] {
        let response = victim.get(link.clone()).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{link}");
        assert!(response.headers().get("location").is_none(), "{link}");
    }

    // A Continue link works once, in the browser it was shown in, for the sign-in it names.
    let tampered = attackers_link.replace("x%3D1", "x%3D2");
    let response = attacker.get(&tampered).send().await.unwrap();
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "a changed return needs its own go-ahead"
    );
    let html = response.text().await.unwrap();
    let fresh = continue_link(&html).unwrap();
    let to_provider = attacker.get(&fresh).send().await.unwrap();
    assert_eq!(to_provider.status(), StatusCode::SEE_OTHER);
    assert!(
        location(&to_provider)
            .unwrap()
            .as_str()
            .starts_with(&world.provider.issuer)
    );
    let again = attacker.get(&fresh).send().await.unwrap();
    assert_eq!(again.status(), StatusCode::OK, "the token was used up");
}

/// Audit finding 7: a popup code (no claim) was accepted with any claim, so a link carrying the
/// attacker's own popup code signed the victim's widget into the attacker's account (login
/// CSRF). A claim presented for a code without one, or none for a code with one, is refused.
async fn a_popup_code_planted_with_a_claim_is_refused(engine: Engine) {
    let world = World::start(engine, false).await;
    let page = world.popup(&world.browser(), "corp", "ada").await;
    let code = code_in(&page.text().await.unwrap()).unwrap();
    let planted = world.exchange(&code, Some("whatever")).await;
    assert_eq!(planted.status(), StatusCode::BAD_REQUEST);
    let body: Value = planted.json().await.unwrap();
    assert_eq!(body["error"]["code"], json!("invalid_code"));
    // The code is burnt by the attempt.
    assert_eq!(
        world.exchange(&code, None).await.status(),
        StatusCode::BAD_REQUEST
    );
    let page = world.popup(&world.browser(), "corp", "ada").await;
    let code = code_in(&page.text().await.unwrap()).unwrap();
    assert_eq!(world.exchange(&code, None).await.status(), StatusCode::OK);
}

/// Audit finding 2 (Isso class: guest email trusted without verification): once Vera had
/// verified her address and been approved, a stranger typing `vera@example.org` skipped
/// first-time moderation and `verify_guests`, and borrowed her picture. Only the browser
/// credential that proved the address counts.
async fn a_typed_address_of_a_known_guest_earns_nothing(engine: Engine) {
    let mut smtp = Smtp::reserve();
    smtp.start();
    let sites = r#"
[[sites]]
id = "vouched"
name = "Vouched blog"
origins = ["http://blog.test"]
moderation = "first-time"
verify_guests = true
min_seconds_to_write = 0
"#;
    let app = TestApp::with_config(engine, &format!("{LIMITS}{}{sites}", smtp.config())).await;
    let vera = json!({"name": "Vera", "email": "vera@example.org"});
    let post = |body: &str, author: &Value| json!({"site": "vouched", "uri": "/post/", "body": body, "author": author});

    // Vera's first comment waits; she proves her address from her mail, a moderator approves.
    let first = app.post(post("Hello, I am Vera.", &vera), None).await;
    assert_eq!(first.status(), StatusCode::CREATED);
    let first: Value = first.json().await.unwrap();
    assert_eq!(first["comment"]["status"], "pending");
    let veras_credential = first["credential"].as_str().unwrap().to_string();
    let mail = smtp
        .wait_for("vera@example.org", "Confirm your email address")
        .await;
    let verify = path_of(&mail.link("/mail/verify/"));
    let verified = app.client.post(app.url(&verify)).send().await.unwrap();
    assert_eq!(verified.status(), StatusCode::OK);
    app.execute("UPDATE comments SET status = 'approved', reason = NULL")
        .await;

    // From her own browser she is known now: her next comment is published at once.
    let again = app
        .post(post("Vera again.", &vera), Some(&veras_credential))
        .await;
    assert_eq!(again.status(), StatusCode::CREATED);
    let again: Value = again.json().await.unwrap();
    assert_eq!(again["comment"]["status"], "approved");
    // Her picture is now the one of her proven address.
    let veras_picture = again["comment"]["author"]["avatar"].clone();
    assert_ne!(veras_picture, first["comment"]["author"]["avatar"]);

    // A stranger who types her address, with or without her name, earns none of that.
    for name in ["Totally Vera", "Vera"] {
        let stranger = json!({"name": name, "email": "vera@example.org"});
        let body = format!("{name} here: https://spam.example/win");
        let posted = app.post(post(&body, &stranger), None).await;
        assert_eq!(posted.status(), StatusCode::CREATED);
        let posted: Value = posted.json().await.unwrap();
        assert_eq!(posted["comment"]["status"], "pending", "{name}");
        assert_ne!(
            posted["comment"]["author"]["avatar"], veras_picture,
            "{name} does not get Vera's picture"
        );
        let id = posted["comment"]["id"].as_i64().unwrap();
        assert_ne!(
            app.comment_column(id, "status").await.as_deref(),
            Some("approved"),
            "{name}"
        );
    }
}

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

/// Audit finding 9: names kept zero-width and bidi characters (`"Admin\u{200b}"`,
/// `"\u{202e}evil\u{202c} moderator"`), and a guest could take a moderator's account name.
async fn a_guest_name_cannot_hide_characters_or_pass_for_a_moderator(engine: Engine) {
    use replybox::admin::accounts::{self, Role};
    let app = TestApp::start(engine).await;
    accounts::add(
        &app.state.db,
        "alice",
        "right-password-123".into(),
        Role::Admin,
        &[],
    )
    .await
    .unwrap();
    let post = |name: &str| {
        app.post(
            json!({"site": "open", "uri": "/names/", "body": format!("hi from {name}"), "author": {"name": name}}),
            None,
        )
    };
    for taken in [
        "Admin\u{200b}",
        "alice",
        "ALICE",
        "Al1ce",
        "\u{430}lice",
        "moderator",
    ] {
        assert_eq!(
            crate::support::error_code(post(taken).await).await,
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                "name_reserved".to_string()
            ),
            "{taken:?}"
        );
    }
    for (typed, shown) in [
        ("\u{202e}evil\u{202c} reader", "evil reader"),
        ("Zo\u{200d}e\u{feff}", "Zoe"),
        ("ＡＤＡ", "ADA"),
    ] {
        let response = post(typed).await;
        assert_eq!(response.status(), StatusCode::CREATED, "{typed:?}");
        let created: Value = response.json().await.unwrap();
        assert_eq!(created["comment"]["author"]["name"], shown, "{typed:?}");
    }
    let invisible = post("\u{200b}\u{3164}").await;
    assert_eq!(
        crate::support::error_code(invisible).await,
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            "name_required".to_string()
        )
    );
}

/// Audit finding 10: the thread's title came from the first submitter, even a honeypot-spam
/// one ("Scam: call +1-555-0100"), and stayed for good.
async fn a_held_comment_does_not_name_the_thread(engine: Engine) {
    let app = TestApp::start(engine).await;
    let spam = app
        .post(
            json!({"site": "open", "uri": "/titled/", "title": "Scam: call +1-555-0100", "body": "buy", "honeypot": "filled", "author": {"name": "Bot"}}),
            None,
        )
        .await;
    let status = spam.status();
    assert_eq!(
        status,
        StatusCode::CREATED,
        "{}",
        spam.text().await.unwrap()
    );
    let held = app
        .post(
            json!({"site": "held", "uri": "/titled/", "title": "Held title", "body": "wait", "author": {"name": "Ada", "email": "ada@example.org"}}),
            None,
        )
        .await;
    let status = held.status();
    assert_eq!(
        status,
        StatusCode::CREATED,
        "{}",
        held.text().await.unwrap()
    );
    assert_eq!(
        app.thread("open", "/titled/", None).await["thread"]["title"],
        Value::Null
    );
    assert_eq!(
        app.thread("held", "/titled/", None).await["thread"]["title"],
        Value::Null
    );
    let real = app
        .post(
            json!({"site": "open", "uri": "/titled/", "title": "The real post", "body": "nice", "author": {"name": "Ada"}}),
            None,
        )
        .await;
    assert_eq!(real.status(), StatusCode::CREATED);
    assert_eq!(
        app.thread("open", "/titled/", None).await["thread"]["title"],
        "The real post"
    );
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
    let local = app.client.get(app.url("/metrics")).send().await.unwrap();
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
