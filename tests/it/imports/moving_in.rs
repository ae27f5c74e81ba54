//! Moving in: every real export, what the owner checks after importing it, and the files and
//! options that must write nothing or something else.

use reqwest::StatusCode;
use serde_json::Value;

use super::{EXPECTED, corpus, deepest, export_json, import_bytes, import_file, skipped, thread};
use crate::support::{Engine, TestApp, on_both_engines};
use replybox::import::Options;

on_both_engines!(
    every_real_export_imports_with_what_the_owner_expects,
    the_deepest_wordpress_chain_keeps_its_nesting_and_statuses_map,
    emails_are_kept_but_never_published_and_hostile_html_comes_out_clean,
    a_deleted_disqus_post_is_a_tombstone_that_keeps_its_reply,
    a_broken_file_writes_nothing_and_says_where_it_broke,
    a_dry_run_writes_nothing_and_map_url_rewrites_addresses,
);

async fn every_real_export_imports_with_what_the_owner_expects(engine: Engine) {
    let listed: Vec<&str> = EXPECTED.iter().map(|row| row.0).collect();
    for dir in ["wxr", "disqus", "native"] {
        for file in std::fs::read_dir(corpus(dir)).unwrap() {
            let name = format!("{dir}/{}", file.unwrap().file_name().to_string_lossy());
            assert!(listed.contains(&name.as_str()), "{name} has no expectation");
        }
    }
    for (file, threads, comments, replies, orphans, skips) in EXPECTED {
        let app = TestApp::start(engine).await;
        let summary = import_file(&app, file).await;
        assert_eq!(
            (
                summary.threads,
                summary.comments,
                summary.replies,
                summary.orphans.len()
            ),
            (*threads, *comments, *replies, *orphans),
            "{file}: {}",
            summary.report(false)
        );
        assert_eq!(skipped(&summary), skips.to_vec(), "{file}");
        assert_eq!(app.count_rows("comments").await, *comments as i64, "{file}");
        // The same file again changes nothing.
        let again = import_file(&app, file).await;
        assert_eq!(
            (again.comments, again.already_there),
            (0, *comments),
            "{file}"
        );
        assert_eq!(app.count_rows("comments").await, *comments as i64, "{file}");
        app.stop().await;
    }
}

async fn the_deepest_wordpress_chain_keeps_its_nesting_and_statuses_map(engine: Engine) {
    let app = TestApp::start(engine).await;
    import_file(&app, "wxr/theme-test-data__themeunittestdata.wordpress.xml").await;
    let comments = thread(&app, "/2012/01/03/template-comments/").await;
    assert_eq!(deepest(&comments), 10, "Comment Depth 01…10");
    // Three comments were not approved in WordPress: held here, not public.
    assert_eq!(app.count_rows("comments WHERE status = 'pending'").await, 3);
    // Every public thread is exactly its approved comments; each of these pages has one held.
    for (uri, some_approved) in [
        ("/2012/01/03/template-comments/", true),
        ("/about/page-with-comments/", true),
        ("/blog/", false),
    ] {
        let count = |status: &str| {
            format!(
                "comments c JOIN threads t ON t.id = c.thread_id WHERE t.uri = '{uri}' AND c.status = '{status}'"
            )
        };
        let approved = app.count_rows(&count("approved")).await;
        assert_eq!(approved > 0, some_approved, "{uri}");
        assert_eq!(app.count_rows(&count("pending")).await, 1, "{uri}");
        let public = thread(&app, uri).await;
        assert_eq!(public.len() as i64, approved, "{uri}");
        assert!(public.iter().all(|c| c["status"] == "approved"), "{uri}");
    }
    // Titles came along.
    assert_eq!(
        app.thread("open", "/2012/01/03/template-comments/", None)
            .await["thread"]["title"],
        "Template: Comments"
    );
}

