-- Rate limits shared by every instance on this database (src/store/rate_limits.rs): one row
-- per limited key holding its "theoretical arrival time" (GCRA) in epoch milliseconds. UNLOGGED:
-- losing it in a crash only forgives a few clients, and it is written on every comment.
CREATE UNLOGGED TABLE rate_limits (
    key TEXT PRIMARY KEY,
    tat BIGINT NOT NULL
);
