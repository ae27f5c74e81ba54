-- The table of browser credentials was called `readers`; it holds credentials (a guest's or a
-- signed-in user's), so it is called that. Columns that point at it keep the name `reader_id`:
-- a reader is whoever holds the credential.
ALTER TABLE readers RENAME TO credentials;
