-- Where an imported comment came from (`site:format:id in the file`), so that importing the same
-- file again changes nothing. NULL for comments written here.
ALTER TABLE comments ADD COLUMN source TEXT;
CREATE UNIQUE INDEX comments_by_source ON comments (source);
-- The source of an imported reply's parent, until the end of its import attaches it (then
-- NULL again): parents may come after their replies in a file.
ALTER TABLE comments ADD COLUMN parent_source TEXT;
CREATE INDEX comments_awaiting_parent ON comments (parent_source) WHERE parent_source IS NOT NULL;
