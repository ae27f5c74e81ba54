-- Webhooks: deliveries of comment events to the URLs a site configures, through the same
-- events as mail. Keep in step with the other engine's 0009_webhooks.sql.

-- The comment's status the change produced (a new comment: approved, pending, spam…), so a
-- worker that runs late still tells a held comment from a published one.
ALTER TABLE events ADD COLUMN status TEXT;

-- One event's body for one webhook URL, waiting to be POSTed (retried with backoff). The URL
-- and secret stay in the configuration (a chat URL is a credential): `target` is a digest of
-- the site and URL, looked up in the configuration when the delivery is sent.
CREATE TABLE webhook_deliveries (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    delivery_id     TEXT   NOT NULL UNIQUE,   -- X-Replybox-Delivery, the same on every retry
    event_id        BIGINT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    site            TEXT   NOT NULL,
    target          TEXT   NOT NULL,
    event           TEXT   NOT NULL,          -- created | held | approved | rejected | deleted | flagged
    body            TEXT   NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    sent_at         BIGINT,
    last_error      TEXT,
    created_at      BIGINT NOT NULL
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (sent_at, next_attempt_at);
