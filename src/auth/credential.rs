//! Credentials: random bearer tokens, stored only as hashes.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::fingerprint::hex;

/// How long a credential stays valid (a guest's browser keeps recognising its comments).
pub const LIFETIME_MS: i64 = 365 * 24 * 60 * 60 * 1000;

/// A freshly issued credential: the token goes to the browser once, the hash to the database.
#[derive(Debug)]
pub struct Credential {
    /// The secret the browser presents.
    pub token: String,
    /// What the database stores.
    pub hash: String,
}

impl Credential {
    /// 256 random bits.
    pub fn generate() -> Self {
        let mut bytes = [0u8; 32];
        rand::thread_rng().fill_bytes(&mut bytes);
        let token = URL_SAFE_NO_PAD.encode(bytes);
        let hash = hash_token(&token);
        Self { token, hash }
    }
}

/// The stored form of a token.
pub fn hash_token(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}
