//! Findings 2, 9 and 10: who an author seems to be, and what a comment may set.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::smtp::Smtp;
use crate::support::{Engine, LIMITS, TestApp, on_both_engines, path_of};

on_both_engines!(
    a_typed_address_of_a_known_guest_earns_nothing,
    a_guest_name_cannot_hide_characters_or_pass_for_a_moderator,
    a_held_comment_does_not_name_the_thread,
);

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
