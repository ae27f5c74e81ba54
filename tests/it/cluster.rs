//! Several instances on one PostgreSQL database, as behind a load balancer: what one instance
//! writes, every instance's readers see at once; a moderator's action on one shows on all;
//! the write limit is the cluster's, not each process's; and every mail goes out once though
//! every instance runs the mail worker. (Through a real balancer, with processes killed:
//! tests/cluster.)

use std::time::{Duration, Instant};

use replybox::admin::accounts::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::admin::Admin;
use crate::smtp::Smtp;
use crate::support::{TestApp, error_code, on_postgres};

on_postgres!(
    a_comment_through_one_instance_is_in_every_instances_thread_at_once,
    a_moderators_approval_on_one_instance_shows_on_the_others,
    the_write_limit_holds_for_the_whole_cluster,
    every_mail_goes_out_once_though_every_instance_runs_the_worker,
);

/// Threads are remembered for a minute: only the instances' announcements can explain a fresh
/// read within the deadline below.
const CLUSTER: &str = r#"
[server]
thread_cache_ms = 60000
[limits]
reads_per_minute = 100000
read_burst = 10000
writes_per_minute = 10000
write_burst = 10000

[[sites]]
id = "open"
name = "Open blog"
origins = ["http://blog.test"]
moderation = "none"
min_seconds_to_write = 0

[[sites]]
id = "held"
name = "Held blog"
origins = ["http://blog.test"]
moderation = "all"
min_seconds_to_write = 0
"#;

/// How long another instance may take to hear of a change (it takes milliseconds).
const DEADLINE: Duration = Duration::from_secs(3);

