// The reader's own controls in a real Chromium, each story with third-party cookies blocked and
// allowed: editing with a preview, deleting, a permalink deep in a long thread, sorting, likes,
// reports up to the threshold, and a reader's own data downloaded and deleted.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fsp from 'node:fs/promises';
import { MODES, startEnv, story, widget, seed, until, openBrowser } from './harness.mjs';

const T = { timeout: 180_000 };
let env;

const postUrl = (slug, q = {}) => `${env.blog.origin}/post/${slug}?${new URLSearchParams({ site: 'open', ...q })}`;

/** The text of the top-level comments, in the order the widget shows them. */
const order = (f) => f.$$eval('#replybox > .rb-list > .rb-c > article .rb-body', (b) => b.map((x) => x.textContent.trim()));

/** Posts through the widget's form as a guest. */
async function postAsGuest(f, body, name) {
  await f.fill('#rb-body', body);
  await f.fill('#rb-name', name);
  await f.fill('#rb-email', `${name.toLowerCase()}@example.org`);
  await f.click('.rb-submit');
  await f.waitForSelector(`.rb-c .rb-body >> text=${body}`);
}

/** A like through the API from a reader who has never written anything (a new credential each). */
async function likeFromAnotherReader(id) {
  const r = await fetch(`${env.rb.origin}/api/comments/${id}/likes`, { method: 'POST', headers: { Origin: env.blog.origin } });
  assert.equal(r.status, 201);
}

/** Whether the element is inside the browser's viewport (the page scrolled to it). */
async function onScreen(page, f, selector) {
  const frameTop = await page.$eval('iframe[title="Comments"]', (el) => el.getBoundingClientRect().top);
  const box = await f.$eval(selector, (el) => el.getBoundingClientRect().toJSON());
  const top = frameTop + box.top;
  return top >= 0 && top + Math.min(box.height, 100) <= page.viewportSize().height;
}

