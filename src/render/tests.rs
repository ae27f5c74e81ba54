//! The renderer's XSS table: hostile inputs with the exact HTML they must become, and a property
//! test that no output, whatever the input, carries an event handler or a forbidden URL.

use proptest::prelude::*;

use super::{comment_html, imported_html};

/// (markdown a commenter sends, HTML readers receive). Every row was read and judged inert.
const TABLE: &[(&str, &str)] = &[
    ("<script>alert(1)</script>", ""),
    ("<SCRIPT SRC=//evil.example/x.js></SCRIPT>", ""),
    ("<scr<script>ipt>alert(1)</script>", "<p>&lt;scr</p>\n"),
    ("<img src=x onerror=alert(1)>", ""),
    ("<svg onload=alert(1)>", ""),
    ("<svg><script>alert(1)</script></svg>", "<p></p>\n"),
    (
        "<math><mi xlink:href=\"javascript:alert(1)\">x</mi></math>",
        "<p></p>\n",
    ),
    ("<body onload=alert(1)>", ""),
    ("<div onclick=\"alert(1)\">click</div>", "click"),
    (
        "<a href=\"#\" onmouseover=\"alert(1)\">hover</a>",
        "<p><a rel=\"nofollow ugc noopener noreferrer\">hover</a></p>\n",
    ),
    (
        "<p onfocus=alert(1) autofocus tabindex=0>focus</p>",
        "<p>focus</p>",
    ),
    ("<details open ontoggle=alert(1)>", ""),
    ("<video><source onerror=alert(1)></video>", "<p></p>\n"),
    ("<audio src=x onerror=alert(1)>", ""),
    ("<iframe src=\"https://evil.example\"></iframe>", ""),
    ("<iframe srcdoc=\"<script>alert(1)</script>\"></iframe>", ""),
    (
        "<object data=\"javascript:alert(1)\"></object>",
        "<p></p>\n",
    ),
    ("<embed src=\"javascript:alert(1)\">", ""),
    (
        "<form action=\"https://evil.example\"><input name=x><button>go</button></form>",
        "go",
    ),
    ("<input onfocus=alert(1) autofocus>", ""),
    ("<textarea onfocus=alert(1)>x</textarea>", "x"),
    (
        "<select onchange=alert(1)><option>x</option></select>",
        "<p>x</p>\n",
    ),
    (
        "<meta http-equiv=\"refresh\" content=\"0;url=https://evil.example\">",
        "",
    ),
    ("<base href=\"https://evil.example/\">", ""),
    (
        "<link rel=stylesheet href=\"https://evil.example/x.css\">",
        "",
    ),
    ("<style>body{display:none}</style>", ""),
    (
        "<p style=\"background:url(javascript:alert(1))\">styled</p>",
        "<p>styled</p>",
    ),
    (
        "<a href=\"javascript:alert(1)\">x</a>",
        "<p><a rel=\"nofollow ugc noopener noreferrer\">x</a></p>\n",
    ),
    (
        "<a href=\"JaVaScRiPt:alert(1)\">x</a>",
        "<p><a rel=\"nofollow ugc noopener noreferrer\">x</a></p>\n",
    ),
    (
        "<a href=\" javascript:alert(1)\">x</a>",
        "<p><a rel=\"nofollow ugc noopener noreferrer\">x</a></p>\n",
    ),
    (
        "<a href=\"java&#x09;script:alert(1)\">x</a>",
        "<p><a rel=\"nofollow ugc noopener noreferrer\">x</a></p>\n",
    ),
    (
        "<a href=\"java&#10;script:alert(1)\">x</a>",
        "<p><a rel=\"nofollow ugc noopener noreferrer\">x</a></p>\n",
    ),
    (
        "<a href=\"&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)\">x</a>",
        "<p><a rel=\"nofollow ugc noopener noreferrer\">x</a></p>\n",
    ),
    (
        "<a href=\"&#x6A;avascript:alert(1)\">x</a>",
        "<p><a rel=\"nofollow ugc noopener noreferrer\">x</a></p>\n",
    ),
    (
        "<a href=\"javascript&colon;alert(1)\">x</a>",
        "<p><a rel=\"nofollow ugc noopener noreferrer\">x</a></p>\n",
    ),
    (
        "<a href=\"vbscript:msgbox(1)\">x</a>",
        "<p><a rel=\"nofollow ugc noopener noreferrer\">x</a></p>\n",
    ),
    (
        "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">x</a>",
        "<p><a rel=\"nofollow ugc noopener noreferrer\">x</a></p>\n",
    ),
    (
        "<a href=\"DATA:text/html,<script>alert(1)</script>\">x</a>",
        "<p><a rel=\"nofollow ugc noopener noreferrer\">x</a></p>\n",
    ),
    (
        "<a href=\"file:///etc/passwd\">x</a>",
        "<p><a rel=\"nofollow ugc noopener noreferrer\">x</a></p>\n",
    ),
    (
        "<a href=\"/relative/path\">relative</a>",
        "<p><a rel=\"nofollow ugc noopener noreferrer\">relative</a></p>\n",
    ),
    (
        "<a href=\"//evil.example/\">protocol-relative</a>",
        "<p><a rel=\"nofollow ugc noopener noreferrer\">protocol-relative</a></p>\n",
    ),
    (
        "[click](javascript:alert(1))",
        "<p><a rel=\"nofollow ugc noopener noreferrer\">click</a></p>\n",
    ),
    (
        "[click](JAVASCRIPT:alert(1))",
        "<p><a rel=\"nofollow ugc noopener noreferrer\">click</a></p>\n",
    ),
    (
        "[click](javascript&#58;alert(1))",
        "<p><a rel=\"nofollow ugc noopener noreferrer\">click</a></p>\n",
    ),
    (
        "[click](vbscript:msgbox(1))",
        "<p><a rel=\"nofollow ugc noopener noreferrer\">click</a></p>\n",
    ),
    (
        "[click](data:text/html,<script>alert(1)</script>)",
        "<p><a rel=\"nofollow ugc noopener noreferrer\">click</a></p>\n",
    ),
    (
        "[click](<javascript:alert(1)>)",
        "<p><a rel=\"nofollow ugc noopener noreferrer\">click</a></p>\n",
    ),
    (
        "[ref]: javascript:alert(1)\n\n[click][ref]",
        "<p><a rel=\"nofollow ugc noopener noreferrer\">click</a></p>\n",
    ),
    (
        "<javascript:alert(1)>",
        "<p><a rel=\"nofollow ugc noopener noreferrer\">javascript:alert(1)</a></p>\n",
    ),
    (
        "<vbscript:msgbox(1)>",
        "<p><a rel=\"nofollow ugc noopener noreferrer\">vbscript:msgbox(1)</a></p>\n",
    ),
    (
        "![pixel](https://tracker.example/p.gif)",
        "<p><a href=\"https://tracker.example/p.gif\" rel=\"nofollow ugc noopener noreferrer\">pixel</a></p>\n",
    ),
    (
        "![x](javascript:alert(1))",
        "<p><a rel=\"nofollow ugc noopener noreferrer\">x</a></p>\n",
    ),
    (
        "![x\" onerror=\"alert(1)](https://example.com/a.png)",
        "<p><a href=\"https://example.com/a.png\" rel=\"nofollow ugc noopener noreferrer\">x\" onerror=\"alert(1)</a></p>\n",
    ),
    (
        "[x](https://example.com \"title\\\" onmouseover=\\\"alert(1)\")",
        "<p><a href=\"https://example.com\" title=\"title&quot; onmouseover=&quot;alert(1)\" rel=\"nofollow ugc noopener noreferrer\">x</a></p>\n",
    ),
    (
        "<a href=\"https://example.com\" target=\"_top\" rel=\"opener\">x</a>",
        "<p><a href=\"https://example.com\" rel=\"nofollow ugc noopener noreferrer\">x</a></p>\n",
    ),
    (
        "<a href=\"https://example.com\" style=\"position:fixed;top:0\">cover</a>",
        "<p><a href=\"https://example.com\" rel=\"nofollow ugc noopener noreferrer\">cover</a></p>\n",
    ),
    (
        "<div style=\"position:fixed;inset:0\">overlay</div>",
        "overlay",
    ),
    (
        "<b>bold <i>italic</b> unclosed",
        "<p><b>bold <i>italic</i></b><i> unclosed</i></p><i>\n</i>",
    ),
    ("<p><p><p>nested", "<p></p><p></p><p>nested</p>"),
    (
        "<!-- comment --><b>after comment</b>",
        "<b>after comment</b>",
    ),
    ("<![CDATA[<script>alert(1)</script>]]>", "alert(1)]]&gt;"),
    (
        "<table><tr><td onmouseover=alert(1)>cell</td></tr></table>",
        "cell",
    ),
    ("<marquee onstart=alert(1)>x</marquee>", "<p>x</p>\n"),
    (
        "<x onclick=alert(1)>custom element</x>",
        "<p>custom element</p>\n",
    ),
    (
        "<noscript><img src=x onerror=alert(1)></noscript>",
        "<p>&lt;img src=x onerror=alert(1)&gt;</p>\n",
    ),
    (
        "<template><script>alert(1)</script></template>",
        "<p></p>\n",
    ),
    (
        "```\n<script>alert(1)</script>\n```",
        "<pre><code>&lt;script&gt;alert(1)&lt;/script&gt;\n</code></pre>\n",
    ),
    (
        "`<script>alert(1)</script>`",
        "<p><code>&lt;script&gt;alert(1)&lt;/script&gt;</code></p>\n",
    ),
    ("# Big heading", "<h3>Big heading</h3>\n"),
    ("<h1>raw heading</h1>", "raw heading"),
    (
        "<code onmouseover=alert(1)>code</code>",
        "<p><code>code</code></p>\n",
    ),
    (
        "<ol start=\"3\" onclick=\"alert(1)\"><li>three</li></ol>",
        "<ol start=\"3\"><li>three</li></ol>",
    ),
    (
        "https://example.com/path?a=1&b=<script>",
        "<p><a href=\"https://example.com/path?a=1&amp;b=\" rel=\"nofollow ugc noopener noreferrer\">https://example.com/path?a=1&amp;b=</a></p>",
    ),
    (
        "Visit https://example.com/(wiki). Then stop.",
        "<p>Visit <a href=\"https://example.com/(wiki)\" rel=\"nofollow ugc noopener noreferrer\">https://example.com/(wiki)</a>. Then stop.</p>\n",
    ),
    (
        "http://\"onmouseover=\"alert(1)",
        "<p>http://\"onmouseover=\"alert(1)</p>\n",
    ),
    (
        "mailto:someone@example.com",
        "<p>mailto:someone@example.com</p>\n",
    ),
    (
        "[mail](mailto:someone@example.com)",
        "<p><a href=\"mailto:someone@example.com\" rel=\"nofollow ugc noopener noreferrer\">mail</a></p>\n",
    ),
    (
        "> quoted\n> twice",
        "<blockquote>\n<p>quoted<br>\ntwice</p>\n</blockquote>\n",
    ),
    ("- one\n- two", "<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n"),
    (
        "~~gone~~ **strong** _em_ <b>b</b> <i>i</i>",
        "<p><del>gone</del> <strong>strong</strong> <em>em</em> <b>b</b> <i>i</i></p>\n",
    ),
    ("line one\nline two", "<p>line one<br>\nline two</p>\n"),
    ("---", "<hr>\n"),
];