/// Reads `uri`'s public thread from `app` until it holds `count` comments; returns how long it
/// took, or fails at the deadline.
async fn until_thread_has(app: &TestApp, site: &str, uri: &str, count: usize) -> Duration {
    let started = Instant::now();
    loop {
        let thread = app.thread(site, uri, None).await;
        let seen = thread["comments"].as_array().map_or(0, Vec::len);
        if seen == count {
            return started.elapsed();
        }
        assert!(
            started.elapsed() < DEADLINE,
            "{} still shows {seen} comments, not {count}",
            app.base
        );
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
}

mod stories {
    use super::*;
    use crate::support::Engine;

    pub async fn a_comment_through_one_instance_is_in_every_instances_thread_at_once(
        engine: Engine,
    ) {
        let a = TestApp::with_config(engine, CLUSTER).await;
        let b = a.another_instance().await;
        let c = a.another_instance().await;
        a.post_as_guest("open", "/post/", None, "first", "Ada")
            .await;
        for instance in [&a, &b, &c] {
            until_thread_has(instance, "open", "/post/", 1).await;
        }
        // Every instance now remembers the one-comment thread for a minute.
        let mut slowest = Duration::ZERO;
        for (round, writer) in [&a, &b, &c, &b].into_iter().enumerate() {
            writer
                .post_as_guest("open", "/post/", None, &format!("reply {round}"), "Bob")
                .await;
            for reader in [&a, &b, &c] {
                slowest = slowest.max(until_thread_has(reader, "open", "/post/", round + 2).await);
            }
        }
        eprintln!("slowest instance heard of a write after {slowest:?}");
        // Counts are remembered too, and forgotten the same way.
        let count_on = |app: &TestApp| {
            let request = app
                .client
                .post(app.url("/api/counts"))
                .json(&json!({"site": "open", "uris": ["/post/"]}));
            async move {
                let body: Value = request.send().await.unwrap().json().await.unwrap();
                body["counts"]["/post/"].as_i64().unwrap()
            }
        };
        assert_eq!(count_on(&c).await, 5);
        a.post_as_guest("open", "/post/", None, "sixth", "Cy").await;
        let started = Instant::now();
        while count_on(&c).await != 6 {
            assert!(started.elapsed() < DEADLINE, "the count on c stayed stale");
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
    }

    pub async fn a_moderators_approval_on_one_instance_shows_on_the_others(engine: Engine) {
        let a = TestApp::with_config(engine, CLUSTER).await;
        let b = a.another_instance().await;
        let first = a
            .post_as_guest("held", "/q/", None, "held one", "Ada")
            .await;
        let id = first["comment"]["id"].as_i64().unwrap();
        assert_eq!(first["comment"]["status"], "pending");
        // Both remember the page with nothing public on it.
        until_thread_has(&a, "held", "/q/", 0).await;
        until_thread_has(&b, "held", "/q/", 0).await;
        // Signed in through a, acting through b: the session is the cluster's.
        let on_a = Admin::sign_in(&a, "mia", Role::Admin, &[]).await;
        let on_b = on_a.on(&b);
        let approve = on_b
            .post("/admin/act", &[("act", &format!("approve:{id}"))])
            .await;
        assert_eq!(approve.status(), StatusCode::SEE_OTHER);
        // a heard of it: only the announcement can have told it.
        until_thread_has(&a, "held", "/q/", 1).await;
        until_thread_has(&b, "held", "/q/", 1).await;
        let audit = on_a.page("/admin/audit").await;
        assert!(audit.contains("approve"), "the action is in the audit log");
    }

    pub async fn the_write_limit_holds_for_the_whole_cluster(engine: Engine) {
        let config = CLUSTER.replace(
            "writes_per_minute = 10000\nwrite_burst = 10000",
            "writes_per_minute = 2\nwrite_burst = 3",
        );
        let a = TestApp::with_config(engine, &config).await;
        let b = a.another_instance().await;
        let c = a.another_instance().await;
        let mut accepted = 0;
        let mut refused = Vec::new();
        for (n, instance) in [&a, &b, &c, &a, &b, &c, &a, &b, &c].into_iter().enumerate() {
            let response = instance
                .post(json!({"site": "open", "uri": "/busy/", "body": format!("try {n}"), "author": {"name": "Flood", "email": "flood@example.org"}}), None)
                .await;
            match response.status() {
                StatusCode::CREATED => accepted += 1,
                StatusCode::TOO_MANY_REQUESTS => {
                    let wait: u64 = response.headers()["retry-after"]
                        .to_str()
                        .unwrap()
                        .parse()
                        .unwrap();
                    assert!((1..=30).contains(&wait), "retry after {wait} s");
                    refused.push(error_code(response).await.1);
                }
                other => panic!("unexpected {other}"),
            }
        }
        // Each process alone would have allowed its own burst of three: nine in all.
        assert_eq!(
            accepted, 3,
            "the cluster allows one burst, not one per instance"
        );
        assert!(
            refused.iter().all(|code| code == "rate_limited"),
            "{refused:?}"
        );
        let stored = a
            .inspector
            .count("SELECT COUNT(*) FROM comments WHERE body LIKE 'try %'")
            .await;
        assert_eq!(stored, 3, "nothing refused was written");
    }

    pub async fn every_mail_goes_out_once_though_every_instance_runs_the_worker(engine: Engine) {
        let mut smtp = Smtp::reserve();
        smtp.start();
        let held = "moderation = \"all\"\n";
        let config = format!(
            "{}{}",
            smtp.config(),
            CLUSTER.replace(held, &format!("{held}notify = [\"mod@example.org\"]\n"))
        );
        let a = TestApp::with_config(engine, &config).await;
        let b = a.another_instance().await;
        let c = a.another_instance().await;
        const POSTS: usize = 12;
        for n in 0..POSTS {
            let instance = [&a, &b, &c][n % 3];
            instance
                .post_as_guest("held", "/mail/", None, &format!("note {n}"), "Ada")
                .await;
        }
        // The event that proves "no more will come": every queued mail is marked sent.
        let started = Instant::now();
        loop {
            let queued = a.count_rows("outbox").await;
            let unsent = a
                .inspector
                .count("SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL")
                .await;
            if queued == POSTS as i64 && unsent == 0 {
                break;
            }
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "{queued} queued, {unsent} unsent"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let alerts: Vec<String> = smtp
            .messages()
            .iter()
            .filter(|m| m.header("To").contains("mod@example.org"))
            .map(|m| {
                m.text
                    .lines()
                    .find(|l| l.contains("note "))
                    .unwrap_or_default()
                    .to_string()
            })
            .collect();
        assert_eq!(alerts.len(), POSTS, "one alert per comment: {alerts:?}");
        let mut distinct = alerts.clone();
        distinct.sort();
        distinct.dedup();
        assert_eq!(
            distinct.len(),
            POSTS,
            "no comment alerted twice: {alerts:?}"
        );
    }
}
