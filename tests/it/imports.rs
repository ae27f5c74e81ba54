//! A blog owner moves in and out: every real export in `tests/corpus` (copies of the shared
//! corpus) imported as the owner would check it — counts per file, nesting, statuses, emails
//! kept but never published, hostile HTML cleaned, what was skipped and why — a second run that
//! changes nothing, a broken file that writes nothing, and exports that import back the same.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use replybox::admin::accounts::Role;
use replybox::import::{self, Format, Options, Skip, Summary};
use reqwest::StatusCode;
use serde_json::Value;

use crate::admin::Admin;
use crate::support::{Engine, TestApp, on_both_engines};

on_both_engines!(
    every_real_export_imports_with_what_the_owner_expects,
    the_deepest_wordpress_chain_keeps_its_nesting_and_statuses_map,
    emails_are_kept_but_never_published_and_hostile_html_comes_out_clean,
    a_deleted_disqus_post_is_a_tombstone_that_keeps_its_reply,
    a_broken_file_writes_nothing_and_says_where_it_broke,
    a_dry_run_writes_nothing_and_map_url_rewrites_addresses,
    an_export_imports_back_into_a_fresh_database_unchanged,
    the_admin_page_offers_the_export_as_a_download,
);

fn corpus(file: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/corpus")
        .join(file)
}

/// Imports a file as `replybox import` does (format sniffed from its start).
async fn import_bytes(
    app: &TestApp,
    site: &str,
    bytes: Vec<u8>,
    options: &Options,
) -> anyhow::Result<Summary> {
    let site = app.state.sites.get(site).expect("site");
    let format = Format::sniff(&bytes[..bytes.len().min(4096)]).expect("a known format");
    import::run(
        &app.state.db,
        &site,
        format,
        options,
        Box::new(std::io::Cursor::new(bytes)),
        || {},
    )
    .await
}

async fn import_file(app: &TestApp, file: &str) -> Summary {
    let bytes = std::fs::read(corpus(file)).expect("corpus file");
    import_bytes(app, "open", bytes, &Options::default())
        .await
        .unwrap_or_else(|err| panic!("{file}: {err:#}"))
}

fn skipped(summary: &Summary) -> Vec<(Skip, usize)> {
    summary
        .skipped
        .iter()
        .map(|(skip, what)| (*skip, what.len()))
        .collect()
}

/// (file, threads, comments, replies, orphans, skipped by reason), as the files' oddities
/// (tests/corpus/SOURCES.md) say they must come out.
type Expected = (
    &'static str,
    usize,
    usize,
    usize,
    usize,
    &'static [(Skip, usize)],
);

const EXPECTED: &[Expected] = &[
    ("wxr/isso__tests_wordpress.xml", 2, 8, 3, 0, &[]),
    // The pingback is skipped, so the reply to it becomes an orphan at the top of its page.
    (
        "wxr/remark42__wordpress_test_xmlTestWP.xml",
        1,
        3,
        0,
        1,
        &[(Skip::Pingback, 1)],
    ),
    // No <rss>, no namespace declarations, and comment id 2 twice.
    (
        "wxr/remark42__wordpress_test_xmlTestWPmd.xml",
        1,
        2,
        0,
        0,
        &[(Skip::DuplicateId, 1)],
    ),
    (
        "wxr/theme-test-data__themeunittestdata.wordpress.xml",
        7,
        29,
        10,
        0,
        &[(Skip::Pingback, 4)],
    ),
    (
        "wxr/wordpress-importer__test-serialized-comment-meta.xml",
        1,
        1,
        0,
        0,
        &[],
    ),
    // Post 6 names thread 1337, which the file does not have.
    (
        "disqus/isso__tests_disqus.xml",
        2,
        5,
        2,
        0,
        &[(Skip::UnknownPage, 1)],
    ),
    // A stray backtick before <?xml, an unquoted attribute, and `2011-x09-30T22:48:43Z`.
    (
        "disqus/remark42__testdata_disqus.xml",
        2,
        5,
        0,
        0,
        &[(Skip::UnparsableDate, 1)],
    ),
    ("disqus/schnack__test_disqus.xml", 2, 5, 3, 0, &[]),
    (
        "native/comentario__comentario-ok-single-v3.json",
        1,
        1,
        0,
        0,
        &[],
    ),
    ("native/isso__tests_generic.json", 2, 2, 0, 0, &[]),
    // `pid` 1234 names a comment that does not exist.
    (
        "native/remark42__native_test_TestNative_Import.jsonl",
        2,
        2,
        0,
        1,
        &[],
    ),
];

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

