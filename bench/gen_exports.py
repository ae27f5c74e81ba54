#!/usr/bin/env python3
"""Writes a WXR and a Disqus export of the same blog for the import benchmark: PAGES pages,
COMMENTS comments in all, each page's comments in chains of replies up to 5 deep.
Usage: gen_exports.py OUT_DIR [comments=100000] [pages=2000]"""
import sys
from xml.sax.saxutils import escape

out = sys.argv[1]
comments = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
pages = int(sys.argv[3]) if len(sys.argv) > 3 else 2000
per_page = comments // pages
body = ("A considered comment about the post, with a <a href=\"https://example.org/\">link</a>, "
        "some *stars* and an ampersand & more text to make it a realistic length.")

with open(f"{out}/bench.wxr.xml", "w") as w:
    w.write('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
            'xmlns:wp="http://wordpress.org/export/1.2/">\n<channel>\n<title>Bench</title>\n')
    cid = 0
    for p in range(pages):
        w.write(f"<item><title>Post {p}</title><link>https://old.example/{p}/</link>"
                f"<wp:post_id>{p + 1}</wp:post_id>\n")
        for i in range(per_page):
            cid += 1
            parent = cid - 1 if i % 5 else 0  # chains: 1 top-level, then 4 replies each deeper
            w.write(f"<wp:comment><wp:comment_id>{cid}</wp:comment_id>"
                    f"<wp:comment_author><![CDATA[Reader {cid % 977}]]></wp:comment_author>"
                    f"<wp:comment_author_email>reader{cid % 977}@example.org</wp:comment_author_email>"
                    f"<wp:comment_author_url>https://reader{cid % 977}.example/</wp:comment_author_url>"
                    f"<wp:comment_date_gmt>2020-01-0{1 + cid % 9} 10:{cid % 60:02d}:00</wp:comment_date_gmt>"
                    f"<wp:comment_content><![CDATA[{body} #{cid}]]></wp:comment_content>"
                    f"<wp:comment_approved>1</wp:comment_approved><wp:comment_type></wp:comment_type>"
                    f"<wp:comment_parent>{parent}</wp:comment_parent></wp:comment>\n")
        w.write("</item>\n")
    w.write("</channel>\n</rss>\n")

with open(f"{out}/bench.disqus.xml", "w") as w:
    w.write('<?xml version="1.0" encoding="utf-8"?>\n<disqus xmlns="http://disqus.com" '
            'xmlns:dsq="http://disqus.com/disqus-internals">\n')
    for p in range(pages):
        w.write(f'<thread dsq:id="t{p}"><id>{p}</id><link>https://old.example/{p}/</link>'
                f"<title>Post {p}</title><createdAt>2020-01-01T00:00:00Z</createdAt></thread>\n")
    cid = 0
    for p in range(pages):
        for i in range(per_page):
            cid += 1
            parent = f'<parent dsq:id="p{cid - 1}"/>' if i % 5 else ""
            w.write(f'<post dsq:id="p{cid}"><id/><message><![CDATA[<p>{escape(body)} #{cid}</p>]]></message>'
                    f"<createdAt>2020-01-0{1 + cid % 9}T10:{cid % 60:02d}:00Z</createdAt>"
                    f"<isDeleted>false</isDeleted><isSpam>false</isSpam>"
                    f"<author><email>reader{cid % 977}@example.org</email><name>Reader {cid % 977}</name>"
                    f"<isAnonymous>false</isAnonymous></author>"
                    f'<thread dsq:id="t{p}"/>{parent}</post>\n')
    w.write("</disqus>\n")
print(f"{comments} comments on {pages} pages in {out}/bench.wxr.xml and {out}/bench.disqus.xml")
