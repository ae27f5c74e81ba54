//! What keeps the admin pages safe: forms need the session's CSRF token, pages need a session,
//! wrong passwords are limited, and a moderator acts only on their own sites.

use replybox::admin::accounts::{self, Role};
use reqwest::StatusCode;
use reqwest::redirect::Policy;

use super::{Admin, PASSWORD, status_of};
use crate::support::{Engine, TestApp, on_both_engines};

on_both_engines!(
    forms_without_the_right_csrf_token_change_nothing,
    pages_need_a_session_and_wrong_passwords_are_limited,
    a_moderator_cannot_act_on_a_site_not_assigned_to_them,
);

async fn forms_without_the_right_csrf_token_change_nothing(engine: Engine) {
    let app = TestApp::start(engine).await;
    let held = app
        .post_as_guest("held", "/p/", None, "waiting", "Ada")
        .await;
    let id = held["comment"]["id"].as_i64().unwrap().to_string();
    let mut admin = Admin::sign_in(&app, "alice", Role::Admin, &[]).await;
    let without = admin
        .client
        .post(app.url("/admin/act"))
        .form(&[("act", format!("approve:{id}"))])
        .send()
        .await
        .unwrap();
    assert_eq!(without.status(), StatusCode::FORBIDDEN);
    admin.csrf = "forged".into();
    let forged = admin
        .post("/admin/act", &[("act", &format!("approve:{id}"))])
        .await;
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    assert_eq!(status_of(&app, id.parse().unwrap()).await, "pending");
    app.stop().await;
}

async fn pages_need_a_session_and_wrong_passwords_are_limited(engine: Engine) {
    let app = TestApp::start(engine).await;
    let client = reqwest::Client::builder()
        .redirect(Policy::none())
        .build()
        .unwrap();
    for path in ["/admin", "/admin/audit", "/admin/bans", "/admin/comments/1"] {
        let response = client.get(app.url(path)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{path}");
        assert_eq!(response.headers()["location"], "/admin/login");
    }
    let act = client
        .post(app.url("/admin/act"))
        .form(&[("act", "approve:1")])
        .send()
        .await
        .unwrap();
    assert_eq!(act.headers()["location"], "/admin/login");

    accounts::add(&app.state.db, "alice", PASSWORD.into(), Role::Admin, &[])
        .await
        .unwrap();
    let attempt = |name: &'static str| {
        client
            .post(app.url("/admin/login"))
            .form(&[("name", name), ("password", "guess")])
            .send()
    };
    let wrong_password = attempt("alice").await.unwrap();
    assert_eq!(wrong_password.status(), StatusCode::UNAUTHORIZED);
    let wrong_name = attempt("mallory").await.unwrap();
    assert_eq!(wrong_name.status(), StatusCode::UNAUTHORIZED);
    let (a, b) = (
        wrong_password.text().await.unwrap(),
        wrong_name.text().await.unwrap(),
    );
    assert!(
        a.contains("Wrong name or password.") && b.contains("Wrong name or password."),
        "the same answer for both"
    );
    let mut statuses = Vec::new();
    for _ in 0..5 {
        statuses.push(attempt("alice").await.unwrap().status());
    }
    assert_eq!(
        statuses.last(),
        Some(&StatusCode::TOO_MANY_REQUESTS),
        "{statuses:?}"
    );
    // Even the right password waits now.
    let right = client
        .post(app.url("/admin/login"))
        .form(&[("name", "alice"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(right.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(right.headers().contains_key("retry-after"));
    app.stop().await;
}

async fn a_moderator_cannot_act_on_a_site_not_assigned_to_them(engine: Engine) {
    let app = TestApp::start(engine).await;
    let mine = app
        .post_as_guest("held", "/p/", None, "on my site", "Ada")
        .await["comment"]["id"]
        .as_i64()
        .unwrap();
    let theirs = app
        .post_as_guest("first", "/p/", None, "on another site", "Bob")
        .await["comment"]["id"]
        .as_i64()
        .unwrap();
    let moderator = Admin::sign_in(&app, "mod", Role::Moderator, &["held"]).await;
    let queue = moderator.page("/admin").await;
    assert!(
        queue.contains("on my site") && !queue.contains("on another site"),
        "{queue}"
    );
    let refused = moderator
        .post("/admin/act", &[("act", &format!("approve:{theirs}"))])
        .await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert_eq!(status_of(&app, theirs).await, "pending");
    let page = moderator
        .client
        .get(app.url(&format!("/admin/comments/{theirs}")))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::FORBIDDEN);
    let allowed = moderator
        .post("/admin/act", &[("act", &format!("reject:{mine}"))])
        .await;
    assert_eq!(allowed.status(), StatusCode::SEE_OTHER);
    assert_eq!(status_of(&app, mine).await, "rejected");
    app.stop().await;
}
