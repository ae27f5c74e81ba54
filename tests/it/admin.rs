//! Moderators at work: log in, find held comments with their reasons, act on them — and the
//! protections around all that (sessions, CSRF, login limits, site permissions).

use replybox::admin::accounts::{self, Role};
use reqwest::StatusCode;
use reqwest::redirect::Policy;
use serde_json::{Value, json};

use crate::support::{Engine, TestApp, error_code, on_both_engines};

on_both_engines!(
    a_moderator_approves_a_held_comment_and_readers_see_it,
    forms_without_the_right_csrf_token_change_nothing,
    pages_need_a_session_and_wrong_passwords_are_limited,
    a_moderator_cannot_act_on_a_site_not_assigned_to_them,
    a_ban_from_a_card_refuses_the_authors_next_comment,
    trust_edit_reply_delete_and_lock_from_the_admin_pages,
);

const PASSWORD: &str = "correct horse battery staple";

/// A browser signed in to the admin pages.
struct Admin {
    client: reqwest::Client,
    base: String,
    csrf: String,
}

impl Admin {
    async fn sign_in(app: &TestApp, name: &str, role: Role, sites: &[&str]) -> Self {
        let sites: Vec<String> = sites.iter().map(|s| s.to_string()).collect();
        accounts::add(&app.state.db, name, PASSWORD.into(), role, &sites)
            .await
            .expect("account created");
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(Policy::none())
            .build()
            .unwrap();
        let login = client
            .post(app.url("/admin/login"))
            .form(&[("name", name), ("password", PASSWORD)])
            .send()
            .await
            .unwrap();
        assert_eq!(login.status(), StatusCode::SEE_OTHER, "signed in");
        let cookie = login.headers()["set-cookie"].to_str().unwrap().to_string();
        assert!(
            cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
            "{cookie}"
        );
        let mut admin = Self {
            client,
            base: app.base.clone(),
            csrf: String::new(),
        };
        let page = admin.page("/admin").await;
        admin.csrf = between(&page, "name=\"csrf\" value=\"", "\"").to_string();
        admin
    }

    async fn page(&self, path: &str) -> String {
        let response = self
            .client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "GET {path}");
        let csp = response.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .to_string();
        assert!(
            csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'"),
            "{csp}"
        );
        response.text().await.unwrap()
    }

    async fn post(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let mut form: Vec<(&str, &str)> = vec![("csrf", &self.csrf)];
        form.extend_from_slice(fields);
        self.client
            .post(format!("{}{path}", self.base))
            .form(&form)
            .send()
            .await
            .unwrap()
    }
}

fn between<'a>(text: &'a str, start: &str, end: &str) -> &'a str {
    let from = text
        .find(start)
        .unwrap_or_else(|| panic!("{start:?} not in page"))
        + start.len();
    &text[from..from + text[from..].find(end).expect("end marker")]
}

async fn status_of(app: &TestApp, id: i64) -> String {
    app.comment_column(id, "status").await.unwrap()
}

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

async fn a_ban_from_a_card_refuses_the_authors_next_comment(engine: Engine) {
    let app = TestApp::start(engine).await;
    let first = app
        .post_as_guest("held", "/p/", None, "buy my stuff", "Spammer")
        .await;
    let id = first["comment"]["id"].as_i64().unwrap();
    let admin = Admin::sign_in(&app, "alice", Role::Admin, &[]).await;
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
