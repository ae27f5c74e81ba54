// The XSS corpus in a real browser: every payload of tests/corpus/xss (6,886 single-line and 56
// multi-line ones) goes into replybox as a comment's body, author name, website and page title,
// through the API and through the WordPress importer, and is then looked at everywhere it is
// shown: the widget on a blog on another site, the admin queue, the admin comment page, and the
// HTML of every moderator mail opened as a page. A payload fails if a dialog opens, a hooked
// function or a CSP violation fires, a global appears, a handler attribute or a script-capable
// URL or element survives, markup appears where only text belongs, an element leaves its box,
// a frame navigates, or any request goes to a third origin. Prints the counts; exits 1 on any
// failure. Usage: node xss-corpus.mjs [--quick | --focused]   (the report:
// tests/artifacts/xss-corpus.json). --focused (what CI runs): the whole corpus where comment HTML
// cleaned by render.rs is shown (the widget in place, the admin queue's cards), the quick subset
// on the surfaces that only show escaped text around the same cards (the comment page's edit
// box and ban form, the mails) — those escape every payload alike, and cost half the run.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { ARTIFACTS, BIN, REPO, freePort, openBrowser, startReplybox } from './harness.mjs';
import { initScript } from './xss/audits.mjs';
import { htmlOf, messages, startSmtp } from './xss/mail.mjs';
import { corpus, quick } from './xss/payloads.mjs';
import { importWxr, postAll, writeWxr } from './xss/seed.mjs';
import * as surfaces from './xss/surfaces.mjs';

const QUICK = process.argv.includes('--quick');
const FOCUSED = process.argv.includes('--focused');
const PASSWORD = 'correct horse battery staple';
const started = Date.now();
const log = (line) => console.log(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}`);

/** The blog: another site, serving whatever pages the run puts in `routes`. */
async function startBlog() {
  const routes = new Map();
  const port = await freePort();
  const server = http.createServer((req, res) => {
    const page = routes.get(new URL(req.url, 'http://blog').pathname);
    if (page == null) return res.writeHead(req.url === '/favicon.ico' ? 204 : 404).end();
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' }).end(page);
  });
  await new Promise((ok) => server.listen(port, '127.0.0.1', ok));
  return { origin: `http://127.0.0.1:${port}`, routes, stop: () => new Promise((ok) => server.close(ok)) };
}

const smtpConfig = (smtpPort) => `[smtp]
host = "127.0.0.1"
port = ${smtpPort}
from = "replybox <comments@example.org>"
timeout_secs = 5
`;
const site = (id, blogOrigin, extra = '') => `[[sites]]
id = "${id}"
name = "Payloads ${id}"
origins = ["${blogOrigin}"]
moderation = "none"
guests = true
min_seconds_to_write = 0
${extra}`;

function addAdmin(rb) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('REPLYBOX_')));
  const r = spawnSync(BIN, ['admin', 'add', 'alice', '--password-stdin', '--config', path.join(rb.tmp, 'config.toml')],
    { cwd: REPO, env, input: PASSWORD + '\n', encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`admin add failed: ${r.stderr}`);
}

async function waitForMail(folder, n, timeout) {
  const end = Date.now() + timeout;
  while (messages(folder).length < n) {
    if (Date.now() > end) throw new Error(`only ${messages(folder).length} of ${n} mails arrived`);
    await new Promise((ok) => setTimeout(ok, 250));
  }
}

