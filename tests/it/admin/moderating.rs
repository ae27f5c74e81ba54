//! A moderator approves, bans, trusts, edits, replies, deletes and locks from the admin pages,
//! and readers see the result.

use replybox::admin::accounts::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use super::{Admin, between, status_of};
use crate::support::{Engine, TestApp, error_code, on_both_engines};

on_both_engines!(
    a_moderator_approves_a_held_comment_and_readers_see_it,
    a_ban_from_a_card_refuses_the_authors_next_comment,
    trust_edit_reply_delete_and_lock_from_the_admin_pages,
);

async fn a_moderator_approves_a_held_comment_and_readers_see_it(engine: Engine) {
    let app = TestApp::start(engine).await;
    let held = app
        .post(json!({"site": "held", "uri": "/post/", "body": "<img src=x onerror=alert(1)> **nice**",
                     "author": {"name": "<b onmouseover=alert(1)>Eve</b>", "email": "eve@example.org"}}), None)
        .await;
    let held: Value = held.json().await.unwrap();
    let id = held["comment"]["id"].as_i64().unwrap();
    assert_eq!(
        app.thread("held", "/post/", None).await["comments"],
        json!([])
    );

    let admin = Admin::sign_in(&app, "alice", Role::Admin, &[]).await;
    let queue = admin.page("/admin").await;
    assert!(
        queue.contains("Held because: <strong>site_holds_all</strong>"),
        "{queue}"
    );
    assert!(
        queue.contains("&#60;b onmouseover=alert(1)&#62;Eve&#60;/b&#62;"),
        "the hostile name is text"
    );
    assert!(
        !queue.contains("<b onmouseover") && !queue.contains("onerror"),
        "nothing hostile survives: {queue}"
    );
    assert!(
        queue.contains("guest · eve@example.org"),
        "moderators see the email"
    );

    let approve = admin
        .post(
            "/admin/act",
            &[
                ("act", &format!("approve:{id}")),
                ("back", "/admin?status=pending"),
            ],
        )
        .await;
    assert_eq!(approve.status(), StatusCode::SEE_OTHER);
    assert_eq!(approve.headers()["location"], "/admin?status=pending");
    assert_eq!(status_of(&app, id).await, "approved");
    let public = app.thread("held", "/post/", None).await;
    assert_eq!(
        public["comments"][0]["id"], id,
        "readers see it at once (the cache was cleared)"
    );

    let audit = admin.page("/admin/audit").await;
    assert!(
        audit.contains("admin:alice")
            && audit.contains("approve")
            && audit.contains("pending → approved"),
        "{audit}"
    );
    app.stop().await;
}

