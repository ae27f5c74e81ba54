//! How an embedded file is served: its cache policy, its ETag (a `304` to a matching
//! `If-None-Match`), and the content-hashed names of the files cached forever.

use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

use super::minify;
use crate::fingerprint::hex;

/// How long a browser may keep a file without asking again.
#[derive(Debug, Clone, Copy)]
pub(super) enum CachePolicy {
    /// Content-hashed URL: forever.
    Immutable,
    /// Stable URL: five minutes, then revalidate.
    Short,
    /// Always revalidate.
    Revalidate,
}

impl CachePolicy {
    pub(super) fn header(self) -> HeaderValue {
        HeaderValue::from_static(match self {
            Self::Immutable => "public, max-age=31536000, immutable",
            Self::Short => "public, max-age=300",
            Self::Revalidate => "no-cache",
        })
    }
}

/// One embedded file.
pub(super) struct Asset {
    pub(super) body: Bytes,
    content_type: &'static str,
    etag: HeaderValue,
    cache: CachePolicy,
}

impl Asset {
    pub(super) fn new(body: &'static [u8], content_type: &'static str, cache: CachePolicy) -> Self {
        Self {
            etag: etag_of(body),
            body: Bytes::from_static(body),
            content_type,
            cache,
        }
    }

    /// A script or stylesheet: served minified (see [`minify`]).
    pub(super) fn code(source: &str, content_type: &'static str, cache: CachePolicy) -> Self {
        let body = Bytes::from(if content_type.starts_with("text/css") {
            minify::css(source)
        } else {
            minify::javascript(source)
        });
        Self {
            etag: etag_of(&body),
            body,
            content_type,
            cache,
        }
    }

    /// 200 with the body, or 304 when the browser already has this version.
    pub(super) fn respond(&self, request: &HeaderMap) -> Response {
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

pub(super) fn content_hash(body: &[u8]) -> String {
    hex(&Sha256::digest(body))[..12].to_string()
}

/// One script served under a content-hashed name.
pub(super) struct Hashed {
    pub(super) name: String,
    pub(super) asset: Asset,
}

impl Hashed {
    pub(super) fn script(stem: &str, source: &str) -> Self {
        let asset = Asset::code(
            source,
            "text/javascript; charset=utf-8",
            CachePolicy::Immutable,
        );
        Self {
            name: format!("{stem}.{}.js", content_hash(&asset.body)),
            asset,
        }
    }
}
