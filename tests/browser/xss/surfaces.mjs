// The places a comment is shown, opened in Chromium: the widget's thread frame on a blog page
// (another site), the admin queue, the admin comment page (card, edit box, ban form), and each
// moderator mail's HTML. Two ways, because a document costs Chromium about 50 ms here:
// - every payload, many per document: one widget frame opens page after page (its address
//   changes and its app.js runs again, as if the reader moved between posts); admin
//   comment pages are fetched and parsed by the browser's parser; mails are inserted into one
//   page with createContextualFragment, which runs scripts and handlers as a page would;
// - the quick subset, one document per payload: the frame loaded for the page, each admin
//   comment page opened, each mail opened as a page of its own.
import { audit, ownGlobals } from './audits.mjs';
import { uriOf, GROUP } from './seed.mjs';

/**
 * Frames per blog page; tabs at once (widget in place, opened admin pages); admin pages or
 * mails per evaluate; pages one widget frame opens before a fresh one.
 */
const FRAMES = 40;
const TABS = 4;
const CHUNK = 200;
const PAGES_PER_FRAME = 25;
/** The tags the comment policy lets through (src/render.rs). */
const POLICY_TAGS = ['p', 'br', 'em', 'strong', 'b', 'i', 'del', 'code', 'pre', 'blockquote',
  'ul', 'ol', 'li', 'a', 'hr', 'h3', 'h4', 'h5', 'h6'];

const esc = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
// A turn of the event loop, for anything a payload queued (frames out of view get no
// animation frames, so not requestAnimationFrame).
const settle = (frame) => frame.evaluate(() => new Promise((ok) => setTimeout(ok, 0)));

/** Rules per surface; `ownGlobals` is filled from a page whose comments are plain words. */
export function rules(ctx) {
  const origins = [ctx.rb.origin, ctx.blog.origin];
  return {
    widget: { origins, boxes: 'li.rb-c', free: '.rb-body', allowed: POLICY_TAGS,
      textOnly: '.rb-name > a, .rb-name > span, .rb-to, .rb-when > time, .rb-edited, .rb-via', pageText: '#rb-title',
      ownScripts: ['/embed/'], ownGlobals: [] },
    admin: { origins, boxes: 'article.card', free: '.comment-html', allowed: POLICY_TAGS,
      textOnly: '.author, header a.muted, code, .reason strong, .status, .site', pageText: 'h1, title, textarea',
      ownScripts: ['/admin/admin.js'], ownGlobals: [] },
    mail: { origins, boxes: '.mail', free: 'template', allowed: [],
      textOnly: 'blockquote, strong', pageText: 'title', ownScripts: [], ownGlobals: [] }
  };
}

/** One surface's tally: what was looked at, and what was wrong, by payload. */
function tally(name) {
  return { name, checked: 0, failures: [], fail(i, bad) { this.failures.push({ payload: i, surface: name, bad }); } };
}

/** Reads a page's own globals from a control page, so that only a payload's stand out. */
export async function learnGlobals(frame, rule) {
  rule.ownGlobals = await frame.evaluate(ownGlobals);
}

/** The control thread's frame, on a blog page: where the widget draws every payload's page. */
export async function controlFrame(ctx, page) {
  ctx.blog.routes.set('/control', `<!doctype html><meta charset=utf-8><title>Control</title>
<iframe title="Comments" width="640" height="600" src="${esc(`${ctx.rb.origin}/embed/thread?site=xss&uri=%2Fcontrol%2F&theme=light&lang=en&origin=${encodeURIComponent(ctx.blog.origin)}`)}"></iframe>`);
  await page.goto(`${ctx.blog.origin}/control`);
  const frame = await (await page.waitForSelector('iframe')).contentFrame();
  await frame.waitForSelector('li.rb-c', { state: 'attached' });
  return frame;
}

/**
 * Every payload's page opened in one widget frame, one after another, as a reader moving
 * between posts would (the frame's address changes, the app starts again from its first line):
 * the frame's own app.js runs anew for each page, with the payload as the page's title too.
 */
