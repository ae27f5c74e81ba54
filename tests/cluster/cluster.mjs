// A cluster as an operator runs one: several `replybox serve` processes on one PostgreSQL
// database behind HAProxy (Debian's package), round-robin, no stickiness, health-checked on
// /readyz. Everything listens on loopback; the database is created for the run and dropped after.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { BIN, REPO, freePort } from '../browser/harness.mjs';

const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));
export const PG = process.env.REPLYBOX_TEST_POSTGRES_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
export const PASSWORD = 'correct horse battery staple';

/** Runs SQL with psql against `url`; returns the unaligned output. */
export function psql(url, sql) {
  const r = spawnSync('psql', [url, '-Atqc', sql], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`psql failed: ${r.stderr}`);
  return r.stdout.trim();
}

/** The environment a child gets: none of our own REPLYBOX_* (they would be read as config). */
function cleanEnv() {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('REPLYBOX_')));
}

async function waitFor(url, status, what, proc) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (proc?.exited) throw new Error(`${what} exited during start-up:\n${proc.log()}`);
    try {
      const r = await fetch(url);
      if (r.status === status) return;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) throw new Error(`${what} did not answer ${url} with ${status} within 60 s`);
    await sleep(100);
  }
}

function spawnLogged(cmd, args, tmp, name, opts = {}) {
  const logPath = path.join(tmp, `${name}.log`);
  const log = fs.openSync(logPath, 'a');
  const child = spawn(cmd, args, { cwd: REPO, stdio: ['ignore', log, log], ...opts });
  fs.closeSync(log);
  const proc = {
    child, exited: null,
    log: () => { try { return fs.readFileSync(logPath, 'utf8'); } catch { return ''; } }
  };
  child.on('exit', (code, signal) => { proc.exited = { code, signal }; });
  return proc;
}

/**
 * Starts `instances` replybox processes and HAProxy in front of them. `config(lbOrigin)` returns
 * the TOML every instance shares (sites, auth, limits); [server] and [database] are added here.
 * Resolves once the balancer sees every instance ready.
 */
