//! `GET /api/openapi.json`: the API contract as OpenAPI 3.1.
//!
//! The document is written by hand in `api/openapi.json` (kept in the repo, reviewed like code)
//! and compiled in, so the binary always serves the contract it was built with. It cannot drift
//! from the code unnoticed: tests/it/openapi checks that every route of [`crate::http::router`]
//! is described or deliberately left out, that every request field the spec names is the one
//! serde reads, and that real responses validate against it; `scripts/api-fuzz` fuzzes it with
//! schemathesis on both engines.

use axum::http::header;
use axum::response::IntoResponse;

/// The contract, as kept in `api/openapi.json`.
pub const SPEC: &str = include_str!("../../api/openapi.json");

/// Serves [`SPEC`] as JSON.
pub async fn serve() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        SPEC,
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_contract_is_openapi_3_1_json() {
        let spec: serde_json::Value = serde_json::from_str(super::SPEC).expect("valid JSON");
        assert_eq!(spec["openapi"], "3.1.0");
    }
}
