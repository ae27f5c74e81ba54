//! The sign-in buttons' icons, served by replybox (`/auth/icons/{kind}.svg`) so the widget makes
//! no third-party request and its budgeted script and style stay small: each is a rounded tile
//! in the provider's colour with its initial, as data.

use axum::extract::Path;
use axum::response::Response;

use crate::error::AppError;

/// (kind, tile colour, mark).
const ICONS: &[(&str, &str, &str)] = &[
    ("github", "#24292f", "GH"),
    ("gitlab", "#fc6d26", "GL"),
    ("google", "#4285f4", "G"),
    ("microsoft", "#00a4ef", "M"),
    ("facebook", "#1877f2", "f"),
    ("x", "#000000", "X"),
    ("discord", "#5865f2", "D"),
    ("wordpress", "#21759b", "W"),
    ("mastodon", "#6364ff", "M"),
    ("oidc", "#5f6b7a", "ID"),
    ("oauth2", "#5f6b7a", "ID"),
];

/// `GET /auth/icons/{kind}.svg`
pub async fn serve(Path(file): Path<String>) -> Result<Response, AppError> {
    let kind = file.strip_suffix(".svg").ok_or(AppError::NotFound)?;
    let (_, colour, mark) = ICONS
        .iter()
        .find(|(k, _, _)| *k == kind)
        .ok_or(AppError::NotFound)?;
    let size = if mark.len() > 1 { 10 } else { 14 };
    let svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 24 24\" width=\"24\" height=\"24\">\
         <rect width=\"24\" height=\"24\" rx=\"5\" fill=\"{colour}\"/>\
         <text x=\"12\" y=\"12\" dy=\".35em\" text-anchor=\"middle\" fill=\"#fff\" \
         font-family=\"system-ui,sans-serif\" font-weight=\"700\" font-size=\"{size}\">{mark}</text></svg>"
    );
    Ok(crate::avatar::image(
        svg,
        "image/svg+xml",
        "public, max-age=86400",
    ))
}
