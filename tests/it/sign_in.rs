//! Stories of readers who sign in with an account, against a real OpenID Connect provider.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::sign_in_support::{World, code_in, error_in, location};
use crate::support::{BLOG, Engine, on_both_engines};

on_both_engines!(
    oidc_reader_with_claims_in_the_id_token_signs_in_posts_and_signs_out,
    oidc_reader_whose_claims_are_only_in_userinfo_signs_in,
    github_shaped_reader_signs_in_through_plain_oauth2,
    signing_in_again_links_to_the_same_user,
    a_signed_in_reader_is_known_once_a_comment_was_approved,
    sites_offer_the_providers_they_list,
    denied_consent_is_a_clear_failure,
    a_failed_full_page_sign_in_goes_back_to_the_page_with_the_reason,
    a_brand_new_identity_is_held_where_the_site_asks,
    a_site_moderator_is_recognised_by_their_identity,
);

async fn post(world: &World, credential: &str, site: &str, body: &str) -> reqwest::Response {
    reqwest::Client::new()
        .post(world.url("/api/comments"))
        .header("Origin", BLOG)
        .bearer_auth(credential)
        .json(&json!({"site": site, "uri": "/post", "body": body,
                      "author": {"name": "Typed Name", "email": "typed@example.org"}}))
        .send()
        .await
        .expect("post")
}

async fn session(world: &World, credential: &str) -> reqwest::Response {
    reqwest::Client::new()
        .get(world.url("/api/session"))
        .bearer_auth(credential)
        .send()
        .await
        .expect("session")
}

async fn oidc_reader_with_claims_in_the_id_token_signs_in_posts_and_signs_out(engine: Engine) {
    let world = World::start(engine, false).await;
    let (credential, viewer) = world.sign_in("corp", "ada").await;
    assert_eq!(viewer["name"], "Ada Lovelace");
    assert_eq!(viewer["provider"], "corp");
    assert_eq!(viewer["moderator"], false);
    let avatar = viewer["avatar"].as_str().expect("avatar");
    assert!(avatar.starts_with(&world.url("/avatar/u/")), "{avatar}");

    // The provider's picture is served by replybox itself.
    let picture = reqwest::get(avatar).await.expect("avatar");
    assert_eq!(picture.status(), StatusCode::OK);
    assert_eq!(picture.headers()["content-type"], "image/png");

    let me: Value = session(&world, &credential)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(me["viewer"], viewer);

    // The account wins over typed author fields.
    let posted = post(&world, &credential, "open", "Hello from Ada").await;
    assert_eq!(posted.status(), StatusCode::CREATED);
    let posted: Value = posted.json().await.expect("json");
    let author = &posted["comment"]["author"];
    assert_eq!(author["name"], "Ada Lovelace");
    assert_eq!(author["provider"], "corp");
    assert_eq!(author["avatar"], viewer["avatar"]);
    assert!(
        posted.get("credential").is_none(),
        "no guest credential is issued"
    );
    assert_eq!(
        world
            .count(
                "SELECT COUNT(*) FROM comments WHERE author_email IS NULL AND user_id IS NOT NULL"
            )
            .await,
        1
    );

    let thread: Value = reqwest::Client::new()
        .get(world.url("/api/comments?site=open&uri=/post"))
        .bearer_auth(&credential)
        .send()
        .await
        .expect("thread")
        .json()
        .await
        .expect("json");
    assert_eq!(thread["viewer"], viewer);
    assert_eq!(thread["comments"][0]["mine"], true);
    let providers = thread["site"]["providers"].as_array().expect("providers");
    assert_eq!(
        providers
            .iter()
            .map(|p| p["id"].as_str().unwrap())
            .collect::<Vec<_>>(),
        ["corp", "github"]
    );

    let out = reqwest::Client::new()
        .delete(world.url("/api/session"))
        .bearer_auth(&credential)
        .send()
        .await
        .expect("sign out");
    assert_eq!(out.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        session(&world, &credential).await.status(),
        StatusCode::UNAUTHORIZED
    );
}

