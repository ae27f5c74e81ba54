//! The widget's files, embedded in the binary (so one file is the whole deployment).
//!
//! Cache policy as data: the loader (`/embed.js`) keeps a stable URL, so it is cached briefly and
//! revalidated by ETag; the iframe's script and stylesheet are named by a hash of their content
//! and cached for a year (`immutable`); every file answers `304` to a matching `If-None-Match`.
//! The iframe document is per site: its CSP lets only the site's origins frame it. The
//! moderator tools (`moderate.js`) are content-hashed like the app, named in the frame's
//! document (`<meta name="replybox-moderate">`) and loaded by the app only for a moderator, so
//! they are not part of what a reader downloads (nor of [`widget_sizes`]'s budget).

use std::collections::HashMap;
use std::sync::LazyLock;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::extract::AppQuery;
use crate::fingerprint::hex;
use crate::html::Policy;
use crate::state::AppState;

pub mod minify;

/// How long a browser may keep a file without asking again.
#[derive(Debug, Clone, Copy)]
enum CachePolicy {
    /// Content-hashed URL: forever.
    Immutable,
    /// Stable URL: five minutes, then revalidate.
    Short,
    /// Always revalidate.
    Revalidate,
}

impl CachePolicy {
    fn header(self) -> HeaderValue {
        HeaderValue::from_static(match self {
            Self::Immutable => "public, max-age=31536000, immutable",
            Self::Short => "public, max-age=300",
            Self::Revalidate => "no-cache",
        })
    }
}

/// One embedded file.
struct Asset {
    body: Bytes,
    content_type: &'static str,
    etag: HeaderValue,
    cache: CachePolicy,
}

impl Asset {
    fn new(body: &'static [u8], content_type: &'static str, cache: CachePolicy) -> Self {
        Self {
            etag: etag_of(body),
            body: Bytes::from_static(body),
            content_type,
            cache,
        }
    }

    /// A script or stylesheet: served without its comments (see [`minify`]).
    fn code(source: &str, content_type: &'static str, cache: CachePolicy) -> Self {
        let body = Bytes::from(minify::strip_comments(source));
        Self {
            etag: etag_of(&body),
            body,
            content_type,
            cache,
        }
    }

    /// 200 with the body, or 304 when the browser already has this version.
    fn respond(&self, request: &HeaderMap) -> Response {
        let mut response = if matches_etag(request, &self.etag) {
            StatusCode::NOT_MODIFIED.into_response()
        } else {
            let mut response = self.body.clone().into_response();
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static(self.content_type),
            );
            response
        };
        let headers = response.headers_mut();
        headers.insert(header::ETAG, self.etag.clone());
        headers.insert(header::CACHE_CONTROL, self.cache.header());
        response
    }
}

fn etag_of(body: &[u8]) -> HeaderValue {
    HeaderValue::from_str(&format!("\"{}\"", &hex(&Sha256::digest(body))[..20]))
        .expect("hex is a valid header")
}

fn matches_etag(request: &HeaderMap, etag: &HeaderValue) -> bool {
    let Some(wanted) = request
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let etag = etag.to_str().unwrap_or_default();
    wanted
        .split(',')
        .map(|tag| tag.trim().trim_start_matches("W/"))
        .any(|tag| tag == etag || tag == "*")
}

fn content_hash(body: &[u8]) -> String {
    hex(&Sha256::digest(body))[..12].to_string()
}

/// The thread app (the iframe's script), one source file per part, joined in this order into
/// the one `app.js` served (one request, no build step): every part shares one function scope,
/// so a part may use what an earlier one declares. It talks only to its own origin; the one
/// `innerHTML` is the comment's server-sanitised html (`thread.js`), every other string from
/// users goes through `textContent` or attributes.
const APP_JS_PARTS: [&str; 9] = [
    include_str!("../embed/app/strings.js"),
    include_str!("../embed/app/frame.js"),
    include_str!("../embed/app/thread.js"),
    include_str!("../embed/app/form.js"),
    include_str!("../embed/app/sign-in.js"),
    include_str!("../embed/app/replying.js"),
    include_str!("../embed/app/posting.js"),
    include_str!("../embed/app/moderator-sign-in.js"),
    include_str!("../embed/app/start.js"),
];

/// The thread app's source, its parts inside one strict-mode function.
fn app_js_source() -> String {
    format!(
        "(() => {{\n'use strict';\n{}}})();\n",
        APP_JS_PARTS.concat()
    )
}

struct Assets {
    loader: Asset,
    app_js_name: String,
    app_js: Asset,
    app_css_name: String,
    app_css: Asset,
    moderate_js_name: String,
    moderate_js: Asset,
    thread_html: String,
    demo: HashMap<&'static str, Asset>,
    admin_css: Asset,
    admin_js: Asset,
}

