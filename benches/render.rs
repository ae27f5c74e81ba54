//! How fast comment bodies become sanitised HTML: `cargo bench --bench render`.
#![allow(missing_docs)] // criterion_group! generates undocumented items

use criterion::{Criterion, black_box, criterion_group, criterion_main};
use replybox::render::comment_html;

const TYPICAL: &str = "Thanks for the write-up! I tried this on my own blog and the **second** step \
was the tricky one.\nSee https://example.com/notes for what I ended up with.\n\n> quoting you here\n\n\
- one\n- two\n\n`code` too.";

fn bench(c: &mut Criterion) {
    let long = TYPICAL.repeat(40);
    let hostile =
        "<script>alert(1)</script><img src=x onerror=alert(1)>[x](javascript:alert(1))".repeat(50);
    c.bench_function("render typical comment (250 B)", |b| {
        b.iter(|| comment_html(black_box(TYPICAL)))
    });
    c.bench_function("render long comment (10 KB)", |b| {
        b.iter(|| comment_html(black_box(&long)))
    });
    c.bench_function("render hostile comment (4 KB)", |b| {
        b.iter(|| comment_html(black_box(&hostile)))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
