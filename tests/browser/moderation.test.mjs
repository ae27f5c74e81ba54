// Moderation stories in a real Chromium: a reader posts through the widget on a blog, a
// moderator works the queue in /admin, and the reader sees the outcome. Each story runs with
// third-party cookies blocked and allowed (the admin pages are first-party either way).
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
function addAdmin(name) {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('REPLYBOX_')));
  const r = spawnSync(BIN, ['admin', 'add', name, '--password-stdin', '--config', path.join(env.rb.tmp, 'config.toml')],
    { cwd: REPO, env: clean, input: PASSWORD + '\n', encoding: 'utf8' });
  assert.equal(r.status, 0, `admin add failed: ${r.stderr}`);
}

/** A second browser, signed in to /admin; closed and photographed by the caller. */
async function moderatorBrowser(mode) {
  const mod = await openBrowser(env, mode);
  await mod.page.goto(`${env.rb.origin}/admin/login`);
  await mod.page.fill('#name', 'alice');
  await mod.page.fill('#password', PASSWORD);
  await Promise.all([mod.page.waitForURL(`${env.rb.origin}/admin`), mod.page.click('button[type=submit]')]);
  return mod;
}

async function closeWithScreenshot(mod, name) {
  await fsp.mkdir(ARTIFACTS, { recursive: true });
  await mod.page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true }).catch(() => {});
  assert.deepEqual(mod.dialogs, [], 'no script ran in the admin page');
  assert.deepEqual(mod.problems, [], 'no errors or CSP violations in the admin page');
  await mod.close();
}

const postUrl = (slug) => `${env.blog.origin}/post/${slug}?site=held&title=Held`;

async function postAsGuest(frame, body, name, email) {
  await frame.fill('#rb-body', body);
  await frame.fill('#rb-name', name);
  await frame.fill('#rb-email', email);
  await frame.click('.rb-submit');
}

describe('moderation in Chromium', () => {
  before(async () => {
    env = await startEnv();
    addAdmin('alice');
  });
  after(async () => { await env?.stop(); });

  for (const mode of Object.keys(MODES)) {
    describe(`third-party cookies ${mode}`, () => {
      test('a held comment is approved from the keyboard and the reader sees it', T, () =>
        story(env, mode, 'moderate-approve', async ({ page }) => {
          const slug = `approve-${mode}`;
          await page.goto(postUrl(slug));
          let f = await widget(page);
          await postAsGuest(f, `Please approve me (${mode})`, 'Grace', 'grace@example.org');
          await f.waitForSelector('.rb-pending');

          const mod = await moderatorBrowser(mode);
          const card = mod.page.locator('.card', { hasText: `Please approve me (${mode})` });
          await card.waitFor();
          assert.match(await card.textContent(), /Held because: site_holds_all/);
          assert.match(await card.textContent(), /grace@example\.org/);
          await card.focus();
          await Promise.all([mod.page.waitForURL(/\/admin\?status=pending/), mod.page.keyboard.press('a')]);
          assert.equal(await mod.page.locator('.card', { hasText: `Please approve me (${mode})` }).count(), 0, 'gone from Pending');
          await mod.page.goto(`${env.rb.origin}/admin/audit`);
          assert.match(await mod.page.textContent('table'), /admin:alice\s*approve/);
          await closeWithScreenshot(mod, `moderate-approve-admin-${mode}`);

          await page.reload();
          f = await widget(page);
          await f.waitForSelector('.rb-c .rb-body');
          assert.match(await f.textContent('.rb-c .rb-body'), new RegExp(`Please approve me \\(${mode}\\)`));
          assert.equal(await f.locator('.rb-pending').count(), 0, 'no longer awaiting moderation');
          assert.match(await f.textContent('#rb-title'), /1 comment/);
        }));

      test('a ban from the card refuses the author\'s next comment', T, () =>
        story(env, mode, 'moderate-ban', async ({ page }) => {
          const slug = `ban-${mode}`;
          const email = `spammer-${mode}@example.org`;
          await page.goto(postUrl(slug));
          const f = await widget(page);
          await postAsGuest(f, 'Buy cheap watches', 'Spammer', email);
          await f.waitForSelector('.rb-pending');

          const mod = await moderatorBrowser(mode);
          await mod.page.click(`.card:has-text("Buy cheap watches") >> text=Edit, reply or ban…`);
          await mod.page.check('input[name=kind][value=email]');
          await Promise.all([mod.page.waitForURL(/\/admin/), mod.page.click('button.danger')]);
          await mod.page.goto(`${env.rb.origin}/admin/bans`);
          assert.match(await mod.page.textContent('table'), /Spammer \(comment #\d+\)/);
          await closeWithScreenshot(mod, `moderate-ban-admin-${mode}`);

          await f.fill('#rb-body', 'Buy more watches');
          await f.click('.rb-submit');
          await until(async () => /can no longer comment/.test(await f.textContent('#rb-status')), 10_000, 'the ban message');
          assert.equal(await f.inputValue('#rb-body'), 'Buy more watches', 'nothing typed is lost');
        }));

      test('hostile HTML in a comment and its author name is inert in the admin page', T, () =>
        story(env, mode, 'moderate-hostile', async () => {
          const name = `<img src=x onerror=alert('name-${mode}')>`;
          await seed(env, { site: 'held', uri: `/post/hostile-${mode}`, body: `<script>alert(1)</script><svg onload=alert(2)>` +
            `[x](javascript:alert(3)) <b onmouseover=alert(4)>bold</b> hostile-${mode}`, author: { name } });
          const mod = await moderatorBrowser(mode);
          const card = mod.page.locator('.card', { hasText: `hostile-${mode}` });
          await card.waitFor();
          assert.equal(await card.locator('.author').textContent(), name, 'the name shows as text');
          assert.equal(await card.locator('.comment-html script, .comment-html svg, .comment-html img, [onerror], [onload], [onmouseover]').count(), 0);
          assert.equal(await card.locator('.comment-html a[href^="javascript"]').count(), 0);
          await card.locator('.comment-html b').hover().catch(() => {});
          // Mouse handlers run as the hover is dispatched; let the page paint once more.
          await mod.page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
          await closeWithScreenshot(mod, `moderate-hostile-admin-${mode}`);
        }));
    });
  }
});