static ASSETS: LazyLock<Assets> = LazyLock::new(|| {
    let app_js = Asset::code(
        &app_js_source(),
        "text/javascript; charset=utf-8",
        CachePolicy::Immutable,
    );
    let app_css = Asset::code(
        include_str!("../embed/app.css"),
        "text/css; charset=utf-8",
        CachePolicy::Immutable,
    );
    let moderate_js = Asset::code(
        include_str!("../embed/moderate.js"),
        "text/javascript; charset=utf-8",
        CachePolicy::Immutable,
    );
    let app_js_name = format!("app.{}.js", content_hash(&app_js.body));
    let app_css_name = format!("app.{}.css", content_hash(&app_css.body));
    let moderate_js_name = format!("moderate.{}.js", content_hash(&moderate_js.body));
    let thread_html = include_str!("../embed/thread.html")
        .replace("%APP_JS%", &format!("/embed/{app_js_name}"))
        .replace("%APP_CSS%", &format!("/embed/{app_css_name}"))
        .replace("%MODERATE_JS%", &format!("/embed/{moderate_js_name}"));
    let demo = HashMap::from([
        (
            "",
            Asset::new(
                include_bytes!("../embed/demo/index.html"),
                "text/html; charset=utf-8",
                CachePolicy::Revalidate,
            ),
        ),
        (
            "posts.html",
            Asset::new(
                include_bytes!("../embed/demo/posts.html"),
                "text/html; charset=utf-8",
                CachePolicy::Revalidate,
            ),
        ),
        (
            "demo.css",
            Asset::new(
                include_bytes!("../embed/demo/demo.css"),
                "text/css; charset=utf-8",
                CachePolicy::Revalidate,
            ),
        ),
    ]);
    Assets {
        loader: Asset::code(
            include_str!("../embed/embed.js"),
            "text/javascript; charset=utf-8",
            CachePolicy::Short,
        ),
        app_js,
        app_css,
        app_js_name,
        app_css_name,
        moderate_js,
        moderate_js_name,
        thread_html,
        demo,
        admin_css: Asset::new(
            include_bytes!("../embed/admin/admin.css"),
            "text/css; charset=utf-8",
            CachePolicy::Revalidate,
        ),
        admin_js: Asset::new(
            include_bytes!("../embed/admin/admin.js"),
            "text/javascript; charset=utf-8",
            CachePolicy::Revalidate,
        ),
    }
});

/// `GET /embed.js`: the loader blog pages include.
pub async fn loader(headers: HeaderMap) -> Response {
    ASSETS.loader.respond(&headers)
}

/// `GET /embed/{file}`: the iframe's content-hashed script and stylesheet, and the moderator
/// tools.
pub async fn embed_file(Path(file): Path<String>, headers: HeaderMap) -> Response {
    let assets = &*ASSETS;
    if file == assets.app_js_name {
        assets.app_js.respond(&headers)
    } else if file == assets.app_css_name {
        assets.app_css.respond(&headers)
    } else if file == assets.moderate_js_name {
        assets.moderate_js.respond(&headers)
    } else {
        not_found()
    }
}

/// `GET /demo/` and `GET /demo/{file}`: a sample blog post for the first minute with replybox.
pub async fn demo(file: Option<Path<String>>, headers: HeaderMap) -> Response {
    let name = file.as_ref().map(|Path(name)| name.as_str()).unwrap_or("");
    match ASSETS.demo.get(name) {
        Some(asset) => {
            let mut response = asset.respond(&headers);
            if name.is_empty() || name.ends_with(".html") {
                Policy::DemoPage.apply(response.headers_mut());
            }
            response
        }
        None => not_found(),
    }
}

/// `GET /admin/admin.css` and `GET /admin/admin.js`: the admin pages' own style and shortcuts.
pub async fn admin_file(uri: axum::http::Uri, headers: HeaderMap) -> Response {
    match uri.path() {
        "/admin/admin.css" => ASSETS.admin_css.respond(&headers),
        "/admin/admin.js" => ASSETS.admin_js.respond(&headers),
        _ => not_found(),
    }
}

/// Which site's thread the iframe shows (the rest of the query is read by the iframe's script).
#[derive(Debug, Deserialize)]
pub struct FrameQuery {
    site: String,
}

/// `GET /embed/thread?site=…`: the iframe document. Only the site's own origins may frame it.
pub async fn thread_frame(
    State(state): State<AppState>,
    AppQuery(query): AppQuery<FrameQuery>,
) -> Response {
    let Ok(site) = state.sites.get(&query.site) else {
        let mut response = (
            StatusCode::NOT_FOUND,
            "replybox: this site is not configured.",
        )
            .into_response();
        Policy::Inert.apply(response.headers_mut());
        return response;
    };
    let mut ancestors: Vec<&str> = site.origins.iter().map(String::as_str).collect();
    ancestors.sort_unstable();
    let frame_ancestors = if ancestors.is_empty() {
        "'none'".to_string()
    } else {
        ancestors.join(" ")
    };
    let mut response = ASSETS.thread_html.clone().into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(header::CACHE_CONTROL, CachePolicy::Revalidate.header());
    Policy::WidgetFrame {
        ancestors: &frame_ancestors,
    }
    .apply(headers);
    response
}

fn not_found() -> Response {
    (StatusCode::NOT_FOUND, "Not found").into_response()
}

/// The moderator tools as served: (name, source bytes, served bytes, served bytes gzipped at
/// level 9). Loaded only for moderators, so outside the reader's budget.
pub fn moderator_tools_size() -> (String, usize, usize, usize) {
    let assets = &*ASSETS;
    (
        assets.moderate_js_name.clone(),
        include_str!("../embed/moderate.js").len(),
        assets.moderate_js.body.len(),
        minify::gzipped_len(&assets.moderate_js.body),
    )
}

/// The widget's files as served (comments stripped): (name, source bytes, served bytes, served
/// bytes gzipped at level 9). The size budget counts the last column.
pub fn widget_sizes() -> Vec<(&'static str, usize, usize, usize)> {
    let assets = &*ASSETS;
    [
        (
            "embed.js",
            include_str!("../embed/embed.js").len(),
            &assets.loader,
        ),
        ("app.js", app_js_source().len(), &assets.app_js),
        (
            "app.css",
            include_str!("../embed/app.css").len(),
            &assets.app_css,
        ),
    ]
    .into_iter()
    .map(|(name, source, asset)| {
        (
            name,
            source,
            asset.body.len(),
            minify::gzipped_len(&asset.body),
        )
    })
    .collect()
}
