//! Time as replybox keeps it: epoch milliseconds in the database, RFC 3339 wherever people or
//! other programs read it (the API, the admin pages, exports).

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// Milliseconds since the epoch, as RFC 3339 in UTC (`2026-12-03T10:51:09.123Z`); empty for a
/// time out of range.
pub fn rfc3339(ms: i64) -> String {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn milliseconds_read_as_rfc3339() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_764_759_069_123), "2025-12-03T10:51:09.123Z");
        assert_eq!(rfc3339(i64::MAX), "");
    }
}
