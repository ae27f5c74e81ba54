//! replybox's black-box tests: one binary (every file in tests/ would be another slow link).
//! Each story runs against SQLite, and against PostgreSQL when `REPLYBOX_TEST_POSTGRES_URL` is set.

mod smtp;
mod support;

mod admin;
mod advisories;
mod cli;
mod cluster;
mod comments;
mod concurrent_writes;
mod counts;
mod errors;
mod flags;
mod headers;
mod imports;
mod likes;
mod mail;
mod moderating_in_place;
mod moderation_rules;
mod openapi;
mod operations;
mod own_comments;
mod rate_limits;
mod reader_data;
mod service;
mod sign_in;
mod sign_in_attacks;
mod sign_in_outages;
mod sign_in_support;
mod webhooks;
mod widget_assets;
