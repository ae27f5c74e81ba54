//! An author edits their comment within the site's window: rendered and judged again (an edit
//! never publishes a held comment; links or a blocked word send it back), the old text kept for
//! moderators, from any of a signed-in reader's browsers, and not after `edit_minutes`.

use reqwest::StatusCode;
use serde_json::Value;

use super::{config, delete, edit, find, post, post_with};
use crate::support::{BLOG, Engine, TestApp, error_code, on_both_engines, signed_in_browsers};

on_both_engines!(
    a_guest_fixes_a_typo_and_moderators_see_what_it_said_before,
    an_edit_that_adds_links_goes_back_to_the_queue_and_one_with_a_blocked_word_is_spam,
    an_edit_never_publishes_a_held_comment,
    a_signed_in_reader_edits_from_another_browser,
    the_window_closes_after_edit_minutes,
);

async fn a_guest_fixes_a_typo_and_moderators_see_what_it_said_before(engine: Engine) {
    let app = TestApp::with_config(engine, &config("")).await;
    let (comment, ada) = post(&app, "open", "/typo/", "Helo world", "Ada").await;
    let id = comment["id"].as_i64().unwrap();
    assert_eq!(
        comment["text"], "Helo world",
        "the author gets their markdown back"
    );
    assert!(comment["editable_until"].is_string());

    // In her own thread the comment is hers, with its text and how long she may change it.
    let mine = find(&app.thread("open", "/typo/", Some(&ada)).await, id).unwrap();
    assert_eq!(mine["mine"], true);
    assert_eq!(mine["text"], "Helo world");
    let until = time::OffsetDateTime::parse(
        mine["editable_until"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    let minutes = (until - time::OffsetDateTime::now_utc()).whole_minutes();
    assert!(
        (14..=15).contains(&minutes),
        "15 minutes by default, {minutes} left"
    );

    let response = edit(&app, &id.to_string(), "Hello *world*", Some(&ada)).await;
    assert_eq!(response.status(), StatusCode::OK);
    let edited: Value = response.json().await.unwrap();
    assert_eq!(edited["comment"]["html"], "<p>Hello <em>world</em></p>\n");
    assert_eq!(edited["comment"]["status"], "approved");
    assert_eq!(edited["comment"]["text"], "Hello *world*");
    assert!(edited["comment"]["edited"].is_string());

    // Everyone sees the new text and that it was edited; nobody else gets the markdown.
    let public = find(&app.thread("open", "/typo/", None).await, id).unwrap();
    assert_eq!(public["html"], "<p>Hello <em>world</em></p>\n");
    assert_eq!(public["edited"], edited["comment"]["edited"]);
    assert!(public.get("text").is_none() && public.get("editable_until").is_none());

    // The old text is kept for moderators, with who changed it, and the edit is in the log.
    assert_eq!(
        app.inspector
            .text_by_id(
                "SELECT body FROM comment_revisions WHERE comment_id = $1",
                id
            )
            .await
            .as_deref(),
        Some("Helo world")
    );
    assert_eq!(
        app.inspector
            .text_by_id(
                "SELECT edited_by FROM comment_revisions WHERE comment_id = $1",
                id
            )
            .await
            .as_deref(),
        Some("author:Ada")
    );
    assert_eq!(
        app.count_rows(&format!(
            "moderation_events WHERE comment_id = {id} AND action = 'author_edit' \
             AND actor = 'author:Ada' AND status_before = 'approved' AND status_after = 'approved'"
        ))
        .await,
        1
    );
    let admin =
        crate::admin::Admin::sign_in(&app, "mo", replybox::admin::accounts::Role::Admin, &[]).await;
    let card = admin.page(&format!("/admin/comments/{id}")).await;
    assert!(card.contains("Earlier versions (1)"), "{card}");
    assert!(card.contains("Helo world") && card.contains("author:Ada"));
    assert!(
        card.contains(&format!("href=\"{BLOG}/typo/#comment-{id}\"")),
        "the card links to the comment on its page"
    );
}

async fn an_edit_that_adds_links_goes_back_to_the_queue_and_one_with_a_blocked_word_is_spam(
    engine: Engine,
) {
    let app = TestApp::with_config(engine, &config("")).await;
    let (comment, ada) = post(&app, "open", "/links/", "A fine comment.", "Ada").await;
    let id = comment["id"].as_i64().unwrap();
    let response = edit(
        &app,
        &id.to_string(),
        "Now with [one](https://a.example/) and [two](https://b.example/) links.",
        Some(&ada),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    let held: Value = response.json().await.unwrap();
    assert_eq!(held["comment"]["status"], "pending");
    assert_eq!(
        app.comment_column(id, "reason").await.as_deref(),
        Some("edited: too_many_links: 2")
    );
    assert!(
        find(&app.thread("open", "/links/", None).await, id).is_none(),
        "it left the public thread"
    );
    let own = find(&app.thread("open", "/links/", Some(&ada)).await, id).unwrap();
    assert_eq!(own["status"], "pending", "its author sees it waiting");
    assert_eq!(
        app.count_rows(&format!(
            "moderation_events WHERE comment_id = {id} AND action = 'author_edit' AND status_after = 'pending'"
        ))
        .await,
        1
    );

    // A blocked word makes it spam; its author is told no more than "held".
    app.execute("INSERT INTO word_lists (site, list, words) VALUES ('open', 'blocked', 'casino')")
        .await;
    let (other, bob) = post(&app, "open", "/links/", "Nice post.", "Bob").await;
    let other = other["id"].as_i64().unwrap();
    let response = edit(&app, &other.to_string(), "Visit my casino", Some(&bob)).await;
    assert_eq!(response.status(), StatusCode::OK);
    let answer: Value = response.json().await.unwrap();
    assert_eq!(answer["comment"]["status"], "pending");
    assert_eq!(
        app.comment_column(other, "status").await.as_deref(),
        Some("spam")
    );
    assert_eq!(
        app.comment_column(other, "reason").await.as_deref(),
        Some("edited: blocked_word: casino")
    );
}

async fn an_edit_never_publishes_a_held_comment(engine: Engine) {
    let app = TestApp::with_config(engine, &config("")).await;
    let (comment, ada) = post(&app, "held", "/held/", "Waiting.", "Ada").await;
    let id = comment["id"].as_i64().unwrap();
    assert_eq!(comment["status"], "pending");
    let response = edit(
        &app,
        &id.to_string(),
        "Still waiting, politely.",
        Some(&ada),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    let answer: Value = response.json().await.unwrap();
    assert_eq!(answer["comment"]["status"], "pending");
    assert_eq!(
        app.comment_column(id, "status").await.as_deref(),
        Some("pending")
    );
    assert_eq!(
        app.comment_column(id, "body").await.as_deref(),
        Some("Still waiting, politely.")
    );
    assert!(find(&app.thread("held", "/held/", None).await, id).is_none());
}

async fn a_signed_in_reader_edits_from_another_browser(engine: Engine) {
    let app = TestApp::with_config(engine, &config("")).await;
    let browsers = signed_in_browsers(&app, ("corp", "grace-1"), "Grace", 2).await;
    let (laptop, phone) = (&browsers[0], &browsers[1]);
    let (comment, _) = post_with(
        &app,
        "open",
        "/two-browsers/",
        None,
        "Written on the laptop.",
        "ignored",
        Some(laptop),
    )
    .await;
    let id = comment["id"].as_i64().unwrap();
    assert_eq!(comment["author"]["name"], "Grace");
    // The phone is the same account: the comment is hers there too, and she may edit it.
    let seen = find(&app.thread("open", "/two-browsers/", Some(phone)).await, id).unwrap();
    assert_eq!(seen["mine"], true);
    let response = edit(&app, &id.to_string(), "Fixed on the phone.", Some(phone)).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        app.comment_column(id, "body").await.as_deref(),
        Some("Fixed on the phone.")
    );
    // A guest's browser is not her account.
    let (_, guest) = post(&app, "open", "/two-browsers/", "Me too.", "Mallory").await;
    let (status, code) =
        error_code(edit(&app, &id.to_string(), "Hijacked", Some(&guest)).await).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::FORBIDDEN, "not_your_comment")
    );
}

async fn the_window_closes_after_edit_minutes(engine: Engine) {
    let app = TestApp::with_config(engine, &config("")).await;
    let (comment, ada) = post(&app, "open", "/late/", "Posted a while ago.", "Ada").await;
    let id = comment["id"].as_i64().unwrap();
    // Sixteen minutes later (the clock moved by hand).
    app.execute(&format!(
        "UPDATE comments SET created_at = created_at - 960000 WHERE id = {id}"
    ))
    .await;
    let (status, code) =
        error_code(edit(&app, &id.to_string(), "Too late", Some(&ada)).await).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::FORBIDDEN, "edit_window_closed")
    );
    let (status, code) = error_code(delete(&app, &id.to_string(), Some(&ada)).await).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::FORBIDDEN, "edit_window_closed")
    );
    assert_eq!(
        app.comment_column(id, "body").await.as_deref(),
        Some("Posted a while ago.")
    );
    assert_eq!(
        app.comment_column(id, "status").await.as_deref(),
        Some("approved")
    );
    assert_eq!(app.count_rows("comment_revisions").await, 0);
    let mine = find(&app.thread("open", "/late/", Some(&ada)).await, id).unwrap();
    assert!(
        mine["editable_until"].is_null(),
        "the widget is told the window closed"
    );

    // A site that allows no second thoughts.
    let (frozen, bob) = post(&app, "frozen", "/frozen/", "Set in stone.", "Bob").await;
    assert!(frozen["editable_until"].is_null());
    let (status, code) =
        error_code(edit(&app, &frozen["id"].to_string(), "Changed", Some(&bob)).await).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::FORBIDDEN, "edit_window_closed")
    );
}
