//! Moving out: exports that import back the same, the admin page's download, and the corpus
//! copies kept unedited.

use std::path::PathBuf;

use replybox::admin::accounts::Role;
use replybox::import::Options;
use reqwest::StatusCode;
use serde_json::Value;
use std::collections::BTreeMap;

use super::{EXPECTED, contents, corpus, import_bytes, import_file, plain};
use crate::admin::Admin;
use crate::support::{Engine, TestApp, on_both_engines};

on_both_engines!(
    an_export_imports_back_into_a_fresh_database_unchanged,
    the_admin_page_offers_the_export_as_a_download,
);

async fn an_export_imports_back_into_a_fresh_database_unchanged(engine: Engine) {
    let app = TestApp::start(engine).await;
    let mut total = 0;
    for (file, _, comments, ..) in EXPECTED {
        import_file(&app, file).await;
        total += comments;
        // Importing into a site that has comments adds to them, never wipes them.
        assert_eq!(app.count_rows("comments").await, total as i64, "{file}");
    }
    let before = contents(&app).await;
    assert!(before.len() > 10);
    let site = app.state.sites.get("open").unwrap();
    for format in [
        replybox::export::Format::Json,
        replybox::export::Format::Wxr,
    ] {
        let mut file = Vec::new();
        let count = replybox::export::write(&app.state.db, &site, format, &mut file)
            .await
            .unwrap();
        assert_eq!(count as i64, app.count_rows("comments").await);
        let fresh = TestApp::start(engine).await;
        let summary = import_bytes(&fresh, "open", file.clone(), &Options::default())
            .await
            .unwrap();
        assert_eq!(summary.comments, count, "{format:?}");
        assert_eq!(
            summary.skipped_count(),
            0,
            "{format:?}: {}",
            summary.report(false)
        );
        let after = contents(&fresh).await;
        if format == replybox::export::Format::Json {
            assert_eq!(after, before, "the JSON round trip keeps everything");
        } else {
            // WordPress has no tombstones (a deleted comment comes back as rejected, empty),
            // and the HTML is cleaned again on the way in: compare the text it shows.
            let comparable = |all: &BTreeMap<String, Vec<(String, String, String)>>| {
                all.iter()
                    .map(|(uri, rows)| {
                        let mut rows: Vec<(String, String, String)> = rows
                            .iter()
                            .filter(|(_, status, _)| status != "deleted" && status != "rejected")
                            .map(|(html, status, parent)| {
                                (plain(html), status.clone(), plain(parent))
                            })
                            .collect();
                        rows.sort();
                        (uri.clone(), rows)
                    })
                    .collect::<BTreeMap<_, _>>()
            };
            assert_eq!(
                comparable(&after),
                comparable(&before),
                "the WXR round trip"
            );
            // And it is well-formed XML with the 1.2 namespace.
            let text = String::from_utf8(file).unwrap();
            assert!(text.contains("xmlns:wp=\"http://wordpress.org/export/1.2/\""));
            let mut reader = quick_xml::Reader::from_str(&text);
            loop {
                match reader.read_event() {
                    Ok(quick_xml::events::Event::Eof) => break,
                    Ok(_) => {}
                    Err(err) => panic!("the WXR export is not well-formed: {err}"),
                }
            }
        }
        fresh.stop().await;
    }
}

async fn the_admin_page_offers_the_export_as_a_download(engine: Engine) {
    let app = TestApp::start(engine).await;
    import_file(&app, "disqus/schnack__test_disqus.xml").await;
    let admin = Admin::sign_in(&app, "owner", Role::Admin, &[]).await;
    let page = admin.page("/admin/sites/open").await;
    assert!(page.contains("/admin/sites/open/export?format=json"));
    assert!(page.contains("/admin/sites/open/export?format=wxr"));
    let download = admin.get("/admin/sites/open/export?format=json").await;
    assert_eq!(download.status(), StatusCode::OK);
    assert!(
        download.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("replybox-open.json")
    );
    let export: Value = download.json().await.unwrap();
    let comments: usize = export["threads"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["comments"].as_array().unwrap().len())
        .sum();
    assert_eq!(comments, 5);
    // A moderator of another site gets nothing.
    let other = Admin::sign_in(&app, "stranger", Role::Moderator, &["held"]).await;
    let refused = other.get("/admin/sites/open/export?format=json").await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        app.count_rows("moderation_events WHERE action = 'export'")
            .await,
        1
    );
}

/// The copies in tests/corpus are the shared corpus, byte for byte, wherever it is next to the
/// checkout (a fresh clone elsewhere has only the copies).
#[test]
fn the_corpus_copies_are_the_shared_corpus_unedited() {
    let shared = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    if !shared.exists() {
        eprintln!("no shared corpus next to this checkout: nothing to compare");
        return;
    }
    let xss = [
        "xss/xss-payloads.all.txt",
        "xss/xss-payloads.multiline.jsonl",
    ];
    for file in EXPECTED.iter().map(|row| row.0).chain(xss) {
        assert_eq!(
            std::fs::read(corpus(file)).unwrap(),
            std::fs::read(shared.join(file)).unwrap(),
            "{file} differs from the shared corpus"
        );
    }
}
