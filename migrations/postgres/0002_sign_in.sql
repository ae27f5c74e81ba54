-- Sign-in with external accounts: identities, one-time exchange codes, cached avatars and the
-- Mastodon apps replybox registered. Keep in step with ../sqlite/0002_sign_in.sql.

-- The picture replybox serves for a signed-in user (a path under public_url), and which provider
-- a credential was issued through (its comments carry that provider's name).
ALTER TABLE users ADD COLUMN avatar_path TEXT;
ALTER TABLE readers ADD COLUMN provider TEXT;

-- One account at one provider. A user may have several; a (provider, subject) belongs to one user.
CREATE TABLE identities (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id        BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    provider       TEXT    NOT NULL,
    subject        TEXT    NOT NULL,
    email          TEXT,
    email_verified BOOLEAN NOT NULL DEFAULT FALSE,
    created_at     BIGINT  NOT NULL,
    last_seen_at   BIGINT  NOT NULL,
    UNIQUE (provider, subject)
);
CREATE INDEX identities_by_user ON identities (user_id);

-- A single-use, short-lived code the sign-in hands to the widget, stored as a SHA-256 hash.
-- A full-page sign-in's code is bound to a claim: only the frame holding the claim's preimage
-- can use it.
CREATE TABLE sign_in_codes (
    code_hash  TEXT   PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    provider   TEXT   NOT NULL,
    claim_hash TEXT,
    expires_at BIGINT NOT NULL
);

-- Provider pictures, fetched once at sign-in and served by replybox (no third-party requests
-- from readers' browsers). Keyed by the SHA-256 of the bytes.
CREATE TABLE avatars (
    key          TEXT   PRIMARY KEY,
    content_type TEXT   NOT NULL,
    bytes        BYTEA  NOT NULL,
    created_at   BIGINT NOT NULL
);

-- The OAuth app replybox registered on a Mastodon instance (registered once, then reused).
CREATE TABLE mastodon_apps (
    instance      TEXT   PRIMARY KEY,
    client_id     TEXT   NOT NULL,
    client_secret TEXT   NOT NULL,
    created_at    BIGINT NOT NULL
);
