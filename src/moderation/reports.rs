//! Readers' reports ("flags"): why a reader reports a published comment, and the rule that
//! sends a comment back to Pending once `sites.flags_to_hold` readers reported it.
//!
//! Distinct readers means distinct credentials on distinct networks (the keyed digest of the
//! client's /64 or IPv4 address): credentials are cheap to make, so one person at one address
//! counts once however many browsers they open; readers behind one NAT count once as well,
//! which errs on the side of keeping a comment up. A moderator's approval or "Dismiss reports"
//! closes the open reports; a reader reports a comment once, ever.

/// Why a comment is reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// Advertising, scams, link farms.
    Spam,
    /// Harassment, hate, threats.
    Abuse,
    /// Not about the page.
    OffTopic,
    /// Anything else.
    Other,
}

impl Reason {
    /// Every reason, in the order the widget offers them.
    pub const ALL: [Reason; 4] = [Reason::Spam, Reason::Abuse, Reason::OffTopic, Reason::Other];

    /// The word stored and sent (`spam`, `abuse`, `off_topic`, `other`).
    pub fn word(self) -> &'static str {
        match self {
            Self::Spam => "spam",
            Self::Abuse => "abuse",
            Self::OffTopic => "off_topic",
            Self::Other => "other",
        }
    }

    /// Parses [`Reason::word`].
    pub fn parse(word: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|reason| reason.word() == word)
    }

    /// How a moderator reads it.
    pub fn label(word: &str) -> &'static str {
        match Self::parse(word) {
            Some(Self::Spam) => "spam",
            Some(Self::Abuse) => "abuse",
            Some(Self::OffTopic) => "off-topic",
            Some(Self::Other) | None => "other",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_reason_reads_back_and_nothing_else_does() {
        for reason in Reason::ALL {
            assert_eq!(Reason::parse(reason.word()), Some(reason));
        }
        assert_eq!(Reason::parse("Spam"), None);
        assert_eq!(Reason::parse(""), None);
    }
}