async fn emails_are_kept_but_never_published_and_hostile_html_comes_out_clean(engine: Engine) {
    let app = TestApp::start(engine).await;
    let hostile = r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><item><title>Hostile &lt;b&gt;title</title><link>https://old.example/hostile/</link><wp:post_id>1</wp:post_id>
<wp:comment><wp:comment_id>1</wp:comment_id><wp:comment_author><![CDATA[<img src=x onerror=alert(1)>Eve]]></wp:comment_author>
<wp:comment_author_email>eve@example.org</wp:comment_author_email><wp:comment_author_url>javascript:alert(2)</wp:comment_author_url>
<wp:comment_date_gmt>2020-01-02 03:04:05</wp:comment_date_gmt>
<wp:comment_content><![CDATA[Hi <script>alert(3)</script><img src=x onerror=alert(4)><a href="javascript:alert(5)">x</a><iframe src="https://evil.example"></iframe><p style="position:fixed" onclick="alert(6)">text</p>]]></wp:comment_content>
<wp:comment_approved>1</wp:comment_approved><wp:comment_parent>0</wp:comment_parent></wp:comment>
</item></channel></rss>"#;
    let summary = import_bytes(
        &app,
        "open",
        hostile.as_bytes().to_vec(),
        &Options::default(),
    )
    .await
    .unwrap();
    assert_eq!(summary.comments, 1);
    import_file(&app, "disqus/schnack__test_disqus.xml").await;
    assert!(
        app.count_rows("comments WHERE author_email IS NOT NULL")
            .await
            > 1,
        "emails are kept for the owner"
    );
    let response = app
        .client
        .get(app.url("/api/comments"))
        .query(&[("site", "open"), ("uri", "/hostile/")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let body = response.text().await.unwrap();
    assert!(!body.contains("eve@example.org"), "no email in the API");
    let page: Value = serde_json::from_str(&body).unwrap();
    let comment = &page["comments"][0];
    let html = comment["html"].as_str().unwrap();
    for banned in [
        "<script",
        "onerror",
        "onclick",
        "javascript:",
        "<img",
        "<iframe",
        "style=",
    ] {
        assert!(!html.contains(banned), "{banned} in {html}");
    }
    assert!(html.contains("text"), "{html}");
    assert_eq!(
        comment["author"]["url"],
        Value::Null,
        "javascript: website dropped"
    );
    assert_eq!(comment["author"]["name"], "<img src=x onerror=alert(1)>Eve");
    assert_eq!(page["thread"]["title"], "Hostile <b>title");
    // No address any author gave shows in any public thread.
    let export = export_json(&app).await;
    let mut emails = Vec::new();
    for thread in export["threads"].as_array().unwrap() {
        for comment in thread["comments"].as_array().unwrap() {
            if let Some(email) = comment["author"]["email"].as_str() {
                emails.push(email.to_string());
            }
        }
    }
    assert!(emails.len() > 1);
    for thread in export["threads"].as_array().unwrap() {
        let text = app
            .client
            .get(app.url("/api/comments"))
            .query(&[("site", "open"), ("uri", thread["uri"].as_str().unwrap())])
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        for email in &emails {
            assert!(!text.contains(email.as_str()), "{email} published");
        }
    }
}

async fn a_deleted_disqus_post_is_a_tombstone_that_keeps_its_reply(engine: Engine) {
    let app = TestApp::start(engine).await;
    import_file(&app, "disqus/isso__tests_disqus.xml").await;
    assert_eq!(app.count_rows("comments WHERE status = 'deleted'").await, 1);
    let uris: Vec<String> = {
        let rows = app.inspector.count("SELECT COUNT(*) FROM threads").await;
        assert_eq!(rows, 2);
        let mut found = Vec::new();
        for id in 1..=2 {
            if let Some(uri) = app
                .inspector
                .text_by_id("SELECT uri FROM threads WHERE id = $1", id)
                .await
            {
                found.push(uri);
            }
        }
        found
    };
    let mut tombstones = 0;
    for uri in uris {
        let comments = thread(&app, &uri).await;
        for tomb in comments.iter().filter(|c| c["status"] == "deleted") {
            tombstones += 1;
            assert_eq!(tomb["html"], "", "a tombstone says nothing");
            let id = tomb["id"].as_i64().unwrap();
            assert!(
                comments.iter().any(|c| c["parent"].as_i64() == Some(id)),
                "its reply stays under it"
            );
        }
    }
    assert_eq!(tombstones, 1);
}

async fn a_broken_file_writes_nothing_and_says_where_it_broke(engine: Engine) {
    let app = TestApp::start(engine).await;
    let whole = std::fs::read(corpus(
        "wxr/theme-test-data__themeunittestdata.wordpress.xml",
    ))
    .unwrap();
    // Cut in the middle of the comments, then a tag that cannot be read.
    let at = whole
        .windows(b"Comment Depth 05".len())
        .position(|w| w == b"Comment Depth 05")
        .unwrap();
    let mut broken = whole[..at].to_vec();
    broken.extend_from_slice(b"]]></wp:comment_content></wp:comment><wp:comment <<<");
    let err = import_bytes(&app, "open", broken, &Options::default())
        .await
        .expect_err("a broken file is an error");
    assert!(format!("{err:#}").contains("byte"), "{err:#}");
    assert_eq!(app.count_rows("comments").await, 0, "nothing half-written");
    assert_eq!(app.count_rows("threads").await, 0);
}

async fn a_dry_run_writes_nothing_and_map_url_rewrites_addresses(engine: Engine) {
    let app = TestApp::start(engine).await;
    let bytes = std::fs::read(corpus("wxr/isso__tests_wordpress.xml")).unwrap();
    let dry = Options {
        dry_run: true,
        ..Options::default()
    };
    let summary = import_bytes(&app, "open", bytes.clone(), &dry)
        .await
        .unwrap();
    assert_eq!((summary.threads, summary.comments), (2, 8));
    assert!(summary.report(true).starts_with("dry run, nothing written"));
    assert_eq!(app.count_rows("comments").await, 0);
    assert_eq!(app.count_rows("threads").await, 0);

    let mapped = Options {
        map_url: vec![Options::map("http://example.tld/=http://blog.test/old/").unwrap()],
        ..Options::default()
    };
    import_bytes(&app, "open", bytes, &mapped).await.unwrap();
    let keys = app.count_rows("threads WHERE uri LIKE '/old/%'").await;
    assert_eq!(keys, 2, "links rewritten, then keyed by their path");
    assert_eq!(
        app.thread("open", "/old/2014/test/", None).await["comments"]
            .as_array()
            .unwrap()
            .len(),
        7
    );
}
