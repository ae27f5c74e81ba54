// Moderating in place, in a real Chromium with third-party cookies blocked and allowed: a reader
// posts a comment that is held; a moderator opens the blog's page, signs in through the widget's
// "Moderators: sign in" popup (the admin login first, first-party), sees the held comments in
// place with their tools, approves one from the keyboard, pins another, bans a spammer through
// the confirmation inside the widget (no dialog), and a reader's fresh page shows the outcome;
// the audit log in /admin shows every action under admin:NAME.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { ARTIFACTS, BIN, MODES, REPO, startEnv, story, widget, seed, until, openBrowser } from './harness.mjs';

const T = { timeout: 120_000 };
const PASSWORD = 'correct horse battery staple';
let env;

/** Creates the moderator account with the real command line, as an operator would. */
function addModerator(name) {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('REPLYBOX_')));
  const r = spawnSync(BIN, ['admin', 'add', name, '--password-stdin', '--role', 'moderator', '--sites', 'held',
    '--config', path.join(env.rb.tmp, 'config.toml')], { cwd: REPO, env: clean, input: PASSWORD + '\n', encoding: 'utf8' });
  assert.equal(r.status, 0, `admin add failed: ${r.stderr}`);
}

/** Every page of a browser context (the popup too) reports dialogs, errors and CSP refusals. */
function watch(b) {
  const watchPage = (p) => {
    p.on('dialog', (d) => { b.dialogs.push(`${d.type()}: ${d.message()}`); d.dismiss().catch(() => {}); });
    p.on('pageerror', (e) => b.problems.push(`uncaught: ${e.message}`));
    p.on('console', (m) => {
      if (m.type() === 'error' && /Content Security Policy|Refused to/i.test(m.text())) b.problems.push(`console: ${m.text()}`);
    });
  };
  b.context.on('page', watchPage);
}

const postUrl = (slug) => `${env.blog.origin}/post/${slug}?site=held&title=Held`;
const liveText = (f) => f.textContent('.rb-mod-live');

