// `npm run bench:keys`: what API-key authentication costs on GET /v1/data, measured in one run.
//
// Starts the built server itself (dist/) on a fresh PostgreSQL database that it creates and drops,
// with LOG_LEVEL=warn and BENCH_ROUTES=true (which adds the unauthenticated twin GET /v1/data-open),
// creates keys with the CLI, seeds records, checks that both routes return exactly the key owner's
// records, then drives each scenario with autocannon: 10 connections, no pipelining, bounded
// duration, loopback only. The server is pinned to CPU 0 and this process to CPU 1 when taskset
// exists. Every measured response must be 200 with the expected body (autocannon expectBody).
//
// Options (environment): BENCH_SECONDS (default 10 per scenario, split into 5 interleaved rounds),
// BENCH_CONNECTIONS (10), TEST_DATABASE_URL.
import autocannon from 'autocannon';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseApiKey } from '../dist/src/api-keys/api-key-format.js';
import { createDatabase, databaseUrl, dropDatabase, freePort, gatehouseCommand, HAS_TASKSET, ROOT, sql, TEST_DATABASE_URL } from './lib/server.mjs';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const WARMUP_SECONDS = 3;
const ROUNDS = 5;
const RECORDS = 20;
const ADMIN_URL = TEST_DATABASE_URL;
// Once re-executed under `taskset -c 1` this process sees one CPU, hence BENCH_PINNED.
const hasTaskset = process.env.BENCH_PINNED === '1' || (HAS_TASKSET && availableParallelism() >= 2);

// Pin this process (autocannon) to CPU 1, away from the server on CPU 0.
if (hasTaskset && !process.env.BENCH_PINNED) {
  const r = spawnSync('taskset', ['-c', '1', process.execPath, ...process.argv.slice(1)], { stdio: 'inherit', env: { ...process.env, BENCH_PINNED: '1' } });
  process.exit(r.status ?? 1);
}

const log = (msg) => process.stderr.write(`bench: ${msg}\n`);

const dbName = `gh_bench_${randomBytes(5).toString('hex')}`;
const dbUrl = databaseUrl(ADMIN_URL, dbName);
const dataDir = mkdtempSync(join(tmpdir(), 'gh-bench-'));
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const env = {
  PATH: process.env.PATH ?? '',
  NODE_ENV: 'development',
  DATABASE_URL: dbUrl,
  DATA_DIR: dataDir,
  HOST: '127.0.0.1',
  PORT: String(port),
  LOG_LEVEL: 'warn',
  BENCH_ROUTES: 'true',
  // The bench measures the key check, not the per-key limit (which would answer 429 past 100/s).
  RATE_LIMIT_API_KEY_PER_MINUTE: '0',
  MASTER_KEY: randomBytes(32).toString('base64url'),
  ADMIN_PASSWORD: randomBytes(16).toString('base64url'),
};

