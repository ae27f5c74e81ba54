//! The comment HTML policy (`src/render.rs`) against any text: markdown through
//! `comment_html`, HTML through `clean_html` and `imported_html`. None may panic, and every
//! output must be inert when a browser parses it (see `replybox_fuzz::check_inert`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use replybox::render::{clean_html, comment_html, imported_html};
use replybox_fuzz::assert_inert;

fuzz_target!(
    init: replybox_fuzz::self_test(),
    |data: &[u8]| {
        let input = String::from_utf8_lossy(data);
        for (function, html) in [
            ("comment_html", comment_html(&input)),
            ("clean_html", clean_html(&input)),
            ("imported_html", imported_html(&input)),
        ] {
            assert_inert(function, &input, &html);
        }
    }
);
