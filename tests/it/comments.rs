//! Stories of readers posting and reading comments.

use reqwest::StatusCode;
use serde_json::json;

use crate::support::{BLOG, Engine, TestApp, on_both_engines};

on_both_engines!(
    a_guest_posts_on_an_open_site_and_everyone_reads_it,
    a_held_comment_is_visible_only_to_its_author,
    first_time_moderation_holds_unverified_guests,
    replies_nest_under_their_parents_at_any_depth,
    a_reply_to_a_comment_on_another_page_is_refused,
    signing_out_ends_the_credential,
    an_unknown_page_is_an_empty_thread,
    a_locked_thread_refuses_new_comments_and_writes_nothing,
);

async fn a_guest_posts_on_an_open_site_and_everyone_reads_it(engine: Engine) {
    let app = TestApp::start(engine).await;
    let response = app
        .post(
            json!({"site": "open", "uri": "/hello/", "title": "Hello", "parent": null,
                   "body": "Nice *post*, see https://example.com.",
                   "author": {"name": "Ada Lovelace", "email": "ada@example.org", "url": "https://ada.example"}}),
            None,
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let created: serde_json::Value = response.json().await.unwrap();
    let comment = &created["comment"];
    assert_eq!(comment["status"], "approved");
    assert_eq!(comment["mine"], true);
    assert_eq!(comment["parent"], serde_json::Value::Null);
    assert_eq!(comment["author"]["name"], "Ada Lovelace");
    assert_eq!(comment["author"]["url"], "https://ada.example/");
    assert_eq!(comment["author"]["provider"], serde_json::Value::Null);
    assert_eq!(
        comment["html"],
        "<p>Nice <em>post</em>, see <a href=\"https://example.com\" rel=\"nofollow ugc noopener noreferrer\">https://example.com</a>.</p>\n"
    );
    let avatar = comment["author"]["avatar"].as_str().unwrap();
    assert!(
        avatar.starts_with("http://localhost:")
            && avatar.contains("/avatar/")
            && avatar.ends_with(".svg"),
        "{avatar}"
    );
    assert!(
        !created.to_string().contains("ada@example.org"),
        "the email is never published"
    );
    let credential = created["credential"]
        .as_str()
        .expect("a guest gets a credential")
        .to_string();

    // A stranger reads the page: the comment is there, with no email and not marked as theirs.
    let thread = app.thread("open", "/hello/", None).await;
    assert_eq!(
        thread["thread"],
        json!({"uri": "/hello/", "title": "Hello", "count": 1, "locked": false})
    );
    assert_eq!(thread["viewer"], serde_json::Value::Null);
    assert_eq!(thread["site"]["name"], "Open blog");
    let comments = thread["comments"].as_array().unwrap();
    assert_eq!(comments.len(), 1);
    assert_eq!(comments[0]["id"], comment["id"]);
    assert_eq!(comments[0]["mine"], false);
    assert_eq!(comments[0]["created"], comment["created"]);
    assert!(!thread.to_string().contains("ada@example.org"));

    // The author's browser recognises its own comment.
    let own = app.thread("open", "/hello/", Some(&credential)).await;
    assert_eq!(own["comments"][0]["mine"], true);

    // The avatar is served by replybox itself.
    let path = avatar.split_once("/avatar/").unwrap().1;
    let picture = app.get(&format!("/avatar/{path}")).await;
    assert_eq!(picture.status(), StatusCode::OK);
    assert_eq!(picture.headers()["content-type"], "image/svg+xml");

    // What the database holds: the email (for the moderators), never shown.
    let id = comment["id"].as_i64().unwrap();
    assert_eq!(
        app.comment_column(id, "author_email").await.as_deref(),
        Some("ada@example.org")
    );
    assert_eq!(
        app.comment_column(id, "body").await.as_deref(),
        Some("Nice *post*, see https://example.com.")
    );
    assert!(
        app.comment_column(id, "ip_hash")
            .await
            .is_some_and(|h| h.len() == 64 && !h.contains("127.0.0.1"))
    );
    app.stop().await;
}

async fn a_held_comment_is_visible_only_to_its_author(engine: Engine) {
    let app = TestApp::start(engine).await;
    let created = app
        .post_as_guest("held", "/post/", None, "Please approve me", "Grace")
        .await;
    assert_eq!(created["comment"]["status"], "pending");
    let credential = created["credential"].as_str().unwrap();

    let public = app.thread("held", "/post/", None).await;
    assert_eq!(public["comments"], json!([]));
    assert_eq!(public["thread"]["count"], 0);

    let own = app.thread("held", "/post/", Some(credential)).await;
    assert_eq!(own["comments"].as_array().unwrap().len(), 1);
    assert_eq!(own["comments"][0]["status"], "pending");
    assert_eq!(own["comments"][0]["mine"], true);
    assert_eq!(
        own["thread"]["count"], 0,
        "a pending comment is not counted"
    );

    // Another guest's credential does not reveal it.
    let other = app
        .post_as_guest("held", "/other/", None, "Me too", "Linus")
        .await;
    let stranger = app
        .thread("held", "/post/", other["credential"].as_str())
        .await;
    assert_eq!(stranger["comments"], json!([]));

    let id = created["comment"]["id"].as_i64().unwrap();
    assert_eq!(
        app.comment_column(id, "reason").await.as_deref(),
        Some("site_holds_all")
    );
    app.stop().await;
}

async fn first_time_moderation_holds_unverified_guests(engine: Engine) {
    let app = TestApp::start(engine).await;
    let first = app
        .post_as_guest("first", "/a/", None, "First words", "Mallory")
        .await;
    assert_eq!(first["comment"]["status"], "pending");
    // The same typed email again is still not "known": anyone can type anyone's address.
    let again = app
        .post(
            json!({"site": "first", "uri": "/a/", "body": "Again", "author": {"name": "Mallory", "email": "mallory@example.org"}}),
            first["credential"].as_str(),
        )
        .await;
    let again: serde_json::Value = again.json().await.unwrap();
    assert_eq!(again["comment"]["status"], "pending");
    let id = again["comment"]["id"].as_i64().unwrap();
    assert_eq!(
        app.comment_column(id, "reason").await.as_deref(),
        Some("first_time_author")
    );
    app.stop().await;
}

async fn replies_nest_under_their_parents_at_any_depth(engine: Engine) {
    let app = TestApp::start(engine).await;
    let mut parent = None;
    let mut ids = Vec::new();
    for depth in 0..6 {
        let created = app
            .post_as_guest("open", "/deep/", parent, &format!("depth {depth}"), "Nest")
            .await;
        let id = created["comment"]["id"].as_i64().unwrap();
        assert_eq!(created["comment"]["parent"], json!(parent));
        ids.push(id);
        parent = Some(id);
    }
    let sibling = app
        .post_as_guest(
            "open",
            "/deep/",
            Some(ids[0]),
            "a second reply to the first",
            "Side",
        )
        .await;

    let thread = app.thread("open", "/deep/", None).await;
    let comments = thread["comments"].as_array().unwrap();
    assert_eq!(comments.len(), 7);
    let parents: Vec<_> = comments.iter().map(|c| c["parent"].clone()).collect();
    let mut expected = vec![json!(null)];
    expected.extend(ids[..5].iter().map(|id| json!(id)));
    expected.push(json!(ids[0]));
    assert_eq!(parents, expected, "oldest first, each with its parent");
    assert_eq!(comments[6]["id"], sibling["comment"]["id"]);
    assert_eq!(thread["thread"]["count"], 7);
    app.stop().await;
}

async fn a_reply_to_a_comment_on_another_page_is_refused(engine: Engine) {
    let app = TestApp::start(engine).await;
    let elsewhere = app
        .post_as_guest("open", "/one/", None, "on page one", "Ada")
        .await;
    let before = app.count_rows("comments").await;
    let response = app
        .post(
            json!({"site": "open", "uri": "/two/", "parent": elsewhere["comment"]["id"], "body": "reply", "author": {"name": "Eve"}}),
            None,
        )
        .await;
    assert_eq!(
        crate::support::error_code(response).await,
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_parent".into())
    );
    let missing = app
        .post(json!({"site": "open", "uri": "/one/", "parent": 999_999, "body": "reply", "author": {"name": "Eve"}}), None)
        .await;
    assert_eq!(
        crate::support::error_code(missing).await,
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_parent".into())
    );
    assert_eq!(
        app.count_rows("comments").await,
        before,
        "nothing was written"
    );
    assert_eq!(
        app.count_rows("credentials").await,
        1,
        "no credential was issued for the refused posts"
    );
    assert_eq!(
        app.count_rows("threads").await,
        1,
        "no thread was created for page two"
    );
    app.stop().await;
}

async fn signing_out_ends_the_credential(engine: Engine) {
    let app = TestApp::start(engine).await;
    let created = app.post_as_guest("held", "/p/", None, "mine", "Ada").await;
    let credential = created["credential"].as_str().unwrap();
    let session = app
        .client
        .get(app.url("/api/session"))
        .bearer_auth(credential)
        .send()
        .await
        .unwrap();
    assert_eq!(session.status(), StatusCode::OK);
    assert_eq!(
        session.json::<serde_json::Value>().await.unwrap(),
        json!({"viewer": null})
    );

    let out = app
        .client
        .delete(app.url("/api/session"))
        .bearer_auth(credential)
        .header("Origin", BLOG)
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), StatusCode::NO_CONTENT);
    let after = app
        .client
        .get(app.url("/api/comments?site=held&uri=/p/"))
        .bearer_auth(credential)
        .send()
        .await
        .unwrap();
    assert_eq!(
        crate::support::error_code(after).await,
        (StatusCode::UNAUTHORIZED, "invalid_credential".into())
    );
    assert_eq!(app.count_rows("comments").await, 1, "the comment stays");
    app.stop().await;
}

