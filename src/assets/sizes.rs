//! What the widget weighs as served: what `replybox widget-size` prints and the budget checks.

use super::served::Asset;
use super::{ASSETS, LANGUAGES, MORE_JS_PARTS, app_js_source, joined, minify};

/// One of the widget's files as served (comments stripped): its name, source bytes, served
/// bytes, served bytes gzipped at level 9, and whether a reader downloads it by default (the
/// size budget counts those; on-demand parts are reported beside them).
#[derive(Debug, Clone)]
pub struct WidgetFile {
    /// Its name (`app.js (de)` for one language's app).
    pub name: String,
    /// Bytes as written in `embed/`.
    pub source: usize,
    /// Bytes served.
    pub served: usize,
    /// Bytes served, gzipped at level 9.
    pub gzipped: usize,
    /// Downloaded by every reader (else only on demand).
    pub by_default: bool,
}

/// The widget's files. A reader downloads the loader, one language's app.js and the stylesheet:
/// every language's app.js is listed, and the budget holds for each.
pub fn widget_sizes() -> Vec<WidgetFile> {
    let assets = &*ASSETS;
    let file = |name: String, source: usize, asset: &Asset, by_default: bool| WidgetFile {
        name,
        source,
        served: asset.body.len(),
        gzipped: minify::gzipped_len(&asset.body),
        by_default,
    };
    let mut files = vec![file(
        "embed.js".into(),
        include_str!("../../embed/embed.js").len(),
        &assets.loader,
        true,
    )];
    for ((code, strings), (_, app)) in LANGUAGES.iter().zip(&assets.apps) {
        let source = app_js_source(strings).len();
        files.push(file(format!("app.js ({code})"), source, &app.asset, true));
    }
    files.push(file(
        "app.css".into(),
        include_str!("../../embed/app.css").len(),
        &assets.app_css,
        true,
    ));
    files.push(file(
        "more.js".into(),
        joined(&MORE_JS_PARTS).len(),
        &assets.more.asset,
        false,
    ));
    files.push(file(
        "moderate.js".into(),
        include_str!("../../embed/moderate.js").len(),
        &assets.moderate.asset,
        false,
    ));
    files
}
