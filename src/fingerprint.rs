//! Keyed one-way digests of personal data: an email becomes an avatar key, an address becomes a
//! value bans can match, without either being recoverable from what is stored or published.
//! (A plain hash of an email, as Gravatar uses, is reversed with a list of addresses.)

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// HMAC-SHA256 under the instance's secret.
#[derive(Clone)]
pub struct Fingerprints {
    key: Vec<u8>,
}

impl std::fmt::Debug for Fingerprints {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Fingerprints([redacted])")
    }
}

impl Fingerprints {
    /// Uses `secret` as the HMAC key.
    pub fn new(secret: &str) -> Self {
        Self {
            key: secret.as_bytes().to_vec(),
        }
    }

    fn digest(&self, purpose: &str, value: &str) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.key).expect("HMAC takes any key length");
        mac.update(purpose.as_bytes());
        mac.update(b"\0");
        mac.update(value.as_bytes());
        hex(&mac.finalize().into_bytes())
    }

    /// The avatar path for a guest: by email when given (same picture on every page), else by name.
    pub fn guest_avatar_path(&self, email: Option<&str>, name: &str) -> String {
        let seed = match email {
            Some(email) => format!("email:{}", email.trim().to_lowercase()),
            None => format!("name:{}", name.trim()),
        };
        format!("/avatar/{}.svg", &self.digest("avatar", &seed)[..20])
    }

    /// The picture of an admin-page account's comments (and of the account in the widget):
    /// generated from its name, the same everywhere it writes.
    pub fn moderator_avatar_path(&self, name: &str) -> String {
        self.guest_avatar_path(None, &format!("moderator:{name}"))
    }

    /// A signature binding `value` for `purpose` (e.g. a one-click link to its comment and action).
    pub fn sign(&self, purpose: &str, value: &str) -> String {
        self.digest(purpose, value)
    }

    /// A salted digest of a client address, stored with comments so bans can match it later:
    /// of the /64 for IPv6 (a ban by address must cover the subscriber's whole network).
    pub fn ip_hash(&self, ip: std::net::IpAddr) -> String {
        self.digest("ip", &crate::client_ip::client_network(ip).to_string())
    }
}

/// Compares two secrets in time that does not depend on where they differ.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// [`constant_time_eq`] for two text secrets (tokens, states, hashes in hex).
pub fn same_secret(a: &str, b: &str) -> bool {
    constant_time_eq(a.as_bytes(), b.as_bytes())
}

/// Lower-case hex of bytes.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(DIGITS[usize::from(b >> 4)] as char);
        out.push(DIGITS[usize::from(b & 0xf)] as char);
    }
    out
}
