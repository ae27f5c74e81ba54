//! Whoever is not the comment's site's moderator, or asks wrongly, is refused in the documented
//! order (Origin, id, comment, Origin of the site, budget, moderator, action) and nothing
//! changes: no status, no pin, no ban, no audit entry.

use replybox::admin::accounts::Role;
use reqwest::StatusCode;
use serde_json::json;

use super::{WidgetModerator, held_comment, moderate};
use crate::admin::status_of;
use crate::support::{BLOG, Engine, TestApp, error_code, on_both_engines};

on_both_engines!(
    nobody_but_the_sites_moderator_changes_anything,
    moderating_is_limited_per_client,
);

async fn nobody_but_the_sites_moderator_changes_anything(engine: Engine) {
    let app = TestApp::start(engine).await;
    let id = held_comment(&app, "held", "Still waiting", "Eve").await;
    let reader = app
        .post_as_guest("open", "/p/", None, "Just a reader", "Rita")
        .await;
    let reader = reader["credential"].as_str().unwrap().to_string();
    let mia = WidgetModerator::sign_in(&app, "mia", Role::Moderator, &["held"], "held").await;
    // A moderator account of another site, signed in inside that site's widget.
    let olaf = WidgetModerator::sign_in(&app, "olaf", Role::Moderator, &["open"], "open").await;
    assert_eq!(olaf.viewer["moderator"], true);
    let ok = id.to_string();
    let approve = || json!({"action": "approve"});
    let cases = [
        (
            "no Origin",
            ok.as_str(),
            None,
            Some(mia.credential.as_str()),
            approve(),
            403,
            "origin_not_allowed",
        ),
        (
            "no Origin, bad id",
            "abc",
            None,
            Some(mia.credential.as_str()),
            approve(),
            403,
            "origin_not_allowed",
        ),
        (
            "not a number",
            "abc",
            Some(BLOG),
            Some(mia.credential.as_str()),
            approve(),
            404,
            "not_found",
        ),
        (
            "out of range",
            "99999999999999999999",
            Some(BLOG),
            Some(mia.credential.as_str()),
            approve(),
            404,
            "not_found",
        ),
        (
            "negative",
            "-1",
            Some(BLOG),
            Some(mia.credential.as_str()),
            approve(),
            404,
            "not_found",
        ),
        (
            "unknown",
            "424242",
            Some(BLOG),
            Some(mia.credential.as_str()),
            approve(),
            404,
            "not_found",
        ),
        (
            "foreign Origin",
            ok.as_str(),
            Some("http://evil.test"),
            Some(mia.credential.as_str()),
            approve(),
            403,
            "origin_not_allowed",
        ),
        (
            "no credential",
            ok.as_str(),
            Some(BLOG),
            None,
            approve(),
            401,
            "credential_required",
        ),
        (
            "a reader",
            ok.as_str(),
            Some(BLOG),
            Some(reader.as_str()),
            approve(),
            403,
            "not_a_moderator",
        ),
        (
            "another site's moderator",
            ok.as_str(),
            Some(BLOG),
            Some(olaf.credential.as_str()),
            approve(),
            403,
            "not_a_moderator",
        ),
        (
            "a made-up credential",
            ok.as_str(),
            Some(BLOG),
            Some("made-up"),
            approve(),
            401,
            "invalid_credential",
        ),
        (
            "bad action",
            ok.as_str(),
            Some(BLOG),
            Some(mia.credential.as_str()),
            json!({"action": "nuke"}),
            422,
            "invalid_action",
        ),
        (
            "trust is an admin page's",
            ok.as_str(),
            Some(BLOG),
            Some(mia.credential.as_str()),
            json!({"action": "trust"}),
            422,
            "invalid_action",
        ),
        (
            "ban for minus a day",
            ok.as_str(),
            Some(BLOG),
            Some(mia.credential.as_str()),
            json!({"action": "ban", "days": -1}),
            422,
            "invalid_days",
        ),
        (
            "ban for millennia",
            ok.as_str(),
            Some(BLOG),
            Some(mia.credential.as_str()),
            json!({"action": "ban", "days": 400_000}),
            422,
            "invalid_days",
        ),
        (
            "pin a pending comment",
            ok.as_str(),
            Some(BLOG),
            Some(mia.credential.as_str()),
            json!({"action": "pin"}),
            409,
            "not_approved",
        ),
        (
            "unknown field",
            ok.as_str(),
            Some(BLOG),
            Some(mia.credential.as_str()),
            json!({"action": "approve", "why": 1}),
            400,
            "invalid_request",
        ),
        (
            "days as text",
            ok.as_str(),
            Some(BLOG),
            Some(mia.credential.as_str()),
            json!({"action": "ban", "days": "7"}),
            400,
            "invalid_request",
        ),
    ];
    for (what, path_id, origin, credential, body, status, code) in cases {
        let answer = moderate(&app, path_id, origin, credential, body).await;
        assert_eq!(
            error_code(answer).await,
            (StatusCode::from_u16(status).unwrap(), code.to_string()),
            "{what}"
        );
    }
    // A moderator account may not write on a site it does not moderate either.
    let elsewhere = app
        .post(
            json!({"site": "open", "uri": "/p/", "body": "Not my site"}),
            Some(&mia.credential),
        )
        .await;
    assert_eq!(
        error_code(elsewhere).await,
        (StatusCode::FORBIDDEN, "not_a_moderator".into())
    );

    assert_eq!(status_of(&app, id).await, "pending");
    assert_eq!(app.count_rows("moderation_events").await, 0);
    assert_eq!(app.count_rows("bans").await, 0);
    assert_eq!(
        app.count_rows("comments WHERE pinned_at IS NOT NULL").await,
        0
    );
    assert_eq!(app.count_rows("comments").await, 2, "nothing was written");

    // The widget's own frame (replybox's origin) is as welcome as the site's pages.
    let own = moderate(
        &app,
        &ok,
        Some(&app.state.public_origin),
        Some(&mia.credential),
        json!({"action": "approve"}),
    )
    .await;
    assert_eq!(own.status(), StatusCode::OK);
    assert_eq!(status_of(&app, id).await, "approved");
    app.stop().await;
}

async fn moderating_is_limited_per_client(engine: Engine) {
    let app = TestApp::start(engine).await;
    let id = held_comment(&app, "held", "Limited", "Eve").await;
    let mia = WidgetModerator::sign_in(&app, "mia", Role::Moderator, &["held"], "held").await;
    for n in 0..30 {
        let answer = mia.act(&app, id, json!({"action": "nuke"})).await;
        assert_eq!(
            answer.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "request {n}"
        );
    }
    let limited = mia.act(&app, id, json!({"action": "approve"})).await;
    assert!(limited.headers().contains_key("retry-after"));
    assert_eq!(
        error_code(limited).await,
        (StatusCode::TOO_MANY_REQUESTS, "rate_limited".into())
    );
    assert_eq!(status_of(&app, id).await, "pending");
    app.stop().await;
}