export async function startCluster({ instances = 3, config, release = false, database = 'postgres', balancer = true }) {
  const bin = release ? path.join(path.dirname(BIN), '..', 'release', 'replybox') : BIN;
  if (!fs.existsSync(bin)) throw new Error(`replybox binary not found at ${bin}`);
  if (spawnSync('haproxy', ['-v']).status !== 0) throw new Error('haproxy is missing: scripts/test-services installs it');
  const tmp = await fsp.mkdtemp(path.join(os.tmpdir(), 'replybox-cluster-'));
  const name = `replybox_cluster_${process.pid}_${Date.now()}`;
  if (database === 'sqlite' && instances !== 1) throw new Error('one instance per SQLite file');
  let dbUrl = `sqlite://${tmp}/replybox.db`;
  if (database === 'postgres') {
    psql(PG, `CREATE DATABASE ${name}`);
    const url = new URL(PG);
    url.pathname = `/${name}`;
    dbUrl = url.toString();
  }
  const lbPort = await freePort();
  const lb = `http://localhost:${lbPort}`;
  const shared = await config(lb);
  const nodes = [];
  for (let i = 0; i < instances; i++) {
    const port = await freePort();
    const file = path.join(tmp, `instance-${i}.toml`);
    await fsp.writeFile(file, `[server]
listen = "127.0.0.1:${port}"
public_url = "${lb}"
trusted_proxies = ["127.0.0.1/32"]
drain_ms = 1500
[database]
url = "${dbUrl}"
max_connections = 8
${shared}`);
    nodes.push({ index: i, port, file, direct: `http://127.0.0.1:${port}` });
  }
  // One migrates first (the others would wait on its lock anyway), then all start.
  const migrate = spawnSync(bin, ['migrate', '--config', nodes[0].file], { cwd: REPO, env: cleanEnv(), encoding: 'utf8' });
  if (migrate.status !== 0) throw new Error(`migrate failed: ${migrate.stderr}${migrate.stdout}`);
  const start = (node) => {
    node.proc = spawnLogged(bin, ['serve', '--config', node.file], tmp, `instance-${node.index}`,
      { env: { ...cleanEnv(), RUST_LOG: process.env.RUST_LOG || 'warn' } });
    return waitFor(`${node.direct}/readyz`, 200, `instance ${node.index}`, node.proc);
  };
  await Promise.all(nodes.map(start));
  const stopAll = async (procs) => {
    for (const p of procs) {
      if (!p.exited) {
        const gone = new Promise((ok) => p.child.once('exit', ok));
        p.child.kill('SIGTERM');
        if (await Promise.race([gone.then(() => true), sleep(5000).then(() => false)]) === false) {
          p.child.kill('SIGKILL');
          await gone;
        }
      }
    }
    if (database === 'postgres') {
      try { psql(PG, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`); } catch { /* best effort */ }
    }
    if (!process.env.KEEP_TMP) await fsp.rm(tmp, { recursive: true, force: true });
  };
  if (!balancer) {
    return {
      lb: nodes[0].direct, tmp, dbUrl, nodes, bin,
      stop: () => stopAll(nodes.map((n) => n.proc))
    };
  }
  const servers = nodes.map((n) => `  server r${n.index} 127.0.0.1:${n.port} check inter 300ms fall 2 rise 2`).join('\n');
  const cfg = path.join(tmp, 'haproxy.cfg');
  await fsp.writeFile(cfg, `global
  maxconn 4096
defaults
  mode http
  timeout connect 2s
  timeout client 30s
  timeout server 30s
  retries 3
  option redispatch
  retry-on conn-failure
frontend replybox
  bind 127.0.0.1:${lbPort}
  option forwardfor
  default_backend instances
backend instances
  balance roundrobin
  option httpchk GET /readyz
  http-check expect status 200
  # Which instance answered, for the stories (and for an operator's curl -i).
  http-response set-header X-Served-By %s
${servers}
`);
  const haproxy = spawnLogged('haproxy', ['-f', cfg, '-db'], tmp, 'haproxy');
  await waitFor(`http://127.0.0.1:${lbPort}/readyz`, 200, 'haproxy', haproxy);
  // Every server must have passed its checks: round-robin is over all of them.
  const seen = new Set();
  const deadline = Date.now() + 20_000;
  while (seen.size < instances && Date.now() < deadline) {
    const r = await fetch(`http://127.0.0.1:${lbPort}/api/session`);
    seen.add(r.headers.get('x-served-by') ?? 'unknown');
    await r.arrayBuffer();
    await sleep(50);
  }
  if (seen.size < instances) {
    await stopAll([haproxy, ...nodes.map((n) => n.proc)]);
    throw new Error(`the balancer routed to ${[...seen]} only, not to all ${instances} instances`);
  }
  return {
    lb, lbPort, tmp, dbUrl, nodes, haproxy, bin,
    sql: (q) => psql(dbUrl, q),
    /** `replybox admin add` against the cluster's database, as an operator would. */
    addAdmin(user) {
      const r = spawnSync(bin, ['admin', 'add', user, '--password-stdin', '--config', nodes[0].file],
        { cwd: REPO, env: cleanEnv(), input: PASSWORD + '\n', encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`admin add failed: ${r.stderr}`);
    },
    /** kill -9: no shutdown, no drain, as a machine that died. */
    crash(node) {
      node.proc.child.kill('SIGKILL');
      return new Promise((ok) => (node.proc.exited ? ok() : node.proc.child.once('exit', ok)));
    },
    logs: () => [haproxy, ...nodes.map((n) => n.proc)].map((p) => p.log()).join('\n'),
    stop: () => stopAll([haproxy, ...nodes.map((n) => n.proc)])
  };
}
