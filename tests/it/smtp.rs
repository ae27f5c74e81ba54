//! A real SMTP server for the mail stories (aiosmtpd, tests/smtp/server.py) that writes every
//! message it accepts to a folder, and a reader for what it received.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine as _;

/// The SMTP server under test.
pub struct Smtp {
    port: u16,
    folder: PathBuf,
    _dir: tempfile::TempDir,
    child: Option<Child>,
}

impl Smtp {
    pub fn reserve() -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let dir = tempfile::tempdir().unwrap();
        Self {
            port,
            folder: dir.path().join("mail"),
            _dir: dir,
            child: None,
        }
    }

    pub fn start(&mut self) {
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/smtp/server.py");
        let mut child = Command::new("python3")
            .arg(script)
            .arg(self.port.to_string())
            .arg(&self.folder)
            .stdout(Stdio::piped())
            .spawn()
            .expect("python3 with aiosmtpd (scripts/test-services installs it)");
        let mut line = String::new();
        std::io::BufRead::read_line(
            &mut std::io::BufReader::new(child.stdout.take().unwrap()),
            &mut line,
        )
        .unwrap();
        assert_eq!(line.trim(), "ready", "the SMTP server started");
        self.child = Some(child);
    }

    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    pub fn config(&self) -> String {
        format!(
            "[smtp]\nhost = \"127.0.0.1\"\nport = {}\nfrom = \"replybox <comments@example.org>\"\ntimeout_secs = 2\n",
            self.port
        )
    }

    /// Every message received so far, oldest first.
    pub fn messages(&self) -> Vec<Mail> {
        let Ok(entries) = std::fs::read_dir(&self.folder) else {
            return Vec::new();
        };
        let mut paths: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "eml"))
            .collect();
        paths.sort();
        paths
            .iter()
            .map(|p| Mail::parse(&std::fs::read_to_string(p).unwrap()))
            .collect()
    }

    /// Waits for a message to `recipient` whose subject contains `subject`.
    pub async fn wait_for(&self, recipient: &str, subject: &str) -> Mail {
        let started = Instant::now();
        loop {
            if let Some(mail) = self.messages().into_iter().find(|m| {
                m.header("To").contains(recipient) && m.header("Subject").contains(subject)
            }) {
                return mail;
            }
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "no mail to {recipient} about {subject:?}; got {:?}",
                self.messages()
                    .iter()
                    .map(|m| m.header("Subject"))
                    .collect::<Vec<_>>()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

impl Drop for Smtp {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A received message: raw headers, and the decoded text and HTML parts.
pub struct Mail {
    headers: String,
    /// The decoded plain-text part.
    pub text: String,
    /// The decoded HTML part.
    pub html: String,
}

impl Mail {
    fn parse(raw: &str) -> Self {
        let raw = raw.replace("\r\n", "\n");
        let (headers, _) = raw.split_once("\n\n").unwrap_or((&raw, ""));
        let mut text = String::new();
        let mut html = String::new();
        for part in raw.split("\n--").skip(1) {
            let Some((part_headers, body)) = part.split_once("\n\n") else {
                continue;
            };
            let lower = part_headers.to_lowercase();
            let body = body.trim_end_matches(['-', '\n']);
            let decoded = if lower.contains("quoted-printable") {
                decode_qp(body)
            } else if lower.contains("base64") {
                String::from_utf8(
                    base64::engine::general_purpose::STANDARD
                        .decode(body.replace('\n', ""))
                        .unwrap_or_default(),
                )
                .unwrap_or_default()
            } else {
                body.to_string()
            };
            if lower.contains("text/plain") {
                text = decoded;
            } else if lower.contains("text/html") {
                html = decoded;
            }
        }
        Self {
            headers: headers.to_string(),
            text,
            html,
        }
    }

    pub fn header(&self, name: &str) -> String {
        let prefix = format!("{}:", name.to_lowercase());
        let mut value = String::new();
        let mut in_header = false;
        for line in self.headers.lines() {
            if line.to_lowercase().starts_with(&prefix) {
                value.push_str(line[prefix.len()..].trim());
                in_header = true;
            } else if in_header && line.starts_with([' ', '\t']) {
                value.push_str(line.trim());
            } else {
                in_header = false;
            }
        }
        value
    }

    /// The first URL in the text part that contains `needle`.
    pub fn link(&self, needle: &str) -> String {
        self.text
            .split_whitespace()
            .find(|word| word.starts_with("http") && word.contains(needle))
            .unwrap_or_else(|| panic!("no link with {needle:?} in:\n{}", self.text))
            .to_string()
    }
}

fn decode_qp(body: &str) -> String {
    let joined = body.replace("=\n", "");
    let bytes = joined.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'=' && i + 2 < bytes.len() {
            if let Ok(byte) = u8::from_str_radix(&joined[i + 1..i + 3], 16) {
                out.push(byte);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
