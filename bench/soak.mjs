// Soak test: mixed traffic against a real Gatehouse (built dist/, a new database on the local
// PostgreSQL) over loopback for SOAK_SECONDS, as fast as the machine allows, then checks that nothing
// was lost or doubled:
//   - client-credentials tokens (POST /oauth2/token)
//   - Bearer reads (GET /v1/users with a client-credentials token, GET /v1/users/me with code-flow tokens)
//   - API-key reads (GET /v1/data with X-API-Key)
//   - refresh rotations (one chain per worker, each refresh token used once)
//   - writes (POST /v1/data with the key, each with a unique marker)
// Fails (exit 1) on any 5xx or network error, on a 201 write that is not stored exactly once (or a
// stored record no 201 answered), on a refresh chain that is not a single line of single-use tokens,
// or when a replayed refresh token is accepted. Prints figures per request type, and a last line
// `SOAK_RESULT {json}` for the test that runs it.
//
// Run: npm run soak (builds first). Environment: SOAK_SECONDS (60), SOAK_CONCURRENCY (32 loops in
// flight), TEST_DATABASE_URL (postgres://postgres@127.0.0.1:5432/postgres).
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Browser, hidden, pkce } from './lib/flows.mjs';
import { createDatabase, databaseUrl, dropDatabase, freePort, gatehouseCommand, ROOT, sql, TEST_DATABASE_URL } from './lib/server.mjs';

const SECONDS = Number(process.env.SOAK_SECONDS ?? 60);
const CONCURRENCY = Math.max(5, Number(process.env.SOAK_CONCURRENCY ?? 32));
const ADMIN_URL = TEST_DATABASE_URL;
const REDIRECT = 'http://127.0.0.1:9/cb';
const log = (msg) => process.stderr.write(`soak: ${msg}\n`);

const dbName = `gh_soak_${randomBytes(5).toString('hex')}`;
const dbUrl = databaseUrl(ADMIN_URL, dbName);
const dataDir = mkdtempSync(join(tmpdir(), 'gh-soak-'));
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const adminEmail = 'soak-admin@example.com';
const adminPassword = randomBytes(16).toString('base64url');
const env = {
  PATH: process.env.PATH ?? '',
  NODE_ENV: 'development',
  DATABASE_URL: dbUrl,
  DATA_DIR: dataDir,
  HOST: '127.0.0.1',
  PORT: String(port),
  PUBLIC_URL: base,
  LOG_LEVEL: 'warn',
  MASTER_KEY: randomBytes(32).toString('base64url'),
  ADMIN_EMAIL: adminEmail,
  ADMIN_PASSWORD: adminPassword,
  // The soak measures the server under load, not the abuse limits.
  RATE_LIMIT_TOKEN_PER_MINUTE: '0',
  RATE_LIMIT_API_KEY_PER_MINUTE: '0',
};