async fn a_ban_from_a_card_refuses_the_authors_next_comment(engine: Engine) {
    let app = TestApp::start(engine).await;
    let first = app
        .post_as_guest("held", "/p/", None, "buy my stuff", "Spammer")
        .await;
    let id = first["comment"]["id"].as_i64().unwrap();
    let admin = Admin::sign_in(&app, "alice", Role::Admin, &[]).await;
    // A ban longer than ten years (or one whose end no clock can hold) is refused, not stored.
    for days in ["3651", "-1", "9223372036854775807"] {
        let refused = admin
            .post(
                &format!("/admin/comments/{id}/ban"),
                &[("kind", "email"), ("days", days)],
            )
            .await;
        assert_eq!(refused.status(), StatusCode::BAD_REQUEST, "{days} days");
    }
    assert_eq!(app.count_rows("bans").await, 0);
    let banned = admin
        .post(
            &format!("/admin/comments/{id}/ban"),
            &[("kind", "email"), ("days", "0"), ("and_spam", "1")],
        )
        .await;
    assert_eq!(banned.status(), StatusCode::SEE_OTHER);
    assert_eq!(status_of(&app, id).await, "spam");
    let again = app
        .post(json!({"site": "held", "uri": "/p/", "body": "buy again", "author": {"name": "Spammer", "email": "SPAMMER@example.org"}}), None)
        .await;
    assert_eq!(
        error_code(again).await,
        (StatusCode::FORBIDDEN, "banned".into())
    );
    let bans = admin.page("/admin/bans").await;
    assert!(bans.contains("Spammer (comment #"), "{bans}");
    // Lifting the ban lets them back in.
    let ban_id = between(&bans, "/admin/bans/", "/lift").to_string();
    assert_eq!(
        admin
            .post(&format!("/admin/bans/{ban_id}/lift"), &[])
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    let after = app
        .post(json!({"site": "held", "uri": "/p/", "body": "sorry", "author": {"name": "Spammer", "email": "spammer@example.org"}}), None)
        .await;
    assert_eq!(after.status(), StatusCode::CREATED);
    app.stop().await;
}

async fn trust_edit_reply_delete_and_lock_from_the_admin_pages(engine: Engine) {
    let app = TestApp::start(engine).await;
    let first = app
        .post_as_guest("held", "/story/", None, "first words", "Ada")
        .await;
    let id = first["comment"]["id"].as_i64().unwrap();
    let credential = first["credential"].as_str().unwrap().to_string();
    let admin = Admin::sign_in(&app, "alice", Role::Admin, &[]).await;

    // Approve and trust: Ada's next comment skips the queue, even on a site that holds all.
    assert_eq!(
        admin
            .post("/admin/act", &[("act", &format!("trust:{id}"))])
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    let next = app.post(json!({"site": "held", "uri": "/story/", "body": "second words", "author": {"name": "Ada", "email": "ada@example.org"}}), Some(&credential)).await;
    assert_eq!(
        next.json::<Value>().await.unwrap()["comment"]["status"],
        "approved"
    );
    assert!(admin.page("/admin/sites/held").await.contains("Ada"));

    // Edit: re-rendered and re-cleaned.
    let edited = admin
        .post(
            &format!("/admin/comments/{id}/edit"),
            &[("body", "fixed *typo* <script>x</script>")],
        )
        .await;
    assert_eq!(edited.status(), StatusCode::SEE_OTHER);
    let thread = app.thread("held", "/story/", None).await;
    assert_eq!(
        thread["comments"][0]["html"],
        "<p>fixed <em>typo</em> </p>\n"
    );
    assert!(thread["comments"][0]["edited"].is_string());

    // Reply as moderator: published at once, with the badge.
    assert_eq!(
        admin
            .post(
                &format!("/admin/comments/{id}/reply"),
                &[("body", "Thanks, Ada!")]
            )
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    let thread = app.thread("held", "/story/", None).await;
    let reply = thread["comments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["moderator"] == true)
        .expect("a moderator reply");
    assert_eq!(
        (reply["parent"].as_i64(), reply["author"]["name"].as_str()),
        (Some(id), Some("alice"))
    );

    // Delete: a tombstone keeps the reply in its place.
    assert_eq!(
        admin
            .post("/admin/act", &[("act", &format!("delete:{id}"))])
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    let thread = app.thread("held", "/story/", None).await;
    let tombstone = thread["comments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .expect("tombstone");
    assert_eq!(
        (
            tombstone["status"].as_str(),
            tombstone["html"].as_str(),
            tombstone["author"]["name"].as_str()
        ),
        (Some("deleted"), Some(""), Some(""))
    );

    // Words and locks from the site page.
    assert_eq!(
        admin
            .post(
                "/admin/sites/held/words",
                &[("watched", ""), ("blocked", "casino")]
            )
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    let spam = app.post(json!({"site": "held", "uri": "/story/", "body": "casino time", "author": {"name": "Ada", "email": "ada@example.org"}}), Some(&credential)).await;
    let spam_id = spam.json::<Value>().await.unwrap()["comment"]["id"]
        .as_i64()
        .unwrap();
    assert_eq!(status_of(&app, spam_id).await, "spam");
    assert_eq!(
        admin
            .post(
                "/admin/sites/held/lock",
                &[("uri", "/story/"), ("locked", "1")]
            )
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    let locked = app.post(json!({"site": "held", "uri": "/story/", "body": "more", "author": {"name": "Ada", "email": "ada@example.org"}}), Some(&credential)).await;
    assert_eq!(
        error_code(locked).await,
        (StatusCode::FORBIDDEN, "thread_locked".into())
    );
    assert_eq!(
        app.thread("held", "/story/", None).await["thread"]["locked"],
        true
    );

    let audit = admin.page("/admin/audit").await;
    for action in [
        "approve_and_trust",
        "edit",
        "reply",
        "delete",
        "word_lists",
        "lock",
    ] {
        assert!(
            audit.contains(&format!("<td>{action}</td>")),
            "{action} in the audit log"
        );
    }
    app.stop().await;
}