/// The public thread of a page, as the widget reads it.
async fn thread(app: &TestApp, uri: &str) -> Vec<Value> {
    app.thread("open", uri, None).await["comments"]
        .as_array()
        .unwrap()
        .clone()
}

/// How deep the deepest reply sits (a top-level comment is 1).
fn deepest(comments: &[Value]) -> usize {
    let parents: HashMap<i64, Option<i64>> = comments
        .iter()
        .map(|c| (c["id"].as_i64().unwrap(), c["parent"].as_i64()))
        .collect();
    parents
        .keys()
        .map(|id| {
            let (mut depth, mut at) = (1, parents[id]);
            while let Some(parent) = at {
                depth += 1;
                at = parents.get(&parent).copied().flatten();
            }
            depth
        })
        .max()
        .unwrap_or(0)
}

async fn the_deepest_wordpress_chain_keeps_its_nesting_and_statuses_map(engine: Engine) {
    let app = TestApp::start(engine).await;
    import_file(&app, "wxr/theme-test-data__themeunittestdata.wordpress.xml").await;
    let comments = thread(&app, "/2012/01/03/template-comments/").await;
    assert_eq!(deepest(&comments), 10, "Comment Depth 01…10");
    // Three comments were not approved in WordPress: held here, not public.
    assert_eq!(app.count_rows("comments WHERE status = 'pending'").await, 3);
    let public: usize = {
        let mut n = 0;
        for uri in [
            "/2012/01/03/template-comments/",
            "/2010/07/do-you-rp/",
            "/about/page-with-comments/",
        ] {
            n += thread(&app, uri).await.len();
        }
        n
    };
    assert!(public > 0);
    assert!(
        thread(&app, "/2010/07/do-you-rp/")
            .await
            .iter()
            .all(|c| c["status"] == "approved"),
        "held comments are not in the public thread"
    );
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
    let site = app.state.sites.get("open").unwrap();
    let mut json = Vec::new();
    replybox::export::write(
        &app.state.db,
        &site,
        replybox::export::Format::Json,
        &mut json,
    )
    .await
    .unwrap();
    let export: Value = serde_json::from_slice(&json).unwrap();
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

/// The text an HTML fragment shows, whitespace folded.
fn plain(html: &str) -> String {
    let mut text = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => {
                in_tag = true;
                text.push(' ');
            }
            '>' => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// What an owner compares after moving: per page, each comment's text, status and parent's text.
async fn contents(app: &TestApp) -> BTreeMap<String, Vec<(String, String, String)>> {
    let mut out: BTreeMap<String, Vec<(String, String, String)>> = BTreeMap::new();
    let site = app.state.sites.get("open").unwrap();
    let mut json = Vec::new();
    replybox::export::write(
        &app.state.db,
        &site,
        replybox::export::Format::Json,
        &mut json,
    )
    .await
    .unwrap();
    let export: Value = serde_json::from_slice(&json).expect("the export is JSON");
    for thread in export["threads"].as_array().unwrap() {
        let comments = thread["comments"].as_array().unwrap();
        let body_of: HashMap<i64, String> = comments
            .iter()
            .map(|c| {
                (
                    c["id"].as_i64().unwrap(),
                    c["html"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        let mut rows: Vec<(String, String, String)> = comments
            .iter()
            .map(|c| {
                let parent = c["parent"]
                    .as_i64()
                    .and_then(|p| body_of.get(&p).cloned())
                    .unwrap_or_default();
                (
                    c["html"].as_str().unwrap().to_string(),
                    c["status"].as_str().unwrap().to_string(),
                    parent,
                )
            })
            .collect();
        rows.sort();
        out.insert(thread["uri"].as_str().unwrap().to_string(), rows);
    }
    out
}

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
    for (file, ..) in EXPECTED {
        assert_eq!(
            std::fs::read(corpus(file)).unwrap(),
            std::fs::read(shared.join(file)).unwrap(),
            "{file} differs from the shared corpus"
        );
    }
}
