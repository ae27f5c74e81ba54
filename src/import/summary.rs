//! What an import did (or, with `--dry-run`, would do), as the command prints it.

use std::collections::BTreeMap;

use super::Skip;

/// What an import did (or, with `--dry-run`, would do).
#[derive(Debug, Clone, Default)]
pub struct Summary {
    /// Pages with at least one comment imported.
    pub threads: usize,
    /// Comments imported.
    pub comments: usize,
    /// Of those, replies.
    pub replies: usize,
    /// Comments already imported by an earlier run (left as they are).
    pub already_there: usize,
    /// Replies whose parent is not in the file: imported at the top of their page.
    pub orphans: Vec<String>,
    /// Not imported, by reason, with what each was.
    pub skipped: BTreeMap<Skip, Vec<String>>,
}

impl Summary {
    /// How many things were skipped.
    pub fn skipped_count(&self) -> usize {
        self.skipped.values().map(Vec::len).sum()
    }

    /// The summary as the command prints it.
    pub fn report(&self, dry_run: bool) -> String {
        let mut out = format!(
            "{}{} threads, {} comments ({} replies), {} already imported, {} orphans attached to their page's top, {} skipped\n",
            if dry_run {
                "dry run, nothing written: "
            } else {
                ""
            },
            self.threads,
            self.comments,
            self.replies,
            self.already_there,
            self.orphans.len(),
            self.skipped_count()
        );
        if !self.orphans.is_empty() {
            out.push_str(&format!("  orphans: {}\n", sample(&self.orphans)));
        }
        for (skip, what) in &self.skipped {
            out.push_str(&format!(
                "  skipped, {}: {} ({})\n",
                skip.label(),
                what.len(),
                sample(what)
            ));
        }
        out
    }
}

fn sample(items: &[String]) -> String {
    let mut shown: Vec<&str> = items.iter().take(5).map(String::as_str).collect();
    if items.len() > 5 {
        shown.push("…");
    }
    shown.join(", ")
}
