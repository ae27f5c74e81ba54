-- Lookups every new comment makes before it is judged (src/store/standing.rs), as index probes:
-- a repeat of the same author's recent comment on the page (a digest of page, author and text),
-- and approved comments by a verified address.
ALTER TABLE comments ADD COLUMN dedupe_key TEXT;
CREATE INDEX comments_by_dedupe_key ON comments (dedupe_key);
CREATE INDEX comments_by_email ON comments (LOWER(author_email));
