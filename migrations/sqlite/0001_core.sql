-- The core model: threads of comments on a site's pages, and the readers who write them.
-- Times are epoch milliseconds. Keep in step with ../postgres/0001_core.sql.

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE threads (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    site       TEXT    NOT NULL,
    uri        TEXT    NOT NULL,
    title      TEXT,
    locked     BOOLEAN NOT NULL DEFAULT FALSE,
    created_at BIGINT  NOT NULL,
    UNIQUE (site, uri)
);

CREATE TABLE users (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    name        TEXT   NOT NULL,
    avatar_url  TEXT,
    profile_url TEXT,
    created_at  BIGINT NOT NULL
);

-- A reader is one browser's credential (a guest's, or a signed-in user's when user_id is set).
CREATE TABLE readers (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    token_hash TEXT   NOT NULL UNIQUE,
    user_id    BIGINT REFERENCES users (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);

CREATE TABLE comments (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    thread_id       BIGINT NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
    parent_id       BIGINT REFERENCES comments (id),
    reader_id       BIGINT REFERENCES readers (id) ON DELETE SET NULL,
    user_id         BIGINT REFERENCES users (id) ON DELETE SET NULL,
    author_name     TEXT   NOT NULL,
    author_email    TEXT,
    author_url      TEXT,
    author_avatar   TEXT   NOT NULL,
    author_provider TEXT,
    body            TEXT   NOT NULL,
    html            TEXT   NOT NULL,
    status          TEXT   NOT NULL,
    reason          TEXT,
    ip_hash         TEXT,
    created_at      BIGINT NOT NULL,
    edited_at       BIGINT
);

CREATE INDEX comments_by_thread ON comments (thread_id, status, id);
CREATE INDEX comments_by_reader ON comments (reader_id);
CREATE INDEX comments_by_user ON comments (user_id, status);
