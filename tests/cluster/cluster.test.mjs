// A cluster through a real load balancer (HAProxy, round-robin, no stickiness): three
// replybox processes on one PostgreSQL. A reader posts and signs in and a moderator approves,
// all in Chromium through the balancer; a sign-in started on one instance completes on another;
// and when one instance is killed mid-load the others serve on and no acknowledged comment is
// lost. (In-process stories of the same cluster rules: tests/it/cluster.rs.)
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { ARTIFACTS, MODES, freePort, startBlog, startProvider, storySites, openBrowser, widget, until } from '../browser/harness.mjs';
import { PASSWORD, startCluster } from './cluster.mjs';

const T = { timeout: 180_000 };
let cluster, blog, provider;

const sitesAndAuth = (issuer, blogOrigin) => `${storySites(blogOrigin)}
[auth]
allow_private_addresses = true
[auth.providers.corp]
kind = "oidc"
name = "Corp"
issuer = "${issuer}"
client_id = "replybox-corp"
client_secret = "corp-secret"
`;

/** A cookie jar as a browser keeps one: by host name, whatever the port. */
class Jar {
  constructor() { this.byHost = new Map(); }
  header(url) {
    const jar = this.byHost.get(new URL(url).hostname) ?? new Map();
    return [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  }
  take(url, response) {
    const host = new URL(url).hostname;
    const jar = this.byHost.get(host) ?? new Map();
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const at = pair.indexOf('=');
      jar.set(pair.slice(0, at).trim(), pair.slice(at + 1).trim());
    }
    this.byHost.set(host, jar);
  }
  async get(url) {
    const response = await fetch(url, { redirect: 'manual', headers: { cookie: this.header(url) } });
    this.take(url, response);
    return response;
  }
}

