//! `POST /auth/exchange`: the last step of a sign-in. The widget's frame trades the one-time
//! code (60 s, once) for its credential; a full-page sign-in's code also needs its claim's
//! secret, and a popup code must come without one (see [`super::flow`]). An admin-page
//! account's code (popup only, see [`super::admin_account`]) becomes a credential bound to the
//! account.

use axum::http::{HeaderMap, header};
use serde::Deserialize;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::credential::{self, Credential, hash_token};
use crate::client_ip::ClientIp;
use crate::error::{AppError, AppResult};
use crate::extract::AppJson;
use crate::fingerprint::{hex, same_secret};
use crate::state::AppState;
use crate::store;
use axum::extract::State;

/// `POST /auth/exchange` body: the one-time code, and for a full-page sign-in the claim.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExchangeInput {
    code: String,
    #[serde(default)]
    claim: Option<String>,
}

/// `POST /auth/exchange`: the widget trades its one-time code for a credential. Only replybox's
/// own frame calls this (same origin); the code works once, for 60 seconds.
pub async fn exchange(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    AppJson(input): AppJson<ExchangeInput>,
) -> AppResult<axum::Json<Value>> {
    state.limits.check_sign_in(ip).await?;
    let origin = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok());
    if origin != Some(&*state.public_origin) {
        return Err(AppError::OriginNotAllowed);
    }
    let invalid = || {
        AppError::bad_request(
            "invalid_code",
            "This sign-in code is unknown, used or expired. Please sign in again.",
        )
    };
    if input.code.is_empty() || input.code.len() > 128 {
        return Err(invalid());
    }
    let now = store::now_ms();
    let code_hash = hash_token(&input.code);
    let Some(taken) = store::users::take_code(&state.db, &code_hash, now).await? else {
        let account_code = store::widget_accounts::take_code(&state.db, &code_hash, now).await?;
        // An account's code comes from the popup only: a claim with it means it was planted.
        let code = account_code
            .filter(|_| input.claim.is_none())
            .ok_or_else(invalid)?;
        let (credential, viewer) = super::admin_account::exchange(&state, &code, now)
            .await?
            .ok_or_else(invalid)?;
        return Ok(axum::Json(
            json!({"credential": credential, "viewer": viewer}),
        ));
    };
    // A full-page code needs its claim's secret; a popup code must come without one (a
    // claim presented with it means the code was planted in a full-page return: login CSRF).
    let claim_holds = match (&taken.claim_hash, input.claim.as_deref()) {
        (None, None) => true,
        (Some(claim_hash), Some(secret)) => {
            same_secret(&hex(&Sha256::digest(secret.as_bytes())), claim_hash)
        }
        _ => false,
    };
    if !claim_holds {
        return Err(invalid());
    }
    let credential = Credential::generate();
    let reader_id = store::users::issue_credential(
        &state.db,
        &credential.hash,
        taken.user_id,
        &taken.provider,
        now,
        now + credential::LIFETIME_MS,
    )
    .await?;
    let viewer = super::viewer_of(&state, reader_id, None).await?;
    Ok(axum::Json(
        json!({"credential": credential.token, "viewer": viewer}),
    ))
}
