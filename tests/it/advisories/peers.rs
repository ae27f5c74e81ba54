//! The advisory classes that hit replybox's peers, one named story each (the security review's
//! own findings are in the sibling files; classes proven elsewhere name the story that proves
//! them at the end of this file).

use replybox::admin::accounts::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::admin::Admin;
use crate::smtp::Smtp;
use crate::support::{Engine, LIMITS, TestApp, error_code, on_both_engines, path_of};

on_both_engines!(
    isso_0_14_author_and_website_cannot_leave_their_attribute,
    remark42_a_page_url_cannot_carry_script,
    waline_the_edit_path_goes_through_the_same_html_policy,
    remark42_file_routes_refuse_path_traversal,
    remark42_served_avatars_cannot_be_sniffed_as_html,
    coral_cve_2021_35970_public_endpoints_hold_no_personal_data,
    waline_the_first_visitor_does_not_become_admin,
    cusdis_commento_a_mail_scanner_opening_an_approve_link_changes_nothing,
);

/// Isso 0.14 (stored XSS through the author's name and website in attribute context): the name
/// is data, never markup, and a website is an http(s) URL stored normalised, so a quote cannot
/// close the `href`.
async fn isso_0_14_author_and_website_cannot_leave_their_attribute(engine: Engine) {
    let app = TestApp::start(engine).await;
    let name = "\"><img src=x onerror=alert(1)>";
    let posted = app
        .post(
            json!({"site": "open", "uri": "/isso/", "body": "hi", "author": {"name": name, "url": "https://x.example/\"onmouseover=\"alert(2)"}}),
            None,
        )
        .await;
    assert_eq!(posted.status(), StatusCode::CREATED);
    let thread = app.thread("open", "/isso/", None).await;
    let author = &thread["comments"][0]["author"];
    assert_eq!(
        author["name"], name,
        "kept as text; the widget sets textContent"
    );
    let url = author["url"].as_str().unwrap();
    assert!(!url.contains('"') && !url.contains(' '), "{url}");
    for hostile in ["javascript:alert(1)", "data:text/html,x", "//evil.example"] {
        let refused = app
            .post(
                json!({"site": "open", "uri": "/isso/", "body": format!("x {hostile}"), "author": {"name": "Eve", "url": hostile}}),
                None,
            )
            .await;
        assert_eq!(
            error_code(refused).await,
            (StatusCode::UNPROCESSABLE_ENTITY, "invalid_url".into()),
            "{hostile}"
        );
    }
}

/// Remark42 (stored XSS through the page URL shown in the admin and in mail): a page address
/// is a path or an address on the site, never a scheme or markup.
async fn remark42_a_page_url_cannot_carry_script(engine: Engine) {
    let app = TestApp::start(engine).await;
    for uri in [
        "javascript:alert(1)",
        "\"><script>alert(1)</script>",
        "data:text/html,<script>alert(1)</script>",
    ] {
        let refused = app
            .post(
                json!({"site": "open", "uri": uri, "body": "hi", "author": {"name": "Eve"}}),
                None,
            )
            .await;
        assert_eq!(
            error_code(refused).await,
            (StatusCode::UNPROCESSABLE_ENTITY, "invalid_uri".into()),
            "{uri}"
        );
    }
    assert_eq!(app.count_rows("threads").await, 0);
}

/// Waline (CVE: XSS through the edit path, which skipped the sanitiser): a moderator's edit is
/// rendered and cleaned by the same policy as a new comment.
async fn waline_the_edit_path_goes_through_the_same_html_policy(engine: Engine) {
    let app = TestApp::start(engine).await;
    let held = app
        .post_as_guest("held", "/waline/", None, "harmless at first", "Ada")
        .await;
    let id = held["comment"]["id"].as_i64().unwrap();
    let admin = Admin::sign_in(&app, "alice", Role::Admin, &[]).await;
    let edited = admin
        .post(
            &format!("/admin/comments/{id}/edit"),
            &[(
                "body",
                "now <script>alert(1)</script><img src=x onerror=alert(2)> [x](javascript:alert(3))",
            )],
        )
        .await;
    assert_eq!(edited.status(), StatusCode::SEE_OTHER);
    let html = app.comment_column(id, "html").await.unwrap();
    for banned in ["<script", "onerror", "javascript:", "<img"] {
        assert!(!html.contains(banned), "{banned} in {html}");
    }
    assert!(html.contains("now"), "{html}");
}

