//! Findings 1 and 7: sign-in codes that could be carried away or planted.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::sign_in_support::{World, code_in, continue_link, error_in, location};
use crate::support::{Engine, on_both_engines};

on_both_engines!(
    a_return_page_replybox_serves_cannot_carry_a_sign_in_code_away,
    a_crafted_full_page_sign_in_link_stops_on_a_confirmation_page,
    a_popup_code_planted_with_a_claim_is_refused,
);

/// Audit finding 1 (HIGH): `return` on replybox's own origin pointed at
/// `/auth/mastodon/start?instance=<attacker>`; browsers keep the fragment across redirects, so
/// the sign-in code reached the attacker, who chose the claim and knew its secret.
async fn a_return_page_replybox_serves_cannot_carry_a_sign_in_code_away(engine: Engine) {
    let world = World::start(engine, false).await;
    let claim = "a".repeat(64);
    let base = &world.base;
    for hostile in [
        format!("{base}/auth/mastodon/start?site=self-hosted&instance=http://127.0.0.1:9"),
        format!("{base}/auth/corp/start?site=self-hosted"),
        format!("{base}/mail/act/x"),
        format!("{base}/admin"),
        format!("{base}/"),
        format!("{base}/demo/../auth/corp/start"),
        format!("{base}/demo/%2e%2e/auth/corp/start"),
        "http://blog.test/auth/corp/start".to_string(),
        "http://blog.test/mail/verify/x".to_string(),
    ] {
        let response = world
            .browser()
            .get(world.url("/auth/corp/start"))
            .query(&[
                ("site", "self-hosted"),
                ("return", hostile.as_str()),
                ("claim", &claim),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{hostile}");
        assert!(response.headers().get("location").is_none(), "{hostile}");
        assert_eq!(
            error_in(&response.text().await.unwrap()).as_deref(),
            Some("invalid_return"),
            "{hostile}"
        );
    }
    // Pages of the blog, and replybox's own demo pages, are still where a reader comes back to.
    for fine in [
        format!("{base}/demo/"),
        "http://blog.test/post/1".to_string(),
    ] {
        let response = world
            .browser()
            .get(world.url("/auth/corp/start"))
            .query(&[
                ("site", "self-hosted"),
                ("return", fine.as_str()),
                ("claim", &claim),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{fine}");
        assert!(continue_link(&response.text().await.unwrap()).is_some());
    }
}

/// Audit finding 1, second half: a full-page sign-in link crafted by someone else must not be
/// one click. The first visit shows replybox's confirmation page (site, provider, return page);
/// only its "Continue" link, whose token lives in this browser's session, goes to the provider.
async fn a_crafted_full_page_sign_in_link_stops_on_a_confirmation_page(engine: Engine) {
    let world = World::start(engine, false).await;
    let claim = "b".repeat(64);
    let query = [
        ("site", "open"),
        ("return", "http://blog.test/post?x=1"),
        ("claim", claim.as_str()),
        ("login_hint", "ada"),
    ];
    let start = world.url("/auth/corp/start");

    // The attacker's own browser gets a confirmation page and its Continue link.
    let attacker = world.browser();
    let shown = attacker.get(&start).query(&query).send().await.unwrap();
    assert_eq!(shown.status(), StatusCode::OK);
    assert!(shown.headers().get("location").is_none());
    assert!(
        shown.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("frame-ancestors 'none'")
    );
    let html = shown.text().await.unwrap();
    assert!(
        html.contains("Open blog") && html.contains("Corp"),
        "{html}"
    );
    assert!(html.contains("http://blog.test/post?x=1"), "{html}");
    let attackers_link = continue_link(&html).unwrap();

    // Sent to the victim, neither the crafted link nor the attacker's Continue link (nor a
    // guessed token) goes to the provider: each only shows the victim a confirmation page.
    let victim = world.browser();
    for link in [
        reqwest::Url::parse_with_params(&start, &query).unwrap(),
        reqwest::Url::parse(&attackers_link).unwrap(),
        reqwest::Url::parse(&format!("{start}?site=open&return=http%3A%2F%2Fblog.test%2Fpost%3Fx%3D1&claim={claim}&confirm=guess")).unwrap(),
    ] {
        let response = victim.get(link.clone()).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{link}");
        assert!(response.headers().get("location").is_none(), "{link}");
    }

    // A Continue link works once, in the browser it was shown in, for the sign-in it names.
    let tampered = attackers_link.replace("x%3D1", "x%3D2");
    let response = attacker.get(&tampered).send().await.unwrap();
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "a changed return needs its own go-ahead"
    );
    let html = response.text().await.unwrap();
    let fresh = continue_link(&html).unwrap();
    let to_provider = attacker.get(&fresh).send().await.unwrap();
    assert_eq!(to_provider.status(), StatusCode::SEE_OTHER);
    assert!(
        location(&to_provider)
            .unwrap()
            .as_str()
            .starts_with(&world.provider.issuer)
    );
    let again = attacker.get(&fresh).send().await.unwrap();
    assert_eq!(again.status(), StatusCode::OK, "the token was used up");
}

/// Audit finding 7: a popup code (no claim) was accepted with any claim, so a link carrying the
/// attacker's own popup code signed the victim's widget into the attacker's account (login
/// CSRF). A claim presented for a code without one, or none for a code with one, is refused.
async fn a_popup_code_planted_with_a_claim_is_refused(engine: Engine) {
    let world = World::start(engine, false).await;
    let page = world.popup(&world.browser(), "corp", "ada").await;
    let code = code_in(&page.text().await.unwrap()).unwrap();
    let planted = world.exchange(&code, Some("whatever")).await;
    assert_eq!(planted.status(), StatusCode::BAD_REQUEST);
    let body: Value = planted.json().await.unwrap();
    assert_eq!(body["error"]["code"], json!("invalid_code"));
    // The code is burnt by the attempt.
    assert_eq!(
        world.exchange(&code, None).await.status(),
        StatusCode::BAD_REQUEST
    );
    let page = world.popup(&world.browser(), "corp", "ada").await;
    let code = code_in(&page.text().await.unwrap()).unwrap();
    assert_eq!(world.exchange(&code, None).await.status(), StatusCode::OK);
}
