// Benchmark, not a test: how long from navigation until the comment thread is visible, in
// headless Chromium with third-party cookies blocked (Debian's default), everything on loopback.
// Run it through scripts/bench-widget. Prints a table; exits non-zero only if something broke.
//
// Two moments, seen by a script injected into the thread iframe before its own scripts, which
// watches the DOM and notes Date.now() in the next frame after the change (a requestAnimationFrame
// callback: the frame that paints it):
//   first screen: the first comments are drawn (the widget draws a screenful of threads first,
//                 then the rest in slices; a widget drawing everything at once reaches both
//                 moments together);
//   all drawn:    all N comments (`li.rb-c`, one per comment, replies included) are in the DOM.
// The clock starts in node just before page.goto. Both read the same system clock.
//   cold: a fresh browser profile (empty HTTP cache, no open connections), first navigation.
//   warm: the same profile, a second navigation to the same page (cached assets).
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { CHROMIUM, startEnv, openBrowser, seed } from './harness.mjs';

const RUNS = 7;
const MODE = 'blocked';
const LIMIT_MS = 10 * 60_000; // the whole benchmark, seeding included
const THREADS = [
  { uri: '/bench-10/', title: 'Ten', total: 10 },
  { uri: '/bench-1000/', title: 'A thousand', total: 1000 }
];

// Deterministic "random" (Park–Miller), so every run seeds the same threads.
let state = 42;
const rand = () => (state = (state * 48271) % 2147483647) / 2147483647;

const WORDS = 'the a widget thread reply comment page loads fast enough here really think agree point post'.split(' ');
const sentence = () => Array.from({ length: 6 + Math.floor(rand() * 12) }, () => WORDS[Math.floor(rand() * WORDS.length)]).join(' ');

/** Seeds a thread through the HTTP API: about a third of the comments reply to an earlier one. */
async function seedThread(env, { uri, title, total }) {
  const ids = [];
  const depth = new Map([[null, -1]]);
  let replies = 0;
  for (let i = 0; i < total; i++) {
    const parent = i > 0 && rand() < 1 / 3 ? ids[Math.floor(rand() * ids.length)] : null;
    const n = 1 + (i % 97);
    const body = `Comment ${i + 1}: ${sentence()}. Some *emphasis*, **bold** and \`code\`.\n\n`
      + `${sentence()} — see [this link](https://example.org/${i}).`;
    const c = await seed(env, { uri, title, parent, body, author: { name: `Reader ${n}`, email: `r${n}@example.org` } });
    ids.push(c.id);
    depth.set(c.id, depth.get(parent) + 1);
    if (parent) replies++;
  }
  return { count: ids.length, replies, depth: Math.max(...depth.values()) };
}

/** One navigation; returns ms from page.goto until the first screen and until all comments. */
async function navigate(page, url) {
  const start = Date.now();
  await page.goto(url);
  const frame = await (await page.waitForSelector('iframe[title="Comments"]')).contentFrame();
  const done = await frame.waitForFunction(
    () => (window.__rbVisible && window.__rbFirst ? [window.__rbFirst, window.__rbVisible] : window.__rbError),
    null, { timeout: 30_000 });
  const at = await done.jsonValue();
  if (!Array.isArray(at)) throw new Error(`thread did not render: ${at}`);
  return { first: at[0] - start, all: at[1] - start };
}

/** Installed in every frame of a context; only acts inside the replybox thread iframe. */
function watchForComments({ origin, expected }) {
  if (location.origin !== origin || !location.pathname.endsWith('/embed/thread')) return;
  // The next frame after the change: its callbacks run just before it is painted.
  const painted = (key) => requestAnimationFrame(() => { window[key] ||= Date.now(); });
  let first = false;
  new MutationObserver((_, observer) => {
    const n = document.querySelectorAll('.rb-c').length;
    if (document.querySelector('.rb-err')) window.__rbError = document.querySelector('.rb-err').textContent;
    if (n > expected) window.__rbError = `${n} comments, expected ${expected}`;
    if (n > 0 && !first) {
      first = true;
      painted('__rbFirst');
    }
    if (n !== expected) return;
    observer.disconnect();
    painted('__rbVisible');
  }).observe(document, { childList: true, subtree: true });
}

