// The widget's stories in a real Chromium, each with third-party cookies blocked and allowed.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { MODES, BIN, REPO, startEnv, story, widget, seed, frameHeight, until, openBrowser } from './harness.mjs';

const T = { timeout: 120_000 };
let env;

/** The blog post page for a story; the thread key is its path. */
const postUrl = (slug, q = {}) =>
  `${env.blog.origin}/post/${slug}?${new URLSearchParams({ site: 'open', ...q })}`;

async function fillGuest(frame, { body, name, email = 'reader@example.com', url = '' }) {
  await frame.fill('#rb-body', body);
  await frame.fill('#rb-name', name);
  await frame.fill('#rb-email', email);
  if (url) await frame.fill('#rb-url', url);
}

const luminance = (rgb) => {
  const [r, g, b] = rgb.match(/\d+(\.\d+)?/g).map(Number);
  return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
};

describe('replybox widget in Chromium', () => {
  before(async () => { env = await startEnv(); });
  after(async () => { await env?.stop(); });

  for (const mode of Object.keys(MODES)) {
    describe(`third-party cookies ${mode}`, () => {
      test('the thread shows existing comments and the iframe grows to fit', T, () =>
        story(env, mode, 'existing', async ({ page }) => {
          const uri = `/post/existing-${mode}`;
          const a = await seed(env, { uri, title: 'Existing', body: 'First! *emphasis* here.',
            author: { name: 'Ada', url: 'https://ada.example/' } });
          await seed(env, { uri, title: 'Existing', parent: a.id, body: 'Welcome, Ada.', author: { name: 'Brendan' } });

          await page.goto(postUrl(`existing-${mode}`, { title: 'Existing' }));
          const f = await widget(page);
          assert.equal(await f.textContent('#rb-title'), '2 comments on “Existing”');
          assert.match(await f.textContent(`#c-${a.id} .rb-body`), /First!/);
          assert.equal(await f.textContent(`#c-${a.id} .rb-body em`), 'emphasis');
          // Author link: nofollow ugc, new tab.
          const link = await f.$(`#c-${a.id} .rb-name a`);
          assert.equal(await link.getAttribute('href'), 'https://ada.example/');
          assert.match(await link.getAttribute('rel'), /nofollow/);
          assert.match(await link.getAttribute('rel'), /ugc/);
          assert.equal(await link.getAttribute('target'), '_blank');
          // The reply is nested under its parent.
          assert.match(await f.textContent(`#c-${a.id} > .rb-kids .rb-body`), /Welcome, Ada\./);
          // Relative time with the exact time on hover.
          const time = await f.$(`#c-${a.id} time`);
          assert.ok(await time.getAttribute('datetime'));
          assert.ok(await time.getAttribute('title'));
          assert.match(await time.textContent(), /just now|minute/);
          // Every comment shows its avatar, drawn by replybox itself.
          await until(() => f.$$eval('img.rb-av', (imgs) => imgs.length === 2 && imgs.every((i) => i.complete && i.naturalWidth > 0)), 10_000, 'both avatars');
          for (const src of await f.$$eval('img.rb-av', (imgs) => imgs.map((i) => i.src))) {
            assert.equal(new URL(src).origin, env.rb.origin);
          }
          // The iframe grew from the loader's initial 240px to the content's height.
          await until(async () => {
            const outer = await frameHeight(page);
            const inner = await f.evaluate(() => document.documentElement.getBoundingClientRect().height);
            return outer > 240 && Math.abs(outer - inner) <= 2;
          }, 10_000, 'the iframe to take its content height');
          // A height message from anyone but the thread's own frame is ignored.
          const settled = await frameHeight(page);
          // Messages to one window arrive in order: once a marker posted after the forgery has
          // arrived, the loader has already seen (and ignored) the forgery.
          await page.evaluate(() => new Promise((done) => {
            addEventListener('message', function marker(e) {
              if (e.data === 'rb-test-marker') { removeEventListener('message', marker); done(); }
            });
            window.postMessage({ type: 'replybox:height', height: 3 }, '*');
            window.postMessage('rb-test-marker', '*');
          }));
          assert.equal(await frameHeight(page), settled, 'a forged height message resized the thread');
          // The profile really is in the mode we think it is: a SameSite=None cookie written
          // in the cross-site iframe sticks only when third-party cookies are allowed.
          const stuck = await f.evaluate(() => {
            document.cookie = 'rbprobe=1; SameSite=None; Secure; Path=/';
            return document.cookie.includes('rbprobe=1');
          });
          assert.equal(stuck, mode === 'allowed', `cookie_controls_mode did not take effect (${mode})`);
        }));

      test('a thread imported from WordPress shows in the widget with its nesting', T, () =>
        story(env, mode, 'imported', async ({ page }) => {
          // The owner runs `replybox import` beside the running server, as the README says; the
          // second mode's run finds everything there already (a re-run changes nothing).
          const key = '/post/imported/2014/test/';
          const env_ = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('REPLYBOX_')));
          const summary = execFileSync(BIN, ['--config', path.join(env.rb.tmp, 'config.toml'), 'import',
            '--site', 'open', '--map-url', 'http://example.tld/=/post/imported/',
            path.join(REPO, 'tests/corpus/wxr/isso__tests_wordpress.xml')], { env: env_, encoding: 'utf8' });
          assert.match(summary, /^2 threads, (8 comments \(3 replies\), 0|0 comments \(0 replies\), 8) already imported/);
          await page.goto(postUrl(`imported-${mode}`, { uri: key }));
          const f = await widget(page);
          await f.waitForSelector('.rb-c');
          assert.equal(await f.$$eval('.rb-c', (c) => c.length), 7);
          // 6 → 7 → {8, 9}: the reply to a reply sits two levels down.
          const deep = await f.$$eval('.rb-kids .rb-kids .rb-c .rb-body', (b) => b.map((x) => x.textContent.trim()));
          assert.deepEqual(deep.sort(), ['...', 'Yet another reply.']);
          assert.match(await f.textContent('#rb-title'), /7 comments/);
          assert.equal(await f.evaluate(() => document.querySelectorAll('.rb-body script, [onerror], [onload]').length), 0);
        }));

      test('the thread key: data-uri, else the canonical link\'s path, else the page path', T, () =>
        story(env, mode, 'thread-key', async ({ page }) => {
          const key = `/post/key-${mode}`;
          await seed(env, { uri: key, title: 'Key', body: 'Found by its key.', author: { name: 'Kay' } });
          const found = async (url) => {
            await page.goto(url);
            return (await (await widget(page)).textContent('#rb-title')) !== 'No comments yet';
          };
          assert.ok(await found(postUrl(`key-${mode}`)), 'location.pathname');
          assert.ok(await found(postUrl(`alias-${mode}`, { canonical: `${env.blog.origin}${key}` })), 'canonical link');
          assert.ok(await found(postUrl(`other-${mode}`, { uri: key })), 'data-uri');
          assert.ok(!(await found(postUrl(`alias-${mode}`))), 'a different path is a different thread');
        }));

      test('a page that reaches replybox by another name than public_url still shows avatars', T, () =>
        story(env, mode, 'other-name', async ({ page }) => {
          const uri = `/post/other-name-${mode}`;
          await seed(env, { uri, title: 'Other name', body: 'Seen from 127.0.0.1.', author: { name: 'Ip' } });
          await page.goto(postUrl(`other-name-${mode}`, { replybox: 'ip' }));
          const f = await widget(page);
          const frameOrigin = await f.evaluate(() => location.origin);
          assert.equal(frameOrigin, env.rb.origin.replace('//localhost:', '//127.0.0.1:'));
          await until(() => f.$$eval('img.rb-av', (imgs) => imgs.length === 1 && imgs[0].complete && imgs[0].naturalWidth > 0), 10_000, 'the avatar');
          assert.equal(new URL(await f.$eval('img.rb-av', (i) => i.src)).origin, frameOrigin, 'from the frame\'s own origin');
        }, { alsoAllowed: [env.rb.origin.replace('//localhost:', '//127.0.0.1:')] }));

      test('a guest posts and sees the comment (site open)', T, () =>
        story(env, mode, 'guest-post', async ({ page }) => {
          await page.goto(postUrl(`guest-${mode}`, { title: 'Guest post' }));
          let f = await widget(page);
          assert.equal(await f.textContent('#rb-title'), 'No comments yet');
          await fillGuest(f, { body: 'Hello from a **guest**.', name: 'Grace', url: 'https://grace.example/' });
          await f.click('button[type=submit]');
          await f.waitForSelector('.rb-c .rb-body strong');
          assert.equal(await f.textContent('#rb-title'), '1 comment on “Guest post”');
          assert.equal(await f.textContent('#rb-status'), 'Your comment was posted.');
          assert.equal(await f.$('.rb-pending'), null);
          assert.equal(await f.inputValue('#rb-body'), '');
          // Still there after a reload, and the guest's details are remembered.
          await page.reload();
          f = await widget(page);
          assert.equal(await f.textContent('#rb-title'), '1 comment on “Guest post”');
          assert.match(await f.textContent('.rb-c .rb-body'), /Hello from a guest\./);
          assert.equal(await f.inputValue('#rb-name'), 'Grace');
          assert.equal(await f.inputValue('#rb-email'), 'reader@example.com');
          assert.equal(await f.inputValue('#rb-url'), 'https://grace.example/');
        }));

      test('a held comment is shown to its author only (site held)', T, () =>
        story(env, mode, 'held', async ({ page }) => {
          const url = postUrl(`held-${mode}`, { site: 'held', title: 'Held' });
          await page.goto(url);
          let f = await widget(page);
          await fillGuest(f, { body: 'Please approve me.', name: 'Hal' });
          await f.click('button[type=submit]');
          await f.waitForSelector('.rb-pending');
          assert.equal(await f.textContent('.rb-pending'), 'Your comment is awaiting moderation.');
          assert.equal(await f.textContent('#rb-title'), 'No comments yet');
          // The author still sees it after a reload (credential in the iframe's storage).
          await page.reload();
          f = await widget(page);
          await f.waitForSelector('.rb-pending');
          assert.match(await f.textContent('.rb-c .rb-body'), /Please approve me\./);
          // Another reader (a fresh profile in the same mode) does not.
          const other = await openBrowser(env, mode);
          try {
            await other.page.goto(url);
            const g = await widget(other.page);
            assert.equal(await g.textContent('#rb-title'), 'No comments yet');
            assert.equal(await g.$('.rb-c'), null);
            assert.ok(!(await g.textContent('body')).includes('Please approve me'));
          } finally {
            await other.close();
          }
        }));

      test('replies nest (flat below depth 3) and the form moves under the comment', T, () =>
        story(env, mode, 'nested', async ({ page }) => {
          const uri = `/post/nested-${mode}`;
          const names = ['Alice', 'Bob', 'Carol', 'Dave', 'Eve'];
          const chain = [];
          for (const [i, name] of names.entries()) {
            chain.push(await seed(env, { uri, title: 'Nested', parent: chain[i - 1]?.id ?? null,
              body: `Level ${i} by ${name}`, author: { name } }));
          }
          const [c0, c1, c2, c3, c4] = chain.map((c) => c.id);
          await page.goto(postUrl(`nested-${mode}`, { title: 'Nested' }));
          const f = await widget(page);
          // Depths 1..3 are nested lists; depth 4 sits beside depth 3, naming its parent.
          assert.ok(await f.$(`#c-${c0} > .rb-kids > #c-${c1} > .rb-kids > #c-${c2} > .rb-kids > #c-${c3}`));
          assert.equal(await f.$(`#c-${c3} #c-${c4}`), null);
          assert.ok(await f.$(`#c-${c2} > .rb-kids > #c-${c4}`));
          assert.equal(await f.textContent(`#c-${c4} .rb-to`), 'in reply to Dave');
          assert.equal(await f.$(`#c-${c3} .rb-to`), null);

          // Reply moves the form under the comment; Cancel brings it back.
          await f.click(`#c-${c0} > article .rb-reply`);
          assert.ok(await f.$(`#c-${c0} > #rb-respond`));
          assert.equal(await f.textContent('#rb-leave'), 'Leave a Reply to Alice');
          assert.equal(await f.evaluate(() => document.activeElement.id), 'rb-body');
          await f.click('text=Cancel reply');
          assert.ok(await f.$('#replybox > #rb-respond'));
          assert.equal(await f.isVisible('text=Cancel reply'), false);

          await f.click(`#c-${c0} > article .rb-reply`);
          const before = await frameHeight(page);
          await fillGuest(f, { body: 'A reply typed in the browser.', name: 'Frank' });
          await f.click('button[type=submit]');
          const li = await f.waitForSelector(`#c-${c0} > .rb-kids > li:last-child .rb-body >> text=A reply typed in the browser.`);
          assert.ok(li);
          assert.ok(await f.$('#replybox > #rb-respond'), 'the form went back to the bottom');
          assert.equal(await f.textContent('#rb-title'), '6 comments on “Nested”');
          await until(async () => (await frameHeight(page)) > before, 5000, 'the iframe to grow after the reply');
        }));

      test('deep threads stay readable at 320 px', T, () =>
        story(env, mode, 'narrow', async ({ page }) => {
          const uri = `/post/narrow-${mode}`;
          let parent = null;
          for (const name of ['Una', 'Vic', 'Wes', 'Xia', 'Yan']) {
            const c = await seed(env, { uri, parent, author: { name },
              body: `${name} says: a-rather-long-unbroken-word-that-could-overflow-a-narrow-column` });
            parent = c.id;
          }
          await page.goto(postUrl(`narrow-${mode}`, { title: 'Narrow' }));
          const f = await widget(page);
          await f.waitForSelector('.rb-c');
          const overflow = await f.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
          assert.ok(overflow <= 0, `horizontal overflow of ${overflow}px at 320px`);
          const width = await f.$eval('#rb-body', (t) => t.getBoundingClientRect().width);
          assert.ok(width >= 250, `textarea only ${width}px wide`);
        }, { viewport: { width: 320, height: 640 } }));

      test('counts fill an index page with one request and no thread', T, () =>
        story(env, mode, 'counts', async ({ page, requests }) => {
          const a = `/post/count-a-${mode}`;
          const b = `/post/count-b-${mode}`;
          const c = `/post/count-c-${mode}`;
          await seed(env, { uri: a, body: 'one', author: { name: 'P' } });
          await seed(env, { uri: a, body: 'two', author: { name: 'Q' } });
          await seed(env, { uri: b, body: 'three', author: { name: 'R' } });
          await page.goto(`${env.blog.origin}/index?site=open&uris=${[a, b, c, a].join(',')}`);
          await until(async () => {
            const texts = await page.$$eval('[data-replybox-count]', (s) => s.map((x) => x.textContent));
            return JSON.stringify(texts) === JSON.stringify(['2', '1', '0', '2']);
          }, 10_000, 'the counts 2, 1, 0, 2');
          assert.equal(await page.$('iframe'), null, 'an index page gets no thread');
          const posts = requests.filter((r) => r.url === `${env.rb.origin}/api/counts` && r.method === 'POST');
          assert.equal(posts.length, 1);
        }));

      test('hostile bodies, names and titles render as inert text', T, () =>
        story(env, mode, 'hostile', async ({ page, dialogs }) => {
          const uri = `/post/hostile-${mode}`;
          const evilName = '<b onmouseover=alert(1)>x</b>';
          const evilTitle = 'Evil </title><script>alert(5)</script>';
          const c = await seed(env, { uri, author: { name: evilName },
            body: '<img src=x onerror=alert(1)> <script>alert(2)</script> <a href="javascript:alert(3)">click</a> **ok**' });
          await page.goto(postUrl(`hostile-${mode}`, { title: evilTitle }));
          const f = await widget(page);
          assert.equal(await f.textContent(`#c-${c.id} .rb-name`), evilName);
          assert.equal(await f.$(`#c-${c.id} .rb-name b`), null);
          await f.hover(`#c-${c.id} .rb-name`);
          assert.equal(await f.textContent('#rb-title'), `1 comment on “${evilTitle}”`);
          const live = await f.evaluate(() => ({
            handlers: document.querySelectorAll('[onerror],[onload],[onmouseover],[onclick]').length,
            scripts: document.querySelectorAll('.rb-body script, .rb-name script').length,
            jsLinks: document.querySelectorAll('a[href^="javascript:" i]').length
          }));
          assert.deepEqual(live, { handlers: 0, scripts: 0, jsLinks: 0 });

          // The same through the form.
          const typedName = '<img src=y onerror=alert(6)>';
          await fillGuest(f, { body: '<svg onload=alert(7)></svg> typed', name: typedName });
          await f.click('button[type=submit]');
          await f.waitForFunction(() => document.querySelectorAll('.rb-c').length === 2);
          const names = await f.$$eval('.rb-name', (n) => n.map((x) => x.textContent));
          assert.ok(names.includes(typedName), `typed name not shown literally: ${names}`);
          assert.equal(await f.evaluate(() => document.querySelectorAll('[onerror],[onload]').length), 0);
          // A payload would fire when its image loads or fails: wait until every image has, and
          // the frame has painted, before saying that nothing ran.
          await until(() => f.$$eval('img', (imgs) => imgs.every((i) => i.complete)), 10_000, 'images settled');
          await f.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
          assert.deepEqual(dialogs, []);
        }));

      test('keyboard only: Tab to the fields, Enter and Space on Post Comment', T, () =>
        story(env, mode, 'keyboard', async ({ page }) => {
          await page.goto(postUrl(`keyboard-${mode}`, { title: 'Keys' }));
          const f = await widget(page);
          await f.waitForSelector('#rb-body');
          const active = () => f.evaluate(() => (document.hasFocus() ? document.activeElement.id || document.activeElement.className : ''));
          await until(async () => {
            await page.keyboard.press('Tab');
            return (await active()) === 'rb-body';
          }, 10_000, 'Tab to reach the comment field');
          await page.keyboard.type('Typed with the keyboard only.');
          await page.keyboard.press('Tab');
          assert.equal(await active(), 'rb-name');
          await page.keyboard.press('Tab');
          assert.equal(await active(), 'rb-email');
          await page.keyboard.type('keys@example.com');
          await page.keyboard.press('Tab');
          assert.equal(await active(), 'rb-url');
          await page.keyboard.press('Tab');
          assert.equal(await active(), 'rb-submit');
          const ring = await f.evaluate(() => {
            const s = getComputedStyle(document.activeElement);
            return { style: s.outlineStyle, width: parseFloat(s.outlineWidth) };
          });
          assert.ok(ring.style !== 'none' && ring.width > 0, `no visible focus ring: ${JSON.stringify(ring)}`);
          // Enter without a name: a plain-words error, focus on the name, nothing lost.
          await page.keyboard.press('Enter');
          await f.waitForSelector('#rb-status.rb-err');
          assert.equal(await f.textContent('#rb-status'), 'Please enter your name.');
          assert.equal(await active(), 'rb-name');
          assert.equal(await f.getAttribute('#rb-name', 'aria-invalid'), 'true');
          assert.equal(await f.inputValue('#rb-body'), 'Typed with the keyboard only.');
          await page.keyboard.type('Kim');
          await page.keyboard.press('Tab');
          await page.keyboard.press('Tab');
          await page.keyboard.press('Tab');
          assert.equal(await active(), 'rb-submit');
          await page.keyboard.press('Space');
          await f.waitForSelector('.rb-c >> text=Typed with the keyboard only.');
          assert.equal(await f.textContent('#rb-status'), 'Your comment was posted.');
        }));

      test('themes: dark forced, light forced, auto follows the system; German strings', T, () =>
        story(env, mode, 'theme', async ({ page }) => {
          const bg = (f) => f.evaluate(() => getComputedStyle(document.body).backgroundColor);
          await page.emulateMedia({ colorScheme: 'dark' });
          await page.goto(postUrl(`theme-light-${mode}`, { theme: 'light' }));
          assert.ok(luminance(await bg(await widget(page))) > 0.8, 'light theme is light on a dark system');
          await page.goto(postUrl(`theme-auto-${mode}`, { theme: 'auto', lang: 'de-DE' }));
          let f = await widget(page);
          assert.ok(luminance(await bg(f)) < 0.2, 'auto follows a dark system');
          assert.equal(await f.textContent('#rb-title'), 'Noch keine Kommentare');
          assert.equal(await f.textContent('button[type=submit]'), 'Kommentar abschicken');
          await page.emulateMedia({ colorScheme: 'light' });
          await page.goto(postUrl(`theme-dark-${mode}`, { theme: 'dark' }));
          f = await widget(page);
          assert.ok(luminance(await bg(f)) < 0.2, 'dark theme is dark on a light system');
          assert.ok(luminance(await f.evaluate(() => getComputedStyle(document.body).color)) > 0.7);
        }));
    });
  }
});
