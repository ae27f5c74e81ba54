-- Which browser credential proved which guest address (audit finding 2). A typed address proves
-- nothing: anyone can type anyone's. "Verified" and "known" count only for the credential whose
-- comment asked for the verification link that was then opened.
ALTER TABLE email_verifications ADD COLUMN reader_id BIGINT REFERENCES readers (id) ON DELETE CASCADE;

CREATE TABLE reader_emails (
    reader_id   BIGINT NOT NULL REFERENCES readers (id) ON DELETE CASCADE,
    email       TEXT   NOT NULL,
    verified_at BIGINT NOT NULL,
    PRIMARY KEY (reader_id, email)
);
