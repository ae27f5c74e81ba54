//! Mail through a real SMTP server (aiosmtpd, tests/smtp/server.py) that writes every message it
//! accepts to a folder: moderator alerts with one-click actions, guest verification, reply
//! notifications with one-click unsubscribe, and nothing lost while the server is down.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::smtp::Smtp;
use crate::support::{Engine, LIMITS, TestApp, on_both_engines, path_of};

on_both_engines!(
    a_moderator_acts_on_a_held_comment_from_the_alert_mail,
    a_subscriber_verifies_gets_a_reply_and_unsubscribes_in_one_click,
    mail_waits_while_the_smtp_server_is_down_and_goes_out_after_a_restart,
    without_smtp_nothing_is_queued_and_the_admin_page_says_so,
);

const SITES: &str = r#"
[[sites]]
id = "held"
name = "Held blog"
origins = ["http://blog.test"]
moderation = "all"
notify = ["mod@example.org"]
min_seconds_to_write = 0

[[sites]]
id = "open"
name = "Open blog"
origins = ["http://blog.test"]
moderation = "none"
guest_email = "optional"
min_seconds_to_write = 0
"#;

async fn a_moderator_acts_on_a_held_comment_from_the_alert_mail(engine: Engine) {
    let mut smtp = Smtp::reserve();
    smtp.start();
    let app = TestApp::with_config(engine, &format!("{LIMITS}{}{SITES}", smtp.config())).await;
    let hostile_name = "Eve <script>alert(1)</script>";
    let created: Value = app
        .post(json!({"site": "held", "uri": "/post/", "body": "Hi <img src=x onerror=alert(1)> & welcome", "author": {"name": hostile_name, "email": "eve@example.org"}}), None)
        .await
        .json()
        .await
        .unwrap();
    let id = created["comment"]["id"].as_i64().unwrap();

    let alert = smtp.wait_for("mod@example.org", "Held comment by").await;
    assert!(
        alert
            .text
            .contains("Hi <img src=x onerror=alert(1)> & welcome"),
        "the comment as text: {}",
        alert.text
    );
    assert!(alert.text.contains("Held because: site_holds_all"));
    let permalink = format!("http://blog.test/post/#comment-{id}");
    assert!(
        alert.text.contains(&format!("On the page: {permalink}"))
            && alert.html.contains(&format!("href=\"{permalink}\"")),
        "the alert links to the comment on its page: {}",
        alert.text
    );
    assert!(
        alert
            .html
            .contains("Eve &lt;script&gt;alert(1)&lt;/script&gt;"),
        "escaped name: {}",
        alert.html
    );
    assert!(
        alert
            .html
            .contains("&lt;img src=x onerror=alert(1)&gt; &amp; welcome")
    );
    assert!(
        !alert.html.contains("<script") && !alert.html.contains("<img"),
        "nothing hostile in the HTML: {}",
        alert.html
    );
    assert!(!alert.html.contains("src=\"http"), "no remote images");

    let approve = path_of(&alert.link("/mail/act/"));
    // A mail scanner fetching the link changes nothing.
    let preview = app.get(&approve).await;
    assert_eq!(preview.status(), StatusCode::OK);
    assert!(preview.text().await.unwrap().contains("Approve?"));
    assert_eq!(
        app.comment_column(id, "status").await.as_deref(),
        Some("pending")
    );
    // The button's POST approves.
    let done = app.client.post(app.url(&approve)).send().await.unwrap();
    assert_eq!(done.status(), StatusCode::OK);
    assert_eq!(
        app.comment_column(id, "status").await.as_deref(),
        Some("approved")
    );
    assert_eq!(
        app.thread("held", "/post/", None).await["comments"][0]["id"],
        id
    );
    // The same link again is refused, plainly.
    let again = app.client.post(app.url(&approve)).send().await.unwrap();
    assert_eq!(again.status(), StatusCode::GONE);
    assert!(again.text().await.unwrap().contains("already used"));
    // A forged signature is not a link at all.
    let last = if approve.ends_with('0') { '1' } else { '0' };
    let forged = format!("{}{last}", &approve[..approve.len() - 1]);
    assert_eq!(
        app.client
            .get(app.url(&forged))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );
    // An expired link is refused and changes nothing.
    app.execute("UPDATE action_links SET expires_at = 1 WHERE action = 'reject'")
        .await;
    let reject = path_of(
        alert
            .text
            .lines()
            .find(|l| l.starts_with("Reject:"))
            .unwrap()
            .trim_start_matches("Reject:")
            .trim(),
    );
    let expired = app.client.post(app.url(&reject)).send().await.unwrap();
    assert_eq!(expired.status(), StatusCode::GONE);
    assert!(expired.text().await.unwrap().contains("expired"));
    assert_eq!(
        app.comment_column(id, "status").await.as_deref(),
        Some("approved")
    );
    // The action is in the audit log, by mail.
    let actor: Option<String> = app.comment_column(id, "(SELECT actor FROM moderation_events WHERE comment_id = comments.id AND action = 'approve')").await;
    assert_eq!(actor.as_deref(), Some("email:mod@example.org"));
    app.stop().await;
}

