-- Readers' reports of comments (src/store/flags.rs): one per credential per comment. A comment
-- reported by `sites.flags_to_hold` readers from distinct networks goes back to Pending; a
-- moderator's approval or "Dismiss reports" sets dismissed_at, and only open reports count.
CREATE TABLE flags (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    comment_id   BIGINT NOT NULL REFERENCES comments (id) ON DELETE CASCADE,
    reader_id    BIGINT NOT NULL REFERENCES credentials (id) ON DELETE CASCADE,
    reason       TEXT   NOT NULL,
    ip_hash      TEXT   NOT NULL,
    created_at   BIGINT NOT NULL,
    dismissed_at BIGINT
);
CREATE UNIQUE INDEX flags_once_per_reader ON flags (comment_id, reader_id);
CREATE INDEX flags_open ON flags (comment_id) WHERE dismissed_at IS NULL;
