//! The words of each mail: plain text plus minimal HTML. Everything a reader wrote (names,
//! comments, page addresses) is escaped in the HTML part; no remote images; links only to
//! replybox and the blog. Headers (subject, recipients) are built by lettre, which encodes
//! them, so a name cannot inject a header.

use crate::html::escape;
use crate::store::mail::NewMail;
use crate::store::moderation::QueueRow;

/// One button in a moderator alert.
pub struct ActionButton {
    /// What it does, in words.
    pub label: &'static str,
    /// Its confirmation page.
    pub url: String,
}

fn layout(body_html: &str) -> String {
    format!(
        "<!doctype html><html><body style=\"font-family:sans-serif;line-height:1.5;max-width:40em;overflow-wrap:anywhere\">{body_html}\
         <p style=\"color:#646970;font-size:small\">Sent by replybox.</p></body></html>"
    )
}

fn quote_text(text: &str) -> String {
    text.lines()
        .map(|line| format!("> {line}"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn quote_html(text: &str) -> String {
    format!(
        "<blockquote style=\"border-left:3px solid #dcdcde;margin:0;padding-left:1em;white-space:pre-wrap\">{}</blockquote>",
        escape(text)
    )
}

/// Where a mail points: the comment's page, and the comment on it (`#comment-ID`).
pub struct Place<'a> {
    /// The page's address.
    pub page: &'a str,
    /// The comment's address on it.
    pub comment: &'a str,
}

/// A new comment for the site's moderators, with one-click actions.
pub fn moderator_alert(
    recipient: &str,
    comment: &QueueRow,
    place: &Place<'_>,
    buttons: &[ActionButton],
) -> NewMail {
    let page_url = place.page;
    let held = comment.status == crate::moderation::Status::Pending.as_str();
    let subject = format!(
        "[{}] {} comment by {} on {}",
        comment.site,
        if held { "Held" } else { "New" },
        one_line(&comment.author_name),
        one_line(&comment.uri)
    );
    let who = match &comment.author_email {
        Some(email) => format!("{} <{}>", comment.author_name, email),
        None => comment.author_name.clone(),
    };
    let reason = comment
        .reason
        .as_deref()
        .map(|r| format!("Held because: {r}\n"))
        .unwrap_or_default();
    let mut text = format!(
        "{who} wrote on {page_url}\n{reason}\n{}\n\nOn the page: {}\n\n",
        quote_text(&comment.body),
        place.comment
    );
    for button in buttons {
        text.push_str(&format!("{}: {}\n", button.label, button.url));
    }
    text.push_str(
        "\nEach link opens a page where you confirm; each works once, for a limited time.\n",
    );
    let mut html = format!(
        "<p><strong>{}</strong> wrote on <a href=\"{}\">{}</a></p>{}{}<p><a href=\"{}\">See it on the page</a></p><p>",
        escape(&who),
        escape(page_url),
        escape(&comment.uri),
        comment
            .reason
            .as_deref()
            .map(|r| format!("<p>Held because: <strong>{}</strong></p>", escape(r)))
            .unwrap_or_default(),
        quote_html(&comment.body),
        escape(place.comment)
    );
    for button in buttons {
        html.push_str(&format!(
            "<a href=\"{}\">{}</a> · ",
            escape(&button.url),
            escape(button.label)
        ));
    }
    html.push_str("</p><p style=\"color:#646970\">Each link opens a page where you confirm; each works once, for a limited time.</p>");
    NewMail {
        kind: "moderator_alert",
        recipient: recipient.into(),
        subject,
        text,
        html: layout(&html),
        unsubscribe_url: None,
    }
}

/// A new reply or comment for a subscriber, with a way out.
pub fn reply_notification(
    recipient: &str,
    comment: &QueueRow,
    place: &Place<'_>,
    unsubscribe_url: &str,
) -> NewMail {
    let page_url = place.page;
    let subject = format!(
        "New comment by {} on {}",
        one_line(&comment.author_name),
        one_line(&comment.uri)
    );
    let text = format!(
        "{} wrote on {page_url}\n\n{}\n\nRead it: {}\nNo more mail about this page: {unsubscribe_url}\n",
        comment.author_name,
        quote_text(&comment.body),
        place.comment
    );
    let html = format!(
        "<p><strong>{}</strong> wrote on <a href=\"{}\">{}</a></p>{}<p><a href=\"{}\">Read it on the page</a> · <a href=\"{}\">Unsubscribe</a></p>",
        escape(&comment.author_name),
        escape(page_url),
        escape(&comment.uri),
        quote_html(&comment.body),
        escape(place.comment),
        escape(unsubscribe_url)
    );
    NewMail {
        kind: "reply_notification",
        recipient: recipient.into(),
        subject,
        text,
        html: layout(&html),
        unsubscribe_url: Some(unsubscribe_url.into()),
    }
}

/// The one mail sent to an unverified address: no comment text, no link the guest chose.
pub fn verification(recipient: &str, verify_url: &str) -> NewMail {
    let text = format!(
        "Someone (hopefully you) asked for comment notifications at this address.\n\
         Confirm your address: {verify_url}\n\nIf it was not you, ignore this mail: nothing more will be sent.\n"
    );
    let html = format!(
        "<p>Someone (hopefully you) asked for comment notifications at this address.</p>\
         <p><a href=\"{}\">Confirm your address</a></p><p>If it was not you, ignore this mail: nothing more will be sent.</p>",
        escape(verify_url)
    );
    NewMail {
        kind: "verification",
        recipient: recipient.into(),
        subject: "Confirm your email address".into(),
        text,
        html: layout(&html),
        unsubscribe_url: None,
    }
}

/// Subjects are one line (lettre encodes them; this keeps them readable too).
fn one_line(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .take(80)
        .collect()
}