let server;
try {
  await createDatabase(ADMIN_URL, dbName);
  const [cmd, args] = gatehouseCommand({ pin: hasTaskset });
  server = spawn(cmd, args, { cwd: dataDir, env, stdio: ['ignore', 'ignore', 'inherit'] });
  await waitReady();
  log(`server on ${base} (database ${dbName}${hasTaskset ? ', server on CPU 0, autocannon on CPU 1' : ', not pinned: no taskset'})`);

  const cli = (args) =>
    JSON.parse(execFileSync(process.execPath, [join(ROOT, 'dist/src/cli/main.js'), ...args, '--json'], { cwd: dataDir, env, encoding: 'utf8' }));
  const owner = 'admin@gatehouse.local';
  const { key } = cli(['keys:create', '--owner', owner, '--name', 'bench', '--scopes', 'data:read data:write']);
  cli(['users:create', '--email', 'other@example.com', '--password', 'another long passphrase']);
  const { key: otherKey } = cli(['keys:create', '--owner', 'other@example.com', '--name', 'other', '--scopes', 'data:write']);
  const ownerId = await ownerIdOf(owner);

  const mine = [];
  for (let i = 0; i < RECORDS; i++) mine.push((await post(key, { n: i, owner: 'admin', payload: 'x'.repeat(64) })).id);
  for (let i = 0; i < 5; i++) await post(otherKey, { n: i, owner: 'other' });

  // Correctness: both routes return the owner's 20 records, newest first, nothing of the other user.
  const withKey = await get('/v1/data', { 'x-api-key': key });
  const open = await get(`/v1/data-open?owner_id=${ownerId}`, {});
  const ids = JSON.parse(withKey).data.map((r) => r.id);
  if (JSON.stringify(ids) !== JSON.stringify([...mine].reverse())) throw new Error('GET /v1/data with the key did not return exactly the owner’s records');
  if (open !== withKey) throw new Error('GET /v1/data-open and GET /v1/data differ');

  const scenarios = [
    { name: 'GET /v1/ping (no auth, no database: the floor)', path: '/v1/ping', headers: {} },
    { name: 'GET /v1/data-open (same query, auth off)', path: `/v1/data-open?owner_id=${ownerId}`, headers: {}, body: open },
    { name: 'GET /v1/data, X-API-Key', path: '/v1/data', headers: { 'x-api-key': key }, body: open },
    { name: 'GET /v1/data, ?api_key= (deprecated)', path: `/v1/data?api_key=${key}`, headers: {}, body: open },
  ];
  // The machine may be shared: scenarios are interleaved in ROUNDS so that a slow spell hits all of
  // them, and the ratio is taken within each round (its median is reported).
  const [, baseline, keyed] = scenarios;
  const rounds = [];
  for (const s of scenarios) await run(s, WARMUP_SECONDS);
  for (let round = 0; round < ROUNDS; round++) {
    const row = {};
    for (const s of scenarios) {
      const r = await run(s, SECONDS / ROUNDS);
      const bad = r.non2xx + r.errors + r.timeouts + (r.mismatches ?? 0);
      if (bad > 0) throw new Error(`${s.name}: ${r.non2xx} non-2xx, ${r.errors} errors, ${r.timeouts} timeouts, ${r.mismatches ?? 0} wrong bodies`);
      row[s.name] = r;
    }
    rounds.push(row);
    const ratio = row[keyed.name].requests.average / row[baseline.name].requests.average;
    log(
      `round ${round + 1}: ${scenarios.map((s) => `${s.path.split('?')[0]} ${row[s.name].requests.average.toFixed(0)}`).join(', ')} req/s; ratio ${ratio.toFixed(3)}`,
    );
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const results = scenarios.map((s) => {
    const rs = rounds.map((row) => row[s.name]);
    return {
      name: s.name,
      rps: rs.reduce((a, r) => a + r.requests.total, 0) / SECONDS,
      p50: median(rs.map((r) => r.latency.p50)),
      p99: median(rs.map((r) => r.latency.p99)),
      total: rs.reduce((a, r) => a + r.requests.total, 0),
    };
  });
  const ratios = rounds.map((row) => row[keyed.name].requests.total / row[baseline.name].requests.total);
  const ratio = results[2].total / results[1].total;
  const cpu = keyCpuCost(key);
  const lines = [
    `| scenario | req/s | p50 ms | p99 ms | requests |`,
    `|---|---:|---:|---:|---:|`,
    ...results.map((r) => `| ${r.name} | ${r.rps.toFixed(0)} | ${r.p50} | ${r.p99} | ${r.total} |`),
    '',
    `ratio (X-API-Key / auth off, all rounds): ${ratio.toFixed(3)} (target >= 0.8) ${ratio >= 0.8 ? 'PASS' : 'FAIL'}; per round: ${ratios.map((x) => x.toFixed(2)).join(', ')}, median ${median(ratios).toFixed(3)}`,
    `CPU cost of checking a key's shape, CRC32 and SHA-256 (the per-request work on a cache hit, besides a Map look-up): ${cpu.toFixed(2)} us`,
    `${SECONDS} s per scenario in ${ROUNDS} interleaved rounds after ${WARMUP_SECONDS} s warm-up, ${CONNECTIONS} connections, no pipelining; every response checked (200, exact body)`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  process.exitCode = ratio >= 0.8 ? 0 : 1;
} finally {
  if (server && server.exitCode === null) {
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
  }
  await dropDatabase(ADMIN_URL, dbName).catch((err) => log(`could not drop ${dbName}: ${err.message}`));
  rmSync(dataDir, { recursive: true, force: true });
}

/** Microseconds per parseApiKey (regex, CRC32, SHA-256), in this process: a noise-free floor of the key's cost. */
function keyCpuCost(key) {
  const n = 200_000;
  for (let i = 0; i < 10_000; i++) parseApiKey(key);
  const t = process.hrtime.bigint();
  for (let i = 0; i < n; i++) if (!parseApiKey(key).ok) throw new Error('the key does not parse');
  return Number(process.hrtime.bigint() - t) / 1e3 / n;
}

async function waitReady() {
  for (let i = 0; i < 150; i++) {
    if (server.exitCode !== null) throw new Error(`the server exited with status ${server.exitCode}`);
    try {
      if ((await fetch(`${base}/health/ready`)).status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('the server did not become ready in 30 s');
}

async function ownerIdOf(email) {
  return (await sql(dbUrl, 'SELECT id FROM users WHERE email = $1', [email]))[0].id;
}

async function post(key, data) {
  const res = await fetch(`${base}/v1/data`, {
    method: 'POST',
    headers: { 'x-api-key': key, 'content-type': 'application/json' },
    body: JSON.stringify({ data }),
  });
  if (res.status !== 201) throw new Error(`POST /v1/data: ${res.status} ${await res.text()}`);
  return res.json();
}

async function get(path, headers) {
  const res = await fetch(`${base}${path}`, { headers });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`GET ${path.replace(/api_key=[^&]*/, 'api_key=...')}: ${res.status} ${text}`);
  return text;
}

function run(s, duration) {
  return autocannon({
    url: `${base}${s.path}`,
    headers: s.headers,
    connections: CONNECTIONS,
    pipelining: 1,
    duration,
    ...(s.body ? { expectBody: s.body } : {}),
  });
}
