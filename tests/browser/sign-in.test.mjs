// Sign-in stories in a real Chromium, with third-party cookies blocked and allowed: a reader on
// a blog (127.0.0.1) signs in through the popup against a real OpenID Connect provider
// (tests/oidc), posts, reloads and is still signed in, then logs out; and, with pop-ups blocked,
// signs in by taking the whole page to the provider and back.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { MODES, ARTIFACTS, freePort, startReplybox, startBlog, startProvider, openBrowser, widget, until } from './harness.mjs';

const T = { timeout: 120_000 };
let env;

async function startSignInEnv() {
  const blogPort = await freePort();
  const blogOrigin = `http://127.0.0.1:${blogPort}`;
  let provider;
  const rb = await startReplybox(blogOrigin, async (origin) => {
    provider = await startProvider(origin);
    return `[auth]
allow_private_addresses = true
[auth.providers.corp]
kind = "oidc"
name = "Corp"
issuer = "${provider.issuer}"
client_id = "replybox-corp"
client_secret = "corp-secret"
`;
  });
  const blog = await startBlog(blogPort, rb.origin);
  return {
    rb, blog, provider,
    async stop() {
      await blog.stop();
      await rb.stop();
      provider.stop();
    }
  };
}

describe('sign-in in Chromium', () => {
  before(async () => { env = await startSignInEnv(); });
  after(async () => { await env?.stop(); });

  for (const mode of Object.keys(MODES)) {
    test(`third-party cookies ${mode}: sign in through the popup, post, reload, log out`, T, async () => {
      const b = await openBrowser(env, mode);
      const { page, context } = b;
      // Requests from the blog page and its iframe (the popup may talk to the provider).
      const fromBlog = [];
      page.on('request', (r) => fromBlog.push(r.url()));
      try {
        await page.goto(`${env.blog.origin}/post/sign-in-${mode}?site=open&title=Signed`);
        let f = await widget(page);
        const button = await f.waitForSelector('button.rb-provider[data-provider=corp]');
        assert.equal(await button.textContent(), 'Corp');
        assert.equal(new URL(await f.$eval('.rb-provider img', (i) => i.src)).origin, env.rb.origin);

        // A message from the blog's origin is not a sign-in.
        // Messages from one window to another arrive in order: once a marker posted after the
        // forgery has reached the frame, the frame's own listener has already handled it.
        await f.evaluate(() => {
          window.rbMarker = new Promise((done) => {
            addEventListener('message', function marker(e) {
              if (e.data === 'rb-test-marker') { removeEventListener('message', marker); done(); }
            });
          });
        });
        await page.evaluate(() => {
          const w = document.querySelector('iframe').contentWindow;
          w.postMessage({ replybox: 'sign-in', code: 'forged' }, '*');
          w.postMessage('rb-test-marker', '*');
        });
        await f.evaluate(() => window.rbMarker);
        assert.ok(!fromBlog.some((u) => u.includes('/auth/exchange')), 'a forged message was not exchanged');

        const [popup] = await Promise.all([context.waitForEvent('page'), button.click()]);
        await popup.waitForEvent('close', { timeout: 20_000 });
        await f.waitForSelector('.rb-out');
        assert.equal(await f.textContent('.rb-intro'), 'You are commenting as Ada Lovelace (Corp). · Log out');
        assert.equal(await f.$('#rb-name'), null, 'no guest fields once signed in');

        await f.fill('#rb-body', 'Hello, signed in.');
        await f.click('button[type=submit]');
        await f.waitForSelector('.rb-c .rb-via');
        assert.equal(await f.textContent('.rb-c .rb-name'), 'Ada Lovelace');
        assert.equal(await f.textContent('.rb-c .rb-via'), ' (Corp)');
        assert.equal(new URL(await f.$eval('.rb-c img.rb-av', (i) => i.src)).origin, env.rb.origin);
        assert.equal(await f.textContent('#rb-status'), 'Your comment was posted.');
        await fsp.mkdir(ARTIFACTS, { recursive: true });
        await page.screenshot({ path: path.join(ARTIFACTS, `sign-in-${mode}-signed-in.png`) });

        await page.reload();
        f = await widget(page);
        await f.waitForSelector('.rb-out');
        assert.match(await f.textContent('.rb-intro'), /Ada Lovelace \(Corp\)/);
        assert.ok(await f.$('.rb-c .rb-mine'), 'the comment is still recognised as mine');

        const token = await f.evaluate(() => localStorage.getItem('replybox.credential'));
        assert.ok(token);
        await f.click('.rb-out');
        await f.waitForSelector('button.rb-provider');
        assert.equal(await f.evaluate(() => localStorage.getItem('replybox.credential')), null);
        const ended = await fetch(`${env.rb.origin}/api/session`, { headers: { Authorization: `Bearer ${token}` } });
        assert.equal(ended.status, 401, 'the credential ended server-side');
        await page.reload();
        f = await widget(page);
        await f.waitForSelector('button.rb-provider');
        assert.equal(await f.$('.rb-out'), null);

        const allowed = new Set([env.blog.origin, env.rb.origin]);
        const foreign = fromBlog.filter((u) => /^https?:/.test(u) && !allowed.has(new URL(u).origin));
        assert.deepEqual(foreign, [], 'the blog page and the widget talk to no one else');
        assert.deepEqual(b.dialogs, []);
        assert.deepEqual(b.problems, []);
      } finally {
        await fsp.mkdir(ARTIFACTS, { recursive: true });
        await page.screenshot({ path: path.join(ARTIFACTS, `sign-in-${mode}-end.png`) }).catch(() => {});
        await b.close();
      }
    });
  }

  for (const mode of Object.keys(MODES)) {
    test(`third-party cookies ${mode}: pop-ups blocked, sign in with the whole page and come back`, T, async () => {
      const b = await openBrowser(env, mode);
      const { page } = b;
      const requests = [];
      page.on('request', (r) => requests.push(r.url()));
      // Every address the top page shows, same-document changes (replaceState) included; the
      // redirects on the way (start, provider, callback) are in `requests`.
      const visited = [];
      page.on('framenavigated', (fr) => { if (fr === page.mainFrame()) visited.push(fr.url()); });
      const post = `${env.blog.origin}/post/full-page-${mode}?site=open&title=Redirected`;
      try {
        await page.goto(post);
        let f = await widget(page);
        await f.evaluate(() => { window.open = () => null; });
        await f.click('button.rb-provider[data-provider=corp]');
        // replybox's own page asks before leaving for the provider (a crafted link is never one click).
        await page.waitForSelector('#replybox-continue', { timeout: 20_000 });
        assert.match(await page.textContent('main'), /Open blog[\s\S]*Corp/);
        await page.click('#replybox-continue');

        const back = await until(() => visited.find((u) => u.includes('#replybox-code=')), 20_000, 'the return to the post');
        assert.ok(back.startsWith(`${post}#replybox-code=`), back);
        const start = new URL(requests.find((u) => u.startsWith(`${env.rb.origin}/auth/corp/start?`)));
        assert.equal(start.searchParams.get('return'), post);
        assert.match(start.searchParams.get('claim'), /^[0-9a-f]{64}$/);

        f = await widget(page);
        await f.waitForSelector('.rb-out');
        assert.equal(await f.textContent('.rb-intro'), 'You are commenting as Ada Lovelace (Corp). · Log out');
        // The code left the address bar at once, and no request (analytics would be one) carried it.
        assert.equal(page.url(), post);
        assert.equal(await page.evaluate(() => location.href), post);
        const code = back.split('#replybox-code=')[1];
        assert.deepEqual(requests.filter((u) => u.includes(code)), []);
        assert.equal(await f.evaluate(() => localStorage.getItem('replybox.claim')), null, 'the secret is used up');
        assert.ok(await f.evaluate(() => localStorage.getItem('replybox.credential')));

        await f.fill('#rb-body', 'Hello, from a page that came back.');
        await f.click('button[type=submit]');
        await f.waitForSelector('.rb-c .rb-via');
        assert.equal(await f.textContent('.rb-c .rb-name'), 'Ada Lovelace');
        assert.equal(await f.textContent('.rb-c .rb-via'), ' (Corp)');
        assert.equal(await f.textContent('#rb-status'), 'Your comment was posted.');

        await page.reload();
        f = await widget(page);
        await f.waitForSelector('.rb-out');
        assert.ok(await f.$('.rb-c .rb-mine'), 'still signed in after a reload');

        assert.deepEqual(b.dialogs, []);
        assert.deepEqual(b.problems, []);
      } finally {
        await fsp.mkdir(ARTIFACTS, { recursive: true });
        await page.screenshot({ path: path.join(ARTIFACTS, `sign-in-full-page-${mode}.png`) }).catch(() => {});
        await b.close();
      }
    });

    test(`third-party cookies ${mode}: a full-page sign-in the reader cancels comes back and says so`, T, async () => {
      const b = await openBrowser(env, mode);
      const { page } = b;
      const visited = [];
      page.on('framenavigated', (fr) => { if (fr === page.mainFrame()) visited.push(fr.url()); });
      // At the provider, the reader says no: the test provider refuses `login_hint=deny`, which
      // replybox's start passes on (routes do not see the redirect to the provider itself).
      await page.route((url) => url.href.startsWith(`${env.rb.origin}/auth/corp/start?`), (route) => {
        const url = new URL(route.request().url());
        url.searchParams.set('login_hint', 'deny');
        return route.continue({ url: url.href });
      });
      const post = `${env.blog.origin}/post/full-page-cancelled-${mode}?site=open&title=Cancelled`;
      try {
        await page.goto(post);
        let f = await widget(page);
        await f.evaluate(() => { window.open = () => null; });
        await f.click('button.rb-provider[data-provider=corp]');
        // replybox's own page asks before leaving for the provider (a crafted link is never one click).
        await page.waitForSelector('#replybox-continue', { timeout: 20_000 });
        assert.match(await page.textContent('main'), /Open blog[\s\S]*Corp/);
        await page.click('#replybox-continue');

        const back = await until(() => visited.find((u) => u.includes('#replybox-error=')), 20_000, 'the return to the post');
        assert.equal(back, `${post}#replybox-error=sign_in_denied`);
        f = await widget(page);
        await until(async () => (await f.textContent('#rb-status')) === 'Log-in was cancelled.', 10_000, 'the message');
        assert.equal(page.url(), post, 'the reason left the address bar');
        assert.equal(await f.evaluate(() => localStorage.getItem('replybox.claim')), null, 'the secret is used up');
        assert.equal(await f.evaluate(() => localStorage.getItem('replybox.credential')), null);
        assert.ok(await f.$('button.rb-provider[data-provider=corp]'), 'the reader can try again');
        assert.deepEqual(b.dialogs, []);
        assert.deepEqual(b.problems, []);
      } finally {
        await fsp.mkdir(ARTIFACTS, { recursive: true });
        await page.screenshot({ path: path.join(ARTIFACTS, `sign-in-full-page-cancelled-${mode}.png`) }).catch(() => {});
        await b.close();
      }
    });
  }
});
