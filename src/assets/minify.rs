//! What the widget's files lose on the way out: their comments. The sources in `embed/` stay
//! commented for the people who read them (no build step); readers' browsers get them without.
//!
//! Deliberately simple, and so safe for our own files: it drops whole lines whose first
//! non-blank characters start a `//` comment, and `/* … */` blocks that begin a line; it never
//! looks inside a line of code (a `//` in a string or URL stays). Blank lines go too.

/// Strips line-leading comments from JavaScript or CSS.
pub fn strip_comments(source: &str) -> String {
    let mut out = String::with_capacity(source.len());
    let mut in_block = false;
    for line in source.lines() {
        let trimmed = line.trim_start();
        if in_block {
            if let Some(end) = trimmed.find("*/") {
                in_block = false;
                push_line(&mut out, &trimmed[end + 2..]);
            }
            continue;
        }
        if trimmed.starts_with("//") || trimmed.is_empty() {
            continue;
        }
        if let Some(rest) = trimmed.strip_prefix("/*") {
            // Keep licence-style `/*!` banners out too: the repository carries the licence.
            match rest.find("*/") {
                Some(end) => push_line(&mut out, &rest[end + 2..]),
                None => in_block = true,
            }
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

fn push_line(out: &mut String, rest: &str) {
    if !rest.trim().is_empty() {
        out.push_str(rest.trim_start());
        out.push('\n');
    }
}

/// Bytes after gzip at level 9 (what the size budget counts).
pub fn gzipped_len(bytes: &[u8]) -> usize {
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(bytes).expect("writing to memory");
    encoder.finish().expect("writing to memory").len()
}

#[cfg(test)]
mod tests {
    use super::strip_comments;

    #[test]
    fn line_comments_and_leading_blocks_go_and_code_stays() {
        let source = "/*! banner\n * more */\n'use strict';\n  // a comment\nconst url = 'https://x.example/a'; // trailing stays\n\n/* one line */ const b = 1;\n.a { color: red; } /* css */\n";
        assert_eq!(
            strip_comments(source),
            "'use strict';\nconst url = 'https://x.example/a'; // trailing stays\nconst b = 1;\n.a { color: red; } /* css */\n"
        );
    }
}
