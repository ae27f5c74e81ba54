//! Readers report published comments: once each, for a reason, rate-limited like posting; three
//! readers on three networks send a comment back to Pending ("reported by 3 readers"), and
//! moderators see the reports on the card, dismiss them or approve the comment again. A report
//! reaches webhooks, and a hold by reports alerts the site's moderators by mail.

use replybox::admin::accounts::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::admin::Admin;
use crate::smtp::Smtp;
use crate::support::{BLOG, Engine, TestApp, error_code, on_both_engines};
use crate::webhooks::receiver::Receiver;

mod refusals;

on_both_engines!(
    readers_on_three_networks_send_a_comment_back_to_pending_and_a_moderator_decides,
    reporting_is_rate_limited_per_client,
    a_report_reaches_webhooks_and_a_hold_by_reports_alerts_the_moderators,
);

/// Clients are told apart by `X-Forwarded-For` from the trusted proxy (the test itself).
pub fn config(limits: &str, extra_site: &str) -> String {
    format!(
        r#"[server]
trusted_proxies = ["127.0.0.1/32"]
{limits}
[[sites]]
id = "open"
name = "Open blog"
origins = ["{BLOG}"]
moderation = "none"
min_seconds_to_write = 0
{extra_site}
"#
    )
}

pub const GENEROUS: &str = "[limits]\nreads_per_minute = 100000\nread_burst = 10000\nwrites_per_minute = 10000\nwrite_burst = 10000\n";

/// A report from a client at `from`, with or without a credential.
async fn report(
    app: &TestApp,
    id: i64,
    reason: &str,
    credential: Option<&str>,
    from: &str,
) -> reqwest::Response {
    let mut request = app
        .client
        .post(app.url(&format!("/api/comments/{id}/flags")))
        .header("Origin", BLOG)
        .header("X-Forwarded-For", from)
        .json(&json!({ "reason": reason }));
    if let Some(token) = credential {
        request = request.bearer_auth(token);
    }
    request.send().await.unwrap()
}

/// A report that must be recorded; returns the credential the browser now holds.
async fn reported(
    app: &TestApp,
    id: i64,
    reason: &str,
    credential: Option<&str>,
    from: &str,
) -> String {
    let response = report(app, id, reason, credential, from).await;
    assert_eq!(response.status(), StatusCode::CREATED, "report from {from}");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["reported"], true);
    match credential {
        Some(token) => {
            assert!(
                body.get("credential").is_none(),
                "no new credential for a browser that has one"
            );
            token.to_string()
        }
        None => body["credential"]
            .as_str()
            .expect("a credential for a new browser")
            .to_string(),
    }
}