describe('a cluster behind HAProxy', () => {
  before(async () => {
    const blogPort = await freePort();
    const blogOrigin = `http://127.0.0.1:${blogPort}`;
    cluster = await startCluster({
      instances: 3,
      config: async (lb) => {
        provider = await startProvider(lb);
        return sitesAndAuth(provider.issuer, blogOrigin);
      }
    });
    blog = await startBlog(blogPort, cluster.lb);
    cluster.addAdmin('alice');
  });
  after(async () => {
    await blog?.stop();
    await cluster?.stop();
    provider?.stop();
  });

  for (const mode of Object.keys(MODES)) {
    test(`third-party cookies ${mode}: a reader posts and signs in, a moderator approves, all through the balancer`, T, async () => {
      const reader = await openBrowser(null, mode);
      const servedBy = new Set();
      reader.context.on('response', (r) => { const s = r.headers()['x-served-by']; if (s) servedBy.add(s); });
      const { page, context } = reader;
      try {
        await page.goto(`${blog.origin}/post/lb-${mode}?site=held&title=Balanced`);
        let f = await widget(page);
        await f.fill('#rb-body', `Guest words (${mode})`);
        await f.fill('#rb-name', 'Grace');
        await f.fill('#rb-email', 'grace@example.org');
        await f.click('.rb-submit');
        await f.waitForSelector('.rb-pending');

        const [popup] = await Promise.all([context.waitForEvent('page'), f.click('button.rb-provider[data-provider=corp]')]);
        await popup.waitForEvent('close', { timeout: 20_000 });
        await f.waitForSelector('.rb-out');
        assert.match(await f.textContent('.rb-intro'), /Ada Lovelace \(Corp\)/);
        await f.fill('#rb-body', `Signed words (${mode})`);
        await f.click('button[type=submit]');
        await until(async () => (await f.locator('.rb-pending').count()) === 2, 10_000, 'both comments held');

        const mod = await openBrowser(null, mode);
        mod.context.on('response', (r) => { const s = r.headers()['x-served-by']; if (s) servedBy.add(s); });
        await mod.page.goto(`${cluster.lb}/admin/login`);
        await mod.page.fill('#name', 'alice');
        await mod.page.fill('#password', PASSWORD);
        await Promise.all([mod.page.waitForURL(`${cluster.lb}/admin`), mod.page.click('button[type=submit]')]);
        for (const words of [`Guest words (${mode})`, `Signed words (${mode})`]) {
          const card = mod.page.locator('.card', { hasText: words });
          await card.waitFor();
          await card.focus();
          // The action posts and comes back to the queue: wait for that page, not for a URL the
          // queue already had.
          await Promise.all([mod.page.waitForNavigation(), mod.page.keyboard.press('a')]);
          assert.equal(await mod.page.locator('.card', { hasText: words }).count(), 0, 'gone from Pending');
        }
        await mod.page.goto(`${cluster.lb}/admin/audit`);
        assert.equal((await mod.page.textContent('table')).match(/admin:alice\s*approve/g)?.length >= 2, true);
        assert.deepEqual(mod.problems, []);
        await mod.close();

        await page.reload();
        f = await widget(page);
        await until(async () => (await f.locator('.rb-c .rb-body').count()) === 2, 10_000, 'both approved comments');
        assert.equal(await f.locator('.rb-pending').count(), 0);
        assert.match(await f.textContent('#rb-title'), /2 comments/);
        assert.match(await f.textContent('.rb-intro'), /Ada Lovelace/, 'still signed in after the reload');
        assert.ok(servedBy.size >= 2, `requests were spread over instances: ${[...servedBy]}`);
        assert.deepEqual(reader.dialogs, []);
        assert.deepEqual(reader.problems, []);
      } finally {
        await fsp.mkdir(ARTIFACTS, { recursive: true });
        await page.screenshot({ path: path.join(ARTIFACTS, `cluster-${mode}.png`) }).catch(() => {});
        await reader.close();
      }
    });
  }

  test('a sign-in started on one instance completes on a second and is exchanged on a third', T, async () => {
    const [r0, r1, r2] = cluster.nodes;
    const jar = new Jar();
    // Direct to instances by the public host name, as the balancer's own name is (cookies follow
    // the host, not the port).
    const direct = (node, url) => url.replace(cluster.lb, `http://localhost:${node.port}`);
    let response = await jar.get(`http://localhost:${r0.port}/auth/corp/start?site=open&login_hint=ada`);
    assert.equal(response.status, 303, 'r0 sends the reader to the provider');
    let url = response.headers.get('location');
    for (let hops = 0; !url.startsWith(cluster.lb); hops++) {
      assert.ok(hops < 12, 'too many redirects at the provider');
      response = await jar.get(url);
      url = new URL(response.headers.get('location'), url).toString();
    }
    assert.match(url, /\/auth\/corp\/callback\?/);
    const callback = await jar.get(direct(r1, url));
    assert.equal(callback.status, 200, 'r1 completes what r0 began');
    const code = (await callback.text()).match(/data-code="([^"]+)"/)?.[1];
    assert.ok(code, 'the popup page carries a one-time code');
    const exchanged = await fetch(`http://127.0.0.1:${r2.port}/auth/exchange`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: cluster.lb },
      body: JSON.stringify({ code })
    });
    assert.equal(exchanged.status, 200, 'r2 trades the code');
    const { credential, viewer } = await exchanged.json();
    assert.equal(viewer.name, 'Ada Lovelace');
    const again = await fetch(`http://127.0.0.1:${r0.port}/auth/exchange`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: cluster.lb },
      body: JSON.stringify({ code })
    });
    assert.equal(again.status, 400, 'the code worked once in the whole cluster');
    const session = await fetch(`${cluster.lb}/api/session`, { headers: { Authorization: `Bearer ${credential}` } });
    assert.equal(session.status, 200);
    assert.equal((await session.json()).viewer?.name, 'Ada Lovelace');
  });

  test('kill -9 one instance mid-load: the others serve on and no acknowledged comment is lost', T, async () => {
    const victim = cluster.nodes[1];
    const acknowledged = [];
    const failures = [];
    const started = Date.now();
    let killedAt = null;
    const writer = async (w) => {
      for (let n = 0; Date.now() - started < 8000; n++) {
        const body = `load w${w} n${n}`;
        const at = Date.now();
        try {
          const r = await fetch(`${cluster.lb}/api/comments`, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json', Origin: blog.origin },
            body: JSON.stringify({ site: 'open', uri: '/load/', body, author: { name: `Writer ${w}`, email: 'w@example.org' } })
          });
          const text = await r.text();
          if (r.status === 201) acknowledged.push({ id: JSON.parse(text).comment.id, body, by: r.headers.get('x-served-by') });
          else failures.push({ at, status: r.status, text: text.slice(0, 120) });
        } catch (e) {
          failures.push({ at, status: 'network', text: e.message });
        }
      }
    };
    const killer = (async () => {
      await new Promise((ok) => setTimeout(ok, 2500));
      killedAt = Date.now();
      await cluster.crash(victim);
    })();
    await Promise.all([0, 1, 2, 3].map(writer).concat(killer));
    assert.ok(killedAt, 'the instance was killed');
    const before = acknowledged.filter((a) => a.by === `r${victim.index}`).length;
    assert.ok(before > 0, 'the victim had taken writes before it died');
    // Every acknowledged comment is in the database with its words.
    const stored = new Map(cluster.sql("SELECT id || ' ' || body FROM comments WHERE body LIKE 'load %'")
      .split('\n').filter(Boolean).map((line) => { const i = line.indexOf(' '); return [Number(line.slice(0, i)), line.slice(i + 1)]; }));
    const lost = acknowledged.filter((a) => stored.get(a.id) !== a.body);
    assert.deepEqual(lost, [], 'no acknowledged comment is lost');
    // Failures, if any, are the requests the dying instance held, within the checks' window.
    const late = failures.filter((f) => f.at > killedAt + 2000 || f.at < killedAt - 100);
    assert.deepEqual(late, [], 'outside the moment of the crash every request succeeded');
    console.log(`# ${acknowledged.length} comments acknowledged in 8 s through the balancer, ${failures.length} failed at the crash (${failures.map((f) => f.status).join(', ') || 'none'})`);
    // Reads go on, from the survivors only.
    for (let i = 0; i < 6; i++) {
      const r = await fetch(`${cluster.lb}/api/comments?site=open&uri=/load/`);
      assert.equal(r.status, 200);
      assert.notEqual(r.headers.get('x-served-by'), `r${victim.index}`);
      assert.equal((await r.json()).comments.length, stored.size);
    }
  });
});
