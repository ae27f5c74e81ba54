//! Webhooks heard by a real HTTP receiver on loopback ([`receiver`]): a held comment arrives
//! signed and without anything that would let the receiver act or identify (email, address,
//! links), moderators' actions follow; failures are retried, survive a restart, and go once
//! with two instances on one database; loopback targets are refused unless allowed, with no
//! connection made; chat shapes cannot be turned against their channel; a bad URL stops start-up.

use replybox::admin::accounts::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::admin::Admin;
use crate::support::{Engine, LIMITS, TestApp, on_both_engines};
use receiver::Receiver;

mod chat;
mod config_errors;
mod delivery;
pub mod receiver;

on_both_engines!(a_held_comment_arrives_signed_and_carries_no_capability_then_moderation_follows);

/// The secret every story signs with.
pub const SECRET: &str = "test-secret-0123456789";

/// The loopback receiver is allowed; attempts time out quickly.
pub const ALLOW_LOOPBACK: &str = "[webhooks]\nallow_private_addresses = true\ntimeout_secs = 2\n";

/// A site (moderation as given) with the extra `[[sites.webhooks]]` lines.
pub fn site(id: &str, moderation: &str, webhooks: &str) -> String {
    format!(
        "[[sites]]\nid = \"{id}\"\nname = \"Blog {id}\"\norigins = [\"http://blog.test\"]\nmoderation = \"{moderation}\"\nmin_seconds_to_write = 0\n{webhooks}"
    )
}

/// One `[[sites.webhooks]]` table.
pub fn hook(url: &str, extra: &str) -> String {
    format!("[[sites.webhooks]]\nurl = \"{url}\"\n{extra}\n")
}

/// Posts a guest comment with an email address and returns its id.
pub async fn post(app: &TestApp, site: &str, name: &str, body: &str) -> i64 {
    let response = app
        .post(json!({"site": site, "uri": "/post/", "body": body,
                     "author": {"name": name, "email": "eve@example.org", "url": "https://eve.example/"}}), None)
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let created: Value = response.json().await.unwrap();
    created["comment"]["id"].as_i64().unwrap()
}

/// Waits until a count from the database reaches `n` (what the worker wrote), at most 20 s.
pub async fn wait_for_rows(app: &TestApp, sql: &str, n: i64) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let count = app.inspector.count(sql).await;
        if count >= n {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "{sql}: {count}, expected {n}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

async fn a_held_comment_arrives_signed_and_carries_no_capability_then_moderation_follows(
    engine: Engine,
) {
    let receiver = Receiver::start().await;
    let secret = format!("secret = \"{SECRET}\"");
    let hooks = format!(
        "{}{}",
        hook(&receiver.url("/all"), &secret),
        hook(
            &receiver.url("/approvals"),
            &format!("{secret}\nevents = [\"approved\"]")
        )
    );
    let app = TestApp::with_config(
        engine,
        &format!("{LIMITS}{ALLOW_LOOPBACK}{}", site("held", "all", &hooks)),
    )
    .await;
    let id = post(
        &app,
        "held",
        "Eve",
        "Hello <script>alert(1)</script> **there**, see https://eve.example/buy",
    )
    .await;

    let held = receiver.wait_for(1).await.remove(0);
    assert_eq!(
        held.path, "/all",
        "only the webhook that wants held comments"
    );
    assert!(held.signature_is_valid(SECRET), "{held:?}");
    assert!(!held.signature_is_valid("another-secret-0123456789"));
    assert_eq!(held.header("x-replybox-event"), "held");
    assert_eq!(held.header("content-type"), "application/json");
    let body = held.json();
    assert_eq!(held.header("x-replybox-delivery"), body["id"]);
    assert_eq!(body["event"], "held");
    assert_eq!(body["site"], json!({"id": "held", "name": "Blog held"}));
    let comment = &body["comment"];
    assert_eq!(comment["id"], id);
    assert_eq!(comment["status"], "pending");
    assert_eq!(comment["reason"], "site_holds_all");
    assert_eq!(
        comment["page"],
        json!({"uri": "/post/", "url": "http://blog.test/post/"})
    );
    assert_eq!(
        comment["author"],
        json!({"name": "Eve", "url": "https://eve.example/", "provider": null, "moderator": false})
    );
    assert_eq!(
        comment["text"],
        "Hello <script>alert(1)</script> **there**, see https://eve.example/buy"
    );
    let html = comment["html"].as_str().unwrap();
    assert!(
        html.contains("<strong>there</strong>") && !html.contains("<script"),
        "sanitised: {html}"
    );
    assert!(comment["created"].as_str().unwrap().ends_with('Z'));
    // Nothing that identifies the author privately or lets the receiver act.
    let ip_hash = app
        .comment_column(id, "ip_hash")
        .await
        .expect("an address hash is stored");
    let credential = app
        .comment_column(
            id,
            "(SELECT token_hash FROM credentials WHERE id = comments.reader_id)",
        )
        .await
        .expect("the guest's credential");
    for secret in [
        "eve@example.org",
        "127.0.0.1",
        &ip_hash,
        &credential,
        "/mail/",
        "/admin",
        "token",
    ] {
        assert!(!held.body.contains(secret), "{secret:?} in {}", held.body);
    }

    let admin = Admin::sign_in(&app, "mod", Role::Moderator, &["held"]).await;
    let approve = admin
        .post("/admin/act", &[("act", &format!("approve:{id}"))])
        .await;
    assert_eq!(approve.status(), StatusCode::SEE_OTHER);
    let received = receiver.wait_for(3).await;
    let mut approvals: Vec<_> = received[1..].iter().map(|r| r.path.as_str()).collect();
    approvals.sort();
    assert_eq!(approvals, ["/all", "/approvals"]);
    for approval in &received[1..] {
        assert!(approval.signature_is_valid(SECRET));
        assert_eq!(approval.json()["event"], "approved");
        assert_eq!(approval.json()["comment"]["status"], "approved");
        assert_ne!(
            approval.json()["id"],
            body["id"],
            "a delivery id of its own"
        );
    }

    let delete = admin
        .post("/admin/act", &[("act", &format!("delete:{id}"))])
        .await;
    assert_eq!(delete.status(), StatusCode::SEE_OTHER);
    let deleted = receiver.wait_for(4).await.remove(3);
    assert_eq!(deleted.path, "/all");
    let deleted = deleted.json();
    assert_eq!(deleted["event"], "deleted");
    assert_eq!(deleted["comment"]["status"], "deleted");
    assert_eq!(
        deleted["comment"]["text"],
        Value::Null,
        "a deleted comment's text is not sent"
    );
    // Marked delivered once the receiver answered (a moment after it heard the request).
    wait_for_rows(
        &app,
        "SELECT COUNT(*) FROM webhook_deliveries WHERE sent_at IS NOT NULL",
        4,
    )
    .await;
    assert_eq!(app.count_rows("webhook_deliveries").await, 4);
    app.stop().await;
    receiver.stop();
}
