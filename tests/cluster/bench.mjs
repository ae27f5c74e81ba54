// The cluster benchmark (a measurement, not a test; scripts/bench-cluster runs it): the dataset
// and wrk scenarios of scripts/bench-load against one instance on SQLite, one on PostgreSQL,
// and three on one PostgreSQL behind HAProxy — in one run, on one machine — with the CPU each
// part used during each scenario, which says where the ceiling is.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { REPO } from '../browser/harness.mjs';
import { startCluster } from './cluster.mjs';

const SECS = Number(process.argv[2] || 10);
const SITE = `[limits]
enabled = false
[log]
level = "warn"
[[sites]]
id = "bench"
name = "Benchmark blog"
origins = ["http://blog.bench"]
moderation = "none"
guest_email = "optional"
`;

/** Clock ticks of CPU (user + system) a process has used so far. */
function ticks(pid) {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch { return 0; }
}
/** Every PostgreSQL server process (the postmaster and its backends). */
function postgresPids() {
  const r = spawnSync('pgrep', ['-x', 'postgres'], { encoding: 'utf8' });
  return r.stdout.split('\n').filter(Boolean).map(Number);
}
function machineTicks() {
  const [, ...f] = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].split(/\s+/);
  const n = f.map(Number);
  return { busy: n[0] + n[1] + n[2] + n[5] + n[6], all: n.slice(0, 8).reduce((a, b) => a + b, 0) };
}

function wrk(args) {
  const r = spawnSync('wrk', args, { encoding: 'utf8' });
  const out = r.stdout + r.stderr;
  const rps = out.match(/Requests\/sec:\s+([\d.]+)/)?.[1] ?? '?';
  const p50 = out.match(/^\s+50%\s+(\S+)/m)?.[1] ?? '?';
  const p99 = out.match(/^\s+99%\s+(\S+)/m)?.[1] ?? '?';
  const errors = out.match(/non-2xx or socket errors: (\d+)/)?.[1] ?? '?';
  return { rps, p50, p99, errors };
}

async function measure(label, cluster) {
  const base = cluster.lb.replace('//localhost:', '//127.0.0.1:');
  const url = new URL(base);
  const seeded = spawnSync('python3', ['bench/seed.py', url.hostname, url.port, 'bench', 'http://blog.bench'], { cwd: REPO, encoding: 'utf8' });
  if (seeded.status !== 0) throw new Error(`seeding failed: ${seeded.stderr}`);
  const scenarios = [
    ['10-comment thread', ['-t2', '-c32', '--latency', '-s', 'bench/errors.lua', `${base}/api/comments?site=bench&uri=/post-17/`]],
    ['1,000-comment thread', ['-t2', '-c32', '--latency', '-s', 'bench/errors.lua', `${base}/api/comments?site=bench&uri=/big/`]],
    ['counts for 20 pages', ['-t2', '-c32', '--latency', '-s', 'bench/counts.lua', `${base}/api/counts`]],
    ['new comments, one connection', ['-t1', '-c1', '--latency', '-s', 'bench/post.lua', base]],
    ['new comments, 16 connections', ['-t2', '-c16', '--latency', '-s', 'bench/post.lua', base]]
  ];
  const rows = [];
  for (const [name, args] of scenarios) {
    // The warm-up is not counted: statement caches, SQLite's WAL at its working size, the
    // pools' connections (and so PostgreSQL's backends, listed after it) open.
    spawnSync('wrk', ['-d2s', ...args.filter((a) => a !== '--latency')], { cwd: REPO });
    const parts = {
      replybox: cluster.nodes.map((n) => n.proc.child.pid),
      haproxy: cluster.haproxy ? [cluster.haproxy.child.pid] : [],
      postgres: postgresPids()
    };
    const before = Object.fromEntries(Object.entries(parts).map(([k, pids]) => [k, pids.reduce((s, p) => s + ticks(p), 0)]));
    const machine = machineTicks();
    const result = (() => { process.chdir(REPO); return wrk([`-d${SECS}s`, ...args]); })();
    const after = machineTicks();
    const wall = after.all - machine.all; // ticks of all cores
    const share = (k) => {
      const used = parts[k].reduce((s, p) => s + ticks(p), 0) - before[k];
      return wall ? `${Math.round((100 * used) / wall)}%` : '?';
    };
    const busy = wall ? `${Math.round((100 * (after.busy - machine.busy)) / wall)}%` : '?';
    rows.push({ setup: label, scenario: name, ...result, replybox: share('replybox'), postgres: share('postgres'), haproxy: share('haproxy'), machine: busy });
  }
  return rows;
}

const setups = [
  ['1 × SQLite', { instances: 1, database: 'sqlite', balancer: false }],
  ['1 × PostgreSQL', { instances: 1, database: 'postgres', balancer: false }],
  ['3 × PostgreSQL + HAProxy', { instances: 3, database: 'postgres', balancer: true }]
];
const commit = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO, encoding: 'utf8' }).stdout.trim();
console.log(`replybox ${commit}, release build, ${SECS} s per run, on ${spawnSync('nproc', { encoding: 'utf8' }).stdout.trim()} cores; wrk, PostgreSQL, HAProxy and replybox share them.`);
console.log('CPU columns: share of all cores used by each part during the run (machine = all processes, wrk included).');
const all = [];
for (const [label, options] of setups) {
  const cluster = await startCluster({ ...options, release: true, config: async () => SITE });
  try {
    all.push(...(await measure(label, cluster)));
  } finally {
    await cluster.stop();
  }
}
const header = ['scenario', 'setup', 'req/s', 'p50', 'p99', 'errors', 'replybox', 'postgres', 'haproxy', 'machine'];
const table = [header, ...all.sort((a, b) => a.scenario.localeCompare(b.scenario) || 0).map((r) => [r.scenario, r.setup, r.rps, r.p50, r.p99, r.errors, r.replybox, r.postgres, r.haproxy, r.machine])];
const widths = header.map((_, i) => Math.max(...table.map((row) => String(row[i]).length)));
for (const row of table) console.log(row.map((c, i) => String(c).padEnd(widths[i])).join('  '));
fs.mkdirSync(path.join(REPO, 'tests', 'artifacts'), { recursive: true });
fs.writeFileSync(path.join(REPO, 'tests', 'artifacts', 'bench-cluster.json'), JSON.stringify(all, null, 2));
