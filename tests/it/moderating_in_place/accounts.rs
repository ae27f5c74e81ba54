//! An admin-page account works the queue in place: approve, reject, spam, delete, pin, unpin
//! and ban through the widget's API, each leaving in the audit log exactly the entry the same
//! action from /admin leaves, and readers see the outcome at once.

use replybox::admin::accounts::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use super::{WidgetModerator, audit_log, held_comment};
use crate::admin::status_of;
use crate::support::{Engine, TestApp, error_code, on_both_engines};

on_both_engines!(
    every_widget_action_logs_exactly_what_the_admin_pages_log,
    a_moderator_edits_their_own_widget_comment_and_it_stays_published,
    readers_see_an_approval_at_once_and_pinned_state_is_answered,
    a_ban_names_the_account_else_the_email_else_the_browser,
);

/// The audit entries written since `before`, without their comment ids.
async fn new_entries(app: &TestApp, before: usize) -> Vec<String> {
    audit_log(&app.inspector).await[before..]
        .iter()
        .map(|line| line.split_once(' ').unwrap().1.to_string())
        .collect()
}

async fn every_widget_action_logs_exactly_what_the_admin_pages_log(engine: Engine) {
    let app = TestApp::start(engine).await;
    let widget = WidgetModerator::sign_in(&app, "alice", Role::Admin, &[], "held").await;
    let admin = &widget.admin;
    let steps = [
        json!({"action": "approve"}),
        json!({"action": "reject"}),
        json!({"action": "spam"}),
        json!({"action": "approve"}),
        json!({"action": "pin"}),
        json!({"action": "unpin"}),
        json!({"action": "delete"}),
        json!({"action": "ban", "days": 7}),
    ];
    // One comment acted on from the widget, its twin from the admin pages; the ban goes to a
    // fresh pair (a ban on the email would refuse the next comment).
    let (mut in_widget, mut on_card) = (
        held_comment(&app, "held", "Widget twin", "Wanda").await,
        held_comment(&app, "held", "Card twin", "Carl").await,
    );
    for body in steps {
        if body["action"] == "ban" {
            in_widget = held_comment(&app, "held", "Banned from the widget", "Bill").await;
            on_card = held_comment(&app, "held", "Banned from the card", "Bert").await;
        }
        let before = audit_log(&app.inspector).await.len();
        let answer = widget.act(&app, in_widget, body.clone()).await;
        assert_eq!(answer.status(), StatusCode::OK, "{body}");
        let from_widget = new_entries(&app, before).await;

        let before = audit_log(&app.inspector).await.len();
        let posted = match body["action"].as_str().unwrap() {
            "ban" => {
                let fields = [("kind", "email"), ("days", "7"), ("and_spam", "1")];
                admin
                    .post(&format!("/admin/comments/{on_card}/ban"), &fields)
                    .await
            }
            word => {
                let act = format!("{word}:{on_card}");
                admin.post("/admin/act", &[("act", act.as_str())]).await
            }
        };
        assert_eq!(
            posted.status(),
            StatusCode::SEE_OTHER,
            "{body} from the card"
        );
        let from_card = new_entries(&app, before).await;

        assert!(!from_widget.is_empty(), "{body} is logged");
        assert_eq!(
            from_widget, from_card,
            "{body}: the same entries as from /admin"
        );
        assert_eq!(
            status_of(&app, in_widget).await,
            status_of(&app, on_card).await
        );
    }
    let log = audit_log(&app.inspector).await;
    let widget_lines: Vec<&String> = log
        .iter()
        .filter(|l| l.starts_with(&format!("{in_widget} ")))
        .collect();
    assert_eq!(
        widget_lines,
        [
            &format!("{in_widget} admin:alice ban - - email ban for 7 days"),
            &format!("{in_widget} admin:alice spam pending spam -"),
        ]
    );
    let first = log[0].split_once(' ').unwrap().1;
    assert_eq!(first, "admin:alice approve pending approved -");
    assert!(
        log.iter().any(|l| l.ends_with("admin:alice pin - - -"))
            && log.iter().any(|l| l.ends_with("admin:alice unpin - - -")),
        "{log:#?}"
    );
    assert_eq!(
        app.count_rows("bans WHERE kind = 'email' AND site = 'held' AND created_by = 'admin:alice' AND expires_at IS NOT NULL").await,
        2
    );
    let again = app
        .post(
            json!({"site": "held", "uri": "/post/", "body": "Let me back in",
                   "author": {"name": "Bill", "email": "bill@example.org"}}),
            None,
        )
        .await;
    assert_eq!(
        error_code(again).await,
        (StatusCode::FORBIDDEN, "banned".into())
    );
    app.stop().await;
}

