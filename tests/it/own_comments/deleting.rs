//! An author deletes their comment: a tombstone that keeps the replies under it, moderators
//! still see what it said, and there is nothing left to edit.

use reqwest::StatusCode;
use serde_json::Value;

use super::{config, delete, edit, find, post, post_with};
use crate::support::{Engine, TestApp, error_code, on_both_engines};

on_both_engines!(an_author_deletes_a_comment_and_the_replies_under_it_stay);

async fn an_author_deletes_a_comment_and_the_replies_under_it_stay(engine: Engine) {
    let app = TestApp::with_config(engine, &config("")).await;
    let (first, ada) = post(&app, "open", "/gone/", "I take this back later.", "Ada").await;
    let first = first["id"].as_i64().unwrap();
    let (reply, _) = post_with(
        &app,
        "open",
        "/gone/",
        Some(first),
        "A reply by Bob.",
        "Bob",
        None,
    )
    .await;
    let (lonely, _) = post_with(
        &app,
        "open",
        "/gone/",
        None,
        "Nobody answered this.",
        "Ada",
        Some(&ada),
    )
    .await;
    let lonely = lonely["id"].as_i64().unwrap();

    let response = delete(&app, &first.to_string(), Some(&ada)).await;
    assert_eq!(response.status(), StatusCode::OK);
    let answer: Value = response.json().await.unwrap();
    assert_eq!(answer["comment"]["status"], "deleted");
    assert_eq!(answer["comment"]["html"], "");
    assert_eq!(answer["comment"]["author"]["name"], "");
    let response = delete(&app, &lonely.to_string(), Some(&ada)).await;
    assert_eq!(response.status(), StatusCode::OK);

    let public = app.thread("open", "/gone/", None).await;
    let tomb = find(&public, first).expect("a tombstone keeps its place");
    assert_eq!(tomb["status"], "deleted");
    assert_eq!(tomb["html"], "");
    assert_eq!(tomb["author"]["name"], "");
    assert_eq!(
        find(&public, reply["id"].as_i64().unwrap()).unwrap()["parent"],
        first
    );
    assert!(
        find(&public, lonely).is_none(),
        "without replies it is simply gone"
    );
    assert_eq!(public["thread"]["count"], 1);
    // Moderators still see what it said, and who took it back.
    assert_eq!(
        app.comment_column(first, "body").await.as_deref(),
        Some("I take this back later.")
    );
    assert_eq!(
        app.count_rows("moderation_events WHERE action = 'author_delete' AND actor = 'author:Ada' AND status_after = 'deleted'")
            .await,
        2
    );
    // Gone is gone: a second delete or an edit finds nothing to change.
    let (status, code) = error_code(delete(&app, &first.to_string(), Some(&ada)).await).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::NOT_FOUND, "not_found")
    );
    let (status, _) = error_code(edit(&app, &first.to_string(), "Back!", Some(&ada)).await).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
