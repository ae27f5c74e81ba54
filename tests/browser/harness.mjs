// Real-browser harness: the real replybox binary, a tiny blog on another site, and Debian's
// Chromium with third-party cookies blocked (1) or allowed (0). See TESTING.md.
import { chromium } from 'playwright-core';
import { spawn } from 'node:child_process';
import readline from 'node:readline';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const HERE = path.dirname(fileURLToPath(import.meta.url));
export const REPO = path.resolve(HERE, '../..');
export const ARTIFACTS = path.join(REPO, 'tests', 'artifacts');
export const CHROMIUM = '/usr/bin/chromium';
/** profile.cookie_controls_mode per story mode. */
export const MODES = { blocked: 1, allowed: 0 };

export const BIN = process.env.REPLYBOX_BIN
  ? path.resolve(REPO, process.env.REPLYBOX_BIN)
  : path.join(process.env.CARGO_TARGET_DIR ? path.resolve(REPO, process.env.CARGO_TARGET_DIR) : path.join(REPO, 'target'), 'debug', 'replybox');

// From TESTING.md; Playwright's own defaults would un-partition iframe storage.
const CHROMIUM_FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--hide-scrollbars', '--mute-audio', '--window-size=1000,800'
];

export async function freePort() {
  const srv = net.createServer();
  await new Promise((ok, fail) => srv.once('error', fail).listen(0, '127.0.0.1', ok));
  const { port } = srv.address();
  await new Promise((ok) => srv.close(ok));
  return port;
}

const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));
const esc = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The stories' limits and sites: limits off (the stories post as fast as a script can; the
 * bot-speed rule has its own Rust tests), `open` publishes at once, `held` holds everything.
 */
export const storySites = (blogOrigin) => `[limits]
enabled = false
[[sites]]
id = "open"
name = "Open blog"
origins = ["${blogOrigin}"]
moderation = "none"
guests = true
min_seconds_to_write = 0
[[sites]]
id = "held"
name = "Held blog"
origins = ["${blogOrigin}"]
moderation = "all"
guests = true
min_seconds_to_write = 0
`;

/**
 * Starts replybox with a fresh SQLite file; resolves once /healthz answers 200. `extraConfig`,
 * if given, is called with replybox's origin and returns TOML appended to the config.
 */
export async function startReplybox(blogOrigin, extraConfig, serverLines = '') {
  if (!fs.existsSync(BIN)) {
    throw new Error(`replybox binary not found at ${BIN}: build it (cargo build) or set REPLYBOX_BIN`);
  }
  const port = await freePort();
  const tmp = await fsp.mkdtemp(path.join(os.tmpdir(), 'replybox-browser-'));
  const config = path.join(tmp, 'config.toml');
  const extra = extraConfig ? await extraConfig(`http://localhost:${port}`) : '';
  await fsp.writeFile(config, `[server]
listen = "127.0.0.1:${port}"
public_url = "http://localhost:${port}"
${serverLines}
[database]
url = "sqlite://${tmp}/replybox.db"
${storySites(blogOrigin)}
${extra}`);
  // REPLYBOX_* in our own environment (REPLYBOX_BIN, REPLYBOX_TEST_POSTGRES_URL…) would be read
  // as config overrides by the server: the child gets none of them.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('REPLYBOX_')));
  env.RUST_LOG ??= 'info';
  const logPath = path.join(tmp, 'replybox.log');
  const log = fs.openSync(logPath, 'a');
  const child = spawn(BIN, ['serve', '--config', config], { cwd: REPO, env, stdio: ['ignore', log, log] });
  fs.closeSync(log);
  let exited = null;
  child.on('exit', (code, signal) => { exited = { code, signal }; });
  const origin = `http://localhost:${port}`;
  const readLog = () => { try { return fs.readFileSync(logPath, 'utf8'); } catch { return ''; } };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited) throw new Error(`replybox exited during start-up (${JSON.stringify(exited)}):\n${readLog()}`);
    try {
      const r = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (r.status === 200) break;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`replybox did not answer /healthz within 60 s:\n${readLog()}`);
    }
    await sleep(100);
  }
  return {
    origin, port, tmp, log: readLog,
    async stop() {
      if (!exited) {
        const gone = new Promise((ok) => child.once('exit', ok));
        child.kill('SIGTERM');
        if (await Promise.race([gone.then(() => true), sleep(5000).then(() => false)]) === false) {
          child.kill('SIGKILL');
          await gone;
        }
      }
      if (!process.env.KEEP_TMP) await fsp.rm(tmp, { recursive: true, force: true });
    }
  };
}

