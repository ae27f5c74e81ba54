//! `POST /api/counts`: comment counts of many pages in one request (index pages).

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};

use crate::error::{AppError, AppResult};
use crate::extract::AppJson;
use crate::state::AppState;
use crate::store::{self, threads::MAX_COUNT_URIS};

/// Which pages to count.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CountsInput {
    site: String,
    uris: Vec<String>,
}

/// Approved comments per page; pages nobody commented on count 0.
#[derive(Debug, Serialize)]
pub struct Counts {
    counts: BTreeMap<String, i64>,
}

/// Answers from memory where it can and reads the rest in one query.
pub async fn count(
    State(state): State<AppState>,
    AppJson(input): AppJson<CountsInput>,
) -> AppResult<Json<Counts>> {
    let site = state.sites.get(&input.site)?;
    if input.uris.len() > MAX_COUNT_URIS {
        return Err(AppError::invalid(
            "too_many_uris",
            format!("Ask for at most {MAX_COUNT_URIS} pages at once."),
        ));
    }
    let mut counts = BTreeMap::new();
    let mut missing = Vec::new();
    for uri in input.uris {
        // An address that cannot be a page of the site has no comments (and is not remembered).
        if crate::comments::page_uri(&site, &uri).is_err() {
            counts.insert(uri, 0);
            continue;
        }
        let key = (site.id().to_string(), uri);
        match state.caches.counts.get(&key) {
            Some(count) => {
                counts.insert(key.1, count);
            }
            None => missing.push(key.1),
        }
    }
    if !missing.is_empty() {
        let version = state.caches.version();
        let found: BTreeMap<String, i64> =
            store::threads::approved_counts(&state.db, site.id(), &missing)
                .await?
                .into_iter()
                .collect();
        for uri in missing {
            let count = found.get(&uri).copied().unwrap_or(0);
            let caches = &state.caches;
            caches
                .counts
                .put_if((site.id().to_string(), uri.clone()), count, || {
                    caches.unchanged_since(version)
                });
            counts.insert(uri, count);
        }
    }
    Ok(Json(Counts { counts }))
}
