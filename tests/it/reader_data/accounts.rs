//! A signed-in reader's data is the account's, across all their browsers: either browser
//! downloads all of it, and deleting it from one signs out both and ends the account — while
//! the moderators' ban of the account stays, and what the same person wrote as a guest in
//! another browser is another identity's.

use replybox::auth::credential::hash_token;
use reqwest::StatusCode;
use serde_json::{Value, json};

use super::{SITES, count, delete, download, exported, post, public};
use crate::support::{BLOG, Engine, LIMITS, TestApp, error_code, on_both_engines};

on_both_engines!(a_signed_in_readers_data_spans_their_browsers_and_its_deletion_ends_the_account);

/// A signed-in reader as the sign-in flow leaves them (the sign-in stories prove it does):
/// a user with an identity at `corp` (its address verified by the provider, first seen long
/// ago) and one credential per browser. Returns the user id and the browsers' tokens.
pub async fn signed_in(
    app: &TestApp,
    name: &str,
    avatar: Option<&str>,
    browsers: usize,
) -> (i64, Vec<String>) {
    let now = replybox::store::now_ms();
    let picture = avatar
        .map(|key| format!("'/avatar/u/{key}'"))
        .unwrap_or("NULL".into());
    app.execute(&format!(
        "INSERT INTO users (name, avatar_url, profile_url, avatar_path, created_at) \
         VALUES ('{name}', 'https://corp.example/{name}.png', 'https://corp.example/{name}', {picture}, 1000)"
    ))
    .await;
    let user = app
        .inspector
        .count(&format!("SELECT id FROM users WHERE name = '{name}'"))
        .await;
    let subject = name.to_lowercase();
    app.execute(&format!(
        "INSERT INTO identities (user_id, provider, subject, email, email_verified, created_at, last_seen_at) \
         VALUES ({user}, 'corp', '{subject}', '{subject}@corp.example', TRUE, 1000, {now})"
    ))
    .await;
    let mut tokens = Vec::new();
    for n in 0..browsers {
        let token = format!("{subject}-browser-{n}-{}", uuid::Uuid::new_v4().simple());
        app.execute(&format!(
            "INSERT INTO credentials (token_hash, user_id, provider, created_at, expires_at) \
             VALUES ('{}', {user}, 'corp', {now}, {})",
            hash_token(&token),
            now + 86_400_000
        ))
        .await;
        tokens.push(token);
    }
    (user, tokens)
}

/// A provider picture as replybox keeps it (a blob: written per engine).
async fn picture(app: &TestApp, engine: Engine, key: &str) {
    let bytes = match engine {
        Engine::Sqlite => "X'89504E47'",
        Engine::Postgres => "'\\x89504e47'::bytea",
    };
    app.execute(&format!(
        "INSERT INTO avatars (key, content_type, bytes, created_at) VALUES ('{key}', 'image/png', {bytes}, 0)"
    ))
    .await;
}