/** A new code-flow grant for the signed-in browser: its first access and refresh tokens. */
async function newChain(browser, clientId) {
  const { verifier, challenge } = pkce();
  const q = new URLSearchParams({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: REDIRECT,
    scope: 'profile',
    state: 's',
    code_challenge: challenge,
    code_challenge_method: 'S256',
  });
  let res = await browser.get(`/oauth2/authorize?${q}`);
  if (res.status === 200)
    res = await browser.post('/oauth2/authorize', { csrf: hidden(res.text, 'csrf'), authz: hidden(res.text, 'authz'), decision: 'allow' });
  if (!res.location) throw new Error(`authorize answered ${res.status}`);
  const code = new URL(res.location).searchParams.get('code');
  const tok = await fetch(`${base}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, client_id: clientId, code_verifier: verifier }).toString(),
  });
  const body = await tok.json();
  if (tok.status !== 200) throw new Error(`code exchange answered ${tok.status} ${JSON.stringify(body)}`);
  return {
    access: body.access_token,
    refresh: body.refresh_token,
    first: body.refresh_token,
    rotations: 0,
    gid: JSON.parse(Buffer.from(body.access_token.split('.')[1], 'base64url')).gid,
  };
}

const stats = new Map();
const failures = [];
function note(type, status, ms) {
  let s = stats.get(type);
  if (!s) stats.set(type, (s = { count: 0, statuses: {}, latencies: [] }));
  s.count++;
  s.statuses[status] = (s.statuses[status] ?? 0) + 1;
  s.latencies.push(ms);
  if (status === 'error' || status >= 500) {
    if (failures.length < 20) failures.push(`${type}: ${status}`);
  }
}

/** One timed request; returns { status, body } (body parsed when JSON). */
async function timed(type, url, init) {
  const start = performance.now();
  try {
    const res = await fetch(url, init);
    const text = await res.text();
    note(type, res.status, performance.now() - start);
    let body;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = text;
    }
    return { status: res.status, body };
  } catch (err) {
    note(type, 'error', performance.now() - start);
    if (failures.length < 20) failures.push(`${type}: ${err.message}`);
    return { status: 0, body: undefined };
  }
}

const pct = (xs, p) => {
  if (xs.length === 0) return 0;
  const sorted = Float64Array.from(xs).sort();
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};

let server;
let exitCode = 1;
try {
  await createDatabase(ADMIN_URL, dbName);
  // Node's flags as production runs it; not pinned: the soak loads the whole machine.
  const [cmd, args] = gatehouseCommand({ pin: false });
  server = spawn(cmd, args, { cwd: dataDir, env, stdio: ['ignore', 'ignore', 'inherit'] });
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${base}/health/ready`)).ok) break;
    } catch {
      // not listening yet
    }
    if (i > 300) throw new Error('server did not become ready');
    await new Promise((r) => setTimeout(r, 100));
  }
  const cli = (args) =>
    JSON.parse(execFileSync(process.execPath, [join(ROOT, 'dist/src/cli/main.js'), ...args, '--json'], { cwd: dataDir, env, encoding: 'utf8' }));
  const cc = cli(['clients:create', '--name', 'soak-cc', '--owner', adminEmail, '--scopes', 'users:read data:read']);
  const { key } = cli(['keys:create', '--owner', adminEmail, '--name', 'soak', '--scopes', 'data:read data:write']);
  const pub = cli([
    'clients:create',
    '--name',
    'soak-app',
    '--type',
    'public',
    '--grants',
    'authorization_code refresh_token',
    '--scopes',
    'profile',
    '--redirect-uris',
    REDIRECT,
  ]);
  const ownerId = (await sql(dbUrl, 'SELECT id FROM users WHERE email = $1', [adminEmail]))[0].id;

  const browser = new Browser(base);
  const page = await browser.get('/portal/signin');
  const signIn = await browser.post('/portal/signin', { csrf: hidden(page.text, 'csrf'), email: adminEmail, password: adminPassword });
  if (signIn.status !== 303) throw new Error(`sign-in answered ${signIn.status}`);

  const ccBody = new URLSearchParams({ grant_type: 'client_credentials', client_id: cc.client_id, client_secret: cc.client_secret }).toString();
  const form = { 'content-type': 'application/x-www-form-urlencoded' };
  let ccToken = (await (await fetch(`${base}/oauth2/token`, { method: 'POST', headers: form, body: ccBody })).json()).access_token;

  // Workers by kind: a share of CONCURRENCY each (at least one).
  const share = { token: 0.15, bearer: 0.25, key: 0.25, write: 0.15, refresh: 0.2 };
  const counts = Object.fromEntries(Object.entries(share).map(([k, v]) => [k, Math.max(1, Math.round(v * CONCURRENCY))]));
  const chains = [];
  for (let i = 0; i < counts.refresh; i++) chains.push(await newChain(browser, pub.client_id));
  const writes = []; // { id, marker } of every 201

  const deadline = Date.now() + SECONDS * 1000;
  const started = performance.now();
  log(
    `server ${base}, database ${dbName}; ${SECONDS} s with ${Object.entries(counts)
      .map(([k, n]) => `${n} ${k}`)
      .join(', ')} loops`,
  );
  const loops = {
    token: async () => {
      const r = await timed('token (client_credentials)', `${base}/oauth2/token`, { method: 'POST', headers: form, body: ccBody });
      if (r.status === 200) ccToken = r.body.access_token;
    },
    bearer: async (i) => {
      if (i % 2 === 0) await timed('Bearer read (GET /v1/users, cc token)', `${base}/v1/users?limit=5`, { headers: { authorization: `Bearer ${ccToken}` } });
      else {
        const chain = chains[i % chains.length];
        await timed('Bearer read (GET /v1/users/me, code-flow token)', `${base}/v1/users/me`, { headers: { authorization: `Bearer ${chain.access}` } });
      }
    },
    key: async () => {
      await timed('API-key read (GET /v1/data)', `${base}/v1/data?limit=10`, { headers: { 'x-api-key': key } });
    },
    write: async () => {
      const marker = randomUUID();
      const r = await timed('write (POST /v1/data)', `${base}/v1/data`, {
        method: 'POST',
        headers: { 'x-api-key': key, 'content-type': 'application/json' },
        body: JSON.stringify({ data: { marker, at: Date.now() } }),
      });
      if (r.status === 201) writes.push({ id: r.body.id, marker });
      else if (r.status !== 0 && r.status < 500 && failures.length < 20) failures.push(`write answered ${r.status}`);
    },
    refresh: async (i) => {
      const chain = chains[i];
      const r = await timed('refresh rotation', `${base}/oauth2/token`, {
        method: 'POST',
        headers: form,
        body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: chain.refresh, client_id: pub.client_id }).toString(),
      });
      if (r.status === 200 && r.body.refresh_token !== chain.refresh) {
        chain.refresh = r.body.refresh_token;
        chain.access = r.body.access_token;
        chain.rotations++;
      } else if (failures.length < 20) failures.push(`refresh of chain ${i} answered ${r.status} ${JSON.stringify(r.body)}`);
    },
  };
  const workers = [];
  for (const [kind, n] of Object.entries(counts)) {
    for (let i = 0; i < n; i++) {
      workers.push(
        (async () => {
          while (Date.now() < deadline) await loops[kind](i);
        })(),
      );
    }
  }
  await Promise.all(workers);
  const elapsed = (performance.now() - started) / 1000;

  // Exactly once: every 201 is stored once, and nothing is stored that no 201 answered.
  const rows = await sql(dbUrl, `SELECT id, body->>'marker' AS marker FROM data_records WHERE owner_id = $1`, [ownerId]);
  const byMarker = new Map();
  for (const r of rows) byMarker.set(r.marker, [...(byMarker.get(r.marker) ?? []), r.id]);
  const lost = writes.filter((w) => (byMarker.get(w.marker) ?? []).length === 0).length;
  const doubled = writes.filter((w) => (byMarker.get(w.marker) ?? []).length > 1).length;
  const wrongId = writes.filter((w) => (byMarker.get(w.marker) ?? [])[0] !== w.id).length;
  const phantom = rows.length - writes.length;
  // Readable through the API: a sample, by id, with the key.
  let unreadable = 0;
  const sample = writes.filter((_, i) => i % Math.max(1, Math.floor(writes.length / 200)) === 0);
  for (const w of sample) {
    const res = await fetch(`${base}/v1/data/${w.id}`, { headers: { 'x-api-key': key } });
    const body = res.status === 200 ? await res.json() : undefined;
    if (body?.data?.marker !== w.marker) unreadable++;
  }

  // Refresh chains: one line of tokens, each used once; the first one replayed is refused.
  let brokenChains = 0;
  for (const chain of chains) {
    const [row] = await sql(
      dbUrl,
      `SELECT count(*)::int AS total, count(used_at)::int AS used, count(parent_id)::int AS with_parent, count(DISTINCT parent_id)::int AS distinct_parents
         FROM refresh_tokens WHERE grant_id = $1`,
      [chain.gid],
    );
    const ok =
      row.total === chain.rotations + 1 && row.used === chain.rotations && row.with_parent === chain.rotations && row.distinct_parents === chain.rotations;
    if (!ok) {
      brokenChains++;
      failures.push(`chain ${chain.gid}: ${JSON.stringify(row)} for ${chain.rotations} rotations`);
    }
  }
  const replay = await fetch(`${base}/oauth2/token`, {
    method: 'POST',
    headers: form,
    body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: chains[0].first, client_id: pub.client_id }).toString(),
  });
  const replayRefused = chains[0].rotations === 0 || (replay.status === 400 && (await replay.json()).error === 'invalid_grant');

  const types = [...stats.entries()].map(([type, s]) => ({
    type,
    requests: s.count,
    rps: Math.round(s.count / elapsed),
    p50: Number(pct(s.latencies, 50).toFixed(1)),
    p99: Number(pct(s.latencies, 99).toFixed(1)),
    statuses: s.statuses,
  }));
  const all = [...stats.values()].flatMap((s) => s.latencies);
  const fiveXx = [...stats.values()].reduce(
    (n, s) =>
      n +
      Object.entries(s.statuses)
        .filter(([k]) => k === 'error' || Number(k) >= 500)
        .reduce((a, [, v]) => a + v, 0),
    0,
  );
  const result = {
    seconds: Number(elapsed.toFixed(1)),
    concurrency: Object.values(counts).reduce((a, b) => a + b, 0),
    requests: all.length,
    rps: Math.round(all.length / elapsed),
    p50: Number(pct(all, 50).toFixed(1)),
    p99: Number(pct(all, 99).toFixed(1)),
    fiveXxOrErrors: fiveXx,
    writes: writes.length,
    lost,
    doubled,
    wrongId,
    phantom,
    sampledReads: sample.length,
    unreadable,
    chains: chains.length,
    rotations: chains.reduce((a, c) => a + c.rotations, 0),
    brokenChains,
    replayRefused,
    types,
  };
  const lines = [
    `soak: ${result.requests} requests in ${result.seconds} s = ${result.rps} req/s, p50 ${result.p50} ms, p99 ${result.p99} ms, ${result.concurrency} loops`,
    ...types.map(
      (t) =>
        `  ${t.type.padEnd(48)} ${String(t.requests).padStart(7)} req ${String(t.rps).padStart(5)}/s  p50 ${t.p50} ms  p99 ${t.p99} ms  ${JSON.stringify(t.statuses)}`,
    ),
    `  writes: ${writes.length} answered 201, ${lost} lost, ${doubled} doubled, ${wrongId} under another id, ${phantom} stored without a 201; ${sample.length} read back, ${unreadable} wrong`,
    `  refresh: ${result.rotations} rotations in ${chains.length} chains, ${brokenChains} broken; replay of a used token refused: ${replayRefused}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  const ok =
    fiveXx === 0 &&
    lost === 0 &&
    doubled === 0 &&
    wrongId === 0 &&
    phantom === 0 &&
    unreadable === 0 &&
    brokenChains === 0 &&
    replayRefused &&
    failures.length === 0;
  if (!ok) process.stdout.write(`soak FAILED: ${failures.join('; ') || 'see the figures above'}\n`);
  process.stdout.write(`SOAK_RESULT ${JSON.stringify({ ok, ...result, failures })}\n`);
  exitCode = ok ? 0 : 1;
} catch (err) {
  process.stdout.write(`soak FAILED: ${err.stack ?? err}\n`);
  exitCode = 1;
} finally {
  server?.kill('SIGTERM');
  await new Promise((r) => (server && server.exitCode === null ? server.once('exit', r) : r()));
  await dropDatabase(ADMIN_URL, dbName).catch(() => undefined);
  rmSync(dataDir, { recursive: true, force: true });
}
process.exit(exitCode);
