//! Chat shapes: a Slack- and a Discord-compatible incoming webhook each get one message a
//! hostile author cannot turn into mentions, links or formatting.

use serde_json::json;

use super::receiver::Receiver;
use super::{ALLOW_LOOPBACK, hook, post, site};
use crate::support::{Engine, LIMITS, TestApp, on_both_engines};

on_both_engines!(slack_and_discord_get_a_message_a_hostile_author_cannot_turn_against_the_channel);

async fn slack_and_discord_get_a_message_a_hostile_author_cannot_turn_against_the_channel(
    engine: Engine,
) {
    let receiver = Receiver::start().await;
    let hooks = format!(
        "{}{}",
        hook(&receiver.url("/slack"), "format = \"slack\""),
        hook(
            &receiver.url("/discord"),
            "format = \"discord\"\nevents = [\"held\"]"
        )
    );
    let app = TestApp::with_config(
        engine,
        &format!("{LIMITS}{ALLOW_LOOPBACK}{}", site("held", "all", &hooks)),
    )
    .await;
    post(
        &app,
        "held",
        "@everyone <!channel>",
        "Claim [your prize](https://evil.example/) **now** @here <@123> <https://evil.example|bank>",
    )
    .await;
    let mut received = receiver.wait_for(2).await;
    received.sort_by(|a, b| a.path.cmp(&b.path));
    let (discord, slack) = (&received[0], &received[1]);
    for message in [discord, slack] {
        assert!(
            !message.headers.contains_key("x-replybox-signature"),
            "no secret, no signature"
        );
        assert_eq!(message.header("x-replybox-event"), "held");
        for leak in [
            "eve@example.org",
            "@everyone",
            "@here",
            "<!channel>",
            "<@123>",
        ] {
            assert!(!message.body.contains(leak), "{leak:?} in {}", message.body);
        }
    }

    let slack = slack.json();
    assert_eq!(slack["mrkdwn"], false);
    assert_eq!(slack["unfurl_links"], false);
    let text = slack["text"].as_str().unwrap();
    assert!(
        text.starts_with("[Blog held] Comment held for review by @\u{2060}everyone &lt;!channel&gt; on http://blog.test/post/\n"),
        "{text}"
    );
    assert!(
        text.contains("&lt;https://evil.example|bank&gt;"),
        "no Slack link syntax: {text}"
    );

    let discord = discord.json();
    assert_eq!(discord["allowed_mentions"], json!({"parse": []}));
    assert_eq!(discord["flags"], 4, "no link previews");
    let content = discord["content"].as_str().unwrap();
    assert!(
        content.contains(" on <http://blog.test/post/>\n"),
        "{content}"
    );
    assert!(
        content.contains("\\[your prize\\]\\(https\\://evil.example/\\)")
            && content.contains("\\*\\*now\\*\\*"),
        "markdown escaped: {content}"
    );
    assert!(!content.contains("]("), "no masked link: {content}");
    app.stop().await;
    receiver.stop();
}