async fn an_unknown_page_is_an_empty_thread(engine: Engine) {
    let app = TestApp::start(engine).await;
    let thread = app.thread("open", "/never-commented/", None).await;
    assert_eq!(
        thread["thread"],
        json!({"uri": "/never-commented/", "title": null, "count": 0, "locked": false})
    );
    assert_eq!(thread["comments"], json!([]));
    assert_eq!(
        app.count_rows("threads").await,
        0,
        "reading creates nothing"
    );
    app.stop().await;
}

async fn a_locked_thread_refuses_new_comments_and_writes_nothing(engine: Engine) {
    let app = TestApp::start(engine).await;
    let first = app
        .post_as_guest("open", "/closed/", None, "before closing", "Ada")
        .await;
    app.execute("UPDATE threads SET locked = TRUE WHERE uri = '/closed/'")
        .await;
    let (comments, readers) = (
        app.count_rows("comments").await,
        app.count_rows("credentials").await,
    );

    let refused = app.post(json!({"site": "open", "uri": "/closed/", "body": "too late", "author": {"name": "Bob"}}), None).await;
    assert_eq!(
        crate::support::error_code(refused).await,
        (StatusCode::FORBIDDEN, "thread_locked".into())
    );
    let reply = app
        .post(json!({"site": "open", "uri": "/closed/", "parent": first["comment"]["id"], "body": "reply", "author": {"name": "Bob"}}), None)
        .await;
    assert_eq!(
        crate::support::error_code(reply).await,
        (StatusCode::FORBIDDEN, "thread_locked".into())
    );
    assert_eq!(app.count_rows("comments").await, comments);
    assert_eq!(
        app.count_rows("credentials").await,
        readers,
        "no credential issued for a refused comment"
    );

    let thread = app.thread("open", "/closed/", None).await;
    assert_eq!(thread["thread"]["locked"], true);
    assert_eq!(thread["comments"].as_array().unwrap().len(), 1);
    app.stop().await;
}