describe('the reader\'s own controls in Chromium', () => {
  before(async () => { env = await startEnv({ server: 'trusted_proxies = ["127.0.0.1/32"]' }); });
  after(async () => { await env?.stop(); });

  for (const mode of Object.keys(MODES)) {
    describe(`third-party cookies ${mode}`, () => {
      test('a reader edits a comment with a preview, and everyone sees the edit', T, () =>
        story(env, mode, 'reader-edit', async ({ page }) => {
          await page.goto(postUrl(`edit-${mode}`, { title: 'Edits' }));
          let f = await widget(page);
          await postAsGuest(f, `Teh first draft (${mode})`, 'Edith');
          await f.click('.rb-c .rb-edit');
          const box = await f.waitForSelector('.rb-edit-box');
          assert.equal(await box.inputValue(), `Teh first draft (${mode})`);
          assert.equal(await f.evaluate(() => document.activeElement.className), 'rb-edit-box', 'focus is in the edit box');
          // Escape closes it, and nothing changed.
          await page.keyboard.press('Escape');
          assert.equal(await f.$('.rb-edit-box'), null);
          assert.ok(await f.isVisible('.rb-c .rb-body'));
          await f.click('.rb-c .rb-edit');
          await f.fill('.rb-edit-box', `The **final** draft (${mode})`);
          await f.click('.rb-editing >> text=Preview');
          await f.waitForSelector('.rb-preview strong');
          assert.equal(await f.textContent('.rb-preview strong'), 'final', 'the server rendered the preview');
          await f.click('.rb-editing .rb-submit');
          await f.waitForSelector('.rb-editing', { state: 'detached' });
          await f.waitForSelector('.rb-c > article > .rb-body strong');
          assert.match(await f.textContent('.rb-c > article > .rb-body'), new RegExp(`The final draft \\(${mode}\\)`));
          assert.equal(await f.textContent('.rb-c .rb-edited'), 'edited');
          assert.match(await f.textContent('.rb-live'), /saved/);
          // Another reader sees the new text, marked as edited; no edit button for them.
          const other = await openBrowser(env, mode);
          try {
            await other.page.goto(postUrl(`edit-${mode}`, { title: 'Edits' }));
            const g = await widget(other.page);
            await g.waitForSelector('.rb-c > article > .rb-body strong');
            assert.equal(await g.textContent('.rb-c .rb-edited'), 'edited');
            assert.equal(await g.$('.rb-c .rb-edit'), null);
          } finally {
            await other.close();
          }
          // The author's browser still knows it is theirs after a reload.
          await page.reload();
          f = await widget(page);
          await f.waitForSelector('.rb-c .rb-edit');
        }));

      test('a reader deletes comments: replies keep their place under a tombstone', T, () =>
        story(env, mode, 'reader-delete', async ({ page }) => {
          const slug = `delete-${mode}`;
          await page.goto(postUrl(slug));
          let f = await widget(page);
          await postAsGuest(f, `Answered, then regretted (${mode})`, 'Dora');
          await postAsGuest(f, `Nobody answered this (${mode})`, 'Dora');
          const [answered, lonely] = await f.$$eval('.rb-c', (li) => li.map((x) => +x.id.slice(2)));
          await seed(env, { uri: `/post/${slug}`, parent: answered, body: `A reply that stays (${mode})`, author: { name: 'Rex' } });
          await page.reload();
          f = await widget(page);
          // Edit opened, then Delete instead: the text the edit hid shows again beside the question.
          await f.click(`#c-${answered} > article .rb-edit`);
          await f.waitForSelector(`#c-${answered} .rb-editing`);
          assert.equal(await f.isVisible(`#c-${answered} > article .rb-body`), false, 'the edit box stands in for the text');
          await f.click(`#c-${answered} > article .rb-remove`);
          await f.waitForSelector(`#c-${answered} .rb-removing`);
          assert.equal(await f.isVisible(`#c-${answered} > article .rb-body`), true, 'the text is back');
          // Each deletion is seen in the thread itself: a placeholder where a reply hangs, nothing
          // where none does.
          const deleted = {
            [answered]: async () => (await f.textContent(`#c-${answered} > article .rb-body`)) === 'This comment was deleted.',
            [lonely]: async () => (await f.$(`#c-${lonely}`)) === null
          };
          for (const id of [answered, lonely]) {
            await f.click(`#c-${id} > article .rb-remove`);
            await f.click(`#c-${id} .rb-removing .rb-submit`);
            await until(deleted[id], 10_000, `the deletion of ${id}`);
          }
          await page.reload();
          f = await widget(page);
          await f.waitForSelector('.rb-c');
          assert.equal(await f.textContent(`#c-${answered} > article .rb-body`), 'This comment was deleted.');
          assert.match(await f.textContent(`#c-${answered} .rb-kids .rb-body`), new RegExp(`A reply that stays \\(${mode}\\)`));
          assert.equal(await f.$(`#c-${lonely}`), null, 'without replies it is gone');
          assert.match(await f.textContent('#rb-title'), /^1 comment on/);
        }));

      test('a permalink deep in a long thread scrolls to the comment and marks it', T, () =>
        story(env, mode, 'reader-permalink', async ({ page }) => {
          const slug = `permalink-${mode}`;
          const ids = [];
          for (let i = 1; i <= 45; i++) {
            ids.push((await seed(env, { uri: `/post/${slug}`, body: `Top-level comment ${i}`, author: { name: `R${i}` } })).id);
          }
          const deep = (await seed(env, { uri: `/post/${slug}`, parent: ids[39], body: 'The reply someone linked to', author: { name: 'Linked' } })).id;
          await page.goto(`${postUrl(slug)}#comment-${deep}`);
          const f = await widget(page);
          await f.waitForSelector(`#c-${deep} > article.rb-target`);
          await until(() => onScreen(page, f, `#c-${deep} > article`), 10_000, 'the linked comment on screen');
          assert.equal(new URL(page.url()).hash, `#comment-${deep}`);
          assert.equal(await f.evaluate(() => document.activeElement.closest('.rb-c')?.id), `c-${deep}`, 'focus is on it for screen readers');
          // Clicking another comment's time: its permalink becomes the page's address, and the
          // page goes there.
          await f.click(`#c-${ids[2]} > article .rb-when`);
          await until(() => new URL(page.url()).hash === `#comment-${ids[2]}`, 10_000, 'the address to change');
          await f.waitForSelector(`#c-${ids[2]} > article.rb-target`);
          await until(() => onScreen(page, f, `#c-${ids[2]} > article`), 10_000, 'the second comment on screen');
          assert.equal(await f.$$eval('.rb-target', (t) => t.length), 1, 'one comment is marked at a time');
          assert.equal(await f.getAttribute(`#c-${ids[2]} > article .rb-when`, 'href'), `${env.blog.origin}/post/${slug}#comment-${ids[2]}`);
          // In the end the whole thread is there.
          await until(async () => (await f.$$eval('.rb-c', (c) => c.length)) === 46, 10_000, 'all 46 comments');
        }));

      test('sorting: oldest, newest, best — and the reader\'s choice is remembered', T, () =>
        story(env, mode, 'reader-sort', async ({ page }) => {
          const slug = `sort-${mode}`;
          const [, b, c] = [
            await seed(env, { uri: `/post/${slug}`, body: 'A, the oldest', author: { name: 'A' } }),
            await seed(env, { uri: `/post/${slug}`, body: 'B, liked twice', author: { name: 'B' } }),
            await seed(env, { uri: `/post/${slug}`, body: 'C, the newest, liked once', author: { name: 'C' } })
          ];
          await likeFromAnotherReader(b.id);
          await likeFromAnotherReader(b.id);
          await likeFromAnotherReader(c.id);
          await page.goto(postUrl(slug));
          let f = await widget(page);
          assert.deepEqual(await order(f), ['A, the oldest', 'B, liked twice', 'C, the newest, liked once']);
          await f.selectOption('#rb-sort', 'best');
          assert.deepEqual(await order(f), ['B, liked twice', 'C, the newest, liked once', 'A, the oldest']);
          await page.reload();
          f = await widget(page);
          assert.equal(await f.inputValue('#rb-sort'), 'best', 'remembered in this browser');
          assert.deepEqual(await order(f), ['B, liked twice', 'C, the newest, liked once', 'A, the oldest']);
          // Sorting again while a reply is being written: the form stays under its comment.
          await f.click(`#c-${b.id} > article .rb-reply`);
          await f.fill('#rb-body', 'Still typing');
          await f.selectOption('#rb-sort', 'newest');
          assert.deepEqual(await order(f), ['C, the newest, liked once', 'B, liked twice', 'A, the oldest']);
          assert.equal(await f.inputValue(`#c-${b.id} #rb-body`), 'Still typing');
          // Cancelled, the form goes back under the thread, above the footer.
          await f.click('.rb-cancel');
          assert.ok(await f.evaluate(() => document.getElementById('rb-respond').nextElementSibling?.classList.contains('rb-foot')), 'the form above the footer');
        }));

      test('a reader likes a comment once, keeps it across reloads and takes it back', T, () =>
        story(env, mode, 'reader-like', async ({ page }) => {
          const slug = `like-${mode}`;
          const c = await seed(env, { uri: `/post/${slug}`, body: 'Like me', author: { name: 'Liz' } });
          await page.goto(postUrl(slug));
          let f = await widget(page);
          const like = `#c-${c.id} .rb-like`;
          assert.equal(await f.textContent(like), '♥ 0');
          assert.equal(await f.getAttribute(like, 'aria-pressed'), 'false');
          assert.equal(await f.$('.rb-data'), null, 'a browser without a credential has no data');
          await f.click(like);
          await until(async () => (await f.textContent(like)) === '♥ 1', 10_000, 'the count to go up');
          assert.equal(await f.getAttribute(like, 'aria-pressed'), 'true');
          await f.waitForSelector('.rb-data', { timeout: 5_000 }); // the like's credential: "Your data" is offered
          assert.match(await f.getAttribute(like, 'aria-label'), /1 like/);
          // The like belongs to this browser (its credential came with the like).
          await page.reload();
          f = await widget(page);
          assert.equal(await f.textContent(like), '♥ 1');
          assert.equal(await f.getAttribute(like, 'aria-pressed'), 'true');
          // Keyboard: Space on the focused button takes it back, and a reply being written under
          // the comment stays as it was.
          await f.click(`#c-${c.id} > article .rb-reply`);
          await f.fill('#rb-body', 'Half a thought');
          await f.focus(like);
          await page.keyboard.press('Space');
          await until(async () => (await f.textContent(like)) === '♥ 0', 10_000, 'the count to go down');
          assert.equal(await f.getAttribute(like, 'aria-pressed'), 'false');
          assert.ok(await f.evaluate(() => document.activeElement.matches('.rb-like')), 'the focus stays on the button');
          assert.equal(await f.inputValue(`#c-${c.id} #rb-body`), 'Half a thought');
        }));

      test('three readers on three networks report a comment and it leaves the public thread', T, () =>
        story(env, mode, 'reader-report', async ({ page, context }) => {
          const slug = `report-${mode}`;
          const c = await seed(env, { uri: `/post/${slug}`, body: `Something hateful (${mode})`, author: { name: 'Troll' } });
          await seed(env, { uri: `/post/${slug}`, body: 'Something kind', author: { name: 'Kind' } });
          const report = async (p, ctx, network) => {
            await ctx.setExtraHTTPHeaders({ 'X-Forwarded-For': network });
            await p.goto(postUrl(slug));
            const f = await widget(p);
            await f.click(`#c-${c.id} .rb-report`);
            await f.check(`#c-${c.id} input[value=abuse]`);
            await f.click(`#c-${c.id} .rb-reporting .rb-submit`);
            await until(async () => /Thank you/.test(await f.textContent(`#c-${c.id} .rb-tools`)), 10_000, 'the thanks');
            assert.equal(await f.$(`#c-${c.id} .rb-report`), null, 'reported once');
          };
          await report(page, context, '198.51.100.1');
          for (const network of ['198.51.100.2', '203.0.113.3']) {
            const other = await openBrowser(env, mode);
            try {
              await report(other.page, other.context, network);
            } finally {
              await other.close();
            }
          }
          const fresh = await openBrowser(env, mode);
          try {
            await fresh.page.goto(postUrl(slug));
            const g = await widget(fresh.page);
            await g.waitForSelector('.rb-c');
            assert.equal(await g.$(`#c-${c.id}`), null, 'held for the moderators');
            assert.match(await g.textContent('#rb-title'), /^1 comment on/);
          } finally {
            await fresh.close();
          }
        }));

      test('a reader downloads their data and deletes it', T, () =>
        story(env, mode, 'reader-data', async ({ page }) => {
          const slug = `data-${mode}`;
          const someone = await seed(env, { uri: `/post/${slug}`, body: 'Someone else wrote this', author: { name: 'Sam' } });
          await page.goto(postUrl(slug));
          let f = await widget(page);
          assert.equal(await f.$('.rb-data'), null, 'a browser replybox does not know has no data here');
          await postAsGuest(f, `My answered comment (${mode})`, 'Petra');
          await postAsGuest(f, `My lonely comment (${mode})`, 'Petra');
          const [, answered, lonely] = await f.$$eval('.rb-c', (li) => li.map((x) => +x.id.slice(2)));
          await seed(env, { uri: `/post/${slug}`, parent: answered, body: 'A reply by Sam', author: { name: 'Sam' } });
          await f.click(`#c-${someone.id} .rb-like`);
          await until(async () => (await f.textContent(`#c-${someone.id} .rb-like`)) === '♥ 1', 10_000, 'the like');

          await f.click('.rb-data');
          await f.waitForSelector('#rb-data');
          const [download] = await Promise.all([page.waitForEvent('download'), f.click('#rb-data >> text=Download (JSON)')]);
          const exported = JSON.parse(await fsp.readFile(await download.path(), 'utf8'));
          const text = JSON.stringify(exported);
          assert.ok(text.includes(`My answered comment (${mode})`) && text.includes(`My lonely comment (${mode})`), text);
          assert.deepEqual(exported.comments.map((c) => c.text).sort(), [`My answered comment (${mode})`, `My lonely comment (${mode})`]);
          assert.deepEqual(exported.likes.map((l) => l.comment), [someone.id], 'a like names the comment, not its text');
          assert.ok(!text.includes('Someone else wrote this'), 'only what is theirs');
          assert.ok(!text.includes('A reply by Sam'), 'not the replies of others');

          await f.click('#rb-data >> text=Delete my data…');
          await f.check('#rb-data input[value=remove]');
          await f.click('#rb-data >> text=Delete everything');
          await until(async () => /was deleted/.test(await f.textContent('#rb-data')), 10_000, 'the confirmation');
          assert.equal(await f.$('.rb-data'), null, 'this browser holds no key any more');
          await page.reload();
          f = await widget(page);
          await f.waitForSelector('.rb-c');
          assert.equal(await f.$(`#c-${lonely}`), null, 'removed');
          assert.equal(await f.textContent(`#c-${answered} > article .rb-body`), 'This comment was deleted.', 'a placeholder keeps the reply in place');
          assert.equal((await f.textContent(`#c-${answered} .rb-kids .rb-body`)).trim(), 'A reply by Sam');
          assert.equal(await f.textContent(`#c-${someone.id} .rb-like`), '♥ 0', 'the like is gone too');
          assert.equal(await f.inputValue('#rb-name'), '', 'the name this browser remembered is forgotten');
        }));
    });
  }
});
