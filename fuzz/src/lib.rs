//! What the fuzz targets share: a check of published HTML as a browser would read it.
//!
//! The HTML is parsed with html5ever (the WHATWG parsing algorithm, through `scraper`) as a
//! fragment in a `<body>`, which is how the widget's `innerHTML` reads it, and the tree that
//! comes out is checked against `src/render.rs`'s policy: only its elements, in the HTML
//! namespace, only its attributes, every link absolute with an allowed scheme and the policy's
//! `rel`, no comments. Entities, odd quoting and broken markup are resolved by the parser, so a
//! payload cannot hide from this check the way it could from a regex.

use scraper::{Html, Node};

/// The elements `render.rs` allows.
const ALLOWED_ELEMENTS: &[&str] = &[
    "p",
    "br",
    "em",
    "strong",
    "b",
    "i",
    "del",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "hr",
    "h3",
    "h4",
    "h5",
    "h6",
];

/// Elements that must never come out, named so a failure says what went wrong (the allowlist
/// above rejects them anyway).
const FORBIDDEN_ELEMENTS: &[&str] = &[
    "script",
    "style",
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "applet",
    "svg",
    "math",
    "img",
    "image",
    "video",
    "audio",
    "source",
    "link",
    "meta",
    "base",
    "form",
    "input",
    "button",
    "textarea",
    "select",
    "template",
    "noscript",
    "xmp",
    "plaintext",
    "noembed",
    "noframes",
];

/// Attributes whose value a browser loads or follows as a URL.
const URL_ATTRIBUTES: &[&str] = &[
    "href",
    "src",
    "srcset",
    "action",
    "formaction",
    "data",
    "poster",
    "background",
    "cite",
    "ping",
    "longdesc",
    "lowsrc",
    "dynsrc",
    "codebase",
    "classid",
    "archive",
    "manifest",
    "icon",
    "usemap",
    "profile",
];

/// The URL schemes a link may have (`url_schemes` in `render.rs`).
const ALLOWED_SCHEMES: &[&str] = &["http", "https", "mailto"];

/// The `rel` every link gets (`link_rel` in `render.rs`).
const LINK_REL: &str = "nofollow ugc noopener noreferrer";

const HTML_NAMESPACE: &str = "http://www.w3.org/1999/xhtml";

/// Panics, naming what and where, if `html` (the output of `function` for `input`) is not
/// inert under the comment policy.
pub fn assert_inert(function: &str, input: &str, html: &str) {
    if let Err(problem) = check_inert(html) {
        panic!("{function}: {problem}\n  input:  {input:?}\n  output: {html:?}");
    }
}

/// Why `html` is not inert, if it is not.
pub fn check_inert(html: &str) -> Result<(), String> {
    let fragment = Html::parse_fragment(html);
    // The fragment parser puts the nodes under one `<html>` element of its own. (The tree also
    // holds nodes the parser made but never attached, such as the `<body>` context element:
    // only what hangs from the root is what a browser would show.)
    let root = fragment.root_element().id();
    for node in fragment.tree.root().descendants() {
        let element = match node.value() {
            Node::Element(element) if node.id() != root => element,
            Node::Comment(comment) => return Err(format!("a comment {:?}", &**comment)),
            Node::ProcessingInstruction(pi) => {
                return Err(format!("a processing instruction {:?}", pi.target));
            }
            Node::Doctype(_) => return Err("a doctype".into()),
            _ => continue,
        };
        let name = element.name();
        if &*element.name.ns != HTML_NAMESPACE {
            return Err(format!("<{name}> in namespace {}", &*element.name.ns));
        }
        if FORBIDDEN_ELEMENTS.contains(&name) {
            return Err(format!("a <{name}> element"));
        }
        if !ALLOWED_ELEMENTS.contains(&name) {
            return Err(format!("<{name}>, which the policy does not allow"));
        }
        for (attribute, value) in &element.attrs {
            let attr = &*attribute.local;
            if attribute.prefix.is_some() || !attribute.ns.is_empty() {
                return Err(format!("a namespaced attribute {attribute:?} on <{name}>"));
            }
            if attr.to_ascii_lowercase().starts_with("on") {
                return Err(format!("an event handler {attr}={value:?} on <{name}>"));
            }
            if URL_ATTRIBUTES.contains(&attr) {
                match scheme(value) {
                    Some(scheme) if ALLOWED_SCHEMES.contains(&scheme.as_str()) => {}
                    Some(scheme) => {
                        return Err(format!("{attr}={value:?} on <{name}>: scheme {scheme}"));
                    }
                    None => return Err(format!("{attr}={value:?} on <{name}>: no scheme")),
                }
            }
            let allowed = match name {
                "a" => ["href", "title", "rel"].contains(&attr),
                "ol" => attr == "start",
                _ => false,
            };
            if !allowed {
                return Err(format!("attribute {attr}={value:?} on <{name}>"));
            }
            if attr == "rel" && &**value != LINK_REL {
                return Err(format!("rel={value:?} on <a>"));
            }
        }
        if name == "a" && element.attr("rel") != Some(LINK_REL) {
            return Err(format!("an <a> without rel={LINK_REL:?}"));
        }
    }
    Ok(())
}

/// The scheme a browser reads from a URL attribute's (already entity-decoded) value, lower
/// case, the way the URL standard does: leading and trailing C0 controls and spaces stripped,
/// tabs and newlines removed anywhere, then letters, digits, `+`, `-` and `.` up to the first
/// `:`. `None` for a relative URL (which the policy denies too).
pub fn scheme(url: &str) -> Option<String> {
    let url: String = url
        .trim_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    let (scheme, _) = url.split_once(':')?;
    let mut chars = scheme.chars();
    let valid = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    valid.then(|| scheme.to_ascii_lowercase())
}

/// Proves the checker rejects what it is meant to reject and accepts the policy's own output:
/// the render target runs it once before fuzzing, so a broken oracle cannot pass silently.
pub fn self_test() {
    for bad in [
        "<img src=x>",
        "<p onclick=x>",
        "<a href=\"java&#x09;script:alert(1)\" rel=\"nofollow ugc noopener noreferrer\">",
        "<a href=\"  JaVaScRiPt:alert(1)\" rel=\"nofollow ugc noopener noreferrer\">",
        "<a href=\"//evil.example\" rel=\"nofollow ugc noopener noreferrer\">",
        "<a href=\"https://ok.example\">no rel</a>",
        "<svg><a></a></svg>",
        "<!-- x -->",
        "<p style=\"x\">",
        "<script>x</script>",
        "<b><style>x</style></b>",
    ] {
        assert!(
            check_inert(bad).is_err(),
            "{bad} slipped through the checker"
        );
    }
    for good in [
        "<p>text &amp; <a href=\"https://ok.example/\" rel=\"nofollow ugc noopener noreferrer\">link</a></p>",
        "<ol start=\"3\"><li>x</li></ol><pre><code>&lt;script&gt;</code></pre>",
        "<a href=\"MAILTO:a@b.example\" rel=\"nofollow ugc noopener noreferrer\">m</a>",
    ] {
        assert_eq!(check_inert(good), Ok(()), "the checker rejects {good}");
    }
}
