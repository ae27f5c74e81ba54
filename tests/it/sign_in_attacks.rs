//! Sign-in attacks that must fail, each against the real provider — or, for id_tokens the real
//! provider will not mint, against a hostile issuer (tests/oidc/server.mjs, `/rogue/{defect}`):
//! a malicious or compromised identity provider with its own discovery and signing key.

use reqwest::StatusCode;
use serde_json::Value;

use crate::sign_in_support::{Setup, World, code_in, error_in, location, rogue_provider};
use crate::support::{Engine, on_both_engines};

on_both_engines!(
    a_callback_with_a_wrong_or_missing_state_is_refused,
    a_callback_the_browser_never_started_is_refused,
    a_replayed_authorization_code_is_refused,
    a_replayed_or_expired_exchange_code_is_refused,
    an_id_token_for_another_nonce_is_refused,
    an_id_token_for_another_audience_is_refused,
    an_id_token_from_another_issuer_is_refused,
    an_expired_id_token_is_refused,
    an_id_token_signed_with_a_key_not_in_the_jwks_is_refused,
    the_hostile_issuer_signs_in_when_nothing_is_wrong,
    a_full_page_code_needs_the_frames_claim,
);

async fn a_callback_with_a_wrong_or_missing_state_is_refused(engine: Engine) {
    let world = World::start(engine, false).await;
    for tamper in ["wrong", "missing"] {
        let browser = world.browser();
        let to_provider = world.start_sign_in(&browser, "corp", "ada").await;
        let mut callback = world.through_provider(&browser, to_provider).await;
        let pairs: Vec<(String, String)> = callback
            .query_pairs()
            .filter(|(k, _)| k != "state")
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        {
            let mut query = callback.query_pairs_mut();
            query.clear().extend_pairs(&pairs);
            if tamper == "wrong" {
                query.append_pair("state", "forged-state");
            }
        }
        let page = browser.get(callback).send().await.unwrap();
        assert_eq!(page.status(), StatusCode::BAD_REQUEST, "{tamper} state");
        assert_eq!(
            error_in(&page.text().await.unwrap()).as_deref(),
            Some("invalid_state")
        );
    }
    assert_eq!(world.count("SELECT COUNT(*) FROM users").await, 0);
    assert_eq!(world.count("SELECT COUNT(*) FROM sign_in_codes").await, 0);
}

/// Login CSRF: an attacker signs in with their own account, stops before the callback and
/// makes the victim's browser open it. The victim's session never started that sign-in.
async fn a_callback_the_browser_never_started_is_refused(engine: Engine) {
    let world = World::start(engine, false).await;
    let attacker = world.browser();
    let to_provider = world.start_sign_in(&attacker, "corp", "grace").await;
    let callback = world.through_provider(&attacker, to_provider).await;

    let victim = world.browser();
    // Even a victim with a sign-in of their own pending: the state is not theirs.
    world.start_sign_in(&victim, "corp", "ada").await;
    let page = victim.get(callback.clone()).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        error_in(&page.text().await.unwrap()).as_deref(),
        Some("invalid_state")
    );
    let fresh = world.browser().get(callback).send().await.unwrap();
    assert_eq!(fresh.status(), StatusCode::BAD_REQUEST);
    assert_eq!(world.count("SELECT COUNT(*) FROM users").await, 0);
}

async fn a_replayed_authorization_code_is_refused(engine: Engine) {
    let world = World::start(engine, false).await;
    let browser = world.browser();
    let to_provider = world.start_sign_in(&browser, "corp", "ada").await;
    let callback = world.through_provider(&browser, to_provider).await;
    let first = browser.get(callback.clone()).send().await.unwrap();
    assert_eq!(first.status(), StatusCode::OK);

    // The same callback again: the pending sign-in was used up.
    let again = browser.get(callback.clone()).send().await.unwrap();
    assert_eq!(
        error_in(&again.text().await.unwrap()).as_deref(),
        Some("invalid_state")
    );

    // The old code with a fresh, valid state: the provider refuses the reused code.
    let fresh = world.start_sign_in(&browser, "corp", "ada").await;
    let state = fresh
        .query_pairs()
        .find(|(k, _)| k == "state")
        .unwrap()
        .1
        .into_owned();
    let code = callback
        .query_pairs()
        .find(|(k, _)| k == "code")
        .unwrap()
        .1
        .into_owned();
    let mut replay = callback.clone();
    replay
        .query_pairs_mut()
        .clear()
        .append_pair("code", &code)
        .append_pair("state", &state);
    let page = browser.get(replay).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        error_in(&page.text().await.unwrap()).as_deref(),
        Some("sign_in_failed")
    );
}

async fn a_replayed_or_expired_exchange_code_is_refused(engine: Engine) {
    let world = World::start(engine, false).await;
    let page = world.popup(&world.browser(), "corp", "ada").await;
    let code = code_in(&page.text().await.unwrap()).unwrap();
    assert_eq!(world.exchange(&code, None).await.status(), StatusCode::OK);
    let replay = world.exchange(&code, None).await;
    assert_eq!(replay.status(), StatusCode::BAD_REQUEST);
    let body: Value = replay.json().await.unwrap();
    assert_eq!(body["error"]["code"], "invalid_code");

    let page = world.popup(&world.browser(), "corp", "ada").await;
    let code = code_in(&page.text().await.unwrap()).unwrap();
    world
        .execute("UPDATE sign_in_codes SET expires_at = 0")
        .await;
    let late = world.exchange(&code, None).await;
    assert_eq!(late.status(), StatusCode::BAD_REQUEST);
    assert_eq!(world.count("SELECT COUNT(*) FROM sign_in_codes").await, 0);
    assert_eq!(world.count("SELECT COUNT(*) FROM credentials").await, 1);
}

