//! The widget's files as a browser fetches them: cache headers, revalidation, compression, CSP.

use reqwest::StatusCode;
use reqwest::header::{
    ACCEPT_ENCODING, CACHE_CONTROL, CONTENT_SECURITY_POLICY, ETAG, IF_NONE_MATCH, VARY,
};

use crate::support::{Engine, TestApp};

/// The app's script (`js`) or stylesheet (`css`) as the frame's document links it.
fn hashed_asset(html: &str, extension: &str) -> String {
    let tag = match extension {
        "js" => "<script src=\"",
        _ => "<link rel=\"stylesheet\" href=\"",
    };
    let path = crate::admin::between(html, tag, "\"");
    assert!(
        path.starts_with("/embed/app.") && path.ends_with(&format!(".{extension}")),
        "{path}"
    );
    path.to_string()
}

#[tokio::test]
async fn the_loader_revalidates_and_the_app_is_cached_for_a_year() {
    let app = TestApp::start(Engine::Sqlite).await;
    let loader = app.get("/embed.js").await;
    assert_eq!(loader.status(), StatusCode::OK);
    assert_eq!(loader.headers()[CACHE_CONTROL], "public, max-age=300");
    assert!(
        loader.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/javascript")
    );
    let etag = loader.headers()[ETAG].clone();
    let again = app
        .client
        .get(app.url("/embed.js"))
        .header(IF_NONE_MATCH, etag.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(again.headers()[ETAG], etag);
    assert!(again.bytes().await.unwrap().is_empty());

    let frame = app.get("/embed/thread?site=open&uri=/p/").await;
    assert_eq!(frame.status(), StatusCode::OK);
    let html = frame.text().await.unwrap();
    for extension in ["js", "css"] {
        let path = hashed_asset(&html, extension);
        let asset = app.get(&path).await;
        assert_eq!(asset.status(), StatusCode::OK, "{path}");
        assert_eq!(
            asset.headers()[CACHE_CONTROL],
            "public, max-age=31536000, immutable"
        );
        let etag = asset.headers()[ETAG].clone();
        let revalidated = app
            .client
            .get(app.url(&path))
            .header(IF_NONE_MATCH, etag)
            .send()
            .await
            .unwrap();
        assert_eq!(revalidated.status(), StatusCode::NOT_MODIFIED);
    }
    let stale = app.get("/embed/app.000000000000.js").await;
    assert_eq!(stale.status(), StatusCode::NOT_FOUND);
    app.stop().await;
}

#[tokio::test]
async fn compressed_responses_say_they_vary_by_encoding() {
    let app = TestApp::start(Engine::Sqlite).await;
    let frame = app.get("/embed/thread?site=open&uri=/p/").await;
    let html = frame.text().await.unwrap();
    let path = hashed_asset(&html, "js");
    let gzipped = app
        .client
        .get(app.url(&path))
        .header(ACCEPT_ENCODING, "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(gzipped.headers()["content-encoding"], "gzip");
    assert!(
        gzipped
            .headers()
            .get_all(VARY)
            .iter()
            .any(|v| v.to_str().unwrap().contains("accept-encoding"))
    );
    app.stop().await;
}

#[tokio::test]
async fn only_the_sites_own_origins_may_frame_its_thread() {
    let app = TestApp::start(Engine::Sqlite).await;
    let frame = app.get("/embed/thread?site=open&uri=/p/").await;
    let csp = frame.headers()[CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap()
        .to_string();
    assert!(csp.contains("frame-ancestors http://blog.test"), "{csp}");
    assert!(
        csp.contains("script-src 'self'")
            && csp.contains("connect-src 'self'")
            && csp.contains("default-src 'none'"),
        "{csp}"
    );
    let html = frame.text().await.unwrap();
    assert!(
        !html.contains("%APP_JS%") && !html.contains("<script>"),
        "no inline script: {html}"
    );

    let unknown = app.get("/embed/thread?site=nope").await;
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
    app.stop().await;
}

#[tokio::test]
async fn the_demo_blog_post_is_served_by_replybox_itself() {
    let app = TestApp::start(Engine::Sqlite).await;
    let page = app.get("/demo/").await;
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(
        html.contains("src=\"/embed.js\"") && html.contains("data-site=\"demo\""),
        "{html}"
    );
    assert_eq!(
        app.client
            .get(app.url("/demo/posts.html"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
    assert_eq!(
        app.client
            .get(app.url("/demo/missing.html"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );
    app.stop().await;
}