async fn readers_see_an_approval_at_once_and_pinned_state_is_answered(engine: Engine) {
    let app = TestApp::start(engine).await;
    let first = held_comment(&app, "held", "First words", "Ada").await;
    let second = held_comment(&app, "held", "Second words", "Bo").await;
    let widget = WidgetModerator::sign_in(&app, "mia", Role::Moderator, &["held"], "held").await;
    // A reader's read fills the cache with the empty public thread.
    assert_eq!(
        app.thread("held", "/post/", None).await["comments"],
        json!([])
    );

    let answer = widget.act(&app, first, json!({"action": "approve"})).await;
    assert_eq!(answer.status(), StatusCode::OK);
    assert_eq!(
        answer.json::<Value>().await.unwrap(),
        json!({"id": first, "status": "approved", "pinned": false})
    );
    let public = app.thread("held", "/post/", None).await;
    assert_eq!(
        public["comments"][0]["id"], first,
        "the cache was forgotten"
    );

    let pinned = widget.act(&app, first, json!({"action": "pin"})).await;
    assert_eq!(
        pinned.json::<Value>().await.unwrap(),
        json!({"id": first, "status": "approved", "pinned": true})
    );
    assert!(
        app.comment_column(first, "CAST(pinned_at AS TEXT)")
            .await
            .is_some()
    );
    let again = widget.act(&app, first, json!({"action": "pin"})).await;
    assert_eq!(again.status(), StatusCode::OK, "pinning twice is no error");
    assert_eq!(
        app.count_rows("moderation_events WHERE action = 'pin'")
            .await,
        1,
        "and writes nothing"
    );
    let page = widget.admin.page(&format!("/admin/comments/{first}")).await;
    assert!(
        page.contains(&format!("value=\"unpin:{first}\"")) && page.contains("pinned"),
        "the card offers Unpin"
    );
    let unpinned = widget.act(&app, first, json!({"action": "unpin"})).await;
    assert_eq!(
        unpinned.json::<Value>().await.unwrap(),
        json!({"id": first, "status": "approved", "pinned": false})
    );
    assert_eq!(
        app.comment_column(first, "CAST(pinned_at AS TEXT)").await,
        None
    );
    let page = widget.admin.page(&format!("/admin/comments/{first}")).await;
    assert!(
        page.contains(&format!("value=\"pin:{first}\"")),
        "the card offers Pin"
    );
    let pending_card = widget
        .admin
        .page(&format!("/admin/comments/{second}"))
        .await;
    assert!(
        !pending_card.contains(&format!("pin:{second}")),
        "a pending comment's card offers no pin"
    );

    let spam = widget
        .act(&app, second, json!({"action": "spam", "days": 3}))
        .await;
    assert_eq!(
        spam.json::<Value>().await.unwrap(),
        json!({"id": second, "status": "spam", "pinned": false}),
        "days count only for a ban"
    );
    let deleted = widget.act(&app, first, json!({"action": "delete"})).await;
    assert_eq!(deleted.json::<Value>().await.unwrap()["status"], "deleted");
    assert_eq!(
        app.thread("held", "/post/", None).await["comments"],
        json!([])
    );
    app.stop().await;
}

async fn a_ban_names_the_account_else_the_email_else_the_browser(engine: Engine) {
    let app = TestApp::start(engine).await;
    let widget = WidgetModerator::sign_in(&app, "alice", Role::Admin, &[], "open").await;
    // `open` takes guests without an email: such a guest is known by their browser only.
    let posted = app
        .post(json!({"site": "open", "uri": "/p/", "body": "No address given", "author": {"name": "Nemo"}}), None)
        .await;
    let posted: Value = posted.json().await.unwrap();
    let id = posted["comment"]["id"].as_i64().unwrap();
    let credential = posted["credential"].as_str().unwrap().to_string();
    let banned = widget.act(&app, id, json!({"action": "ban"})).await;
    assert_eq!(
        banned.json::<Value>().await.unwrap(),
        json!({"id": id, "status": "spam", "pinned": false})
    );
    let reader = app
        .comment_column(id, "CAST(reader_id AS TEXT)")
        .await
        .unwrap();
    assert_eq!(
        app.count_rows(&format!(
            "bans WHERE kind = 'reader' AND value = '{reader}' AND site = 'open' AND expires_at IS NULL"
        ))
        .await,
        1,
        "the browser, for good"
    );
    let again = app
        .post(
            json!({"site": "open", "uri": "/p/", "body": "Me again", "author": {"name": "Nemo"}}),
            Some(&credential),
        )
        .await;
    assert_eq!(
        error_code(again).await,
        (StatusCode::FORBIDDEN, "banned".into())
    );

    // A moderator's own comment has no author to ban.
    let own = app
        .post(
            json!({"site": "open", "uri": "/p/", "body": "House rules"}),
            Some(&widget.credential),
        )
        .await;
    let own = own.json::<Value>().await.unwrap()["comment"]["id"]
        .as_i64()
        .unwrap();
    assert_eq!(
        error_code(widget.act(&app, own, json!({"action": "ban"})).await).await,
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_ban".into())
    );
    assert_eq!(app.count_rows("bans").await, 1);
    assert_eq!(status_of(&app, own).await, "approved");
    app.stop().await;
}

/// An account's own comment from the widget is a moderator's: editing it within the window keeps
/// it published (the rules that hold readers' comments are not a moderator's), and the log names
/// the account as /admin does.
async fn a_moderator_edits_their_own_widget_comment_and_it_stays_published(engine: Engine) {
    let app = TestApp::start(engine).await;
    let widget = WidgetModerator::sign_in(&app, "alice", Role::Admin, &[], "held").await;
    let posted = app
        .post(
            serde_json::json!({"site": "held", "uri": "/mod-edit/", "body": "From the moderators."}),
            Some(&widget.credential),
        )
        .await;
    assert_eq!(posted.status(), reqwest::StatusCode::CREATED);
    let posted: serde_json::Value = posted.json().await.unwrap();
    let id = posted["comment"]["id"].as_i64().unwrap();
    assert_eq!(posted["comment"]["status"], "approved");
    let edited = crate::own_comments::edit(
        &app,
        &id.to_string(),
        "From the moderators, with [a link](https://a.example/) and [another](https://b.example/).",
        Some(&widget.credential),
    )
    .await;
    assert_eq!(edited.status(), reqwest::StatusCode::OK);
    assert_eq!(
        app.comment_column(id, "status").await.as_deref(),
        Some("approved"),
        "a site that holds everything does not hold its moderator"
    );
    assert_eq!(
        app.count_rows(&format!(
            "moderation_events WHERE comment_id = {id} AND action = 'author_edit' AND actor = 'admin:alice'"
        ))
        .await,
        1
    );
}