#[test]
fn every_hostile_input_renders_to_exactly_the_expected_inert_html() {
    assert!(TABLE.len() >= 50);
    let mut failures = Vec::new();
    for (input, expected) in TABLE {
        let actual = comment_html(input);
        if actual != *expected {
            failures.push(format!(
                "input:    {input:?}\nexpected: {expected:?}\nactual:   {actual:?}"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} rows differ:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

const ALLOWED_TAGS: &[&str] = &[
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

/// Checks one output the way a browser would read it: every tag allowed, every attribute one of
/// `href`, `title`, `rel`, `start`, and every `href` an http(s) or mailto URL.
fn assert_inert(html: &str) {
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        let close = rest[open..]
            .find('>')
            .map(|i| open + i)
            .unwrap_or_else(|| panic!("unclosed tag in {html:?}"));
        let tag = &rest[open + 1..close];
        rest = &rest[close + 1..];
        let tag = tag.strip_prefix('/').unwrap_or(tag);
        let (name, mut attrs) = tag.split_once(' ').unwrap_or((tag, ""));
        assert!(ALLOWED_TAGS.contains(&name), "tag <{name}> in {html:?}");
        while let Some(eq) = attrs.find("=\"") {
            let attr = attrs[..eq].trim();
            let end = attrs[eq + 2..]
                .find('"')
                .map(|i| eq + 2 + i)
                .expect("quoted value");
            let value = &attrs[eq + 2..end];
            attrs = &attrs[end + 1..];
            assert!(
                ["href", "title", "rel", "start"].contains(&attr),
                "attribute {attr} in {html:?}"
            );
            if attr == "href" {
                let lower = value.to_ascii_lowercase();
                assert!(
                    lower.starts_with("http://")
                        || lower.starts_with("https://")
                        || lower.starts_with("mailto:"),
                    "href {value:?} in {html:?}"
                );
            }
        }
        assert!(attrs.trim().is_empty(), "unquoted attribute in {html:?}");
    }
}

fn hostile_fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("<script>alert(1)</script>".to_string()),
        Just("<img src=x onerror=alert(1)>".to_string()),
        Just("<a href=\"javascript:alert(1)\">".to_string()),
        Just("[x](javascript:alert(1))".to_string()),
        Just("<javascript:alert(1)>".to_string()),
        Just("![x](https://t.example/p.gif)".to_string()),
        Just("<svg/onload=alert(1)>".to_string()),
        Just("<div style=\"position:fixed\" onclick=x>".to_string()),
        Just("java&#x09;script:".to_string()),
        Just("\"><".to_string()),
        Just("https://example.com/".to_string()),
        Just("`".to_string()),
        Just("\n\n".to_string()),
        Just("<!--".to_string()),
        Just("onmouseover=alert(1) ".to_string()),
        "[a-z<>=\"' /:&#;()\\[\\]!*_`-]{0,12}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn no_input_ever_yields_an_event_handler_or_a_forbidden_url(parts in prop::collection::vec(hostile_fragment(), 0..12)) {
        assert_inert(&comment_html(&parts.concat()));
    }
}

#[test]
fn the_checker_itself_catches_what_it_is_meant_to_catch() {
    for bad in [
        "<img src=\"x\">",
        "<a href=\"javascript:x\">",
        "<p onclick=\"x\">",
        "<a href=x>",
    ] {
        assert!(
            std::panic::catch_unwind(|| assert_inert(bad)).is_err(),
            "{bad} slipped through"
        );
    }
}

#[test]
fn imported_html_keeps_its_text_and_loses_its_scripts() {
    assert_eq!(
        imported_html("First line\nsecond 2*3*4 \\_/\n\n<b>bold</b> <script>x()</script>"),
        "<p>First line<br>\nsecond 2*3*4 \\_/</p>\n<p><b>bold</b> </p>"
    );
    assert_eq!(
        imported_html("<p>Already <a href=\"javascript:alert(1)\">html</a></p>"),
        "<p>Already <a rel=\"nofollow ugc noopener noreferrer\">html</a></p>"
    );
}