/// Remark42 (path traversal in file routes): encoded `../` on every route that serves files
/// finds nothing.
async fn remark42_file_routes_refuse_path_traversal(engine: Engine) {
    let app = TestApp::start(engine).await;
    for path in [
        "/embed/..%2f..%2fCargo.toml",
        "/embed/%2e%2e%2fconfig.toml",
        "/demo/..%2f..%2fconfig.toml",
        "/avatar/..%2f..%2fconfig.toml",
        "/avatar/u/..%2f..%2fconfig.toml",
        "/auth/icons/..%2f..%2fconfig.toml",
        "/admin/..%2fconfig.toml",
    ] {
        let response = app.get(path).await;
        let status = response.status();
        let body = response.text().await.unwrap();
        assert!(
            status == StatusCode::NOT_FOUND || status == StatusCode::SEE_OTHER,
            "{path}: {status}"
        );
        assert!(
            !body.contains("[database]") && !body.contains("[package]"),
            "{path}"
        );
    }
}

/// Remark42 (served avatars sniffed as HTML or SVG with script): replybox's own identicons and
/// kept provider pictures are served with `nosniff` and a CSP that runs nothing.
async fn remark42_served_avatars_cannot_be_sniffed_as_html(engine: Engine) {
    let app = TestApp::start(engine).await;
    let response = app
        .client
        .get(app.url("/avatar/0123456789abcdef0123.svg"))
        .header("Accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "image/svg+xml");
    assert_eq!(response.headers()["x-content-type-options"], "nosniff");
    assert_eq!(
        response.headers()["content-security-policy"],
        "default-src 'none'"
    );
    let svg = response.text().await.unwrap();
    for active in ["<script", "onload", "onerror", "<foreignObject", "href="] {
        assert!(!svg.contains(active), "{active} in {svg}");
    }
}

/// Coral CVE-2021-35970 (personal data in public endpoints): no email, address digest or
/// credential appears in what anyone may read.
async fn coral_cve_2021_35970_public_endpoints_hold_no_personal_data(engine: Engine) {
    let app = TestApp::start(engine).await;
    let posted = app
        .post(
            json!({"site": "open", "uri": "/coral/", "body": "hello", "author": {"name": "Ada", "email": "ada.private@example.org"}}),
            None,
        )
        .await;
    let posted: Value = posted.json().await.unwrap();
    let credential = posted["credential"].as_str().unwrap().to_string();
    let ip_hash = app
        .comment_column(posted["comment"]["id"].as_i64().unwrap(), "ip_hash")
        .await
        .unwrap();
    let counts = text_of(
        app.client
            .post(app.url("/api/counts"))
            .json(&json!({"site": "open", "uris": ["/coral/"]})),
    )
    .await;
    let thread = text_of(
        app.client
            .get(app.url("/api/comments"))
            .query(&[("site", "open"), ("uri", "/coral/")]),
    )
    .await;
    let session = text_of(app.client.get(app.url("/api/session"))).await;
    for public in [&counts, &thread, &session] {
        for secret in [
            "ada.private@example.org",
            ip_hash.as_str(),
            credential.as_str(),
        ] {
            assert!(!public.contains(secret), "{secret} in {public}");
        }
    }
}

/// The body of a public answer, which must be a success.
async fn text_of(request: reqwest::RequestBuilder) -> String {
    let response = request.send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    response.text().await.unwrap()
}

/// Waline (the first visitor to the admin page becomes its admin): there is no setup page and
/// no default account; accounts come from the command line only.
async fn waline_the_first_visitor_does_not_become_admin(engine: Engine) {
    let app = TestApp::start(engine).await;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    for (name, password) in [
        ("admin", "admin"),
        ("admin", ""),
        ("", ""),
        ("root", "root"),
    ] {
        let login = client
            .post(app.url("/admin/login"))
            .form(&[("name", name), ("password", password)])
            .send()
            .await
            .unwrap();
        assert_eq!(login.status(), StatusCode::UNAUTHORIZED, "{name:?}");
    }
    for path in [
        "/admin/setup",
        "/admin/register",
        "/admin/signup",
        "/api/admin",
    ] {
        let response = client.post(app.url(path)).send().await.unwrap();
        assert!(
            matches!(
                response.status(),
                StatusCode::NOT_FOUND | StatusCode::METHOD_NOT_ALLOWED
            ),
            "{path}: {}",
            response.status()
        );
    }
    assert_eq!(app.count_rows("admins").await, 0);
}

/// Cusdis and Commento (approve links that act on GET, fired by mail scanners and link
/// previews): opening an alert's link, however often and by whatever method a scanner uses,
/// only shows a page asking to confirm; the comment stays held until the button's POST.
async fn cusdis_commento_a_mail_scanner_opening_an_approve_link_changes_nothing(engine: Engine) {
    let mut smtp = Smtp::reserve();
    smtp.start();
    let sites = "[[sites]]\nid = \"held\"\nname = \"Held blog\"\norigins = [\"http://blog.test\"]\nmoderation = \"all\"\nnotify = [\"mod@example.org\"]\nmin_seconds_to_write = 0\n";
    let app = TestApp::with_config(engine, &format!("{LIMITS}{}{sites}", smtp.config())).await;
    let response = app
        .post(json!({"site": "held", "uri": "/scanned/", "body": "held for review", "author": {"name": "Sam", "email": "sam@example.org"}}), None)
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let created: Value = response.json().await.unwrap();
    let id = created["comment"]["id"].as_i64().unwrap();
    let alert = smtp.wait_for("mod@example.org", "Held comment by").await;
    let approve = path_of(&alert.link("/mail/act/"));
    for _ in 0..3 {
        let scanned = app.get(&approve).await;
        assert_eq!(scanned.status(), StatusCode::OK);
        assert!(scanned.text().await.unwrap().contains("Approve?"));
    }
    let head = app.client.head(app.url(&approve)).send().await.unwrap();
    assert!(
        head.status().is_success() || head.status() == StatusCode::METHOD_NOT_ALLOWED,
        "{}",
        head.status()
    );
    assert_eq!(
        app.comment_column(id, "status").await.as_deref(),
        Some("pending")
    );
    assert!(
        app.thread("held", "/scanned/", None).await["comments"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    let confirmed = app.client.post(app.url(&approve)).send().await.unwrap();
    assert_eq!(confirmed.status(), StatusCode::OK);
    assert_eq!(
        app.comment_column(id, "status").await.as_deref(),
        Some("approved")
    );
}

// Classes whose named story lives beside this file:
// - Waline, `postMessage` without an origin check and tokens in URLs; Remark42, open redirect
//   after OAuth; Remark42 and Artalk, SSRF with DNS rebinding: `peers_sign_in`.
// - Remark42, `X-Real-IP`/`X-Forwarded-For` spoofing past limits: `requests::a_junk_forwarded_hop_does_not_reset_a_clients_limit`
//   (and `rate_limits::a_flood_of_comments_is_limited_and_a_rotating_forwarded_for_does_not_help`).
// - Isso, a guest's email trusted without verification: `authors::a_typed_address_of_a_known_guest_earns_nothing`.
