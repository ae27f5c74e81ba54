// Puts every payload into replybox the two ways attacker text arrives: posted through the API
// (as body, author name, website and page title at once), and imported from a WordPress export.
import { spawnSync } from 'node:child_process';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { BIN, REPO } from '../harness.mjs';

/** Payload i's page: groups of 100, so an admin queue filtered by `/gK/` shows one group. */
export const GROUP = 100;
export const uriOf = (i) => `/g${Math.floor(i / GROUP)}/p${i}/`;

const chars = (s, n) => [...s].slice(0, n).join('');

/**
 * Posts payload `i` as a guest would, in every field at once. Where a field's own rule refuses
 * it (names of at most 80 characters, websites that must be http(s) URLs without spaces or
 * quotes), the field falls back step by step, and the fallback is counted: the refusal itself
 * is the defence for that field, and the payload still goes into the other fields.
 * Any answer but 201 or a 4xx with an error code fails the run; a payload no fallback gets
 * past is listed in `counts.notPosted` with the codes it met.
 */
export async function post(rb, blogOrigin, site, i, text, counts) {
  const body = { site, uri: uriOf(i), title: text, parent: null, body: text,
    author: { name: text, email: `p${i}@example.com`, url: text } };
  const fallbacks = {
    // 80 characters once normalised (NFKC): `¼` becomes three, so shorten until it fits.
    name_too_long: () => { body.author.name = chars(body.author.name, Math.min(80, [...body.author.name].length >> 1 || 1)); },
    name_required: () => { body.author.name = `guest ${chars(text, 70)}`; },
    name_reserved: () => { body.author.name = `guest ${chars(text, 70)}`; },
    invalid_url: () => {
      body.author.url = body.author.url === text
        ? chars(`https://example.com/?q=${encodeURIComponent(text)}`, 500) : null;
    },
    comment_empty: () => { body.body = `x ${text}`; },
    comment_too_long: () => { body.body = chars(text, 5000); }
  };
  const codes = [];
  for (let attempt = 0; attempt < 6; attempt++) {
    const r = await fetch(`${rb.origin}/api/comments`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: blogOrigin },
      body: JSON.stringify(body)
    });
    const answer = await r.text();
    if (r.status === 201) return JSON.parse(answer).comment;
    let code;
    try { code = JSON.parse(answer).error.code; } catch { /* not our error format */ }
    if (r.status >= 500 || !code) throw new Error(`payload ${i}: ${r.status} ${answer.slice(0, 300)}`);
    counts[code] = (counts[code] ?? 0) + 1;
    codes.push(code);
    if (!fallbacks[code]) break;
    fallbacks[code]();
  }
  (counts.notPosted ??= []).push({ payload: i, refusals: codes });
  return null;
}

/** Posts payloads with a few requests in flight; returns [index, comment] for those taken. */
export async function postAll(rb, blogOrigin, site, payloads, counts) {
  const taken = [];
  let next = 0;
  async function worker() {
    while (next < payloads.length) {
      const i = next++;
      const comment = await post(rb, blogOrigin, site, i, payloads[i].text, counts);
      if (comment) taken.push([i, comment]);
    }
  }
  await Promise.all(Array.from({ length: 6 }, worker));
  return taken.sort((a, b) => a[0] - b[0]);
}

// XML 1.0 cannot carry these at all (not even as character references).
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const xmlText = (s) => s.replace(NOT_XML, '\uFFFD').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * A WordPress export (WXR 1.2) with one post per payload: the payload as the post's title, and
 * one approved comment whose author, website and text are the payload. Returns the file's path
 * and how many payloads had characters XML cannot hold (replaced with U+FFFD).
 */
export async function writeWxr(dir, payloads) {
  let changed = 0;
  const items = payloads.map((p, i) => {
    const text = xmlText(p.text);
    if (NOT_XML.test(p.text)) changed++;
    NOT_XML.lastIndex = 0;
    return `<item><title>${text}</title><link>http://old.example${uriOf(i)}</link>
<wp:post_id>${i + 1}</wp:post_id><wp:post_type>post</wp:post_type><wp:status>publish</wp:status>
<wp:comment><wp:comment_id>${i + 1}</wp:comment_id><wp:comment_author>${text}</wp:comment_author>
<wp:comment_author_email>p${i}@example.com</wp:comment_author_email><wp:comment_author_url>${text}</wp:comment_author_url>
<wp:comment_author_IP>192.0.2.1</wp:comment_author_IP><wp:comment_date_gmt>2020-01-01 00:00:00</wp:comment_date_gmt>
<wp:comment_content>${text}</wp:comment_content><wp:comment_approved>1</wp:comment_approved>
<wp:comment_type>comment</wp:comment_type><wp:comment_parent>0</wp:comment_parent></wp:comment></item>`;
  });
  const file = path.join(dir, 'payloads.wxr');
  await fsp.writeFile(file, `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>Payloads</title><link>http://old.example/</link><wp:wxr_version>1.2</wp:wxr_version>
${items.join('\n')}
</channel></rss>
`);
  return { file, changed };
}

/** `replybox import` as an operator runs it; returns its summary (warnings on stderr left out). */
export function importWxr(configPath, site, file) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('REPLYBOX_')));
  const r = spawnSync(BIN, ['import', '--config', configPath, '--site', site,
    '--map-url', 'http://old.example/=/', file], { cwd: REPO, env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`replybox import failed (${r.status}):\n${r.stderr}`);
  // The summary, without the log lines (html5ever's warnings) that share standard output.
  return r.stdout.split('\n').filter((l) => l.trim() && !/^(\x1b\[|\d{4}-\d\d-\d\dT)/.test(l)).join(' / ');
}