async fn oidc_reader_whose_claims_are_only_in_userinfo_signs_in(engine: Engine) {
    let world = World::start(engine, true).await;
    let (_, viewer) = world.sign_in("corp", "grace").await;
    assert_eq!(viewer["name"], "Grace Hopper");
    assert_eq!(viewer["provider"], "corp");
    // Grace has no picture at the provider: an identicon drawn by replybox.
    let avatar = viewer["avatar"].as_str().expect("avatar");
    assert!(
        avatar.starts_with(&world.url("/avatar/")) && avatar.ends_with(".svg"),
        "{avatar}"
    );
    assert_eq!(
        world.count("SELECT COUNT(*) FROM identities WHERE provider = 'corp' AND subject = 'grace' AND email = 'grace@example.org'").await,
        1
    );
}

async fn github_shaped_reader_signs_in_through_plain_oauth2(engine: Engine) {
    let world = World::start(engine, true).await;
    let (credential, viewer) = world.sign_in("github", "ada").await;
    assert_eq!(viewer["name"], "Ada Lovelace");
    assert_eq!(viewer["provider"], "github");
    assert!(viewer["avatar"].as_str().unwrap().contains("/avatar/u/"));
    // GitHub's numeric id is the subject; a user without a name is shown by their login.
    assert_eq!(
        world
            .count("SELECT COUNT(*) FROM identities WHERE provider = 'github' AND subject = '1815'")
            .await,
        1
    );
    let (_, nameless) = world.sign_in("github", "nameless").await;
    assert_eq!(nameless["name"], "nameless");
    let posted: Value = post(&world, &credential, "open", "via GitHub")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(posted["comment"]["author"]["provider"], "github");
    assert_eq!(
        posted["comment"]["author"]["url"],
        format!("{}/people/ada", world.provider.issuer)
    );
}

async fn signing_in_again_links_to_the_same_user(engine: Engine) {
    let world = World::start(engine, false).await;
    let (first, _) = world.sign_in("corp", "ada").await;
    let (second, _) = world.sign_in("corp", "ada").await;
    assert_ne!(first, second, "each browser gets its own credential");
    assert_eq!(world.count("SELECT COUNT(*) FROM users").await, 1);
    assert_eq!(world.count("SELECT COUNT(*) FROM identities").await, 1);
    assert_eq!(
        world
            .count("SELECT COUNT(*) FROM credentials WHERE user_id IS NOT NULL")
            .await,
        2
    );
    // The same person at another provider is another identity (accounts are not merged by email).
    world.sign_in("github", "ada").await;
    assert_eq!(world.count("SELECT COUNT(*) FROM identities").await, 2);
}

async fn a_signed_in_reader_is_known_once_a_comment_was_approved(engine: Engine) {
    let world = World::start(engine, false).await;
    let (credential, _) = world.sign_in("corp", "ada").await;
    let first: Value = post(&world, &credential, "first", "my first")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(first["comment"]["status"], "pending");
    world
        .execute(&format!(
            "UPDATE comments SET status = 'approved' WHERE id = {}",
            first["comment"]["id"]
        ))
        .await;
    let second: Value = post(&world, &credential, "first", "my second")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(second["comment"]["status"], "approved");
}

async fn sites_offer_the_providers_they_list(engine: Engine) {
    let world = World::start(engine, false).await;
    let thread: Value = reqwest::get(world.url("/api/comments?site=corp-only&uri=/x"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        thread["site"]["providers"],
        json!([{"id": "corp", "name": "Corp", "icon": "/auth/icons/oidc.svg"}])
    );
    let icon = reqwest::get(world.url("/auth/icons/oidc.svg"))
        .await
        .unwrap();
    assert_eq!(icon.headers()["content-type"], "image/svg+xml");
    let refused = world
        .browser()
        .get(world.url("/auth/github/start?site=corp-only"))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        error_in(&refused.text().await.unwrap()).as_deref(),
        Some("unknown_provider")
    );
}

async fn denied_consent_is_a_clear_failure(engine: Engine) {
    let world = World::start(engine, false).await;
    let page = world.popup(&world.browser(), "corp", "deny").await;
    assert_eq!(page.status(), StatusCode::FORBIDDEN);
    let html = page.text().await.unwrap();
    assert_eq!(error_in(&html).as_deref(), Some("sign_in_denied"));
    assert!(html.contains("You did not allow the sign-in"));
    assert!(code_in(&html).is_none());
    assert_eq!(world.count("SELECT COUNT(*) FROM users").await, 0);
}

