//! A reader signed in with an identity the site lists in `sites.moderators` moderates in place
//! like an account does, logged as `identity:PROVIDER:SUBJECT`; a ban of a signed-in author
//! names their account. Another signed-in reader, or the same moderator on another site, is
//! refused and nothing changes.

use reqwest::StatusCode;
use serde_json::{Value, json};

use super::audit_log;
use crate::sign_in_support::World;
use crate::support::{BLOG, Engine, error_code, on_both_engines};

on_both_engines!(an_identity_moderator_works_the_queue_in_place);

async fn post(world: &World, credential: Option<&str>, site: &str, body: &str) -> Value {
    let mut request = reqwest::Client::new()
        .post(world.url("/api/comments"))
        .header("Origin", BLOG)
        .json(&json!({"site": site, "uri": "/post", "body": body,
                      "author": {"name": "Eve", "email": "eve@example.org"}}));
    if let Some(token) = credential {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    assert_eq!(response.status(), StatusCode::CREATED, "{body}");
    response.json::<Value>().await.unwrap()["comment"].clone()
}

async fn act(world: &World, credential: &str, id: &Value, body: Value) -> reqwest::Response {
    reqwest::Client::new()
        .post(world.url(&format!("/api/comments/{id}/moderation")))
        .header("Origin", BLOG)
        .bearer_auth(credential)
        .json(&body)
        .send()
        .await
        .unwrap()
}

async fn an_identity_moderator_works_the_queue_in_place(engine: Engine) {
    let world = World::start(engine, false).await;
    let (grace, _) = world.sign_in("corp", "grace").await;
    let (ada, _) = world.sign_in("corp", "ada").await;
    // `corp-only` holds first-time authors: a guest's and a signed-in reader's comment wait.
    let eve = post(&world, None, "corp-only", "A guest's first words").await;
    let graces = post(&world, Some(&grace), "corp-only", "Grace's first words").await;
    assert_eq!(
        (&eve["status"], &graces["status"]),
        (&json!("pending"), &json!("pending"))
    );
    let on_open = post(&world, None, "open", "Elsewhere").await;

    let thread: Value = reqwest::Client::new()
        .get(world.url("/api/comments?site=corp-only&uri=/post"))
        .bearer_auth(&ada)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(thread["viewer"]["moderator"], true);
    assert_eq!(
        thread["comments"].as_array().unwrap().len(),
        2,
        "both held comments, in place"
    );

    // Grace is signed in but moderates nothing; Ada does not moderate `open`.
    for (who, id) in [(&grace, &eve["id"]), (&ada, &on_open["id"])] {
        assert_eq!(
            error_code(act(&world, who, id, json!({"action": "spam"})).await).await,
            (StatusCode::FORBIDDEN, "not_a_moderator".into())
        );
    }
    assert_eq!(
        world.count("SELECT COUNT(*) FROM moderation_events").await,
        0
    );

    let approved = act(&world, &ada, &eve["id"], json!({"action": "approve"})).await;
    assert_eq!(
        approved.json::<Value>().await.unwrap(),
        json!({"id": eve["id"], "status": "approved", "pinned": false})
    );
    assert_eq!(
        act(&world, &ada, &eve["id"], json!({"action": "pin"}))
            .await
            .status(),
        StatusCode::OK
    );
    let banned = act(
        &world,
        &ada,
        &graces["id"],
        json!({"action": "ban", "days": 0}),
    )
    .await;
    assert_eq!(banned.json::<Value>().await.unwrap()["status"], "spam");
    let grace_user = world
        .count(&format!(
            "SELECT user_id FROM comments WHERE id = {}",
            graces["id"]
        ))
        .await;
    assert_eq!(
        world
            .count(&format!(
                "SELECT COUNT(*) FROM bans WHERE kind = 'user' AND value = '{grace_user}' \
                 AND site = 'corp-only' AND created_by = 'identity:corp:ada' AND expires_at IS NULL"
            ))
            .await,
        1,
        "a signed-in author is banned by their account"
    );
    let (eve_id, grace_id) = (eve["id"].as_i64().unwrap(), graces["id"].as_i64().unwrap());
    assert_eq!(
        audit_log(&world.inspector).await,
        [
            format!("{eve_id} identity:corp:ada approve pending approved -"),
            format!("{eve_id} identity:corp:ada pin - - -"),
            format!("{grace_id} identity:corp:ada ban - - user ban for good"),
            format!("{grace_id} identity:corp:ada spam pending spam -"),
        ]
    );
    let refused = reqwest::Client::new()
        .post(world.url("/api/comments"))
        .header("Origin", BLOG)
        .bearer_auth(&grace)
        .json(&json!({"site": "corp-only", "uri": "/post", "body": "Again"}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        error_code(refused).await,
        (StatusCode::FORBIDDEN, "banned".into())
    );
}
