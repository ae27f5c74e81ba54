//! The moderator tools as the frame gets them: named in the frame's document, content-hashed
//! and cached for a year like the app, and not part of the app every reader downloads.

use reqwest::StatusCode;
use reqwest::header::CACHE_CONTROL;

use crate::support::{Engine, TestApp};

#[tokio::test]
async fn the_moderator_tools_load_on_demand_from_a_hashed_immutable_file() {
    let app = TestApp::start(Engine::Sqlite).await;
    let frame = app
        .get("/embed/thread?site=open&uri=/p/")
        .await
        .text()
        .await
        .unwrap();
    let path = crate::admin::between(&frame, "<meta name=\"replybox-moderate\" content=\"", "\"");
    assert!(
        path.starts_with("/embed/moderate.")
            && path.ends_with(".js")
            && path.len() == "/embed/moderate..js".len() + 12,
        "{path}"
    );
    let tools = app.get(path).await;
    assert_eq!(tools.status(), StatusCode::OK);
    assert_eq!(
        tools.headers()[CACHE_CONTROL],
        "public, max-age=31536000, immutable"
    );
    assert!(
        tools.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/javascript")
    );
    let tools = tools.text().await.unwrap();
    assert!(
        tools.contains("RB.tools=tools"),
        "it plugs into the reader app"
    );
    assert!(!tools.contains("// "), "served without its comments");

    let app_js = crate::admin::between(&frame, "<script src=\"", "\"");
    let app_js = app.get(app_js).await.text().await.unwrap();
    assert!(
        !app_js.contains("/moderation") && app_js.contains("replybox-moderate"),
        "readers get only the loader of the tools"
    );
    app.stop().await;
}
