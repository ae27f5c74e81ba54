//! A guest deletes their data: their comments become tombstones or are removed, what others
//! wrote stays in place, and nothing of theirs is left — credential, likes, reports,
//! subscriptions, proven address.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::{Value, json};

use super::{Cast, cast, count, delete, download, public};
use crate::support::{Engine, LIMITS, TestApp, error_code, on_both_engines};

on_both_engines!(
    a_guest_deletes_their_data_and_their_comments_stay_as_tombstones,
    a_guest_removes_their_comments_and_those_with_replies_stay_as_tombstones,
    webhooks_hear_of_the_tombstones_without_the_words_and_earlier_deliveries_are_dropped,
);

/// What must hold after Ada's deletion, whichever way her comments went.
async fn nothing_of_ada_is_left(cast: &Cast) {
    let app = &cast.app;
    let ada_id = cast.ada_id;
    assert_eq!(
        count(app, "credentials", &format!("id = {ada_id}")).await,
        0
    );
    assert_eq!(
        count(app, "likes", &format!("voter = 'r:{ada_id}'")).await,
        0
    );
    assert_eq!(
        count(app, "flags", &format!("reader_id = {ada_id}")).await,
        0
    );
    assert_eq!(
        count(app, "reader_emails", "email = 'ada@example.org'").await,
        0
    );
    assert_eq!(
        count(app, "verified_emails", "email = 'ada@example.org'").await,
        0,
        "only Ada had proven it"
    );
    assert_eq!(
        count(app, "email_verifications", &format!("reader_id = {ada_id}")).await,
        0
    );
    assert_eq!(
        count(app, "subscriptions", "email = 'ada@example.org'").await,
        0
    );
    let theirs = format!("id IN ({}, {}, {})", cast.a1, cast.a2, cast.a3);
    let stored = "body <> '' OR html <> '' OR author_name <> '' OR author_email IS NOT NULL OR author_url IS NOT NULL";
    assert_eq!(
        count(app, "comments", &format!("{theirs} AND ({stored})")).await,
        0
    );
    assert_eq!(
        count(
            app,
            "comments",
            "body LIKE '%Ada%' OR author_name LIKE '%Ada%'"
        )
        .await,
        0
    );
    assert_eq!(
        count(
            app,
            "comment_revisions",
            &format!("comment_id = {}", cast.a1)
        )
        .await,
        0
    );
    // Others' rows stay: Bo's like and report of her comment (on its tombstone), his reply, its
    // revision, his subscription, Eve's comment with the address she typed.
    assert_eq!(
        count(
            app,
            "likes",
            &format!("comment_id = {} AND voter LIKE 'r:%'", cast.a1)
        )
        .await,
        1
    );
    assert_eq!(
        count(app, "flags", &format!("comment_id = {}", cast.a1)).await,
        1
    );
    assert_eq!(
        count(
            app,
            "comment_revisions",
            &format!("comment_id = {}", cast.b1)
        )
        .await,
        1
    );
    assert_eq!(
        count(app, "subscriptions", "email = 'bo@example.org'").await,
        1
    );
    assert_eq!(
        app.comment_column(cast.e1, "author_email").await.as_deref(),
        Some("ada@example.org")
    );
    assert_eq!(
        app.comment_column(cast.b1, "body").await.as_deref(),
        Some("Bo's reply")
    );

    // The tombstone keeps its place: Bo's reply still hangs under it, and nothing says who
    // wrote it or what it said.
    let thread = public(app, "open", "/post/").await;
    assert_eq!(
        thread,
        vec![
            (cast.a1, None, "deleted".into(), String::new()),
            (cast.b1, Some(cast.a1), "approved".into(), "Bo Brant".into()),
            (cast.b2, None, "approved".into(), "Bo Brant".into()),
            (cast.e1, None, "approved".into(), "Eve".into()),
        ]
    );
    let raw = app.thread("open", "/post/", None).await;
    assert_eq!(raw["comments"][0]["html"], "");
    assert!(!raw.to_string().contains("Ada"), "{raw}");
    assert_eq!(
        public(app, "talk", "/other/").await,
        vec![],
        "no replies by others there"
    );

    // The browser's credential is gone.
    assert_eq!(
        error_code(download(app, Some(&cast.ada)).await).await,
        (StatusCode::UNAUTHORIZED, "invalid_credential".into())
    );
    let session = app
        .client
        .get(app.url("/api/session"))
        .bearer_auth(&cast.ada)
        .send()
        .await
        .unwrap();
    assert_eq!(
        error_code(session).await,
        (StatusCode::UNAUTHORIZED, "invalid_credential".into())
    );

    // One audit entry per site, with counts and nothing personal.
    let audit = "moderation_events WHERE actor = 'reader' AND action = 'delete_own_data'";
    assert_eq!(
        app.inspector
            .count(&format!("SELECT COUNT(*) FROM {audit}"))
            .await,
        2
    );
    assert_eq!(
        app.inspector
            .count(&format!(
                "SELECT COUNT(*) FROM {audit} AND site IN ('open', 'talk') AND comment_id IS NULL"
            ))
            .await,
        2
    );
    assert_eq!(
        app.inspector
            .count(&format!(
                "SELECT COUNT(*) FROM {audit} AND (LOWER(detail) LIKE '%ada%' OR detail LIKE '%@%')"
            ))
            .await,
        0
    );
}

