-- The reader's own controls and the community's signals (issue 13): likes, pinned comments and
-- the text a comment had before each edit. Keep in step with the other engine's
-- 0012_reader_controls.sql.

-- One like per reader per comment. A reader is a signed-in account (`voter` 'u:ID', across all
-- their browsers, so signing out and in again neither loses nor doubles a like) or a guest's
-- browser credential ('r:ID'). Counted when a thread is read (the primary key makes that an
-- index range per comment), so nothing can drift.
CREATE TABLE likes (
    comment_id BIGINT NOT NULL REFERENCES comments (id) ON DELETE CASCADE,
    voter      TEXT   NOT NULL,
    reader_id  BIGINT REFERENCES credentials (id) ON DELETE SET NULL,
    user_id    BIGINT REFERENCES users (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (comment_id, voter)
);
CREATE INDEX likes_by_reader ON likes (reader_id);
CREATE INDEX likes_by_user ON likes (user_id);
-- A reader's own likes ("Your data": their download and deletion).
CREATE INDEX likes_by_voter ON likes (voter);

-- A moderator pinned the comment (shown first in its thread); NULL when not pinned.
ALTER TABLE comments ADD COLUMN pinned_at BIGINT;

-- What a comment said before an edit (by its author or a moderator), for moderators: the card
-- shows the history. `status` is the status the comment had before that edit.
CREATE TABLE comment_revisions (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    comment_id  BIGINT NOT NULL REFERENCES comments (id) ON DELETE CASCADE,
    body        TEXT   NOT NULL,
    html        TEXT   NOT NULL,
    status      TEXT   NOT NULL,
    edited_by   TEXT   NOT NULL,
    replaced_at BIGINT NOT NULL
);
CREATE INDEX comment_revisions_by_comment ON comment_revisions (comment_id, id);
