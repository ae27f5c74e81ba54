//! The attacks found against replybox itself or against its peers, one named story each, every
//! one of which failed before its fix. The doc comment of each names the finding or advisory.
//!
//! The security review's findings (issue 16) are in `sign_in`, `authors` and `requests`; the
//! advisory classes that hit replybox's peers are in `peers` and `peers_sign_in`, and the
//! findings' doc comments name the peer class they also stand for.

mod authors;
mod peers;
mod peers_sign_in;
mod requests;
mod sign_in;
