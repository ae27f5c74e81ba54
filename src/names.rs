//! What a name shown next to a comment may be. Names (and page titles) are one line of text in
//! NFKC form, without control, format, bidi or invisible characters: `"Admin\u{200b}"` and
//! `"\u{202e}evil\u{202c}"` cannot look like something they are not. A guest may not take a
//! moderator's account name or a staff word, compared by [`skeleton`] so that lookalikes
//! (`"Al1ce"`, Cyrillic `"аlice"`, `"ALICE"`) count as the same name. Moderators are marked by a
//! badge the widget draws, never by their name.

use unicode_normalization::UnicodeNormalization;

/// Words no guest may call themselves, whatever the site's accounts are called.
const STAFF_WORDS: [&str; 5] = [
    "admin",
    "administrator",
    "moderator",
    "replybox",
    "sitestaff",
];

/// One line of text: NFKC, whitespace folded to single spaces, no control, format (bidi
/// overrides, zero-width characters) or invisible filler characters, trimmed.
pub fn one_line(raw: &str) -> String {
    let normal: String = raw.nfkc().filter(|&c| !is_hidden(c)).collect();
    normal.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Characters that change how text looks or reads without being seen: controls, Unicode's
/// format characters (Cf: zero-width, bidi embeddings, overrides and isolates, the BOM, tags)
/// and the fillers that render as blank.
fn is_hidden(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}'
            | '\u{17B5}' | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{206F}' | '\u{2800}' | '\u{3164}'
            | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}' | '\u{FFA0}' | '\u{FFF9}'..='\u{FFFB}'
            | '\u{0600}'..='\u{0605}' | '\u{06DD}' | '\u{070F}' | '\u{08E2}'
            | '\u{110BD}' | '\u{110CD}' | '\u{13430}'..='\u{1343F}' | '\u{1BCA0}'..='\u{1BCA3}'
            | '\u{1D173}'..='\u{1D17A}' | '\u{E0000}'..='\u{E0FFF}')
}

/// What a name looks like, for telling lookalikes apart: NFKC, lower case, letters and digits
/// only, with the common Cyrillic and Greek homoglyphs and the digits that pass for letters
/// folded to one Latin letter.
pub fn skeleton(name: &str) -> String {
    name.nfkc()
        .flat_map(char::to_lowercase)
        .filter(|c| c.is_alphanumeric())
        .map(|c| match c {
            'а' | 'α' => 'a',
            'в' | 'β' => 'b',
            'с' | 'ϲ' => 'c',
            'ԁ' => 'd',
            'е' | 'ε' => 'e',
            'ɡ' => 'g',
            'һ' => 'h',
            'і' | 'ι' | 'ӏ' | '1' | 'l' | 'ı' => 'i',
            'ј' => 'j',
            'κ' | 'к' => 'k',
            'м' => 'm',
            'η' | 'п' => 'n',
            'о' | 'ο' | '0' => 'o',
            'р' | 'ρ' => 'p',
            'ѕ' | '5' => 's',
            'т' | 'τ' => 't',
            'υ' => 'u',
            'ν' => 'v',
            'ѡ' | 'ω' => 'w',
            'х' | 'χ' => 'x',
            'у' | 'γ' => 'y',
            'z' | '2' => 'z',
            other => other,
        })
        .collect()
}

/// Whether a guest's name is taken: it looks like one of the moderators' account names
/// (`accounts`, as the database lists them) or a staff word.
pub fn is_reserved<'a>(name: &str, accounts: impl IntoIterator<Item = &'a str>) -> bool {
    let wanted = skeleton(name);
    if wanted.is_empty() {
        return false;
    }
    STAFF_WORDS.iter().any(|word| skeleton(word) == wanted)
        || accounts
            .into_iter()
            .any(|account| skeleton(account) == wanted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hidden_and_bidi_characters_are_gone_and_text_is_nfkc() {
        assert_eq!(one_line("Admin\u{200b}"), "Admin");
        assert_eq!(one_line("\u{202e}evil\u{202c} moderator"), "evil moderator");
        assert_eq!(one_line("  Ada \n\t Lovelace\u{7} "), "Ada Lovelace");
        assert_eq!(one_line("ｆｕｌｌｗｉｄｔｈ"), "fullwidth");
        assert_eq!(one_line("\u{2066}x\u{2069}\u{feff}"), "x");
        assert_eq!(one_line("Zoë Ångström 李"), "Zoë Ångström 李");
        assert_eq!(one_line("\u{3164}\u{115f}"), "");
    }

    #[test]
    fn lookalikes_of_a_moderator_or_a_staff_word_are_reserved() {
        let accounts = ["alice", "Bob Smith"];
        for taken in [
            "alice",
            "ALICE",
            "Al1ce",
            "\u{430}lice",
            "a l i c e",
            "bob smith",
            "B0b-Smith",
            "Admin",
            "Moderator",
            "ADMINISTRATOR",
        ] {
            assert!(is_reserved(taken, accounts), "{taken}");
        }
        for free in ["Alicia", "Bob", "Ada Lovelace", "李"] {
            assert!(!is_reserved(free, accounts), "{free}");
        }
    }
}