async function main() {
  const payloads = QUICK ? quick(corpus()) : corpus();
  const items = payloads.map((p, i) => ({ i, text: p.text, kind: p.kind }));
  log(`${payloads.length} payloads (${QUICK ? 'quick subset' : FOCUSED ? 'whole corpus where comment HTML is shown, quick subset elsewhere' : 'whole corpus'})`);
  const tmp = await fsp.mkdtemp(path.join(os.tmpdir(), 'replybox-xss-'));
  const smtp = await startSmtp(path.join(tmp, 'mail'));
  const blog = await startBlog();
  const rb = await startReplybox(blog.origin, async () => smtpConfig(smtp.port)
    + site('xss', blog.origin, 'notify = ["moderator@example.org"]\nnotify_on = "all"\n')
    + site('imported', blog.origin));
  // Cross-site frames in the page's own process (as Chrome does where memory is short): the
  // same-origin policy still stands between them, and each frame costs the run far less.
  const browser = await openBrowser(null, 'blocked', { args: ['--disable-site-isolation-trials', '--disable-features=IsolateOrigins,site-per-process'] });
  const consoleErrors = [];
  // Every console error counts, but a browser's own request for /favicon.ico that answers 404.
  browser.context.on('console', (m) => {
    if (m.type() === 'error' && !/\/favicon\.ico$/.test(m.location()?.url ?? '')) consoleErrors.push(`${m.location()?.url}: ${m.text()}`);
  });
  await browser.context.addInitScript(initScript);
  const ctx = { rb, blog, browser };
  ctx.rules = surfaces.rules(ctx);
  const report = { payloads: payloads.length, quick: QUICK, focused: FOCUSED, refusals: {}, surfaces: [] };
  try {
    addAdmin(rb);
    // Controls: plain words, so each surface's own globals are known.
    const control = await fetch(`${rb.origin}/api/comments`, {
      method: 'POST', headers: { 'Content-Type': 'application/json', Origin: blog.origin },
      body: JSON.stringify({ site: 'xss', uri: '/control/', title: 'Control', body: 'plain words',
        author: { name: 'Control', email: 'control@example.com', url: 'https://example.com/' } })
    });
    if (control.status !== 201) throw new Error(`the control comment: ${control.status} ${await control.text()}`);
    const controlId = (await control.json()).comment.id;
    const posted = await postAll(rb, blog.origin, 'xss', payloads, report.refusals);
    report.posted = posted.length;
    report.statuses = posted.reduce((n, [, c]) => ({ ...n, [c.status]: (n[c.status] ?? 0) + 1 }), {});
    const { notPosted = [], ...refused } = report.refusals;
    log(`posted ${posted.length} through the API; fields refused, then fallen back: ${JSON.stringify(refused)}`);
    for (const n of notPosted) log(`not posted: payload ${n.payload} ${JSON.stringify(payloads[n.payload].text.slice(0, 80))} (${n.refusals.join(', ')})`);
    const wxr = await writeWxr(tmp, payloads);
    report.imported = importWxr(path.join(rb.tmp, 'config.toml'), 'imported', wxr.file);
    report.xmlReplaced = wxr.changed;
    log(`imported: ${report.imported} (${wxr.changed} payloads had characters XML cannot carry, as U+FFFD)`);

    const { page } = browser;
    await page.goto(`${rb.origin}/admin/login`);
    await page.fill('#name', 'alice');
    await page.fill('#password', PASSWORD);
    await Promise.all([page.waitForURL(`${rb.origin}/admin`), page.click('button[type=submit]')]);
    await page.goto(`${rb.origin}/admin/comments/${controlId}`);
    await surfaces.learnGlobals(page.mainFrame(), ctx.rules.admin);
    await surfaces.learnGlobals(await surfaces.controlFrame(ctx, page), ctx.rules.widget);

    const apiIds = new Map(posted.map(([i, c]) => [i, c.id]));
    const apiItems = items.filter((it) => apiIds.has(it.i));
    const sample = QUICK ? items : quick(items);
    const apiSample = sample.filter((it) => apiIds.has(it.i));
    // Surfaces of escaped text only: the whole corpus unless --focused.
    const textItems = FOCUSED ? sample : items;
    const apiTextItems = FOCUSED ? apiSample : apiItems;
    const mailedItems = new Set(apiTextItems.map((it) => it.i));
    let importedIds;
    let mails;
    for (const run of [
      () => surfaces.widgetInPlace(ctx, 'xss', apiItems),
      () => surfaces.widgetInPlace(ctx, 'imported', items),
      () => surfaces.widgetDocuments(ctx, 'xss', apiSample),
      () => surfaces.widgetDocuments(ctx, 'imported', sample),
      async () => (await surfaces.queue(ctx, 'xss', apiItems)).tally,
      async () => {
        const { tally, ids } = await surfaces.queue(ctx, 'imported', items);
        importedIds = ids;
        return tally;
      },
      () => surfaces.cardsParsed(ctx, 'xss', apiTextItems, apiIds),
      () => surfaces.cardsParsed(ctx, 'imported', textItems, importedIds),
      () => surfaces.cardsOpened(ctx, 'xss', apiSample, apiIds),
      () => surfaces.cardsOpened(ctx, 'imported', sample, importedIds),
      async () => {
        await waitForMail(smtp.folder, posted.length + 1, 60_000 + posted.length * 50);
        mails = messages(smtp.folder).map((f) => {
          const html = htmlOf(fs.readFileSync(f, 'utf8'));
          const i = Number(/p(\d+)@example\.com/.exec(html ?? '')?.[1] ?? -1);
          return { i, html: html ?? '' };
        }).filter((m) => mailedItems.has(m.i));
        report.mails = mails.length;
        // Every posted payload's alert must be there (one without an HTML part counts as missing).
        const mailed = new Set(mails.map((m) => m.i));
        const missing = apiTextItems.map((it) => it.i).filter((i) => !mailed.has(i));
        return surfaces.mailsInPlace(ctx, mails, missing);
      },
      () => surfaces.mailDocuments(ctx, mails.filter((m) => apiSample.some((it) => it.i === m.i)))
    ]) {
      const t0 = Date.now();
      const tally = await run();
      report.surfaces.push(summary(tally, Date.now() - t0));
      log(`${tally.name}: ${tally.checked} checked, ${tally.failures.length} failed (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
    }
  } finally {
    await browser.close();
    await rb.stop();
    await blog.stop();
    smtp.stop();
    if (!process.env.KEEP_TMP) await fsp.rm(tmp, { recursive: true, force: true });
  }
  const allowed = new Set([rb.origin, blog.origin]);
  report.foreignRequests = browser.requests.map((r) => r.url)
    .filter((u) => /^(https?|wss?):/.test(u) && !allowed.has(new URL(u).origin));
  report.dialogs = browser.dialogs;
  report.pageProblems = [...browser.problems, ...consoleErrors];
  report.failures = report.surfaces.reduce((n, s) => n + s.failed, 0)
    + report.foreignRequests.length + report.dialogs.length + report.pageProblems.length;
  await fsp.mkdir(ARTIFACTS, { recursive: true });
  await fsp.writeFile(path.join(ARTIFACTS, 'xss-corpus.json'), JSON.stringify(report, null, 2));
  for (const s of report.surfaces) for (const f of s.examples) console.log(`FAIL ${s.name} payload ${f.payload} ${JSON.stringify(payloads[f.payload].text.slice(0, 120))}: ${f.bad.slice(0, 3).join('; ')}`);
  for (const u of report.foreignRequests.slice(0, 10)) console.log(`FAIL request to a third origin: ${u}`);
  for (const d of report.dialogs.slice(0, 10)) console.log(`FAIL dialog: ${d}`);
  for (const p of report.pageProblems.slice(0, 10)) console.log(`FAIL ${p}`);
  const checks = report.surfaces.reduce((n, s) => n + s.checked, 0);
  log(`${payloads.length} payloads, ${checks} payload views in ${report.surfaces.length} surfaces: ${report.failures} failures`);
  process.exitCode = report.failures ? 1 : 0;
}

function summary(t, ms) {
  return { name: t.name, checked: t.checked, failed: t.failures.length, seconds: ms && Math.round(ms / 1000), examples: t.failures.slice(0, 5) };
}

main().catch((e) => { console.error(e); process.exit(1); });