describe('moderating in place in Chromium', () => {
  before(async () => {
    env = await startEnv();
    addModerator('mia');
  });
  after(async () => { await env?.stop(); });

  for (const mode of Object.keys(MODES)) {
    test(`third-party cookies ${mode}: a moderator signs in inside the widget and works the queue in place`, T, () =>
      story(env, mode, 'moderating-in-place', async ({ page }) => {
        const slug = `in-place-${mode}`;
        // A reader's comment, held; and two more already waiting.
        await page.goto(postUrl(slug));
        let f = await widget(page);
        await f.fill('#rb-body', `Please approve me (${mode})`);
        await f.fill('#rb-name', 'Grace');
        await f.fill('#rb-email', 'grace@example.org');
        await f.click('.rb-submit');
        await f.waitForSelector('.rb-pending');
        const held = Number((await f.$eval('.rb-c:has(.rb-pending)', (li) => li.id)).slice(2));
        const pinMe = await seed(env, { site: 'held', uri: `/post/${slug}`, body: 'Worth pinning', author: { name: 'Ada' } });
        const spam = await seed(env, { site: 'held', uri: `/post/${slug}`, body: 'Buy cheap watches', author: { name: 'Spammer', email: `spam-${mode}@example.org` } });

        const mod = await openBrowser(env, mode);
        watch(mod);
        try {
          await mod.page.goto(postUrl(slug));
          let m = await widget(mod.page);
          assert.equal(await m.locator('.rb-c').count(), 0, 'nothing public yet');
          const signIn = await m.waitForSelector('button.rb-mod-in');
          assert.equal(await signIn.textContent(), 'Moderators: sign in');
          assert.equal(await m.evaluate(() => window.replybox.tools), null, 'no tools for readers');
          assert.ok(!mod.requests.some((r) => r.url.includes('/embed/moderate.')), 'readers never fetch the tools');

          // The popup: first-party on replybox, the admin login first, then back, code, close.
          const [popup] = await Promise.all([mod.context.waitForEvent('page'), signIn.click()]);
          await popup.waitForURL(/\/admin\/login\?next=/);
          await popup.fill('#name', 'mia');
          await popup.fill('#password', PASSWORD);
          await Promise.all([popup.waitForEvent('close', { timeout: 20_000 }), popup.click('button[type=submit]')]);

          // Signed in as a moderator: the held comments in place, each with its tools.
          await m.waitForSelector(`#c-${held} .rb-mod-approve`);
          assert.equal(await m.locator('.rb-c .rb-pending').count(), 3, 'the whole queue of this page, in place');
          assert.match(await m.textContent('.rb-intro'), /mia/);
          assert.ok(mod.requests.some((r) => /\/embed\/moderate\.[0-9a-f]{12}\.js$/.test(r.url)), 'the tools loaded on demand');
          assert.equal(await m.getAttribute(`#c-${held} .rb-mod-approve`, 'aria-label'), 'Approve: the comment by Grace');
          assert.equal(await m.getAttribute(`#c-${held} .rb-mod`, 'role'), 'group');

          // Approve from the keyboard; focus stays on the comment.
          await m.focus(`#c-${held} .rb-mod-approve`);
          await mod.page.keyboard.press('Enter');
          await until(async () => (await liveText(m)) === 'The comment by Grace is published.', 10_000, 'the announcement');
          assert.equal(await m.evaluate((id) => document.activeElement.closest('.rb-c')?.id, held), `c-${held}`);
          assert.equal(await m.locator(`#c-${held} .rb-pending`).count(), 0);
          assert.ok(await m.$(`#c-${held} .rb-mod-pin`), 'a published comment can be pinned');

          // Approve and pin another.
          await m.click(`#c-${pinMe.id} .rb-mod-approve`);
          await m.waitForSelector(`#c-${pinMe.id} .rb-mod-pin`);
          await m.click(`#c-${pinMe.id} .rb-mod-pin`);
          await until(async () => (await liveText(m)) === 'The comment by Ada is pinned.', 10_000, 'the pin');

          // Ban: asked inside the widget, never by a dialog.
          await m.click(`#c-${spam.id} .rb-mod-ban`);
          const days = await m.waitForSelector(`#c-${spam.id} select.rb-mod-days`);
          assert.ok(await days.evaluate((el) => el === document.activeElement), 'the question takes the focus');
          await m.selectOption(`#c-${spam.id} select.rb-mod-days`, '7');
          await m.click(`#c-${spam.id} .rb-mod-ban-confirm`);
          await until(async () => /Spammer is banned/.test(await liveText(m)), 10_000, 'the ban');
          assert.equal(await m.locator(`#c-${spam.id}`).count(), 0, 'the spam left the thread');
          await fsp.mkdir(ARTIFACTS, { recursive: true });
          await mod.page.screenshot({ path: path.join(ARTIFACTS, `moderating-in-place-moderator-${mode}.png`) });

          // Still signed in on the blog's next page view; the tools speak the page's language.
          await mod.page.goto(`${postUrl(slug)}&lang=de`);
          m = await widget(mod.page);
          await m.waitForSelector(`#c-${pinMe.id} .rb-mod-unpin`);
          assert.equal(await m.textContent(`#c-${pinMe.id} .rb-pin`), 'Angeheftet', 'marked as pinned');
          assert.equal(await m.$eval('#replybox > .rb-list > .rb-c', (li) => li.id), `c-${pinMe.id}`, 'a pinned comment comes first');
          assert.equal(await m.textContent(`#c-${pinMe.id} .rb-mod-delete`), 'Löschen');
          assert.equal(await m.getAttribute(`#c-${pinMe.id} .rb-mod-ban`, 'aria-label'), 'Sperren: Kommentar von Ada');

          // The audit log in /admin: the popup's login left a first-party session.
          await mod.page.goto(`${env.rb.origin}/admin/audit`);
          const log = await mod.page.textContent('table');
          for (const action of ['approve', 'pin', 'ban', 'spam']) assert.match(log, new RegExp(`admin:mia\\s*${action}`), action);
          await mod.page.goto(`${env.rb.origin}/admin/comments/${pinMe.id}`);
          assert.match(await mod.page.textContent('.card'), /pinned/);
          assert.ok(await mod.page.$(`button[value="unpin:${pinMe.id}"]`), 'the card offers Unpin');
          await mod.page.screenshot({ path: path.join(ARTIFACTS, `moderating-in-place-card-${mode}.png`), fullPage: true });
          assert.deepEqual(mod.dialogs, [], 'no dialog opened');
          assert.deepEqual(mod.problems, [], 'no errors or CSP violations');
        } finally {
          await mod.close();
        }

        // A reader's fresh page shows the outcome.
        await page.reload();
        f = await widget(page);
        await f.waitForSelector(`#c-${held} .rb-body`);
        assert.match(await f.textContent(`#c-${held} .rb-body`), new RegExp(`Please approve me \\(${mode}\\)`));
        assert.equal(await f.locator('.rb-pending').count(), 0, 'nothing awaits moderation any more');
        assert.equal(await f.locator(`#c-${spam.id}`).count(), 0);
        assert.match(await f.textContent('#rb-title'), /2 comments/);
        assert.equal(await f.locator('.rb-mod').count(), 0, 'readers get no tools');
      }));
  }
});
