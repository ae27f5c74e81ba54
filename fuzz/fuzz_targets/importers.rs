//! The importers' parsers (`src/import/`) against any bytes: `import::parse` may refuse a file,
//! never panic. The first byte picks the format (`byte % 6` in `Format::ALL` order: 0 wxr,
//! 1 disqus, 2 isso, 3 remark42, 4 comentario, 5 replybox; the seeds start with the ASCII digit
//! `'0'`…`'5'`, which is the same). If that byte has its high bit set, the sink refuses the
//! `(byte & 0x7f) / 6`-th thing it is handed, as the import does when its database write fails:
//! the parser must then stop, return an error, and hand the sink nothing more.
//!
//! Every comment found is also rendered the way the import publishes it (`Markup::html`), and
//! that HTML must be inert.
#![no_main]

use libfuzzer_sys::fuzz_target;
use replybox::import::{self, Format, Found};
use replybox_fuzz::assert_inert;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, file)) = data.split_first() else {
        return;
    };
    let format = Format::ALL[usize::from(selector) % Format::ALL.len()];
    let refuse_at = (selector & 0x80 != 0).then(|| usize::from(selector & 0x7f) / 6);
    let mut handed = 0usize;
    let mut refused = false;
    let mut sink = |found: Found| {
        assert!(
            !refused,
            "{format:?}: the parser went on after the sink refused"
        );
        if refuse_at == Some(handed) {
            refused = true;
            anyhow::bail!("the import stopped");
        }
        handed += 1;
        if let Found::Comment(entry) = found {
            let html = entry.markup.html(&entry.body);
            assert_inert(&format!("{format:?} import"), &entry.body, &html);
        }
        Ok(())
    };
    let result = import::parse(format, file, &mut sink);
    if refused {
        assert!(
            result.is_err(),
            "{format:?}: the sink refused, and the parse still succeeded"
        );
    }
});