async fn an_id_token_for_another_nonce_is_refused(engine: Engine) {
    let world = World::start(engine, false).await;
    let browser = world.browser();
    let mut to_provider = world.start_sign_in(&browser, "corp", "ada").await;
    let pairs: Vec<(String, String)> = to_provider
        .query_pairs()
        .map(|(k, v)| {
            let v = if k == "nonce" {
                "another-nonce".to_string()
            } else {
                v.into_owned()
            };
            (k.into_owned(), v)
        })
        .collect();
    to_provider.query_pairs_mut().clear().extend_pairs(&pairs);
    let callback = world.through_provider(&browser, to_provider).await;
    let page = browser.get(callback).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        error_in(&page.text().await.unwrap()).as_deref(),
        Some("invalid_id_token")
    );
    assert_eq!(world.count("SELECT COUNT(*) FROM users").await, 0);
}

/// The full-page fallback returns to the blog page with a code the blog can see; it is useless
/// without the claim's secret, which only the widget's frame holds, and a wrong guess burns it.
async fn a_full_page_code_needs_the_frames_claim(engine: Engine) {
    let world = World::start(engine, false).await;
    let secret = "the-frames-own-secret";
    let claim = replybox::fingerprint::hex(&sha2_digest(secret));
    for guess in [None, Some("a-wrong-secret"), Some(secret)] {
        let browser = world.browser();
        let start = world
            .start_full_page(
                &browser,
                "corp",
                &[
                    ("site", "open"),
                    ("return", "http://blog.test/post?x=1"),
                    ("claim", &claim),
                    ("login_hint", "ada"),
                ],
            )
            .await;
        let callback = world
            .through_provider(&browser, location(&start).unwrap())
            .await;
        let back = browser.get(callback).send().await.unwrap();
        assert_eq!(back.status(), StatusCode::SEE_OTHER);
        let to = location(&back).unwrap();
        assert_eq!(
            to.as_str().split('#').next().unwrap(),
            "http://blog.test/post?x=1"
        );
        let code = to
            .fragment()
            .unwrap()
            .strip_prefix("replybox-code=")
            .unwrap()
            .to_string();
        let exchanged = world.exchange(&code, guess).await;
        let expected = if guess == Some(secret) {
            StatusCode::OK
        } else {
            StatusCode::BAD_REQUEST
        };
        assert_eq!(exchanged.status(), expected, "{guess:?}");
        // Whatever happened, the code is gone.
        assert_eq!(
            world.exchange(&code, Some(secret)).await.status(),
            StatusCode::BAD_REQUEST
        );
    }
}

fn sha2_digest(text: &str) -> Vec<u8> {
    use sha2::Digest;
    sha2::Sha256::digest(text.as_bytes()).to_vec()
}

/// replybox trusting the hostile issuer's `defect` as the provider `rogue-{defect}`.
async fn rogue_world(engine: Engine, defect: &str) -> World {
    World::start_with(
        engine,
        Setup {
            providers: rogue_provider(defect),
            ..Setup::default()
        },
    )
    .await
}

/// Signs in through the hostile issuer's `defect`; returns the callback's status and page.
async fn through_rogue(world: &World, defect: &str) -> (StatusCode, String) {
    let browser = world.browser();
    let to_provider = world
        .start_sign_in(&browser, &format!("rogue-{defect}"), "mallory")
        .await;
    let callback = world.through_provider(&browser, to_provider).await;
    let page = browser.get(callback).send().await.unwrap();
    (page.status(), page.text().await.unwrap())
}

async fn a_defective_id_token_is_refused(engine: Engine, defect: &str) {
    let world = rogue_world(engine, defect).await;
    let (status, page) = through_rogue(&world, defect).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{defect}");
    assert_eq!(
        error_in(&page).as_deref(),
        Some("invalid_id_token"),
        "{defect}"
    );
    assert!(code_in(&page).is_none());
    for table in ["users", "identities", "credentials", "sign_in_codes"] {
        assert_eq!(
            world.count(&format!("SELECT COUNT(*) FROM {table}")).await,
            0,
            "{defect}: {table}"
        );
    }
}

async fn an_id_token_for_another_audience_is_refused(engine: Engine) {
    a_defective_id_token_is_refused(engine, "aud").await;
}

async fn an_id_token_from_another_issuer_is_refused(engine: Engine) {
    a_defective_id_token_is_refused(engine, "iss").await;
}

async fn an_expired_id_token_is_refused(engine: Engine) {
    a_defective_id_token_is_refused(engine, "exp").await;
}

async fn an_id_token_signed_with_a_key_not_in_the_jwks_is_refused(engine: Engine) {
    a_defective_id_token_is_refused(engine, "sig").await;
}

/// The control: the hostile issuer's tokens are accepted when nothing is wrong with them, so
/// the refusals above are about their one defect.
async fn the_hostile_issuer_signs_in_when_nothing_is_wrong(engine: Engine) {
    let world = rogue_world(engine, "ok").await;
    let (status, page) = through_rogue(&world, "ok").await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let code = code_in(&page).expect("a code");
    let response = world.exchange(&code, None).await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["viewer"]["name"], "Mallory");
    assert_eq!(body["viewer"]["provider"], "rogue-ok");
    assert_eq!(
        world
            .count("SELECT COUNT(*) FROM identities WHERE provider = 'rogue-ok' AND subject = 'mallory-ok'")
            .await,
        1
    );
}