export async function widgetInPlace(ctx, site, items) {
  const t = tally(`widget, page after page in one frame (${site})`);
  const chunks = [];
  for (let k = 0; k < items.length; k += PAGES_PER_FRAME) chunks.push(items.slice(k, k + PAGES_PER_FRAME));
  // A few tabs at once: each is its own renderer process.
  await Promise.all(Array.from({ length: TABS }, async () => {
    const page = await ctx.browser.context.newPage();
    for (let chunk = chunks.shift(); chunk; chunk = chunks.shift()) {
      // Each start of the app leaves its listeners behind: a fresh frame every few pages.
      const frame = await controlFrame(ctx, page);
      await inFrame(t, ctx, frame, site, chunk);
    }
    await page.close();
  }));
  return t;
}

/** Opens each of `items`' pages in turn in the widget frame, and audits what it drew. */
async function inFrame(t, ctx, frame, site, items) {
  const batch = items.map((it) => ({ i: it.i, uri: uriOf(it.i), title: it.text }));
  const results = await frame.evaluate(async ({ batch, site, origin, rule }) => {
    const app = document.querySelector('script[src*="/embed/app."]').src;
    const root = document.getElementById('replybox');
    const out = [];
    for (const it of batch) {
      const before = window.__xssHits.length;
      history.replaceState(null, '', `/embed/thread?${new URLSearchParams({
        site, uri: it.uri, title: it.title, theme: 'light', lang: 'en', origin })}`);
      root.replaceChildren();
      const script = document.createElement('script');
      script.src = app;
      await new Promise((ok, fail) => { script.onload = ok; script.onerror = fail; document.head.append(script); });
      for (let n = 0; !root.querySelector('li.rb-c, .rb-err') && n < 2000; n++) await new Promise((ok) => setTimeout(ok, 2));
      await new Promise((ok) => setTimeout(ok, 0));
      script.remove();
      const r = window.__xssAudit(rule);
      const bad = [...r.bad.slice(before), ...r.shown.flatMap((s) => s.bad)];
      if (r.shown.length !== 1) bad.push(`${r.shown.length} comments shown, not 1: ${root.querySelector('.rb-err')?.textContent ?? ''}`);
      if (!document.getElementById('rb-title')?.textContent) bad.push('no title');
      out.push({ i: it.i, bad });
    }
    return out;
  }, { batch, site, origin: ctx.blog.origin, rule: ctx.rules.widget });
  for (const r of results) {
    t.checked++;
    if (r.bad.length) t.fail(r.i, r.bad);
  }
}

/** The widget as a reader opens it: each payload's own page (titled by it) in a frame of its own. */
export async function widgetDocuments(ctx, site, items) {
  const t = tally(`widget, one frame per page (${site})`);
  const { page } = ctx.browser;
  const frameUrl = (i, text) => `${ctx.rb.origin}/embed/thread?${new URLSearchParams({
    site, uri: uriOf(i), title: text, theme: 'light', lang: 'en', origin: ctx.blog.origin })}`;
  for (let k = 0; k < items.length; k += FRAMES) {
    const batch = items.slice(k, k + FRAMES);
    const route = `/w/${site}/${k}`;
    ctx.blog.routes.set(route, `<!doctype html><meta charset=utf-8><title>Payloads</title>
${batch.map((it) => `<iframe title="Comments" width="640" height="400" src="${esc(frameUrl(it.i, it.text))}"></iframe>`).join('\n')}`);
    await page.goto(ctx.blog.origin + route);
    const frames = await Promise.all((await page.$$('iframe')).map((el) => el.contentFrame()));
    await Promise.all(frames.map(async (frame, n) => {
      const it = batch[n];
      const id = await frame.waitForFunction(() => document.querySelector('li.rb-c')?.id || document.querySelector('.rb-err')?.textContent,
        null, { timeout: 30_000, polling: 50 }).then((h) => h.jsonValue());
      await settle(frame);
      const r = await frame.evaluate(audit, ctx.rules.widget);
      t.checked++;
      const bad = [...r.bad, ...r.shown.flatMap((s) => s.bad)];
      if (!/^c-\d+$/.test(id)) bad.push(`the comment is not shown: ${id}`);
      if (r.shown.length !== 1) bad.push(`${r.shown.length} comments shown, not 1`);
      if (!r.url.startsWith(`${ctx.rb.origin}/embed/thread?`)) bad.push(`the frame went to ${r.url}`);
      if (bad.length) t.fail(it.i, bad);
    }));
  }
  return t;
}