/**
 * The blog: a second site (127.0.0.1, while replybox is on localhost).
 *   /post/<slug>?site=S[&theme=T][&lang=L][&uri=U][&title=…][&canonical=URL][&replybox=ip]
 *                                                     a post embedding the thread
 *   /index?site=S&uris=/a,/b                          an index page with count spans only
 */
export async function startBlog(port, replyboxOrigin) {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://blog');
    const q = url.searchParams;
    // ?replybox=ip: the page reaches replybox by its address (127.0.0.1), not by public_url's name.
    const from = q.get('replybox') === 'ip' ? replyboxOrigin.replace('//localhost:', '//127.0.0.1:') : replyboxOrigin;
    const script = (extra = '') =>
      `<script src="${esc(from)}/embed.js" data-site="${esc(q.get('site') || 'open')}"${extra} async></script>`;
    const canonical = q.has('canonical') ? `<link rel="canonical" href="${esc(q.get('canonical'))}">` : '';
    const page = (title, main) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>${esc(title)}</title>${canonical}</head>
<body><main><h1>${esc(title)}</h1>${main}</main></body></html>`;
    let html;
    if (url.pathname.startsWith('/post/')) {
      const title = q.get('title') || 'A post';
      let extra = '';
      for (const k of ['theme', 'lang', 'uri']) if (q.has(k)) extra += ` data-${k}="${esc(q.get(k))}"`;
      html = page(title, `<p>Some words, and <a href="/">a link</a> to tab past.</p>
<div id="replybox-thread"></div>${script(extra)}`);
    } else if (url.pathname === '/index') {
      const items = (q.get('uris') || '').split(',').filter(Boolean).map((u) =>
        `<li><a href="${esc(u)}">${esc(u)}</a> — <span data-replybox-count="${esc(u)}">?</span> comments</li>`);
      html = page('All posts', `<ul>${items.join('')}</ul>${script()}`);
    } else {
      res.writeHead(url.pathname === '/favicon.ico' ? 204 : 404).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' }).end(html);
  });
  await new Promise((ok, fail) => server.once('error', fail).listen(port, '127.0.0.1', ok));
  return { origin: `http://127.0.0.1:${port}`, port, stop: () => new Promise((ok) => server.close(ok)) };
}

/**
 * Both servers; the blog's port is chosen first because replybox's config names it.
 * `server`: lines for replybox's [server] table (`trusted_proxies = ["127.0.0.1/32"]` lets a
 * story play readers on other networks with X-Forwarded-For).
 */
export async function startEnv({ server = '' } = {}) {
  const blogPort = await freePort();
  const blogOrigin = `http://127.0.0.1:${blogPort}`;
  const rb = await startReplybox(blogOrigin, undefined, server);
  const blog = await startBlog(blogPort, rb.origin);
  return {
    rb, blog,
    async stop() {
      await blog.stop();
      await rb.stop();
    }
  };
}

