//! The languages the widget speaks, and which one a frame is shown in.

/// The languages the widget speaks (`data-lang`, else the reader's browser), each with the
/// strings its app.js carries; the first is the fallback.
pub const LANGUAGES: [(&str, &str); 2] = [
    ("en", include_str!("../../embed/app/lang/en.js")),
    ("de", include_str!("../../embed/app/lang/de.js")),
];

/// The language a frame is shown in: `lang` as asked (`de-AT`), else its primary subtag
/// (`de`), else the first of [`LANGUAGES`].
pub fn language(asked: Option<&str>) -> &'static str {
    let asked = asked.unwrap_or_default().trim().to_ascii_lowercase();
    let primary = asked.split(['-', '_']).next().unwrap_or_default();
    LANGUAGES
        .iter()
        .map(|(code, _)| *code)
        .find(|code| *code == asked || *code == primary)
        .unwrap_or(LANGUAGES[0].0)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    /// The keys of a strings table: `  key: …` lines (the tables keep one key a line).
    fn keys(table: &str, indent: &str) -> BTreeSet<String> {
        table
            .lines()
            .filter_map(|line| line.strip_prefix(indent))
            .filter(|line| !line.starts_with(' '))
            .filter_map(|line| line.split_once(':').map(|(key, _)| key))
            .filter(|key| key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
            .map(str::to_string)
            .collect()
    }

    #[test]
    fn every_language_says_everything_english_says() {
        let english = keys(LANGUAGES[0].1, "  ");
        assert!(english.len() > 50, "{english:?}");
        for (code, strings) in &LANGUAGES[1..] {
            assert_eq!(keys(strings, "  "), english, "the reader app in {code}");
        }
        // The reader's tools keep every language in one table, `MORE = { en: {…}, de: {…} }`.
        let tools = include_str!("../../embed/more/strings.js");
        let table = |code: &str| {
            let start = tools.find(&format!("\n  {code}: {{")).expect("a language");
            let end = start + tools[start..].find("\n  }").expect("its end");
            keys(&tools[start..end], "    ")
        };
        let english = table("en");
        assert!(english.len() > 30, "{english:?}");
        for (code, _) in LANGUAGES {
            assert_eq!(table(code), english, "the reader's tools in {code}");
        }
    }

    #[test]
    fn a_frame_speaks_the_language_asked_for_or_english() {
        assert_eq!(language(Some("de")), "de");
        assert_eq!(language(Some("de-AT")), "de");
        assert_eq!(language(Some("DE_ch")), "de");
        assert_eq!(language(Some("fr-FR")), "en");
        assert_eq!(language(Some("")), "en");
        assert_eq!(language(None), "en");
    }
}