/**
 * The admin queue, one group of payloads (one `/gK/` prefix) per page. Returns the tally and
 * the comment id of each payload found there (the imported ones have no id the run knows).
 */
export async function queue(ctx, site, items) {
  const t = tally(`admin queue (${site})`);
  const ids = new Map();
  const { page } = ctx.browser;
  const groups = [...new Set(items.map((it) => Math.floor(it.i / GROUP)))];
  for (const g of groups) {
    await page.goto(`${ctx.rb.origin}/admin?status=all&site=${site}&uri=${encodeURIComponent(`/g${g}/`)}`);
    const r = await page.evaluate(audit, ctx.rules.admin);
    const uris = await page.$$eval('article.card', (cards) => cards.map((c) => [c.dataset.id, c.querySelector('code')?.textContent]));
    const byUri = new Map(uris.map(([id, uri]) => [uri, Number(id)]));
    for (const it of items.filter((x) => Math.floor(x.i / GROUP) === g)) {
      t.checked++;
      const id = byUri.get(uriOf(it.i));
      const bad = [...r.bad];
      if (id == null) bad.push('not in the queue');
      else {
        ids.set(it.i, id);
        bad.push(...(r.shown.find((s) => s.id === `card-${id}`)?.bad ?? []));
      }
      if (bad.length) t.fail(it.i, bad);
    }
  }
  return { tally: t, ids };
}

const adminPageChecks = (r, textareas) => {
  const bad = [...r.bad, ...r.shown.flatMap((s) => s.bad)];
  if (r.shown.length !== 1) bad.push(`${r.shown.length} cards`);
  if (textareas !== 'edit-body,reply-body') bad.push(`the forms broke: textareas ${textareas}`);
  return bad;
};

/**
 * Every payload's admin comment page, fetched with the moderator's session (the admin pages'
 * CSP lets no script fetch) and parsed by Chromium's own parser inside an admin page.
 */
export async function cardsParsed(ctx, site, items, ids) {
  const t = tally(`admin comment page, parsed (${site})`);
  const { page, context } = ctx.browser;
  await page.goto(`${ctx.rb.origin}/admin`);
  const todo = items.filter((it) => ids.has(it.i)).map((it) => ({ i: it.i, id: ids.get(it.i) }));
  for (let k = 0; k < todo.length; k += CHUNK) {
    // Eight at a time, as a browser would: 200 at once made replybox answer some of them
    // only after the request timeout (see the issue note).
    const slice = todo.slice(k, k + CHUNK);
    const batch = [];
    for (let n = 0; n < slice.length; n += 8) {
      batch.push(...await Promise.all(slice.slice(n, n + 8).map(async (it) => {
        const res = await context.request.get(`${ctx.rb.origin}/admin/comments/${it.id}`);
        return { ...it, status: res.status(), html: await res.text() };
      })));
    }
    const results = await page.evaluate(({ batch, rule }) => batch.map((it) => {
      const doc = new DOMParser().parseFromString(it.html, 'text/html');
      const textareas = [...doc.querySelectorAll('form textarea')].map((e) => e.id).join(',');
      return { i: it.i, status: it.status, r: window.__xssAudit(rule, doc), textareas };
    }), { batch, rule: ctx.rules.admin });
    for (const { i, status, r, textareas } of results) {
      t.checked++;
      const bad = adminPageChecks(r, textareas);
      if (status !== 200) bad.push(`status ${status}`);
      if (bad.length) t.fail(i, bad);
    }
  }
  return t;
}

