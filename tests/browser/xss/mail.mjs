// The mail side: the test SMTP server (tests/smtp/server.py, a real aiosmtpd) and the HTML part
// of each message it kept, decoded as a mail client would before showing it.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { REPO, freePort } from '../harness.mjs';

/** Starts the SMTP server writing each message to `folder`; resolves once it says "ready". */
export async function startSmtp(folder) {
  const port = await freePort();
  const child = spawn('python3', [path.join(REPO, 'tests', 'smtp', 'server.py'), String(port), folder],
    { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((ok, fail) => {
    child.once('exit', (code) => fail(new Error(`the SMTP server exited (${code})`)));
    child.stdout.on('data', (d) => { if (String(d).includes('ready')) ok(); });
  });
  return { port, folder, stop: () => child.kill() };
}

/** The messages written so far, oldest first. */
export const messages = (folder) =>
  fs.readdirSync(folder).filter((f) => f.endsWith('.eml')).sort().map((f) => path.join(folder, f));

function headersOf(block) {
  const headers = {};
  for (const line of block.replace(/\r\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const m = /^([\w-]+):\s*(.*)$/.exec(line);
    if (m) headers[m[1].toLowerCase()] = m[2];
  }
  return headers;
}

function decode(body, encoding = '7bit') {
  switch (encoding.toLowerCase()) {
    case 'base64': return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
    case 'quoted-printable':
      return Buffer.from(body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi,
        (_, hex) => String.fromCharCode(parseInt(hex, 16))), 'latin1').toString('utf8');
    default: return body;
  }
}

/** The decoded text/html part of one message (null when it has none), walking multiparts. */
export function htmlOf(raw) {
  const split = raw.search(/\r?\n\r?\n/);
  const headers = headersOf(raw.slice(0, split));
  const body = raw.slice(split).replace(/^\r?\n\r?\n/, '');
  const type = headers['content-type'] ?? 'text/plain';
  const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
  if (/^multipart\//i.test(type) && boundary) {
    for (const part of body.split(`--${boundary}`).slice(1)) {
      if (part.startsWith('--')) break;
      const html = htmlOf(part.replace(/^\r?\n/, ''));
      if (html != null) return html;
    }
    return null;
  }
  return /^text\/html/i.test(type) ? decode(body, headers['content-transfer-encoding']) : null;
}
