//! replybox
