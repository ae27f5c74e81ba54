-- Rate limits shared by instances on one database. On SQLite there is one instance per file
-- and its limits stay in memory; the table exists so both engines have the same schema.
CREATE TABLE rate_limits (
    key TEXT PRIMARY KEY,
    tat INTEGER NOT NULL
);
