//! The widget's files, embedded in the binary (so one file is the whole deployment).
//!
//! Cache policy as data ([`served`]): the loader (`/embed.js`) keeps a stable URL, so it is cached briefly and
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

use crate::extract::AppQuery;
use crate::html::Policy;
use crate::state::AppState;

mod languages;
pub mod minify;
mod served;
mod sizes;

pub use languages::{LANGUAGES, language};
use served::{Asset, CachePolicy, Hashed, content_hash};
pub use sizes::{WidgetFile, widget_sizes};

/// The thread app (the iframe's script), one source file per part, joined in this order into
/// the one `app.js` served (one request, no build step): every part shares one function scope,
/// so a part may use what an earlier one declares. It talks only to its own origin; comment
/// HTML (server-sanitised) is the only `innerHTML`, every other string from users goes through
/// `textContent` or attributes. Each language gets an app.js of its own, led by its strings.
const APP_JS_PARTS: [&str; 7] = [
    include_str!("../embed/app/frame.js"),
    include_str!("../embed/app/thread.js"),
    include_str!("../embed/app/form.js"),
    include_str!("../embed/app/sign-in.js"),
    include_str!("../embed/app/replying.js"),
    include_str!("../embed/app/posting.js"),
    include_str!("../embed/app/start.js"),
];

/// The reader's tools, loaded on demand (editing, deleting, reporting, previews, the rest of a
/// sign-in, "Your data"): joined like the app, in this order, into `more.js`.
const MORE_JS_PARTS: [&str; 6] = [
    include_str!("../embed/more/strings.js"),
    include_str!("../embed/more/report.js"),
    include_str!("../embed/more/edit.js"),
    include_str!("../embed/more/preview.js"),
    include_str!("../embed/more/data.js"),
    include_str!("../embed/more/sign-in.js"),
];

/// Parts joined inside one strict-mode function.
fn joined(parts: &[&str]) -> String {
    format!("(() => {{\n'use strict';\n{}}})();\n", parts.concat())
}

/// The thread app's source in one language.
fn app_js_source(strings: &str) -> String {
    let mut parts = vec![strings];
    parts.extend(APP_JS_PARTS);
    joined(&parts)
}

struct Assets {
    loader: Asset,
    /// The thread app, per language (in [`LANGUAGES`] order).
    apps: Vec<(&'static str, Hashed)>,
    more: Hashed,
    /// The moderator tools, loaded only for moderators.
    moderate: Hashed,
    app_css_name: String,
    app_css: Asset,
    /// The iframe document, per language (in [`LANGUAGES`] order), naming its app.js.
    frames: Vec<(&'static str, Bytes)>,
    demo: HashMap<&'static str, Asset>,
    admin_css: Asset,
    admin_js: Asset,
}

static ASSETS: LazyLock<Assets> = LazyLock::new(|| {
    let apps: Vec<(&'static str, Hashed)> = LANGUAGES
        .iter()
        .map(|(code, strings)| (*code, Hashed::script("app", &app_js_source(strings))))
        .collect();
    let more = Hashed::script("more", &joined(&MORE_JS_PARTS));
    let moderate = Hashed::script("moderate", include_str!("../embed/moderate.js"));
    let app_css = Asset::code(
        include_str!("../embed/app.css"),
        "text/css; charset=utf-8",
        CachePolicy::Immutable,
    );
    let app_css_name = format!("app.{}.css", content_hash(&app_css.body));
    let thread_html = include_str!("../embed/thread.html")
        .replace("%MORE_JS%", &format!("/embed/{}", more.name))
        .replace("%MODERATE_JS%", &format!("/embed/{}", moderate.name))
        .replace("%APP_CSS%", &format!("/embed/{app_css_name}"));
    let frames = (apps.iter())
        .map(|(code, app)| {
            let html = (thread_html.replace("%LANG%", code))
                .replace("%APP_JS%", &format!("/embed/{}", app.name));
            (*code, Bytes::from(html))
        })
        .collect();
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
        apps,
        more,
        moderate,
        app_css,
        app_css_name,
        frames,
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
    let script = (assets.apps.iter().map(|(_, app)| app))
        .chain([&assets.more, &assets.moderate])
        .find(|hashed| hashed.name == file);
    if let Some(hashed) = script {
        hashed.asset.respond(&headers)
    } else if file == assets.app_css_name {
        assets.app_css.respond(&headers)
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

/// Which site's thread the iframe shows, in which language (the rest of the query is read by
/// the iframe's script).
#[derive(Debug, Deserialize)]
pub struct FrameQuery {
    site: String,
    lang: Option<String>,
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
    let lang = language(query.lang.as_deref());
    // `language` answers only languages there are frames for; the first is the fallback.
    let frames = &ASSETS.frames;
    let (_, html) = (frames.iter())
        .find(|(code, _)| *code == lang)
        .unwrap_or(&frames[0]);
    let mut response = html.clone().into_response();
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
