//! Every HTML page replybox serves carries the security headers of its kind — a CSP with
//! `frame-ancestors`, `nosniff`, a `Referrer-Policy` — and one place (`src/html.rs`) sets them.

use replybox::admin::accounts::Role;
use reqwest::StatusCode;

use crate::admin::Admin;
use crate::support::{Engine, TestApp, on_both_engines};

on_both_engines!(every_html_page_carries_its_security_headers);

fn check(path: &str, response: &reqwest::Response, frame_ancestors: &str) {
    let headers = response.headers();
    let csp = headers
        .get("content-security-policy")
        .unwrap_or_else(|| panic!("{path}: no CSP"))
        .to_str()
        .unwrap();
    assert!(
        csp.contains(&format!("frame-ancestors {frame_ancestors}")),
        "{path}: {csp}"
    );
    assert!(
        !csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"),
        "{path}: {csp}"
    );
    assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
    assert!(headers.contains_key("referrer-policy"), "{path}");
}

async fn every_html_page_carries_its_security_headers(engine: Engine) {
    let app = TestApp::start(engine).await;
    let posted = app
        .post_as_guest("held", "/headers/", None, "a held comment", "Ada")
        .await;
    let id = posted["comment"]["id"].as_i64().unwrap();
    let anonymous = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    for (path, ancestors) in [
        ("/demo/", "'none'"),
        ("/demo/posts.html", "'none'"),
        ("/embed/thread?site=open", "http://blog.test"),
        ("/admin/login", "'none'"),
        ("/mail/act/not-a-link", "'none'"),
        ("/mail/unsubscribe/not-a-token", "'none'"),
        ("/mail/verify/not-a-token", "'none'"),
        ("/auth/nope/start?site=open", "'none'"),
    ] {
        let response = anonymous.get(app.url(path)).send().await.unwrap();
        let kind = response.headers()["content-type"]
            .to_str()
            .unwrap()
            .to_string();
        assert!(kind.starts_with("text/html"), "{path}: {kind}");
        check(path, &response, ancestors);
    }
    let admin = Admin::sign_in(&app, "alice", Role::Admin, &[]).await;
    for path in [
        "/admin".to_string(),
        "/admin/audit".to_string(),
        "/admin/bans".to_string(),
        "/admin/sites/open".to_string(),
        format!("/admin/comments/{id}"),
        "/admin/comments/999999".to_string(),
    ] {
        let response = admin.get(&path).await;
        assert!(
            response.status() == StatusCode::OK || response.status() == StatusCode::NOT_FOUND,
            "{path}: {}",
            response.status()
        );
        check(&path, &response, "'none'");
        assert_eq!(response.headers()["x-frame-options"], "DENY", "{path}");
        assert_eq!(response.headers()["cache-control"], "no-store", "{path}");
    }
    // Files that must never run: inert, and never sniffed as HTML.
    for path in [
        "/avatar/0123456789abcdef0123.svg",
        "/embed/thread?site=nope",
    ] {
        let response = anonymous.get(app.url(path)).send().await.unwrap();
        let csp = response.headers()["content-security-policy"]
            .to_str()
            .unwrap();
        assert_eq!(csp, "default-src 'none'", "{path}");
        assert_eq!(
            response.headers()["x-content-type-options"],
            "nosniff",
            "{path}"
        );
    }
}

/// One place sets them: no file but `src/html.rs` names the CSP header.
#[test]
fn only_html_rs_sets_content_security_policies() {
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut found = Vec::new();
    let mut dirs = vec![src.clone()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                if text.contains("CONTENT_SECURITY_POLICY") || text.contains("default-src") {
                    found.push(path.strip_prefix(&src).unwrap().display().to_string());
                }
            }
        }
    }
    assert_eq!(found, vec!["html.rs".to_string()]);
}