/** One fresh profile: a cold and then a warm navigation. */
async function coldAndWarm(env, url, expected) {
  const b = await openBrowser(env, MODE);
  try {
    await b.context.addInitScript(watchForComments, { origin: env.rb.origin, expected });
    let api = null;
    b.page.on('response', (r) => {
      if (!api && r.url().startsWith(`${env.rb.origin}/api/comments?`)) api = r;
    });
    const cold = await navigate(b.page, url);
    const sizes = await api.request().sizes();
    const size = { wire: sizes.responseBodySize, json: (await api.body()).length, encoding: (await api.allHeaders())['content-encoding'] || 'identity' };
    const warm = await navigate(b.page, url);
    // The profile really blocks third-party cookies: a SameSite=None cookie set in the
    // cross-site iframe does not stick.
    const frame = b.page.frames().find((f) => f.url().startsWith(`${env.rb.origin}/embed/thread`));
    const stuck = await frame.evaluate(() => {
      document.cookie = 'rbprobe=1; SameSite=None; Secure; Path=/';
      return document.cookie.includes('rbprobe=1');
    });
    if (stuck) throw new Error('third-party cookies are not blocked in this profile');
    return { cold, warm, size };
  } finally {
    await b.close();
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
const row = (cells) => cells.map(([v, w]) => (w < 0 ? String(v).padEnd(-w) : String(v).padStart(w))).join('  ').trimEnd();

let timedOut = false;

async function main() {
  const env = await startEnv();
  // On time-out, stop the servers: whatever is in flight then fails fast and cleans up after
  // itself; if even that hangs, leave anyway.
  const watchdog = setTimeout(() => {
    timedOut = true;
    console.error(`bench-visible: not done after ${LIMIT_MS / 1000} s, giving up`);
    env.stop().catch(() => {});
    setTimeout(() => process.exit(2), 30_000).unref();
  }, LIMIT_MS);
  try {
    const seeded = Date.now();
    for (const t of THREADS) Object.assign(t, await seedThread(env, t));
    const seedSecs = ((Date.now() - seeded) / 1000).toFixed(1);
    const shape = THREADS.map((t) => `${t.count.toLocaleString('en')} (${t.replies} replies, nested up to ${t.depth} deep)`).join(' and ');
    // The Debian launcher script prints a harmless shell warning on stderr: not ours to show.
    const chromium = execFileSync(CHROMIUM, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    console.log('widget: navigation (page.goto) → the first comments drawn, and → all comments drawn, in the thread iframe');
    console.log(`${chromium}, headless, third-party cookies ${MODE}; ${os.cpus().length} cores, loopback`);
    console.log(`replybox ${process.env.REPLYBOX_BIN || '(harness default binary)'}; seeded ${shape} through the API in ${seedSecs} s`);
    console.log(`${RUNS} runs per row; cold = fresh profile, first navigation; warm = same profile, second navigation\n`);
    console.log(row([['thread', -16], ['load', -4], ['first screen (median, min–max)', -30], ['all drawn (median, min–max)', -30], ['API response (wire / decoded)', -30]]));
    for (const t of THREADS) {
      const url = `${env.blog.origin}/post${t.uri}?${new URLSearchParams({ site: 'open', uri: t.uri, title: t.title })}`;
      const runs = [];
      for (let i = 0; i < RUNS; i++) runs.push(await coldAndWarm(env, url, t.count));
      const { size } = runs[0];
      const spread = (ms) => `${median(ms)} ms (${Math.min(...ms)}–${Math.max(...ms)})`;
      for (const load of ['cold', 'warm']) {
        const first = runs.map((r) => r[load].first);
        const all = runs.map((r) => r[load].all);
        console.log(row([[`${t.count.toLocaleString('en')} comments`, -16], [load, -4],
          [spread(first), -30], [spread(all), -30],
          [`${kib(size.wire)} ${size.encoding} / ${kib(size.json)} JSON`, -30]]));
      }
    }
  } finally {
    clearTimeout(watchdog);
    await env.stop();
  }
}

// After a time-out, what main() was doing fails as the servers go away: not worth a stack trace.
await main().catch((e) => {
  if (!timedOut) console.error(e);
  process.exitCode = timedOut ? 2 : 1;
});