/** Each payload's admin comment page opened as the moderator opens it, a few tabs at once. */
export async function cardsOpened(ctx, site, items, ids) {
  const t = tally(`admin comment page, opened (${site})`);
  const todo = items.filter((it) => ids.has(it.i));
  const tabs = await Promise.all(Array.from({ length: TABS }, () => ctx.browser.context.newPage()));
  await Promise.all(tabs.map(async (page) => {
    for (let it = todo.shift(); it; it = todo.shift()) {
      const res = await page.goto(`${ctx.rb.origin}/admin/comments/${ids.get(it.i)}`);
      const r = await page.evaluate(audit, ctx.rules.admin);
      const textareas = await page.$$eval('form textarea', (els) => els.map((e) => e.id).join(','));
      t.checked++;
      const bad = adminPageChecks(r, textareas);
      if (res.status() !== 200) bad.push(`status ${res.status()}`);
      if (bad.length) t.fail(it.i, bad);
    }
    await page.close();
  }));
  return t;
}

/**
 * Every mail's HTML inserted into one page each (no CSP: a mail client gives none) with
 * createContextualFragment, which runs a surviving script or handler as opening the mail would.
 * `missing`: the payloads whose alert never came, each a failure.
 */
export async function mailsInPlace(ctx, mails, missing) {
  const t = tally('mail, many per page');
  for (const i of missing) t.fail(i, ['no moderator mail with HTML for this comment']);
  const { page } = ctx.browser;
  ctx.blog.routes.set('/mails', '<!doctype html><meta charset=utf-8><title>Mail</title><body></body>');
  for (let k = 0; k < mails.length; k += CHUNK) {
    await page.goto(`${ctx.blog.origin}/mails`);
    const r = await page.evaluate(async ({ batch, rule }) => {
      for (const m of batch) {
        const box = document.createElement('div');
        box.className = 'mail';
        box.id = `m-${m.i}`;
        // A fragment has no <body>: the box wears the mail's body style, as the mail would.
        const body = new DOMParser().parseFromString(m.html, 'text/html').body.getAttribute('style') ?? '';
        box.setAttribute('style', `width:640px;border:1px solid;${body}`);
        document.body.append(box);
        box.append(document.createRange().createContextualFragment(m.html));
      }
      await new Promise((ok) => setTimeout(ok, 50));
      return window.__xssAudit(rule);
    }, { batch: mails.slice(k, k + CHUNK), rule: ctx.rules.mail });
    for (const m of mails.slice(k, k + CHUNK)) {
      t.checked++;
      const bad = [...r.bad, ...(r.shown.find((s) => s.id === `m-${m.i}`)?.bad ?? ['not shown'])];
      if (bad.length) t.fail(m.i, bad);
    }
  }
  return t;
}

/** Each mail's HTML served as a page of its own, in frames. */
export async function mailDocuments(ctx, mails) {
  const t = tally('mail, one page each');
  const { page } = ctx.browser;
  for (let k = 0; k < mails.length; k += FRAMES) {
    const batch = mails.slice(k, k + FRAMES);
    batch.forEach((m, n) => ctx.blog.routes.set(`/mail/${k + n}`, m.html));
    ctx.blog.routes.set(`/m/${k}`, `<!doctype html><meta charset=utf-8><title>Mail</title>
${batch.map((_, n) => `<iframe width="640" height="300" src="/mail/${k + n}"></iframe>`).join('\n')}`);
    await page.goto(`${ctx.blog.origin}/m/${k}`);
    const frames = await Promise.all((await page.$$('iframe')).map((el) => el.contentFrame()));
    await Promise.all(frames.map(async (frame, n) => {
      await settle(frame);
      const r = await frame.evaluate(audit, { ...ctx.rules.mail, boxes: 'body' });
      t.checked++;
      const bad = [...r.bad, ...r.shown.flatMap((s) => s.bad)];
      if (!r.url.endsWith(`/mail/${k + n}`)) bad.push(`the mail page went to ${r.url}`);
      if (bad.length) t.fail(batch[n].i, bad);
    }));
  }
  return t;
}
