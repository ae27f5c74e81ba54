-- Moderation: who may moderate, whom the sites trust or ban, their word lists, and the audit log.
-- Keep in step with the other engine's 0003_moderation.sql.

-- Accounts for the admin pages; created only from the command line.
CREATE TABLE admins (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name          TEXT   NOT NULL UNIQUE,
    password_hash TEXT   NOT NULL,
    role          TEXT   NOT NULL,            -- admin | moderator
    sites         TEXT   NOT NULL DEFAULT '', -- comma-separated site ids (moderators)
    created_at    BIGINT NOT NULL
);

-- kind: user (users.id) | reader (a browser credential) | email (lower-cased) | ip (salted hash)
--       | network (a CIDR). site NULL bans everywhere; expires_at NULL bans for good.
CREATE TABLE bans (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    site       TEXT,
    kind       TEXT   NOT NULL,
    value      TEXT   NOT NULL,
    note       TEXT,
    created_by TEXT   NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT
);
CREATE INDEX bans_by_value ON bans (kind, value);

-- Authors whose comments skip the hold rules. kind: user | reader.
CREATE TABLE trusted_authors (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    site       TEXT   NOT NULL,
    kind       TEXT   NOT NULL,
    value      TEXT   NOT NULL,
    label      TEXT   NOT NULL,
    created_by TEXT   NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (site, kind, value)
);

-- One line per word or phrase; '*' is a wildcard. list: watched (hold) | blocked (spam).
CREATE TABLE word_lists (
    site  TEXT NOT NULL,
    list  TEXT NOT NULL,
    words TEXT NOT NULL,
    PRIMARY KEY (site, list)
);

-- The audit log: every moderator action.
CREATE TABLE moderation_events (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    site          TEXT   NOT NULL,
    comment_id    BIGINT,
    actor         TEXT   NOT NULL,
    action        TEXT   NOT NULL,
    status_before TEXT,
    status_after  TEXT,
    detail        TEXT,
    created_at    BIGINT NOT NULL
);
CREATE INDEX moderation_events_by_time ON moderation_events (created_at);

ALTER TABLE comments ADD COLUMN moderator BOOLEAN NOT NULL DEFAULT FALSE;
CREATE INDEX comments_by_status ON comments (status, id);