async fn a_subscriber_verifies_gets_a_reply_and_unsubscribes_in_one_click(engine: Engine) {
    let mut smtp = Smtp::reserve();
    smtp.start();
    let app = TestApp::with_config(engine, &format!("{LIMITS}{}{SITES}", smtp.config())).await;
    let first: Value = app
        .post(json!({"site": "open", "uri": "/talk/", "body": "My secret first comment", "notify_replies": true,
                     "author": {"name": "Sub", "email": "Sub@Example.org", "url": "https://spam.example/buy"}}), None)
        .await
        .json()
        .await
        .unwrap();
    let parent = first["comment"]["id"].as_i64().unwrap();
    let verification = smtp
        .wait_for("sub@example.org", "Confirm your email address")
        .await;
    assert!(
        !verification.text.contains("secret") && !verification.html.contains("secret"),
        "no comment text in a verification mail"
    );
    assert!(
        !verification.text.contains("spam.example") && !verification.html.contains("spam.example"),
        "no link the guest chose"
    );
    let verify = path_of(&verification.link("/mail/verify/"));
    assert_eq!(
        app.client
            .get(app.url(&verify))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
    assert_eq!(
        app.count_rows("verified_emails").await,
        0,
        "a GET verifies nothing"
    );
    let verified = app.client.post(app.url(&verify)).send().await.unwrap();
    assert_eq!(verified.status(), StatusCode::OK);
    assert_eq!(app.count_rows("verified_emails").await, 1);
    assert_eq!(
        app.client
            .post(app.url(&verify))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::GONE,
        "single use"
    );

    let reply: Value = app.post(json!({"site": "open", "uri": "/talk/", "parent": parent, "body": "A reply for you", "author": {"name": "Replier", "email": "r@example.org"}}), None).await.json().await.unwrap();
    let notification = smtp
        .wait_for("sub@example.org", "New comment by Replier")
        .await;
    assert!(notification.text.contains("A reply for you"));
    let permalink = format!("http://blog.test/talk/#comment-{}", reply["comment"]["id"]);
    assert!(
        notification.text.contains(&format!("Read it: {permalink}")),
        "the notification links to the reply on its page: {}",
        notification.text
    );
    let unsubscribe_header = notification.header("List-Unsubscribe");
    assert!(
        unsubscribe_header.starts_with("<http")
            && unsubscribe_header.contains("/mail/unsubscribe/"),
        "{unsubscribe_header}"
    );
    assert_eq!(
        notification.header("List-Unsubscribe-Post"),
        "List-Unsubscribe=One-Click"
    );

    // RFC 8058: the mail client POSTs `List-Unsubscribe=One-Click` to the header's URL.
    let url = path_of(
        unsubscribe_header
            .trim_start_matches('<')
            .trim_end_matches('>'),
    );
    let one_click = app
        .client
        .post(app.url(&url))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .unwrap();
    assert_eq!(one_click.status(), StatusCode::OK);
    assert_eq!(app.count_rows("subscriptions").await, 0);
    let to_subscriber = "outbox WHERE recipient = 'sub@example.org'";
    let before = app.count_rows(to_subscriber).await;
    let another = app.post(json!({"site": "open", "uri": "/talk/", "parent": parent, "body": "Another reply", "author": {"name": "Replier", "email": "r@example.org"}}), None).await;
    assert_eq!(another.status(), StatusCode::CREATED);
    // The worker takes events in order: once a later comment's alert has arrived, the reply
    // before it has been fanned out, and it queued nothing for the unsubscribed reader.
    let later = app.post(json!({"site": "held", "uri": "/talk/", "body": "A later comment", "author": {"name": "Marker", "email": "m@example.org"}}), None).await;
    assert_eq!(later.status(), StatusCode::CREATED);
    smtp.wait_for("mod@example.org", "Held comment by Marker")
        .await;
    assert_eq!(
        app.count_rows(to_subscriber).await,
        before,
        "no more mail after unsubscribing"
    );
    assert!(
        !smtp
            .messages()
            .iter()
            .any(|m| m.text.contains("Another reply")),
        "no more mail after unsubscribing"
    );
    app.stop().await;
}

async fn mail_waits_while_the_smtp_server_is_down_and_goes_out_after_a_restart(engine: Engine) {
    let mut smtp = Smtp::reserve();
    let app = TestApp::with_config(engine, &format!("{LIMITS}{}{SITES}", smtp.config())).await;
    let response = app.post(json!({"site": "held", "uri": "/down/", "body": "Posted while mail is down", "author": {"name": "Ada", "email": "ada@example.org"}}), None).await;
    assert_eq!(
        response.status(),
        StatusCode::CREATED,
        "comments are accepted while the SMTP server is down"
    );
    let started = Instant::now();
    while app.count_rows("outbox WHERE attempts > 0").await == 0 {
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "the worker tried to send"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        app.count_rows("outbox WHERE sent_at IS NULL").await,
        1,
        "the alert waits in the outbox"
    );

    let app = app.restart().await;
    smtp.start();
    let alert = smtp
        .wait_for("mod@example.org", "Held comment by Ada")
        .await;
    assert!(alert.text.contains("Posted while mail is down"));
    // The server has the mail; the worker marks it sent right after the server's answer.
    let delivered = Instant::now();
    while app.count_rows("outbox WHERE sent_at IS NULL").await != 0 {
        assert!(
            delivered.elapsed() < Duration::from_secs(10),
            "the delivered alert is marked sent"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    app.stop().await;
}

async fn without_smtp_nothing_is_queued_and_the_admin_page_says_so(engine: Engine) {
    let app = TestApp::start(engine).await;
    app.post(json!({"site": "held", "uri": "/quiet/", "body": "no mail", "notify_replies": true, "author": {"name": "Ada", "email": "ada@example.org"}}), None).await;
    assert_eq!(app.count_rows("events").await, 0);
    assert_eq!(app.count_rows("outbox").await, 0);
    replybox::admin::accounts::add(
        &app.state.db,
        "alice",
        "correct horse battery".into(),
        replybox::admin::accounts::Role::Admin,
        &[],
    )
    .await
    .unwrap();
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    client
        .post(app.url("/admin/login"))
        .form(&[("name", "alice"), ("password", "correct horse battery")])
        .send()
        .await
        .unwrap();
    let queue = client
        .get(app.url("/admin"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(queue.contains("Mail is off"), "{queue}");
    app.stop().await;
}
