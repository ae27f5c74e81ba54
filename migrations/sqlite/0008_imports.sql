-- Where an imported comment came from (`site:format:id in the file`), so that importing the same
-- file again changes nothing. NULL for comments written here.
ALTER TABLE comments ADD COLUMN source TEXT;
CREATE UNIQUE INDEX comments_by_source ON comments (source);
