//! WXR 1.2, as WordPress's importer reads it: an RSS channel with one `<item>` per page and its
//! `<wp:comment>`s, parents before replies. Text is CDATA (split where it would contain `]]>`),
//! dates are given both as `comment_date` and `comment_date_gmt` (UTC), statuses as WordPress
//! words (`1`, `0`, `spam`, `trash`). WordPress has no tombstones: a deleted comment is exported
//! as `trash` with its text removed, so its replies keep their parent.

use std::io::Write;

use crate::sites::Site;
use crate::store::Db;
use crate::store::export::{ExportRow, each_comment};

/// Writes `site`'s comments as WXR 1.2; the number of comments.
pub async fn write(db: &Db, site: &Site, out: &mut (dyn Write + Send)) -> anyhow::Result<usize> {
    let mut origins: Vec<&String> = site.origins.iter().collect();
    origins.sort();
    let origin = origins.first().map(|o| o.as_str()).unwrap_or_default();
    write!(
        out,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <rss version=\"2.0\" xmlns:excerpt=\"http://wordpress.org/export/1.2/excerpt/\" \
         xmlns:content=\"http://purl.org/rss/1.0/modules/content/\" \
         xmlns:wfw=\"http://wellformedweb.org/CommentAPI/\" \
         xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:wp=\"http://wordpress.org/export/1.2/\">\n\
         <channel>\n<title>{}</title>\n<link>{}</link>\n<description>Comments exported by replybox</description>\n\
         <wp:wxr_version>1.2</wp:wxr_version>\n<wp:base_site_url>{}</wp:base_site_url>\n<wp:base_blog_url>{}</wp:base_blog_url>\n",
        text(&site.config.name),
        text(origin),
        text(origin),
        text(origin)
    )?;
    let mut current: Option<String> = None;
    let mut post_id = 0;
    let count = each_comment(db, site.id(), |row| {
        if current.as_deref() != Some(row.uri.as_str()) {
            if current.is_some() {
                out.write_all(b"</item>\n")?;
            }
            post_id += 1;
            item(out, origin, post_id, &row)?;
            current = Some(row.uri.clone());
        }
        comment(out, &row)
    })
    .await?;
    if current.is_some() {
        out.write_all(b"</item>\n")?;
    }
    out.write_all(b"</channel>\n</rss>\n")?;
    Ok(count)
}

fn item(
    out: &mut (dyn Write + Send),
    origin: &str,
    post_id: i64,
    row: &ExportRow,
) -> anyhow::Result<()> {
    let link = if row.uri.starts_with('/') {
        format!("{origin}{}", row.uri)
    } else {
        row.uri.clone()
    };
    let date = wp_date(row.thread_created_at);
    write!(
        out,
        "<item>\n<title>{}</title>\n<link>{}</link>\n<guid isPermaLink=\"true\">{}</guid>\n\
         <dc:creator>replybox</dc:creator>\n<content:encoded><![CDATA[]]></content:encoded>\n\
         <wp:post_id>{post_id}</wp:post_id>\n<wp:post_date>{date}</wp:post_date>\n<wp:post_date_gmt>{date}</wp:post_date_gmt>\n\
         <wp:comment_status>{}</wp:comment_status>\n<wp:ping_status>closed</wp:ping_status>\n\
         <wp:status>publish</wp:status>\n<wp:post_parent>0</wp:post_parent>\n<wp:post_type>post</wp:post_type>\n",
        cdata(row.title.as_deref().unwrap_or(&row.uri)),
        text(&link),
        text(&link),
        if row.locked { "closed" } else { "open" },
    )?;
    Ok(())
}

fn comment(out: &mut (dyn Write + Send), row: &ExportRow) -> anyhow::Result<()> {
    let (approved, content) = match row.status.as_str() {
        "approved" => ("1", row.html.as_str()),
        "spam" => ("spam", row.html.as_str()),
        "rejected" => ("trash", row.html.as_str()),
        "deleted" => ("trash", ""),
        _ => ("0", row.html.as_str()),
    };
    let date = wp_date(row.created_at);
    write!(
        out,
        "<wp:comment>\n<wp:comment_id>{}</wp:comment_id>\n<wp:comment_author>{}</wp:comment_author>\n\
         <wp:comment_author_email>{}</wp:comment_author_email>\n<wp:comment_author_url>{}</wp:comment_author_url>\n\
         <wp:comment_author_IP></wp:comment_author_IP>\n<wp:comment_date>{date}</wp:comment_date>\n\
         <wp:comment_date_gmt>{date}</wp:comment_date_gmt>\n<wp:comment_content>{}</wp:comment_content>\n\
         <wp:comment_approved>{approved}</wp:comment_approved>\n<wp:comment_type>comment</wp:comment_type>\n\
         <wp:comment_parent>{}</wp:comment_parent>\n<wp:comment_user_id>0</wp:comment_user_id>\n</wp:comment>\n",
        row.id,
        cdata(&row.author_name),
        text(row.author_email.as_deref().unwrap_or_default()),
        text(row.author_url.as_deref().unwrap_or_default()),
        cdata(content),
        row.parent_id.unwrap_or(0),
    )?;
    Ok(())
}

/// `2026-12-03 10:51:09`, UTC.
fn wp_date(ms: i64) -> String {
    let iso = crate::time::rfc3339(ms);
    iso.get(..19).unwrap_or_default().replace('T', " ")
}

/// Text as a CDATA section; `]]>` inside is split across two sections.
fn cdata(text: &str) -> String {
    format!("<![CDATA[{}]]>", text.replace("]]>", "]]]]><![CDATA[>"))
}

/// Text escaped for XML character data.
fn text(value: &str) -> String {
    quick_xml::escape::escape(value).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cdata_cannot_be_closed_early() {
        assert_eq!(cdata("a]]>b"), "<![CDATA[a]]]]><![CDATA[>b]]>");
        assert_eq!(wp_date(0), "1970-01-01 00:00:00");
    }
}
