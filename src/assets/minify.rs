//! What the widget's files lose on the way out: comments and the whitespace nobody needs. The
//! sources in `embed/` stay commented and indented for the people who read them (no build
//! step); readers' browsers get them without, which is what keeps the widget inside its size
//! budget.
//!
//! Deliberately small, and so safe for our own files rather than for any script: [`javascript`]
//! reads tokens — strings, template literals (with `${…}` inside), regular expressions, comments
//! — and only ever removes comments and whitespace between tokens. It keeps a line break wherever
//! the source had one (so automatic semicolon insertion sees what it saw before) and a space
//! wherever two tokens would otherwise fuse (`return x`, `a + +b`). A `/` is a regular expression
//! where a value may start (after `(`, `=`, `,`, an operator or a keyword like `return`), else a
//! division: the one rule a real parser knows better, and our code never puts a regular
//! expression after `)` or `}`. [`css`] drops comments and the spaces around `{ } ; , :` and `>`.
//! The browser stories run the minified files, so a mistake here fails them.

/// JavaScript without comments and needless whitespace (see the module's rules).
pub fn javascript(source: &str) -> String {
    Js::new(source).run()
}

/// Words after which a `/` starts a regular expression, not a division.
const BEFORE_A_VALUE: [&str; 14] = [
    "return",
    "typeof",
    "instanceof",
    "in",
    "of",
    "new",
    "delete",
    "void",
    "throw",
    "case",
    "do",
    "else",
    "yield",
    "await",
];

struct Js {
    chars: Vec<char>,
    at: usize,
    out: String,
    /// Whitespace was skipped since the last token (`Some(true)`: it held a line break).
    gap: Option<bool>,
    /// A `/` here would start a regular expression.
    value_may_start: bool,
    /// Open braces in code, and the depths at which each open `${` of a template began.
    braces: usize,
    templates: Vec<usize>,
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '$' || !c.is_ascii()
}

impl Js {
    fn new(source: &str) -> Self {
        Self {
            chars: source.chars().collect(),
            at: 0,
            out: String::with_capacity(source.len()),
            gap: None,
            value_may_start: true,
            braces: 0,
            templates: Vec::new(),
        }
    }

    fn peek(&self, ahead: usize) -> Option<char> {
        self.chars.get(self.at + ahead).copied()
    }

    /// Writes what the skipped whitespace must leave before a token starting with `next`.
    fn separate(&mut self, next: char) {
        let Some(line_break) = self.gap.take() else {
            return;
        };
        let Some(last) = self.out.chars().last() else {
            return;
        };
        if line_break {
            self.out.push('\n');
        } else if (is_word(last) && is_word(next))
            || (last == next && matches!(last, '+' | '-'))
            || (last.is_ascii_digit() && next == '.')
        {
            self.out.push(' ');
        }
    }

    fn run(mut self) -> String {
        while let Some(c) = self.peek(0) {
            match c {
                c if c.is_whitespace() => {
                    let line_break = c == '\n' || c == '\r';
                    self.gap = Some(self.gap.unwrap_or(false) || line_break);
                    self.at += 1;
                }
                '/' if self.peek(1) == Some('/') => {
                    while self.peek(0).is_some_and(|c| c != '\n') {
                        self.at += 1;
                    }
                }
                '/' if self.peek(1) == Some('*') => {
                    self.at += 2;
                    let mut line_break = false;
                    while self.peek(0).is_some()
                        && !(self.peek(0) == Some('*') && self.peek(1) == Some('/'))
                    {
                        line_break |= self.peek(0) == Some('\n');
                        self.at += 1;
                    }
                    self.at += 2;
                    self.gap = Some(self.gap.unwrap_or(false) || line_break);
                }
                '\'' | '"' => {
                    self.separate(c);
                    self.copy_quoted(c);
                    self.value_may_start = false;
                }
                '`' => {
                    self.separate(c);
                    self.out.push('`');
                    self.at += 1;
                    self.copy_template();
                    self.value_may_start = false;
                }
                '/' if self.value_may_start => {
                    self.separate(c);
                    self.copy_regex();
                    self.value_may_start = false;
                }
                '}' if self.templates.last() == Some(&self.braces) => {
                    // The end of a `${…}`: back inside its template literal.
                    self.templates.pop();
                    self.gap = None;
                    self.out.push('}');
                    self.at += 1;
                    self.copy_template();
                    self.value_may_start = false;
                }
                c if is_word(c) => {
                    self.separate(c);
                    let start = self.at;
                    while self.peek(0).is_some_and(|c| {
                        is_word(c) || (c == '.' && self.chars[start].is_ascii_digit())
                    }) {
                        self.at += 1;
                    }
                    let word: String = self.chars[start..self.at].iter().collect();
                    self.value_may_start = BEFORE_A_VALUE.contains(&word.as_str());
                    self.out.push_str(&word);
                }
                c => {
                    self.separate(c);
                    match c {
                        '{' => self.braces += 1,
                        '}' => self.braces = self.braces.saturating_sub(1),
                        _ => {}
                    }
                    self.out.push(c);
                    self.at += 1;
                    self.value_may_start = !matches!(c, ')' | ']' | '}');
                }
            }
        }
        if !self.out.ends_with('\n') {
            self.out.push('\n');
        }
        self.out
    }

