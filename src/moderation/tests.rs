//! Each rule on its own, and the order between them.

use super::*;

fn open_site() -> SiteRules {
    SiteRules {
        mode: ModerationMode::None,
        links_to_hold: 2,
        min_seconds_to_write: 3,
        ..SiteRules::default()
    }
}

fn comment(body: &str) -> Facts<'_> {
    Facts {
        body,
        html: "",
        name: "Ada",
        seconds_to_write: Some(30.0),
        ..Facts::default()
    }
}

fn status_and_reason(verdict: Verdict) -> (Status, String) {
    (verdict.status, verdict.reason.unwrap_or_default())
}

#[test]
fn a_site_without_moderation_publishes_an_ordinary_comment() {
    assert_eq!(
        judge(&open_site(), &comment("Nice post")),
        Verdict::publish()
    );
}

#[test]
fn a_site_that_holds_all_holds_known_authors_but_not_trusted_ones() {
    let rules = SiteRules {
        mode: ModerationMode::All,
        ..open_site()
    };
    let known = Facts {
        known: true,
        ..comment("hi")
    };
    assert_eq!(
        status_and_reason(judge(&rules, &known)),
        (Status::Pending, "site_holds_all".into())
    );
    let trusted = Facts {
        trusted: true,
        ..comment("hi")
    };
    assert_eq!(judge(&rules, &trusted), Verdict::publish());
}

#[test]
fn first_time_mode_holds_strangers_and_publishes_known_authors() {
    let rules = SiteRules {
        mode: ModerationMode::FirstTime,
        ..open_site()
    };
    assert_eq!(
        status_and_reason(judge(&rules, &comment("hi"))),
        (Status::Pending, "first_time_author".into())
    );
    assert_eq!(
        judge(
            &rules,
            &Facts {
                known: true,
                ..comment("hi")
            }
        ),
        Verdict::publish()
    );
}

#[test]
fn two_links_hold_a_comment_one_does_not() {
    let one = "<p><a href=\"https://a.example\">a</a></p>";
    let two = "<p><a href=\"https://a.example\">a</a> <a href=\"https://b.example\">b</a></p>";
    assert_eq!(
        judge(
            &open_site(),
            &Facts {
                html: one,
                ..comment("x")
            }
        ),
        Verdict::publish()
    );
    assert_eq!(
        status_and_reason(judge(
            &open_site(),
            &Facts {
                html: two,
                ..comment("x")
            }
        )),
        (Status::Pending, "too_many_links: 2".into())
    );
}

#[test]
fn a_watched_word_holds_and_a_blocked_word_is_spam_wherever_it_appears() {
    let rules = SiteRules {
        watched: WordList::parse("refund"),
        blocked: WordList::parse("casino*"),
        ..open_site()
    };
    assert_eq!(
        status_and_reason(judge(&rules, &comment("I want a REFUND"))),
        (Status::Pending, "watched_word: refund".into())
    );
    assert_eq!(
        status_and_reason(judge(&rules, &comment("best casinos"))),
        (Status::Spam, "blocked_word: casino*".into())
    );
    let by_name = Facts {
        name: "Casino King",
        ..comment("hello")
    };
    assert_eq!(judge(&rules, &by_name).status, Status::Spam);
    let by_url = Facts {
        url: Some("https://casino-royale.example/"),
        ..comment("hello")
    };
    assert_eq!(judge(&rules, &by_url).status, Status::Spam);
    let by_email = Facts {
        email: Some("casino@spam.example"),
        ..comment("hello")
    };
    assert_eq!(judge(&rules, &by_email).status, Status::Spam);
}

#[test]
fn bots_that_fill_the_honeypot_or_write_instantly_are_spam_even_when_trusted() {
    let honeypot = Facts {
        honeypot_filled: true,
        trusted: true,
        ..comment("hi")
    };
    assert_eq!(judge(&open_site(), &honeypot).status, Status::Spam);
    let instant = Facts {
        seconds_to_write: Some(0.4),
        trusted: true,
        ..comment("hi")
    };
    assert_eq!(
        status_and_reason(judge(&open_site(), &instant)),
        (
            Status::Spam,
            "too_fast: sent 0.4 s after the form was shown".into()
        )
    );
    let unknown_speed = Facts {
        seconds_to_write: None,
        ..comment("hi")
    };
    assert_eq!(
        judge(&open_site(), &unknown_speed),
        Verdict::publish(),
        "API clients without the widget's timer are not judged by it"
    );
}

#[test]
fn brand_new_identities_wait_for_the_first_minutes() {
    let rules = SiteRules {
        new_identity_minutes: 10,
        ..open_site()
    };
    let fresh = Facts {
        identity_age_minutes: Some(2),
        ..comment("hi")
    };
    assert_eq!(
        status_and_reason(judge(&rules, &fresh)),
        (Status::Pending, "new_identity: signed up 2 min ago".into())
    );
    let settled = Facts {
        identity_age_minutes: Some(60),
        ..comment("hi")
    };
    assert_eq!(judge(&rules, &settled), Verdict::publish());
}

#[test]
fn trusted_authors_skip_every_hold_rule() {
    let rules = SiteRules {
        mode: ModerationMode::FirstTime,
        watched: WordList::parse("refund"),
        new_identity_minutes: 10,
        ..open_site()
    };
    let two_links = "<a href=\"x\"></a><a href=\"y\"></a>";
    let trusted = Facts {
        trusted: true,
        html: two_links,
        identity_age_minutes: Some(1),
        ..comment("refund please")
    };
    assert_eq!(judge(&rules, &trusted), Verdict::publish());
}
