//! Stories of many writes at once: readers posting together, and moderators changing rules
//! while they post (on SQLite those go through two connections that must take turns).

use reqwest::StatusCode;
use serde_json::json;

use crate::support::{BLOG, Engine, TestApp, on_both_engines};

on_both_engines!(
    many_readers_posting_at_once_all_get_their_comments_stored,
    a_moderator_edits_word_lists_while_readers_post_and_every_write_lands,
);

async fn many_readers_posting_at_once_all_get_their_comments_stored(engine: Engine) {
    let app = TestApp::start(engine).await;
    let mut posts = tokio::task::JoinSet::new();
    for n in 0..40 {
        let (client, url) = (app.client.clone(), app.url("/api/comments"));
        posts.spawn(async move {
            let body = json!({"site": "open", "uri": format!("/busy-{}/", n % 3), "body": format!("comment {n}"),
                              "author": {"name": format!("Reader {n}")}});
            client.post(url).header("Origin", BLOG).json(&body).send().await.unwrap().status()
        });
    }
    while let Some(status) = posts.join_next().await {
        assert_eq!(status.unwrap(), StatusCode::CREATED);
    }
    assert_eq!(app.count_rows("comments").await, 40);
    assert_eq!(app.count_rows("threads").await, 3);
    assert_eq!(app.count_rows("credentials").await, 40);
    app.stop().await;
}

async fn a_moderator_edits_word_lists_while_readers_post_and_every_write_lands(engine: Engine) {
    // On SQLite new comments and moderators' changes are written through two connections; they
    // must take turns, never fail with "database is locked".
    let app = TestApp::start(engine).await;
    let mut writes = tokio::task::JoinSet::new();
    for n in 0..30 {
        let (client, url) = (app.client.clone(), app.url("/api/comments"));
        writes.spawn(async move {
            let body = json!({"site": "open", "uri": "/busy/", "body": format!("comment {n}"),
                              "author": {"name": format!("Reader {n}")}});
            let status = client
                .post(url)
                .header("Origin", BLOG)
                .json(&body)
                .send()
                .await
                .unwrap()
                .status();
            assert_eq!(status, StatusCode::CREATED);
        });
        let db = app.state.db.clone();
        writes.spawn(async move {
            let words = format!("casino\nword{n}");
            replybox::store::site_rules::set_word_list(&db, "open", "blocked", &words)
                .await
                .expect("the moderator's change is stored");
        });
    }
    while let Some(done) = writes.join_next().await {
        done.expect("no write failed");
    }
    assert_eq!(app.count_rows("comments").await, 30);

    let spam = app
        .post(json!({"site": "open", "uri": "/busy/", "body": "Visit my casino", "author": {"name": "Spammer"}}), None)
        .await;
    assert_eq!(spam.status(), StatusCode::CREATED);
    let id = spam.json::<serde_json::Value>().await.unwrap()["comment"]["id"]
        .as_i64()
        .unwrap();
    assert_eq!(
        app.comment_column(id, "status").await.as_deref(),
        Some("spam"),
        "the next comment is judged by the words the moderator saved"
    );
    app.stop().await;
}