    /// Copies the next character, if any.
    fn copy_one(&mut self) {
        if let Some(c) = self.peek(0) {
            self.out.push(c);
            self.at += 1;
        }
    }

    /// A '…' or "…" string, escapes and all.
    fn copy_quoted(&mut self, quote: char) {
        self.out.push(quote);
        self.at += 1;
        while let Some(c) = self.peek(0) {
            self.out.push(c);
            self.at += 1;
            if c == '\\' {
                self.copy_one();
            } else if c == quote {
                return;
            }
        }
    }

    /// A template literal's text, up to its closing backtick or the next `${` (whose code the
    /// main loop reads, coming back here at its `}`).
    fn copy_template(&mut self) {
        while let Some(c) = self.peek(0) {
            self.out.push(c);
            self.at += 1;
            match c {
                '\\' => self.copy_one(),
                '`' => return,
                '$' if self.peek(0) == Some('{') => {
                    self.out.push('{');
                    self.at += 1;
                    self.templates.push(self.braces);
                    self.value_may_start = true;
                    return;
                }
                _ => {}
            }
        }
    }

    /// A regular expression literal with its flags (a `/` inside `[…]` does not end it).
    fn copy_regex(&mut self) {
        self.out.push('/');
        self.at += 1;
        let mut in_class = false;
        while let Some(c) = self.peek(0) {
            self.out.push(c);
            self.at += 1;
            match c {
                '\\' => self.copy_one(),
                '[' => in_class = true,
                ']' => in_class = false,
                '/' if !in_class => break,
                '\n' => break,
                _ => {}
            }
        }
        while let Some(flag) = self.peek(0).filter(|c| c.is_ascii_alphabetic()) {
            self.out.push(flag);
            self.at += 1;
        }
    }
}

/// CSS without comments and the spaces around `{ } ; , :` and `>` (and a rule's last `;`).
pub fn css(source: &str) -> String {
    let mut text = String::with_capacity(source.len());
    let mut rest = source;
    while let Some(start) = rest.find("/*") {
        text.push_str(&rest[..start]);
        text.push(' ');
        rest = rest[start + 2..]
            .find("*/")
            .map_or("", |end| &rest[start + 2 + end + 2..]);
    }
    text.push_str(rest);
    let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut out = String::with_capacity(collapsed.len());
    let tight = |c: char| matches!(c, '{' | '}' | ';' | ',' | '>');
    let chars: Vec<char> = collapsed.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if c == ' ' {
            let before = out.chars().last();
            let after = chars.get(i + 1).copied();
            if before.is_some_and(|b| tight(b) || b == ':') || after.is_some_and(tight) {
                continue;
            }
        }
        if c == '}' && out.ends_with(';') {
            out.pop();
        }
        out.push(c);
    }
    out.push('\n');
    out
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
    use super::{css, javascript};

    #[test]
    fn comments_and_indentation_go_and_every_token_stays() {
        let source = "/*! banner\n * more */\n'use strict';\n  // a comment\nconst url = 'https://x.example/a'; // trailing\n\n/* one */ const b = 1;\n";
        assert_eq!(
            javascript(source),
            "'use strict';\nconst url='https://x.example/a';\nconst b=1;\n"
        );
    }

    #[test]
    fn strings_templates_and_regular_expressions_are_copied_whole() {
        let source = r#"const a = "x  // not a comment /* nor this */", b = 'it\'s  ok';
const c = `a  ${ f(`inner ${ g({ k: '}' }) }  `) }  b ${ 1 + 1 } // still text`;
const d = s.replace(/\/\*  [/*] \//g, '') / 2 / x;
if (/^#c-(\d+)$/.test(h)) return /a b/i;
"#;
        assert_eq!(
            javascript(source),
            "const a=\"x  // not a comment /* nor this */\",b='it\\'s  ok';\n\
             const c=`a  ${f(`inner ${g({k:'}'})}  `)}  b ${1+1} // still text`;\n\
             const d=s.replace(/\\/\\*  [/*] \\//g,'')/2/x;\n\
             if(/^#c-(\\d+)$/.test(h))return/a b/i;\n"
        );
    }

    #[test]
    fn tokens_that_would_fuse_keep_a_space_and_line_breaks_stay() {
        assert_eq!(
            javascript("return typeof x === 'y'\nlet a = b + +c - -d\nlet n = 1 .toString()"),
            "return typeof x==='y'\nlet a=b+ +c- -d\nlet n=1 .toString()\n"
        );
    }

    #[test]
    fn css_loses_comments_and_the_spaces_around_punctuation() {
        let source = "/* theme */\n:root { --bg: #fff; }\n.a > .b, .c :focus { margin: 0 auto !important; }\n@media (min-width: 560px) { .d .e { color: red; } }\n";
        assert_eq!(
            css(source),
            ":root{--bg:#fff}.a>.b,.c :focus{margin:0 auto !important}@media (min-width:560px){.d .e{color:red}}\n"
        );
    }
}
