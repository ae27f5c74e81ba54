//! Word lists moderators keep: one word or phrase per line, case-insensitive, `*` as a wildcard
//! inside a word (`viagr*`, `*casino*`). A single word matches whole words of the text (so
//! "ass" does not catch "class"); a phrase matches the words in that order.

/// A compiled list.
#[derive(Debug, Clone, Default)]
pub struct WordList {
    entries: Vec<Vec<String>>,
}

impl WordList {
    /// Parses a moderator's list (blank lines and surrounding spaces are ignored).
    pub fn parse(text: &str) -> Self {
        let entries = text
            .lines()
            .map(|line| tokens(line).collect::<Vec<_>>())
            .filter(|words| !words.is_empty())
            .collect();
        Self { entries }
    }

    /// The first entry found in `text`, as the moderator wrote it (lower-cased).
    pub fn find_in(&self, text: &str) -> Option<String> {
        if self.entries.is_empty() {
            return None;
        }
        let words: Vec<String> = tokens(text).collect();
        self.entries
            .iter()
            .find(|entry| {
                words
                    .windows(entry.len())
                    .any(|window| window.iter().zip(entry.iter()).all(|(w, p)| glob(p, w)))
            })
            .map(|entry| entry.join(" "))
    }
}

/// Lower-cased words of a text; `*` stays part of a word (for patterns).
fn tokens(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !(c.is_alphanumeric() || c == '*' || c == '\''))
        .filter(|word| !word.is_empty() && *word != "'")
        .map(str::to_lowercase)
}

/// `*` matches any run of characters (also none).
fn glob(pattern: &str, word: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == word;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !word.starts_with(first)
        || !word[first.len()..].ends_with(last)
        || word.len() < first.len() + last.len()
    {
        return false;
    }
    let mut rest = &word[first.len()..word.len() - last.len()];
    for middle in &parts[1..parts.len() - 1] {
        match rest.find(middle) {
            Some(at) => rest = &rest[at + middle.len()..],
            None => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_match_whole_words_case_insensitively() {
        let list = WordList::parse("Casino\n\n  cheap pills \n");
        assert_eq!(
            list.find_in("Visit our CASINO today"),
            Some("casino".into())
        );
        assert_eq!(
            list.find_in("buy Cheap   Pills now"),
            Some("cheap pills".into())
        );
        assert_eq!(list.find_in("casinos are not the word"), None);
        assert_eq!(list.find_in("cheap, good pills"), None);
    }

    #[test]
    fn wildcards_match_inside_words() {
        let list = WordList::parse("viagr*\n*coin*\nfr*ee");
        assert_eq!(list.find_in("VIAGRA!"), Some("viagr*".into()));
        assert_eq!(list.find_in("get bitcoins"), Some("*coin*".into()));
        assert_eq!(list.find_in("freeee"), Some("fr*ee".into()));
        assert_eq!(list.find_in("free"), Some("fr*ee".into()));
        assert_eq!(list.find_in("fee"), None);
        assert_eq!(list.find_in("a thoughtful comment"), None);
    }

    #[test]
    fn an_empty_list_matches_nothing() {
        assert_eq!(WordList::parse("\n \n").find_in("anything"), None);
    }
}
