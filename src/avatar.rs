//! Avatars drawn by replybox itself: a symmetric 5×5 pattern in a colour, both derived from the
//! key in the URL. No request ever goes to a third-party avatar service from a reader's browser.

use axum::extract::Path;
use axum::http::{HeaderValue, header};
use axum::response::Response;

use crate::error::AppError;

/// `GET /avatar/{key}.svg`
pub async fn serve(Path(file): Path<String>) -> Result<Response, AppError> {
    let key = file.strip_suffix(".svg").ok_or(AppError::NotFound)?;
    if key.len() < 8 || key.len() > 64 || !key.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(AppError::NotFound);
    }
    Ok(image(
        identicon(key).into_bytes(),
        "image/svg+xml",
        IMMUTABLE,
    ))
}

/// Cache policy for a picture whose URL changes when it does.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// A picture response: its type, how long to keep it, and a CSP that stops an SVG (or anything
/// mislabelled) from running script when opened directly.
pub fn image(
    body: impl Into<axum::body::Body>,
    content_type: &str,
    cache_control: &'static str,
) -> Response {
    let mut response = Response::new(body.into());
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(content_type) {
        headers.insert(header::CONTENT_TYPE, value);
    }
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(cache_control),
    );
    crate::html::Policy::Inert.apply(headers);
    response
}

/// Draws the identicon for a hex key (at least 8 hex digits).
pub fn identicon(key: &str) -> String {
    let nibble = |i: usize| {
        key.as_bytes()
            .get(i % key.len())
            .and_then(|b| (*b as char).to_digit(16))
            .unwrap_or(0)
    };
    let hue = (nibble(0) * 16 + nibble(1)) * 360 / 256;
    let mut cells = String::new();
    for row in 0..5 {
        for col in 0..3 {
            if nibble(2 + row * 3 + col) % 2 == 0 {
                continue;
            }
            for x in [col, 4 - col] {
                cells.push_str(&format!(
                    "<rect x=\"{}\" y=\"{}\" width=\"8\" height=\"8\"/>",
                    4 + x * 8,
                    4 + row * 8
                ));
                if x == 2 {
                    break;
                }
            }
        }
    }
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 48 48\" width=\"48\" height=\"48\">\
         <rect width=\"48\" height=\"48\" fill=\"hsl({hue},45%,92%)\"/><g fill=\"hsl({hue},55%,45%)\">{cells}</g></svg>"
    )
}

#[cfg(test)]
mod tests {
    use super::identicon;

    #[test]
    fn the_same_key_draws_the_same_picture_and_another_key_another() {
        assert_eq!(identicon("0123456789abcdef"), identicon("0123456789abcdef"));
        assert_ne!(identicon("0123456789abcdef"), identicon("fedcba9876543210"));
        assert!(identicon("0123456789abcdef").starts_with("<svg"));
    }
}
