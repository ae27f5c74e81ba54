//! A webhook the operator got wrong stops replybox at start-up, saying which and why.

use std::process::Command;

use replybox::config::Config;

const BIN: &str = env!("CARGO_BIN_EXE_replybox");

fn config_with(hook: &str) -> String {
    format!(
        "[[sites]]\nid = \"blog\"\nname = \"Blog\"\norigins = [\"https://blog.example\"]\n[[sites.webhooks]]\n{hook}\n"
    )
}

fn error_of(hook: &str) -> String {
    format!(
        "{:#}",
        Config::from_toml(&config_with(hook)).expect_err(hook)
    )
}

#[test]
fn each_mistake_in_a_webhook_gets_its_own_message() {
    for (hook, message) in [
        (
            "url = \"not a url\"\nsecret = \"0123456789abcdef\"",
            "site \"blog\", webhook 1: \"not a url\" is not an http(s) URL",
        ),
        (
            "url = \"ftp://hooks.example/\"\nsecret = \"0123456789abcdef\"",
            "is not an http(s) URL",
        ),
        (
            "url = \"https://hooks.example/\"",
            "a json webhook needs a secret",
        ),
        (
            "url = \"https://hooks.example/\"\nsecret = \"0123456789abcdef\"\nevents = [\"posted\"]",
            "found `posted`, expected `one of `created`, `held`",
        ),
        (
            "url = \"https://hooks.example/\"\nsecret_file = \"/nonexistent/secret\"",
            "reading secret_file \"/nonexistent/secret\"",
        ),
        (
            "url = \"https://hooks.example/\"\nsecret = \"0123456789abcdef\"\nformat = \"teams\"",
            "found `teams`",
        ),
    ] {
        let error = error_of(hook);
        assert!(error.contains(message), "{hook}: {error}");
    }
}

#[test]
fn a_secret_file_is_read_and_its_newline_dropped() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hook-secret");
    std::fs::write(&path, "from-a-file-0123456789\n").unwrap();
    let config = Config::from_toml(&config_with(&format!(
        "url = \"https://hooks.example/\"\nsecret_file = \"{}\"",
        path.display()
    )))
    .unwrap();
    let hook = &config.sites[0].webhooks[0];
    assert_eq!(
        hook.secret.as_ref().unwrap().expose(),
        "from-a-file-0123456789"
    );
    let shown = format!("{config:?}");
    assert!(
        !shown.contains("from-a-file") && !shown.contains("hooks.example/\""),
        "{shown}"
    );
}

#[test]
fn serve_refuses_to_start_with_a_bad_webhook_url() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    std::fs::write(
        &path,
        config_with("url = \"hooks.example/x\"\nsecret = \"0123456789abcdef\""),
    )
    .unwrap();
    let output = Command::new(BIN)
        .args(["serve", "--config"])
        .arg(&path)
        .env(
            "REPLYBOX_DATABASE__URL",
            format!("sqlite://{}/db.sqlite", dir.path().display()),
        )
        .env("REPLYBOX_SERVER__LISTEN", "127.0.0.1:0")
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("site \"blog\", webhook 1")
            && stderr.contains("\"hooks.example/x\" is not an http(s) URL"),
        "{stderr}"
    );
}
