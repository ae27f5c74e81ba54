//! A guest downloads exactly what replybox holds about their browser, and nobody else's.

use reqwest::StatusCode;
use serde_json::{Value, json};

use super::{cast, download, exported, ids};
use crate::support::{Engine, on_both_engines};

on_both_engines!(a_guest_downloads_exactly_their_own_data);

async fn a_guest_downloads_exactly_their_own_data(engine: Engine) {
    let cast = cast(engine).await;
    let app = &cast.app;
    let response = download(app, Some(&cast.ada)).await;
    assert_eq!(response.status(), StatusCode::OK);
    let header = |name: &str| response.headers()[name].to_str().unwrap().to_string();
    assert_eq!(
        header("content-disposition"),
        "attachment; filename=\"replybox-data.json\""
    );
    assert_eq!(header("cache-control"), "no-store");
    assert!(header("content-type").starts_with("application/json"));
    let text = response.text().await.unwrap();
    let data: Value = serde_json::from_str(&text).unwrap();

    assert_eq!(data["replybox_data"], 1);
    assert!(data["exported"].as_str().unwrap().ends_with('Z'));
    assert_eq!(data["account"], Value::Null, "a guest has no account");
    assert_eq!(data["browsers"].as_array().unwrap().len(), 1);
    assert_eq!(data["browsers"][0]["provider"], Value::Null);
    assert_eq!(
        ids(&data["comments"], "id"),
        vec![cast.a1, cast.a2, cast.a3]
    );
    let first = &data["comments"][0];
    assert_eq!(first["site"], "open");
    assert_eq!(first["uri"], "/post/");
    assert_eq!(first["url"], "http://blog.test/post/");
    assert_eq!(first["parent"], Value::Null);
    assert_eq!(first["status"], "approved");
    assert_eq!(first["text"], "Ada's *first* words");
    assert!(
        first["html"].as_str().unwrap().contains("<em>first</em>"),
        "{first}"
    );
    assert_eq!(
        first["author"]["name"], "Ada Lovelace",
        "the name as stored"
    );
    assert_eq!(first["author"]["email"], "ada@example.org");
    assert_eq!(first["author"]["url"], "https://ada.example/");
    assert_eq!(first["notify"], json!(["replies"]));
    assert_eq!(
        first["revisions"],
        json!([{"text": "Ada's frist words", "html": "<p>Ada's frist words</p>", "status": "approved",
                "replaced": first["revisions"][0]["replaced"]}])
    );
    assert_eq!(data["comments"][2]["parent"], cast.a2);
    assert_eq!(data["comments"][2]["site"], "talk");
    assert_eq!(data["comments"][1]["revisions"], json!([]));

    assert_eq!(
        ids(&data["likes"], "comment"),
        vec![cast.b2],
        "her like, not Bo's of her comment"
    );
    assert_eq!(data["likes"][0]["site"], "open");
    assert_eq!(
        ids(&data["reports"], "comment"),
        vec![cast.b2],
        "her report, not Bo's of her comment"
    );
    assert_eq!(data["reports"][0]["reason"], "off_topic");
    assert_eq!(data["reports"][0]["dismissed"], Value::Null);
    // Her replies to her comment, and Eve's page subscription to the address Ada proved: it
    // mails her. Bo's subscription (his address, never proven) is not hers.
    let subscriptions: Vec<(String, Value, String)> = data["subscriptions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["kind"].as_str().unwrap().into(),
                s["comment"].clone(),
                s["email"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(
        subscriptions,
        vec![
            ("replies".into(), json!(cast.a1), "ada@example.org".into()),
            ("page".into(), Value::Null, "ada@example.org".into()),
        ]
    );
    assert_eq!(
        data["emails"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["email"].clone())
            .collect::<Vec<_>>(),
        vec![json!("ada@example.org")]
    );
    for other in [
        "Bo",
        "bo@example.org",
        "Eve",
        "following along",
        "127.0.0.1",
    ] {
        assert!(!text.contains(other), "{other} is not Ada's data: {text}");
    }
    let digest: String = app
        .comment_column(cast.a1, "ip_hash")
        .await
        .expect("an ip_hash is stored");
    assert!(!text.contains(&digest), "keyed digests are left out");

    // A comment the rules judged spam looks merely held, as it does in the widget; which rule
    // caught it is the moderators' to know (a spammer learns nothing from their own data).
    let spam = format!(
        "UPDATE comments SET status = 'spam', reason = 'blocked_word' WHERE id = {}",
        cast.a3
    );
    app.execute(&spam).await;
    let again = download(app, Some(&cast.ada)).await.text().await.unwrap();
    let again_data: Value = serde_json::from_str(&again).unwrap();
    assert_eq!(again_data["comments"][2]["status"], "pending");
    assert!(
        !again.contains("blocked_word") && !again.contains("spam"),
        "{again}"
    );

    // Bo's and Eve's downloads hold nothing of Ada's (the address Eve typed proves nothing).
    let bo = exported(app, &cast.bo).await;
    assert_eq!(ids(&bo["comments"], "id"), vec![cast.b1, cast.b2]);
    assert_eq!(ids(&bo["likes"], "comment"), vec![cast.a1]);
    assert_eq!(ids(&bo["reports"], "comment"), vec![cast.a1]);
    assert_eq!(bo["subscriptions"], json!([]), "his address is not proven");
    assert_eq!(bo["emails"], json!([]));
    assert_eq!(bo["comments"][0]["revisions"][0]["text"], "Bo's old reply");
    let eve = exported(app, &cast.eve).await;
    assert_eq!(ids(&eve["comments"], "id"), vec![cast.e1]);
    assert_eq!(
        eve["comments"][0]["author"]["email"], "ada@example.org",
        "what she typed, on her comment"
    );
    for empty in ["likes", "reports", "subscriptions", "emails"] {
        assert_eq!(eve[empty], json!([]), "{empty}");
    }
    // Reading changed nothing.
    assert_eq!(app.count_rows("comments").await, 6);
    assert_eq!(app.count_rows("credentials").await, 3);
}