/// With pop-ups blocked the whole page went to the sign-in: a failure brings the reader back to
/// that page with the reason's code (the widget says it), not to a dead end on replybox.
async fn a_failed_full_page_sign_in_goes_back_to_the_page_with_the_reason(engine: Engine) {
    let world = World::start(engine, false).await;
    let page = "http://blog.test/post?x=1";
    let claim = "a".repeat(64);
    let start = |browser: &reqwest::Client, provider: &'static str, hint: &'static str| {
        let query = [
            ("site", "open"),
            ("return", page),
            ("claim", claim.as_str()),
            ("login_hint", hint),
        ];
        let (world, browser) = (&world, browser.clone());
        async move { world.start_full_page(&browser, provider, &query).await }
    };

    // The reader cancels at the provider.
    let browser = world.browser();
    let to_provider = start(&browser, "corp", "deny").await;
    let callback = world
        .through_provider(&browser, location(&to_provider).unwrap())
        .await;
    let back = browser.get(callback).send().await.unwrap();
    assert_eq!(back.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        location(&back).unwrap().as_str(),
        format!("{page}#replybox-error=sign_in_denied")
    );
    assert_eq!(world.count("SELECT COUNT(*) FROM users").await, 0);

    // The sign-in cannot even start (a provider the site does not offer).
    let refused = start(&world.browser(), "nope", "ada").await;
    assert_eq!(refused.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        location(&refused).unwrap().as_str(),
        format!("{page}#replybox-error=unknown_provider")
    );

    // A return address off the site's origins is never followed: the failure stays here.
    let foreign = world
        .browser()
        .get(world.url("/auth/corp/start"))
        .query(&[
            ("site", "open"),
            ("return", "https://evil.example/"),
            ("claim", &claim),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(foreign.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        error_in(&foreign.text().await.unwrap()).as_deref(),
        Some("invalid_return")
    );
}

async fn a_brand_new_identity_is_held_where_the_site_asks(engine: Engine) {
    let world = World::start(engine, false).await;
    let (credential, _) = world.sign_in("corp", "ada").await;
    let fresh: Value = post(&world, &credential, "wary", "too new")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(fresh["comment"]["status"], "pending");
    // An hour later the same account is old enough.
    world
        .execute("UPDATE identities SET created_at = created_at - 3600000")
        .await;
    let later: Value = post(&world, &credential, "wary", "older now")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(later["comment"]["status"], "approved");
}

/// `corp-only` lists `corp:ada` (and `github:ada`, which is not GitHub's id for Ada: 1815).
async fn a_site_moderator_is_recognised_by_their_identity(engine: Engine) {
    let world = World::start(engine, false).await;
    let get = |path: &'static str, credential: String| {
        let url = world.url(path);
        async move {
            let response = reqwest::Client::new()
                .get(url)
                .bearer_auth(credential)
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), StatusCode::OK, "{path}");
            response.json::<Value>().await.unwrap()
        }
    };
    let (ada, viewer) = world.sign_in("corp", "ada").await;
    assert_eq!(viewer["moderator"], false, "the exchange names no site");
    let thread = get("/api/comments?site=corp-only&uri=/x", ada.clone()).await;
    assert_eq!(thread["viewer"]["moderator"], true);
    let session = get("/api/session?site=corp-only", ada.clone()).await;
    assert_eq!(session["viewer"]["moderator"], true);
    let elsewhere = get("/api/comments?site=open&uri=/x", ada.clone()).await;
    assert_eq!(elsewhere["viewer"]["moderator"], false);
    let no_site = get("/api/session", ada.clone()).await;
    assert_eq!(no_site["viewer"]["moderator"], false);

    let (grace, _) = world.sign_in("corp", "grace").await;
    let thread = get("/api/comments?site=corp-only&uri=/x", grace.clone()).await;
    assert_eq!(thread["viewer"]["name"], "Grace Hopper");
    assert_eq!(thread["viewer"]["moderator"], false);

    // The subject must match at the provider the reader signed in with: Ada on GitHub is 1815.
    let (ada_on_github, _) = world.sign_in("github", "ada").await;
    let session = get("/api/session?site=corp-only", ada_on_github).await;
    assert_eq!(session["viewer"]["provider"], "github");
    assert_eq!(session["viewer"]["moderator"], false);

    let unknown = reqwest::Client::new()
        .get(world.url("/api/session?site=nope"))
        .bearer_auth(&ada)
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
}
