//! An admin-page account signs in inside the widget: the popup shows the login form when need
//! be and comes back, hands out a one-time code only to an account that moderates the site, and
//! the code is single-use, short-lived and popup-only. The login's `next` never leaves /admin.

use replybox::admin::accounts::{self, Role};
use reqwest::StatusCode;
use reqwest::redirect::Policy;
use serde_json::{Value, json};

use super::{WidgetModerator, exchange, popup_code};
use crate::admin::{Admin, PASSWORD};
use crate::sign_in_support::{code_in, error_in};
use crate::support::{BLOG, Engine, SITES, TestApp, error_code, on_both_engines};

on_both_engines!(
    an_account_signs_in_through_the_popup_sees_the_queue_comments_and_signs_out,
    the_popup_hands_a_code_only_to_an_account_that_moderates_the_site,
    a_code_works_once_briefly_and_only_as_a_popup_code,
    the_login_goes_on_to_next_only_within_the_admin_pages,
);

/// A browser with a cookie jar that does not follow redirects.
fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .build()
        .unwrap()
}

fn location(response: &reqwest::Response) -> String {
    response.headers()["location"].to_str().unwrap().to_string()
}

async fn an_account_signs_in_through_the_popup_sees_the_queue_comments_and_signs_out(
    engine: Engine,
) {
    let app = TestApp::start(engine).await;
    let held = super::held_comment(&app, "held", "Waiting for a moderator", "Eve").await;
    accounts::add(
        &app.state.db,
        "mia",
        PASSWORD.into(),
        Role::Moderator,
        &["held".into()],
    )
    .await
    .unwrap();

    // Not signed in at /admin: the popup shows the login form, which comes back to the popup.
    let popup = browser();
    let first = popup
        .get(app.url("/admin/widget?site=held"))
        .send()
        .await
        .unwrap();
    assert_eq!(first.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        location(&first),
        "/admin/login?next=%2Fadmin%2Fwidget%3Fsite%3Dheld"
    );
    let form = popup.get(app.url(&location(&first))).send().await.unwrap();
    assert_eq!(form.status(), StatusCode::OK);
    let form = form.text().await.unwrap();
    let next = crate::admin::between(&form, "name=\"next\" value=\"", "\"");
    assert_eq!(
        next, "/admin/widget?site=held",
        "the login form carries where to go back to"
    );
    let login = popup
        .post(app.url("/admin/login"))
        .form(&[
            ("name", "mia"),
            ("password", PASSWORD),
            ("next", "/admin/widget?site=held"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&login), "/admin/widget?site=held");
    let page = popup
        .get(app.url("/admin/widget?site=held"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let headers = page.headers().clone();
    assert_eq!(
        headers["cache-control"], "no-store",
        "the code is never cached"
    );
    assert_eq!(
        headers["x-frame-options"], "DENY",
        "the page is never framed"
    );
    let code = code_in(&page.text().await.unwrap()).expect("a one-time code in the page");
    assert_eq!(
        app.count_rows("admin_sign_in_codes").await,
        1,
        "only its hash is kept"
    );
    assert_eq!(
        app.inspector
            .count(&format!(
                "SELECT COUNT(*) FROM admin_sign_in_codes WHERE code_hash = '{code}'"
            ))
            .await,
        0
    );

    let exchanged = exchange(&app, &code, None).await;
    assert_eq!(exchanged.status(), StatusCode::OK);
    let body: Value = exchanged.json().await.unwrap();
    let credential = body["credential"].as_str().unwrap().to_string();
    let viewer = &body["viewer"];
    assert_eq!(viewer["name"], "mia");
    assert_eq!(viewer["provider"], Value::Null);
    assert_eq!(
        viewer["moderator"], true,
        "the popup was opened for a site she moderates"
    );
    let avatar = viewer["avatar"].as_str().unwrap();
    assert!(
        avatar.starts_with(&format!("{}/avatar/", app.state.public_origin))
            && avatar.ends_with(".svg"),
        "a generated picture: {avatar}"
    );
    assert_eq!(
        app.count_rows("credentials WHERE admin_id IS NOT NULL AND user_id IS NULL")
            .await,
        1
    );

    let get = |path: String| {
        app.client
            .get(app.url(&path))
            .bearer_auth(&credential)
            .send()
    };
    let session: Value = get("/api/session?site=held".into())
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(session["viewer"], *viewer);
    let elsewhere: Value = get("/api/session?site=open".into())
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        elsewhere["viewer"]["moderator"], false,
        "mia moderates only `held`"
    );
    let no_site: Value = get("/api/session".into())
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(no_site["viewer"]["moderator"], false);

    let thread: Value = get("/api/comments?site=held&uri=/post/".into())
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(thread["viewer"]["moderator"], true);
    assert_eq!(
        thread["comments"][0]["id"], held,
        "the pending comment, in place"
    );
    assert_eq!(thread["comments"][0]["status"], "pending");
    let public = app.thread("held", "/post/", None).await;
    assert_eq!(public["comments"], json!([]), "readers still see nothing");

    // Her comment is a moderator's reply: published at once, with the badge and her picture.
    let posted = app
        .post(
            json!({"site": "held", "uri": "/post/", "parent": held, "body": "We will look at it.",
                   "author": {"name": "Someone else", "email": "x@example.org"}}),
            Some(&credential),
        )
        .await;
    assert_eq!(posted.status(), StatusCode::CREATED);
    let posted: Value = posted.json().await.unwrap();
    let reply = &posted["comment"];
    assert_eq!(
        (&reply["status"], &reply["moderator"], &reply["mine"]),
        (&json!("approved"), &json!(true), &json!(true))
    );
    assert_eq!(reply["author"]["name"], "mia");
    assert_eq!(reply["author"]["avatar"], *avatar);
    assert_eq!(reply["author"]["provider"], Value::Null);
    assert!(posted.get("credential").is_none());
    let reply_id = reply["id"].as_i64().unwrap();
    assert_eq!(app.comment_column(reply_id, "author_email").await, None);
    let top = app
        .post(
            json!({"site": "held", "uri": "/post/", "title": "The post", "body": "House rules: be kind."}),
            Some(&credential),
        )
        .await;
    assert_eq!(top.status(), StatusCode::CREATED);
    let top_id = top.json::<Value>().await.unwrap()["comment"]["id"]
        .as_i64()
        .unwrap();
    assert_eq!(
        super::audit_log(&app.inspector).await,
        [
            format!("{reply_id} admin:mia reply - approved in reply to #{held}"),
            format!("{top_id} admin:mia reply - approved -"),
        ],
        "exactly what a reply from the card writes"
    );
    let public = app.thread("held", "/post/", None).await;
    assert_eq!(
        public["comments"].as_array().unwrap().len(),
        2,
        "readers see both at once"
    );
    assert_eq!(public["thread"]["title"], "The post");

    let out = app
        .client
        .delete(app.url("/api/session"))
        .bearer_auth(&credential)
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        error_code(get("/api/session".into()).await.unwrap()).await,
        (StatusCode::UNAUTHORIZED, "invalid_credential".into()),
        "signed out for good"
    );
    app.stop().await;
}

async fn the_popup_hands_a_code_only_to_an_account_that_moderates_the_site(engine: Engine) {
    let app = TestApp::start(engine).await;
    let olaf = Admin::sign_in(&app, "olaf", Role::Moderator, &["open"]).await;
    let refused = olaf.get("/admin/widget?site=held").await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let page = refused.text().await.unwrap();
    assert_eq!(
        error_in(&page).as_deref(),
        Some("not_a_moderator"),
        "{page}"
    );
    assert!(code_in(&page).is_none());
    let unknown = olaf.get("/admin/widget?site=nowhere").await;
    assert_eq!(unknown.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        error_in(&unknown.text().await.unwrap()).as_deref(),
        Some("unknown_site")
    );
    assert_eq!(
        app.count_rows("admin_sign_in_codes").await,
        0,
        "no code handed out"
    );

    // An admin moderates every site, so the popup of any site works for her.
    let alice = WidgetModerator::sign_in(&app, "alice", Role::Admin, &[], "first").await;
    assert_eq!(alice.viewer["moderator"], true);
    assert_eq!(alice.viewer["name"], "alice");
    app.stop().await;
}

async fn a_code_works_once_briefly_and_only_as_a_popup_code(engine: Engine) {
    let app = TestApp::start(engine).await;
    let admin = Admin::sign_in(&app, "alice", Role::Admin, &[]).await;

    let code = popup_code(&admin, "held").await;
    assert_eq!(exchange(&app, &code, None).await.status(), StatusCode::OK);
    assert_eq!(
        error_code(exchange(&app, &code, None).await).await,
        (StatusCode::BAD_REQUEST, "invalid_code".into()),
        "used once"
    );

    let code = popup_code(&admin, "held").await;
    app.execute("UPDATE admin_sign_in_codes SET expires_at = 1")
        .await;
    assert_eq!(
        error_code(exchange(&app, &code, None).await).await,
        (StatusCode::BAD_REQUEST, "invalid_code".into()),
        "expired"
    );
    assert_eq!(app.count_rows("admin_sign_in_codes").await, 0, "and swept");

    // A claim means a full-page return: an account's code never comes that way.
    let code = popup_code(&admin, "held").await;
    assert_eq!(
        error_code(exchange(&app, &code, Some("secret")).await).await,
        (StatusCode::BAD_REQUEST, "invalid_code".into())
    );
    assert_eq!(
        error_code(exchange(&app, &code, None).await).await,
        (StatusCode::BAD_REQUEST, "invalid_code".into()),
        "and the refused try burnt it"
    );

    // Only replybox's own frame exchanges codes.
    let code = popup_code(&admin, "held").await;
    let from_blog = app
        .client
        .post(app.url("/auth/exchange"))
        .header("Origin", BLOG)
        .json(&json!({"code": code}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        error_code(from_blog).await,
        (StatusCode::FORBIDDEN, "origin_not_allowed".into())
    );
    assert_eq!(
        app.count_rows("credentials WHERE admin_id IS NOT NULL")
            .await,
        1,
        "one credential, from the one good exchange"
    );
    app.stop().await;
}

async fn the_login_goes_on_to_next_only_within_the_admin_pages(engine: Engine) {
    // Logins without the throttle (five tries, then one a minute): this story logs in often.
    let app = TestApp::with_config(engine, &format!("[limits]\nenabled = false\n{SITES}")).await;
    accounts::add(&app.state.db, "alice", PASSWORD.into(), Role::Admin, &[])
        .await
        .unwrap();
    for (next, to) in [
        ("/admin/widget?site=held", "/admin/widget?site=held"),
        ("/admin/comments/5", "/admin/comments/5"),
        ("/admin?status=spam", "/admin?status=spam"),
        ("/admin", "/admin"),
        ("//evil.example/admin", "/admin"),
        ("/admin//evil.example", "/admin"),
        ("https://evil.example/admin", "/admin"),
        ("/\\evil.example", "/admin"),
        ("/admin/\\evil.example", "/admin"),
        ("/administrator", "/admin"),
        ("/api/session", "/admin"),
        ("/admin/\t/evil.example", "/admin"),
        ("", "/admin"),
    ] {
        let login = browser()
            .post(app.url("/admin/login"))
            .form(&[("name", "alice"), ("password", PASSWORD), ("next", next)])
            .send()
            .await
            .unwrap();
        assert_eq!(login.status(), StatusCode::SEE_OTHER, "{next:?}");
        assert_eq!(location(&login), to, "next = {next:?}");
    }
    let form = browser()
        .get(app.url("/admin/login?next=%2F%2Fevil.example"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        !form.contains("name=\"next\""),
        "a bad next is not even carried: {form}"
    );
    let wrong = browser()
        .post(app.url("/admin/login"))
        .form(&[
            ("name", "alice"),
            ("password", "wrong password"),
            ("next", "/admin/widget?site=held"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    assert!(
        wrong.text().await.unwrap().contains("name=\"next\""),
        "a failed login keeps where to go next"
    );
    app.stop().await;
}
