-- Moderators in the widget (issue 13): an admin-page account (`replybox admin add`) signs in
-- inside the widget through a first-party popup (/admin/widget), which hands the widget a
-- one-time code; the code becomes a credential bound to the account. Keep in step with
-- ../postgres/0013_widget_moderators.sql.

-- The admin-page account a credential was issued to (NULL for guests and provider sign-ins).
-- What it may moderate is read from the account on every request, so a changed role or site
-- list counts at once; removing the account ends its credentials.
ALTER TABLE credentials ADD COLUMN admin_id BIGINT REFERENCES admins (id) ON DELETE CASCADE;
CREATE INDEX credentials_by_admin ON credentials (admin_id) WHERE admin_id IS NOT NULL;

-- A single-use, short-lived code the popup hands to the widget for an account, stored as a
-- SHA-256 hash. Kept apart from sign_in_codes, whose user_id is NOT NULL: an account is not a
-- user. `site` is the site the popup was opened for (the exchange's viewer says whether the
-- account moderates it).
CREATE TABLE admin_sign_in_codes (
    code_hash  TEXT   PRIMARY KEY,
    admin_id   BIGINT NOT NULL REFERENCES admins (id) ON DELETE CASCADE,
    site       TEXT   NOT NULL,
    expires_at BIGINT NOT NULL
);
