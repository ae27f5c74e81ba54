//! replybox: a self-hosted comment service. One binary next to any blog, one script tag on its
//! pages. See DESIGN.md for the whole picture; each module below is one idea.

pub mod admin; // the moderation pages: queues, actions, bans, words, audit log
pub mod api; // the JSON endpoints the widget calls
pub mod assets; // the widget's embedded files and their cache policy
pub mod auth; // credentials, the viewer behind a request, sign-in with identity providers
pub mod avatar; // avatars drawn by replybox itself
pub mod cache; // short-lived memory of public threads and counts
pub mod client_ip; // the client's address, trusting only configured proxies
pub mod cluster; // several instances on one PostgreSQL: shared limits, cache announcements
pub mod comments; // a new comment's story: input, judging, storing, and what follows
pub mod config; // typed configuration: defaults < config.toml < REPLYBOX_* env
pub mod error; // one error type with stable codes
pub mod export; // moving out: a site's comments as JSON or WordPress WXR
pub mod extract; // JSON and query extractors that answer in our error format
pub mod fingerprint; // keyed digests of emails and addresses
pub mod html; // HTML escaping and the security headers of every page
pub mod http; // every route, the middleware, serving and shutdown
pub mod import; // moving in: comments from WordPress, Disqus, Isso, Remark42 and Comentario
pub mod mail_wake; // the bell the mail worker waits on
pub mod moderation; // the rules that decide a new comment's status
pub mod names; // what a displayed name may be, and which names are taken
pub mod notify; // email: outbox, worker, one-click links, subscriptions
pub mod ratelimit; // per-client limits on reads and comments
pub mod reader_data; // a reader's own data: download everything held about them, delete it
pub mod readiness; // /readyz: starting, ready, draining for shutdown
pub mod render; // markdown → sanitised HTML (the only HTML cleaning)
pub mod sites; // configured sites and their origins
pub mod state; // what every request shares, and how an instance starts
pub mod store; // SQLite / PostgreSQL storage; all SQL lives here
pub mod telemetry; // logs and metrics
pub mod time; // epoch milliseconds and RFC 3339
pub mod webhooks; // comment events POSTed, signed, to the URLs a site configures