async fn a_signed_in_readers_data_spans_their_browsers_and_its_deletion_ends_the_account(
    engine: Engine,
) {
    let app = TestApp::with_config(engine, &format!("{LIMITS}{SITES}")).await;
    picture(&app, engine, "gracepicture").await;
    picture(&app, engine, "hopepicture").await;
    let (grace, browsers) = signed_in(&app, "Grace", Some("gracepicture"), 2).await;
    let (hope, hope_browsers) = signed_in(&app, "Hope", Some("hopepicture"), 1).await;
    let (laptop, phone) = (&browsers[0], &browsers[1]);
    let comment = |site: &str, body: &str| json!({"site": site, "uri": "/signed/", "body": body, "author": null});
    let (on_laptop, _) = post(&app, comment("open", "Grace from her laptop"), Some(laptop)).await;
    let (on_phone, _) = post(&app, comment("talk", "Grace from her phone"), Some(phone)).await;
    let (reply, bo) = post(
        &app,
        json!({"site": "open", "uri": "/signed/", "parent": on_laptop, "body": "Bo answers Grace",
        "author": {"name": "Bo"}}),
        None,
    )
    .await;
    // The same person as a guest in a third browser is another identity.
    let (as_guest, guest) = post(
        &app,
        json!({"site": "open", "uri": "/signed/", "body": "Grace as a guest",
        "author": {"name": "Grace G."}}),
        None,
    )
    .await;
    let (by_hope, _) = post(
        &app,
        comment("open", "Hope's comment"),
        Some(&hope_browsers[0]),
    )
    .await;
    let laptop_id = super::credential_id(&app, laptop).await;
    let now = replybox::store::now_ms();
    app.execute(&format!(
        "INSERT INTO likes (comment_id, voter, reader_id, user_id, created_at) VALUES \
         ({reply}, 'u:{grace}', {laptop_id}, {grace}, {now}), ({on_laptop}, 'u:{hope}', NULL, {hope}, {now})"
    ))
    .await;
    let report = app
        .client
        .post(app.url(&format!("/api/comments/{by_hope}/flags")))
        .header("Origin", BLOG)
        .bearer_auth(phone)
        .json(&json!({"reason": "spam"}))
        .send()
        .await
        .unwrap();
    assert_eq!(report.status(), StatusCode::CREATED);
    // A page followed with the address her provider verified is hers; one typed with another
    // address is not.
    app.execute(&format!(
        "INSERT INTO subscriptions (site, uri, kind, comment_id, email, token, created_at) VALUES \
         ('open', '/signed/', 'page', NULL, 'grace@corp.example', 'token-1', {now}), \
         ('open', '/signed/', 'page', NULL, 'hope@corp.example', 'token-2', {now})"
    ))
    .await;
    // What moderators keep about her.
    app.execute(&format!(
        "INSERT INTO bans (site, kind, value, note, created_by, created_at) VALUES ('open', 'user', '{grace}', 'rude', 'admin:mia', {now})"
    ))
    .await;
    app.execute(&format!(
        "INSERT INTO trusted_authors (site, kind, value, label, created_by, created_at) VALUES ('talk', 'user', '{grace}', 'Grace', 'admin:mia', {now})"
    ))
    .await;

    let mut from_phone = exported(&app, phone).await;
    let mut from_laptop = exported(&app, laptop).await;
    for data in [&mut from_phone, &mut from_laptop] {
        data.as_object_mut().unwrap().remove("exported");
    }
    assert_eq!(
        from_phone, from_laptop,
        "either browser downloads the same account"
    );
    let data = from_phone;
    let account = &data["account"];
    assert_eq!(account["name"], "Grace");
    assert!(
        account["avatar"]
            .as_str()
            .unwrap()
            .ends_with("/avatar/u/gracepicture")
    );
    assert_eq!(account["picture_url"], "https://corp.example/Grace.png");
    assert_eq!(account["profile_url"], "https://corp.example/Grace");
    assert_eq!(account["created"], "1970-01-01T00:00:01Z");
    assert_eq!(
        account["identities"],
        json!([{"provider": "corp", "subject": "grace", "email": "grace@corp.example", "email_verified": true,
                "created": "1970-01-01T00:00:01Z", "last_seen": account["identities"][0]["last_seen"]}])
    );
    assert_eq!(data["browsers"].as_array().unwrap().len(), 2);
    assert_eq!(data["browsers"][1]["provider"], "corp");
    let comments: Vec<(i64, String, String)> = data["comments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["id"].as_i64().unwrap(),
                c["site"].as_str().unwrap().into(),
                c["text"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(
        comments,
        vec![
            (on_laptop, "open".into(), "Grace from her laptop".into()),
            (on_phone, "talk".into(), "Grace from her phone".into()),
        ],
        "both browsers' comments, not the guest's"
    );
    assert_eq!(data["comments"][0]["author"]["provider"], "corp");
    assert_eq!(data["comments"][0]["author"]["email"], Value::Null);
    assert_eq!(
        data["likes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["comment"].as_i64().unwrap())
            .collect::<Vec<_>>(),
        vec![reply]
    );
    assert_eq!(
        data["reports"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["comment"].as_i64().unwrap())
            .collect::<Vec<_>>(),
        vec![by_hope]
    );
    assert_eq!(data["subscriptions"].as_array().unwrap().len(), 1);
    assert_eq!(data["subscriptions"][0]["email"], "grace@corp.example");
    assert_eq!(data["emails"], json!([]), "no address proven by a link");
    let text = data.to_string();
    for other in [
        "Hope",
        "hope@",
        "Bo answers",
        "as a guest",
        "rude",
        "admin:mia",
    ] {
        assert!(!text.contains(other), "{other} is not Grace's data: {text}");
    }
    let guest_data = exported(&app, &guest).await;
    assert_eq!(guest_data["account"], Value::Null);
    assert_eq!(guest_data["comments"].as_array().unwrap().len(), 1);
    assert_eq!(guest_data["comments"][0]["id"], as_guest);

    let response = delete(
        &app,
        Some(laptop),
        json!({"site": "open", "comments": "remove"}),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.json::<Value>().await.unwrap(),
        json!({"deleted": {"comments": 2, "removed": 1, "tombstones": 1, "likes": 1, "reports": 1,
                           "subscriptions": 1, "emails": 0, "credentials": 2, "account": true}})
    );
    assert_eq!(count(&app, "users", &format!("id = {grace}")).await, 0);
    assert_eq!(
        count(&app, "identities", &format!("user_id = {grace}")).await,
        0
    );
    assert_eq!(
        count(&app, "credentials", &format!("user_id = {grace}")).await,
        0
    );
    assert_eq!(
        count(
            &app,
            "likes",
            &format!("voter = 'u:{grace}' OR user_id = {grace}")
        )
        .await,
        0
    );
    assert_eq!(
        count(&app, "comments", &format!("id = {on_phone}")).await,
        0,
        "nobody answered it"
    );
    assert_eq!(
        count(
            &app,
            "comments",
            &format!("id = {on_laptop} AND status = 'deleted' AND body = '' AND user_id IS NULL")
        )
        .await,
        1
    );
    assert_eq!(
        count(&app, "avatars", "key = 'gracepicture'").await,
        0,
        "her picture goes with her"
    );
    assert_eq!(count(&app, "avatars", "key = 'hopepicture'").await, 1);
    assert_eq!(
        count(&app, "subscriptions", "email = 'hope@corp.example'").await,
        1
    );
    assert_eq!(
        count(&app, "likes", &format!("voter = 'u:{hope}'")).await,
        1,
        "Hope's like of the tombstone stays"
    );
    assert_eq!(
        count(
            &app,
            "bans",
            &format!("kind = 'user' AND value = '{grace}'")
        )
        .await,
        1,
        "a ban survives"
    );
    assert_eq!(
        count(&app, "trusted_authors", &format!("value = '{grace}'")).await,
        1
    );
    assert_eq!(
        app.comment_column(as_guest, "body").await.as_deref(),
        Some("Grace as a guest")
    );
    assert_eq!(count(&app, "users", &format!("id = {hope}")).await, 1);
    for browser in [laptop, phone] {
        assert_eq!(
            error_code(download(&app, Some(browser)).await).await,
            (StatusCode::UNAUTHORIZED, "invalid_credential".into()),
            "every browser of the account is signed out"
        );
    }
    let thread = public(&app, "open", "/signed/").await;
    let shown: Vec<(i64, String)> = thread.iter().map(|c| (c.0, c.3.clone())).collect();
    assert_eq!(
        shown,
        vec![
            (on_laptop, String::new()),
            (reply, "Bo".into()),
            (as_guest, "Grace G.".into()),
            (by_hope, "Hope".into())
        ]
    );
    assert_eq!(exported(&app, &bo).await["likes"], json!([]));
    assert_eq!(
        app.inspector
            .count("SELECT COUNT(*) FROM moderation_events WHERE action = 'delete_own_data' AND detail LIKE 'account:%'")
            .await,
        2
    );
}
