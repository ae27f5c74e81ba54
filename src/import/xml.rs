//! What the two XML parsers share: a lenient quick-xml reader (end tags are not checked against
//! start tags, empty elements come as a start and an end) and the names they match by.

use std::io::BufRead;

use quick_xml::Reader;
use quick_xml::errors::IllFormedError;
use quick_xml::events::Event;

/// A reader over `input` that tolerates what real exports get wrong.
pub(super) fn reader<R: BufRead>(input: R) -> Reader<R> {
    let mut reader = Reader::from_reader(input);
    let config = reader.config_mut();
    config.check_end_names = false;
    config.expand_empty_elements = true;
    reader
}

/// The next event, or `None` for an end tag nothing opened (`</rss>` in a file that lost its
/// `<rss>`), which is noise; an error names `what` and the byte where the file broke.
pub(super) fn next<'b, R: BufRead>(
    reader: &mut Reader<R>,
    buf: &'b mut Vec<u8>,
    what: &str,
) -> anyhow::Result<Option<Event<'b>>> {
    match reader.read_event_into(buf) {
        Ok(event) => Ok(Some(event)),
        Err(quick_xml::Error::IllFormed(IllFormedError::UnmatchedEndTag(_))) => Ok(None),
        Err(err) => anyhow::bail!(
            "the {what} file is not readable XML at byte {}: {err}",
            reader.error_position()
        ),
    }
}

/// The local part of a possibly prefixed name (`wp:comment` → `comment`).
pub(super) fn local(name: &[u8]) -> String {
    let name = String::from_utf8_lossy(name);
    match name.rsplit_once(':') {
        Some((_, local)) => local.to_string(),
        None => name.into_owned(),
    }
}
