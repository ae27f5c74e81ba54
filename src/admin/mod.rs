//! The admin pages: server-rendered (askama), usable without JavaScript, with keyboard
//! shortcuts on top. First-party session cookie, CSRF token on every form, strict CSP.

pub mod accounts;
pub mod actions;
pub mod audit;
pub mod bans;
mod card;
pub mod comment;
pub mod error;
pub mod export;
pub mod guard;
pub mod login;
pub mod queue;
pub mod sites;
pub mod widget;
