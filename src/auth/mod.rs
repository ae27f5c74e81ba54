//! Who is asking: the credential a browser presents, and the viewer it stands for.
//!
//! The widget keeps its credential in the iframe's own storage (partitioned by the browser per
//! embedding site, so it survives third-party-cookie blocking) and sends it as
//! `Authorization: Bearer …`. A guest gets one with their first comment, so their browser can
//! recognise its own comments (and see them while they await moderation). Only a SHA-256 of the
//! token is stored.

pub mod credential;
pub mod viewer;

pub use credential::Credential;
pub use viewer::Viewer;