async fn a_guest_deletes_their_data_and_their_comments_stay_as_tombstones(engine: Engine) {
    let cast = cast(engine).await;
    let app = &cast.app;
    // Anyone's read puts the thread in the instance's memory; the deletion must clear it.
    let page = ("open".to_string(), "/post/".to_string());
    let deadline = Instant::now() + Duration::from_secs(10);
    while app.state.caches.threads.get(&page).is_none() {
        assert!(Instant::now() < deadline, "the thread is never remembered");
        assert_eq!(public(app, "open", "/post/").await.len(), 4);
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let response = delete(
        app,
        Some(&cast.ada),
        json!({"site": "open", "comments": "tombstone"}),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let answer: Value = response.json().await.unwrap();
    assert_eq!(
        answer,
        json!({"deleted": {"comments": 3, "removed": 0, "tombstones": 3, "likes": 1, "reports": 1,
                           "subscriptions": 2, "emails": 1, "credentials": 1, "account": false}})
    );
    for id in [cast.a1, cast.a2, cast.a3] {
        assert_eq!(
            app.comment_column(id, "status").await.as_deref(),
            Some("deleted")
        );
        for erased in [
            "author_email",
            "author_url",
            "author_provider",
            "ip_hash",
            "notify",
            "dedupe_key",
        ] {
            assert_eq!(
                app.comment_column(id, erased).await,
                None,
                "{erased} of {id}"
            );
        }
        for emptied in ["body", "html", "author_name"] {
            assert_eq!(
                app.comment_column(id, emptied).await.as_deref(),
                Some(""),
                "{emptied} of {id}"
            );
        }
        assert_eq!(
            count(
                app,
                "comments",
                &format!("id = {id} AND reader_id IS NULL AND user_id IS NULL")
            )
            .await,
            1
        );
    }
    assert_eq!(
        count(
            app,
            "comments",
            &format!("id = {} AND parent_id = {}", cast.a3, cast.a2)
        )
        .await,
        1,
        "in place"
    );
    // Mail and webhooks hear that the published comments are gone; earlier events of them,
    // which fed deliveries with their text, are forgotten.
    assert_eq!(count(app, "events", "kind = 'comment_deleted'").await, 3);
    assert_eq!(
        count(
            app,
            "events",
            &format!("comment_id = {} AND kind <> 'comment_deleted'", cast.a1)
        )
        .await,
        0
    );
    nothing_of_ada_is_left(&cast).await;
    let detail: String = app
        .inspector
        .text_by_id("SELECT detail FROM moderation_events WHERE site = 'talk' AND action = 'delete_own_data' AND $1 = 0", 0)
        .await
        .unwrap();
    assert_eq!(
        detail,
        "guest: comments removed 0, kept as tombstones 2; likes 0; reports 0; subscriptions 0"
    );
}

async fn a_guest_removes_their_comments_and_those_with_replies_stay_as_tombstones(engine: Engine) {
    let cast = cast(engine).await;
    let app = &cast.app;
    let response = delete(
        app,
        Some(&cast.ada),
        json!({"site": "talk", "comments": "remove"}),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    let answer: Value = response.json().await.unwrap();
    assert_eq!(
        answer["deleted"],
        json!({"comments": 3, "removed": 2, "tombstones": 1, "likes": 1, "reports": 1,
               "subscriptions": 2, "emails": 1, "credentials": 1, "account": false})
    );
    // Her comment and her own reply to it are gone; the one Bo answered stays, erased.
    assert_eq!(
        count(
            app,
            "comments",
            &format!("id IN ({}, {})", cast.a2, cast.a3)
        )
        .await,
        0
    );
    assert_eq!(
        app.comment_column(cast.a1, "status").await.as_deref(),
        Some("deleted")
    );
    assert_eq!(
        count(app, "events", "kind = 'comment_deleted'").await,
        1,
        "for the tombstone only"
    );
    nothing_of_ada_is_left(&cast).await;
    let detail: String = app
        .inspector
        .text_by_id("SELECT detail FROM moderation_events WHERE site = 'open' AND action = 'delete_own_data' AND $1 = 0", 0)
        .await
        .unwrap();
    assert_eq!(
        detail,
        "guest: comments removed 0, kept as tombstones 1; likes 1; reports 1; subscriptions 2"
    );
}

async fn webhooks_hear_of_the_tombstones_without_the_words_and_earlier_deliveries_are_dropped(
    engine: Engine,
) {
    use crate::webhooks::{ALLOW_LOOPBACK, SECRET, hook, receiver::Receiver, site};
    let receiver = Receiver::start().await;
    let secret = format!("secret = \"{SECRET}\"");
    let hooks = hook(&receiver.url("/hook"), &secret);
    let toml = format!("{ALLOW_LOOPBACK}{LIMITS}{}", site("open", "none", &hooks));
    let app = TestApp::with_config(engine, &toml).await;
    let (kept, ada) = super::post(
        &app,
        json!({"site": "open", "uri": "/w/", "body": "Ada's secret words",
        "author": {"name": "Ada Lovelace", "email": "ada@example.org"}}),
        None,
    )
    .await;
    super::post(
        &app,
        json!({"site": "open", "uri": "/w/", "parent": kept, "body": "Bo answers",
        "author": {"name": "Bo", "email": "bo@example.org"}}),
        None,
    )
    .await;
    let (gone, _) = super::post(
        &app,
        json!({"site": "open", "uri": "/w/", "body": "More of Ada's words",
        "author": {"name": "Ada Lovelace", "email": "ada@example.org"}}),
        Some(&ada),
    )
    .await;
    receiver.wait_for(3).await;
    assert_eq!(
        count(&app, "webhook_deliveries", "body LIKE '%Ada%'").await,
        2
    );

    let response = delete(
        &app,
        Some(&ada),
        json!({"site": "open", "comments": "remove"}),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    let deliveries = receiver.wait_for(4).await;
    let last = &deliveries[3];
    assert_eq!(last.header("x-replybox-event"), "deleted");
    assert!(last.signature_is_valid(SECRET));
    let body = last.json();
    assert_eq!(
        body["comment"]["id"], kept,
        "the tombstone; the removed one is gone with its events"
    );
    assert_eq!(body["comment"]["status"], "deleted");
    assert_eq!(body["comment"]["text"], Value::Null);
    assert_eq!(body["comment"]["html"], Value::Null);
    assert_eq!(body["comment"]["author"]["name"], "");
    assert!(!last.body.contains("Ada"), "{}", last.body);
    assert_eq!(count(&app, "comments", &format!("id = {gone}")).await, 0);
    assert_eq!(
        count(&app, "webhook_deliveries", "body LIKE '%Ada%'").await,
        0,
        "the earlier deliveries carrying her words are dropped"
    );
    assert_eq!(
        count(&app, "webhook_deliveries", "body LIKE '%Bo answers%'").await,
        1,
        "Bo's stays"
    );
    // Nothing more can come once every event is handled and every delivery sent.
    super::eventually(
        &app,
        "SELECT COUNT(*) FROM events WHERE processed_at IS NULL",
        0,
    )
    .await;
    super::eventually(
        &app,
        "SELECT COUNT(*) FROM webhook_deliveries WHERE sent_at IS NULL",
        0,
    )
    .await;
    assert_eq!(
        receiver.received().len(),
        4,
        "nothing for the removed comment"
    );
}