async fn public_ids(app: &TestApp, uri: &str) -> Vec<i64> {
    app.thread("open", uri, None).await["comments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_i64().unwrap())
        .collect()
}

async fn readers_on_three_networks_send_a_comment_back_to_pending_and_a_moderator_decides(
    engine: Engine,
) {
    let app = TestApp::with_config(engine, &config(GENEROUS, "")).await;
    let posted: Value = app
        .post(json!({"site": "open", "uri": "/story/", "body": "A comment some dislike", "author": {"name": "Ada", "email": "ada@example.org"}}), None)
        .await
        .json()
        .await
        .unwrap();
    let id = posted["comment"]["id"].as_i64().unwrap();
    let author = posted["credential"].as_str().unwrap().to_string();
    assert_eq!(public_ids(&app, "/story/").await, vec![id]);

    let first = reported(&app, id, "spam", None, "198.51.100.1").await;
    let again = report(&app, id, "abuse", Some(&first), "198.51.100.1").await;
    assert_eq!(
        error_code(again).await,
        (StatusCode::CONFLICT, "already_reported".into())
    );
    // A second browser on the same network is one more report, not one more reader.
    reported(&app, id, "spam", None, "198.51.100.1").await;
    reported(&app, id, "abuse", None, "203.0.113.7").await;
    assert_eq!(
        public_ids(&app, "/story/").await,
        vec![id],
        "two networks are not enough"
    );
    assert_eq!(app.comment_column(id, "status").await.unwrap(), "approved");

    reported(&app, id, "off_topic", None, "2001:db8:7::1").await;
    assert_eq!(
        public_ids(&app, "/story/").await,
        Vec::<i64>::new(),
        "it left the public thread"
    );
    assert_eq!(app.comment_column(id, "status").await.unwrap(), "pending");
    assert_eq!(
        app.comment_column(id, "reason").await.unwrap(),
        "reported by 3 readers"
    );
    let mine = app.thread("open", "/story/", Some(&author)).await;
    assert_eq!(
        mine["comments"][0]["status"], "pending",
        "its author still sees it, as pending"
    );
    let late = report(&app, id, "spam", None, "192.0.2.50").await;
    assert_eq!(
        error_code(late).await,
        (StatusCode::NOT_FOUND, "not_found".into()),
        "only public comments are reported"
    );
    assert_eq!(
        app.inspector.count("SELECT COUNT(*) FROM moderation_events WHERE actor = 'readers' AND action = 'hold_reported'").await,
        1
    );

    // The moderator sees why, and what readers said.
    let admin = Admin::sign_in(&app, "mia", Role::Admin, &[]).await;
    let queue = admin.page("/admin?status=pending").await;
    assert!(
        queue.contains("Held because: <strong>reported by 3 readers</strong>"),
        "{queue}"
    );
    assert!(
        queue.contains("Open reports (4): <strong>spam ×2, abuse, off-topic</strong>"),
        "{queue}"
    );
    assert!(queue.contains(&format!("value=\"dismiss:{id}\"")));
    let approve = admin
        .post("/admin/act", &[("act", &format!("approve:{id}"))])
        .await;
    assert_eq!(approve.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        public_ids(&app, "/story/").await,
        vec![id],
        "approved again"
    );
    // The judged reports are closed: a new one starts from one.
    let next = reported(&app, id, "abuse", None, "192.0.2.60").await;
    assert_eq!(app.comment_column(id, "status").await.unwrap(), "approved");
    let card = admin.page(&format!("/admin/comments/{id}")).await;
    assert!(
        card.contains("Open reports (1): <strong>abuse</strong>"),
        "{card}"
    );
    let dismiss = admin
        .post("/admin/act", &[("act", &format!("dismiss:{id}"))])
        .await;
    assert_eq!(dismiss.status(), StatusCode::SEE_OTHER);
    let card = admin.page(&format!("/admin/comments/{id}")).await;
    assert!(!card.contains("Open reports"), "dismissed");
    assert!(!card.contains("dismiss:"), "nothing left to dismiss");
    let audit = admin.page("/admin/audit").await;
    assert!(
        audit.contains("dismiss_reports") && audit.contains("hold_reported"),
        "{audit}"
    );
    // Dismissed is not forgotten: the same reader cannot report it again.
    let again = report(&app, id, "abuse", Some(&next), "192.0.2.60").await;
    assert_eq!(
        error_code(again).await,
        (StatusCode::CONFLICT, "already_reported".into())
    );
}

async fn reporting_is_rate_limited_per_client(engine: Engine) {
    let limits = "[limits]\nreads_per_minute = 100000\nread_burst = 10000\nwrites_per_minute = 2\nwrite_burst = 3\n";
    let app = TestApp::with_config(engine, &config(limits, "")).await;
    let mut ids = Vec::new();
    for (n, from) in ["192.0.2.1", "192.0.2.2", "192.0.2.3", "192.0.2.4"]
        .into_iter()
        .enumerate()
    {
        let response = app
            .client
            .post(app.url("/api/comments"))
            .header("Origin", BLOG)
            .header("X-Forwarded-For", from)
            .json(&json!({"site": "open", "uri": "/p/", "body": format!("comment {n}"), "author": {"name": "Ada", "email": "ada@example.org"}}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::CREATED);
        ids.push(
            response.json::<Value>().await.unwrap()["comment"]["id"]
                .as_i64()
                .unwrap(),
        );
    }
    let mut credential: Option<String> = None;
    for id in &ids[..3] {
        credential = Some(reported(&app, *id, "spam", credential.as_deref(), "198.51.100.9").await);
    }
    let flood = report(&app, ids[3], "spam", credential.as_deref(), "198.51.100.9").await;
    assert!(flood.headers().contains_key("retry-after"));
    assert_eq!(
        error_code(flood).await,
        (StatusCode::TOO_MANY_REQUESTS, "rate_limited".into())
    );
    assert_eq!(app.count_rows("flags").await, 3);
    // Reports are counted apart from comments: the same client may still post.
    let post = app
        .client
        .post(app.url("/api/comments"))
        .header("Origin", BLOG)
        .header("X-Forwarded-For", "198.51.100.9")
        .json(&json!({"site": "open", "uri": "/p/", "body": "still here", "author": {"name": "Bo", "email": "bo@example.org"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(post.status(), StatusCode::CREATED);
}

async fn a_report_reaches_webhooks_and_a_hold_by_reports_alerts_the_moderators(engine: Engine) {
    let receiver = Receiver::start().await;
    let mut smtp = Smtp::reserve();
    smtp.start();
    let site = format!(
        "notify = [\"mod@example.org\"]\nflags_to_hold = 2\n[[sites.webhooks]]\nurl = \"{}\"\nsecret = \"{}\"\nevents = [\"flagged\"]\n",
        receiver.url("/hook"),
        crate::webhooks::SECRET
    );
    let toml = format!(
        "{}{}{}",
        crate::webhooks::ALLOW_LOOPBACK,
        smtp.config(),
        config(GENEROUS, &site)
    );
    let app = TestApp::with_config(engine, &toml).await;
    let id = app
        .post_as_guest("open", "/p/", None, "reported words", "Ada")
        .await["comment"]["id"]
        .as_i64()
        .unwrap();
    reported(&app, id, "spam", None, "198.51.100.1").await;
    reported(&app, id, "abuse", None, "198.51.100.2").await;
    let hooks = receiver.wait_for(2).await;
    for hook in &hooks {
        assert_eq!(hook.header("x-replybox-event"), "flagged");
        assert!(hook.signature_is_valid(crate::webhooks::SECRET));
        let body = hook.json();
        assert_eq!(body["comment"]["id"], id);
        assert!(
            !hook.body.contains("198.51.100"),
            "no reporter address in the payload"
        );
    }
    assert_eq!(
        hooks[1].json()["comment"]["status"],
        "pending",
        "the second report held it"
    );
    let alert = smtp.wait_for("mod@example.org", "Held comment by").await;
    assert!(
        alert.text.contains("reported by 2 readers"),
        "{}",
        alert.text
    );
}
