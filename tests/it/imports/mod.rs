//! A blog owner moves in and out: every real export in `tests/corpus` (copies of the shared
//! corpus) imported as the owner would check it — counts per file, nesting, statuses, emails
//! kept but never published, hostile HTML cleaned, what was skipped and why — a second run that
//! changes nothing, a broken file that writes nothing, and exports that import back the same.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use replybox::import::{self, Format, Options, Skip, Summary};
use serde_json::Value;

use crate::support::TestApp;

mod moving_in;
mod moving_out;

pub fn corpus(file: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/corpus")
        .join(file)
}

/// Imports a file as `replybox import` does (format sniffed from its start).
pub async fn import_bytes(
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

pub async fn import_file(app: &TestApp, file: &str) -> Summary {
    let bytes = std::fs::read(corpus(file)).expect("corpus file");
    import_bytes(app, "open", bytes, &Options::default())
        .await
        .unwrap_or_else(|err| panic!("{file}: {err:#}"))
}

pub fn skipped(summary: &Summary) -> Vec<(Skip, usize)> {
    summary
        .skipped
        .iter()
        .map(|(skip, what)| (*skip, what.len()))
        .collect()
}

/// (file, threads, comments, replies, orphans, skipped by reason), as the files' oddities
/// (tests/corpus/SOURCES.md) say they must come out.
pub type Expected = (
    &'static str,
    usize,
    usize,
    usize,
    usize,
    &'static [(Skip, usize)],
);

pub const EXPECTED: &[Expected] = &[
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

/// The public thread of a page, as the widget reads it.
pub async fn thread(app: &TestApp, uri: &str) -> Vec<Value> {
    app.thread("open", uri, None).await["comments"]
        .as_array()
        .unwrap()
        .clone()
}

/// How deep the deepest reply sits (a top-level comment is 1).
pub fn deepest(comments: &[Value]) -> usize {
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

/// The site's JSON export, as an owner downloads it.
pub async fn export_json(app: &TestApp) -> Value {
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
    serde_json::from_slice(&json).expect("the export is JSON")
}

/// The text an HTML fragment shows, whitespace folded.
pub fn plain(html: &str) -> String {
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
pub async fn contents(app: &TestApp) -> BTreeMap<String, Vec<(String, String, String)>> {
    let mut out: BTreeMap<String, Vec<(String, String, String)>> = BTreeMap::new();
    let export = export_json(app).await;
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
