-- Mail: comment events, the outbox of messages they cause, one-click action links,
-- subscriptions and verified guest addresses. Keep in step with the other engine's 0004_mail.sql.

-- Something happened to a comment (written in the same transaction as the change itself).
-- kind: comment_created | comment_approved. A worker turns each into outbox messages.
CREATE TABLE events (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind         TEXT   NOT NULL,
    comment_id   BIGINT NOT NULL REFERENCES comments (id) ON DELETE CASCADE,
    created_at   BIGINT NOT NULL,
    processed_at BIGINT
);
CREATE INDEX events_unprocessed ON events (processed_at, id);

-- One message to one recipient, rendered and waiting to be sent (retried with backoff).
CREATE TABLE outbox (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind            TEXT   NOT NULL,   -- moderator_alert | reply_notification | verification
    recipient       TEXT   NOT NULL,
    subject         TEXT   NOT NULL,
    text_body       TEXT   NOT NULL,
    html_body       TEXT   NOT NULL,
    unsubscribe_url TEXT,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    sent_at         BIGINT,
    last_error      TEXT,
    created_at      BIGINT NOT NULL
);
CREATE INDEX outbox_due ON outbox (sent_at, next_attempt_at);

-- A one-click moderation link: bound to one comment and one action, single use, expiring.
CREATE TABLE action_links (
    id         TEXT   PRIMARY KEY,
    comment_id BIGINT NOT NULL REFERENCES comments (id) ON DELETE CASCADE,
    action     TEXT   NOT NULL,
    recipient  TEXT   NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at    BIGINT,
    created_at BIGINT NOT NULL
);

-- A reader who wants mail: replies to one comment (kind replies) or new comments on a page
-- (kind page). Active once the address is verified.
CREATE TABLE subscriptions (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    site       TEXT   NOT NULL,
    uri        TEXT   NOT NULL,
    kind       TEXT   NOT NULL,
    comment_id BIGINT REFERENCES comments (id) ON DELETE CASCADE,
    email      TEXT   NOT NULL,
    token      TEXT   NOT NULL UNIQUE,
    created_at BIGINT NOT NULL
);
CREATE INDEX subscriptions_by_page ON subscriptions (site, uri, kind);

-- Guest addresses proven by a link: the one thing replybox mails besides the proof itself.
CREATE TABLE verified_emails (
    email       TEXT   PRIMARY KEY,
    verified_at BIGINT NOT NULL
);

CREATE TABLE email_verifications (
    token_hash TEXT   PRIMARY KEY,
    email      TEXT   NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at    BIGINT,
    created_at BIGINT NOT NULL
);

-- What the author asked to be told about (replies, page), turned into subscriptions by the worker.
ALTER TABLE comments ADD COLUMN notify TEXT;