/** A fresh Chromium profile with third-party cookies blocked or allowed. */
export async function openBrowser(env, mode, { viewport = { width: 1000, height: 800 }, args = [] } = {}) {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
  if (!(mode in MODES)) throw new Error(`unknown mode ${mode}`);
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'replybox-chromium-'));
  await fsp.mkdir(path.join(dir, 'Default'));
  await fsp.writeFile(path.join(dir, 'Default', 'Preferences'),
    JSON.stringify({ profile: { cookie_controls_mode: MODES[mode] } }));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM,
    // All of Playwright's defaults off; it still needs the pipe, the profile and a first tab.
    ignoreDefaultArgs: true,
    args: [...CHROMIUM_FLAGS, ...args, `--user-data-dir=${dir}`, '--remote-debugging-pipe', 'about:blank'],
    viewport
  });
  const requests = [];
  const dialogs = [];
  const problems = [];
  context.on('request', (r) => requests.push({ url: r.url(), method: r.method() }));
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.on('dialog', (d) => { dialogs.push(`${d.type()}: ${d.message()}`); d.dismiss().catch(() => {}); });
  page.on('pageerror', (e) => problems.push(`uncaught: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused to/i.test(m.text())) problems.push(`console: ${m.text()}`);
  });
  return {
    context, page, requests, dialogs, problems, mode,
    async close() {
      await context.close().catch(() => {});
      await fsp.rm(dir, { recursive: true, force: true });
    }
  };
}

/**
 * One story in one cookie mode: a fresh profile, a screenshot at the end (pass or fail) in
 * tests/artifacts/<name>-<mode>.png, and the checks every story shares: no request left the
 * two sites (or the origins `opts.alsoAllowed` names), no dialog opened, no uncaught error or
 * CSP violation.
 */
export async function story(env, mode, name, fn, opts) {
  const b = await openBrowser(env, mode, opts);
  let failure = null;
  try {
    await fn(b);
  } catch (e) {
    failure = e;
  }
  await fsp.mkdir(ARTIFACTS, { recursive: true });
  await screenshot(b.page, path.join(ARTIFACTS, `${name}-${mode}.png`)).catch(() => {});
  await b.close();
  if (failure) throw failure;
  const allowed = new Set([env.blog.origin, env.rb.origin, ...(opts?.alsoAllowed ?? [])]);
  const foreign = b.requests.filter((r) => /^https?:/.test(r.url) && !allowed.has(new URL(r.url).origin));
  if (foreign.length) throw new Error(`requests to other origins:\n${foreign.map((r) => r.url).join('\n')}`);
  if (b.dialogs.length) throw new Error(`dialogs opened:\n${b.dialogs.join('\n')}`);
  if (b.problems.length) throw new Error(`page problems:\n${b.problems.join('\n')}`);
}

/**
 * A whole-page PNG. A cross-site (out-of-process) iframe is only painted near the viewport, so
 * a fullPage capture leaves its lower part blank: grow the viewport to the page instead.
 */
async function screenshot(page, file) {
  const size = page.viewportSize();
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  if (size && height > size.height) {
    await page.setViewportSize({ width: size.width, height: Math.min(height, 8000) });
    await page.waitForTimeout(300);
  }
  await page.screenshot({ path: file });
}

/** The thread iframe's frame, once the app has rendered its heading (or an error). */
export async function widget(page) {
  const el = await page.waitForSelector('iframe[title="Comments"]');
  const frame = await el.contentFrame();
  await frame.waitForSelector('#rb-title, .rb-err');
  return frame;
}

/** Posts a comment through the HTTP API as the blog's page would (Origin: the blog). */
export async function seed(env, { site = 'open', uri, title = null, parent = null, body, author }) {
  const r = await fetch(`${env.rb.origin}/api/comments`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: env.blog.origin },
    body: JSON.stringify({ site, uri, title, parent, body, author: { email: 'seed@example.com', url: null, ...author } })
  });
  const text = await r.text();
  if (r.status !== 201) throw new Error(`seeding failed: ${r.status} ${text}`);
  return JSON.parse(text).comment;
}

/** Height of the iframe element on the host page, in CSS px. */
export const frameHeight = (page) =>
  page.$eval('iframe[title="Comments"]', (f) => f.getBoundingClientRect().height);

/** Polls fn until it returns a truthy value (or throws the last error after timeout ms). */
export async function until(fn, timeout = 10_000, what = 'condition') {
  const end = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last ? `: ${last.message}` : ''}`);
    await sleep(100);
  }
}

/** The node provider with replybox's client registered; resolves with its issuer. */
export async function startProvider(replyboxOrigin) {
  const child = spawn('node', ['server.mjs'], {
    cwd: path.join(REPO, 'tests', 'oidc'),
    env: {
      ...process.env,
      OIDC_CONFORM: '1',
      OIDC_CLIENTS: JSON.stringify([{
        client_id: 'replybox-corp', client_secret: 'corp-secret',
        redirect_uris: [`${replyboxOrigin}/auth/corp/callback`]
      }])
    },
    stdio: ['ignore', 'pipe', 'ignore']
  });
  const line = await new Promise((ok, fail) => {
    readline.createInterface({ input: child.stdout }).once('line', ok);
    child.once('exit', (code) => fail(new Error(`the OIDC provider exited (${code}): run npm ci in tests/oidc`)));
  });
  return { issuer: JSON.parse(line).issuer, stop: () => child.kill() };
}
