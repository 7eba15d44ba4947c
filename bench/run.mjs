// `npm run bench`: Gatehouse on a real PostgreSQL, pinned to core 0, driven by autocannon from core 1
// (this process), every scenario in one run, with the reference points (bare Fastify, node
// oidc-provider) on the same core. Loopback only, bounded in time. Prints a table and the ratios.
import autocannon from 'autocannon';
import { spawn, spawnSync } from 'node:child_process';
import { createPublicKey, randomBytes, verify as verifySig } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import pg from 'pg';

const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const HAS_TASKSET = spawnSync('taskset', ['--version']).status === 0;
const children = [];

const freePort = () =>
  new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

/** Starts a server on core 0; resolves when `ready` says so. */
async function startServer(name, args, env, ready) {
  const cmd = HAS_TASKSET ? 'taskset' : process.execPath;
  const argv = HAS_TASKSET ? ['-c', '0', process.execPath, ...args] : args;
  const child = spawn(cmd, argv, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  children.push(child);
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const deadline = Date.now() + 60_000;
  while (!(await ready(out).catch(() => false))) {
    if (child.exitCode !== null) throw new Error(`${name} exited: ${out}`);
    if (Date.now() > deadline) throw new Error(`${name} not ready in 60 s: ${out}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  // taskset execs node in place, so the child's pid is node's.
  return { child, pid: child.pid, env, output: () => out };
}

const rssMb = (pid) => {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : NaN;
};

async function load(title, opts) {
  const result = await autocannon({ connections: CONNECTIONS, pipelining: 1, duration: DURATION, ...opts });
  return {
    title,
    rps: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    total: result.requests.total,
  };
}

function verifyJwt(token, jwks, expect) {
  const [h, p, s] = token.split('.');
  const header = JSON.parse(Buffer.from(h, 'base64url'));
  const claims = JSON.parse(Buffer.from(p, 'base64url'));
  const jwk = jwks.keys.find((k) => k.kid === header.kid);
  if (!jwk || header.alg !== 'ES256' || header.typ !== 'at+jwt') return false;
  const ok = verifySig(
    'sha256',
    Buffer.from(`${h}.${p}`),
    { key: createPublicKey({ key: jwk, format: 'jwk' }), dsaEncoding: 'ieee-p1363' },
    Buffer.from(s, 'base64url'),
  );
  return ok && claims.iss === expect.iss && claims.exp > Date.now() / 1000 && claims.client_id === expect.clientId;
}

async function main() {
  if (HAS_TASKSET) spawnSync('taskset', ['-pc', '1', String(process.pid)], { stdio: 'ignore' }); // the load generator on core 1
  const rows = [];
  const dbName = `gh_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${dbName}"`);
  const dbUrl = new URL(ADMIN_URL);
  dbUrl.pathname = `/${dbName}`;
  try {
    // --- Gatehouse
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const gh = await startServer(
      'gatehouse',
      ['dist/src/main.js'],
      {
        DATABASE_URL: dbUrl.href,
        PORT: String(port),
        PUBLIC_URL: base,
        LOG_LEVEL: 'warn',
        NODE_ENV: 'development',
        DATA_DIR: `/tmp/${dbName}`,
        MASTER_KEY: randomBytes(32).toString('base64'),
        RATE_LIMIT_TOKEN_PER_MINUTE: '0',
        RATE_LIMIT_API_KEY_PER_MINUTE: '0',
        BENCH_ROUTES: 'true',
      },
      async (out) => out.includes('client_secret:') && (await fetch(`${base}/health/ready`)).ok,
    );
    const clientId = /client_id:\s+(\S+)/.exec(gh.output())[1];
    const clientSecret = /client_secret:\s+(\S+)/.exec(gh.output())[1];
    const tokenBody = `grant_type=client_credentials&client_id=${clientId}&client_secret=${clientSecret}`;
    const tokenRes = await fetch(`${base}/oauth2/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: tokenBody });
    const accessToken = (await tokenRes.json()).access_token;
    const idleRss = rssMb(gh.pid);

    // An API key for the admin (who owns the demo client), made by the command line.
    const cli = spawnSync(
      process.execPath,
      ['dist/src/cli/main.js', 'keys:create', '--owner', 'admin@gatehouse.local', '--name', 'bench', '--scopes', 'data:read', '--json'],
      {
        env: { ...process.env, ...gh.env, LOG_LEVEL: 'silent' },
        encoding: 'utf8',
      },
    );
    if (cli.status !== 0) throw new Error(`keys:create failed: ${cli.stderr}`);
    const apiKey = JSON.parse(cli.stdout).key;

    rows.push(await load('B: GET /v1/ping (auth off, no database, same app)', { url: `${base}/v1/ping` }));
    rows.push(await load('2: GET /v1/users?limit=1, Bearer', { url: `${base}/v1/users?limit=1`, headers: { authorization: `Bearer ${accessToken}` } }));
    rows.push(await load('3: GET /v1/data?limit=1, X-API-Key', { url: `${base}/v1/data?limit=1`, headers: { 'x-api-key': apiKey } }));

    // Scenario 4 with correctness: every 50th token is verified against the JWKS afterwards.
    const sampled = [];
    let seen = 0;
    const tokenRow = await load('4: POST /oauth2/token, client_credentials (post)', {
      url: `${base}/oauth2/token`,
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: tokenBody,
      setupClient: (client) =>
        client.on('body', (buf) => {
          if (++seen % 50 === 0) sampled.push(JSON.parse(buf.toString()).access_token);
        }),
    });
    const jwks = await (await fetch(`${base}/.well-known/jwks.json`)).json();
    const valid = sampled.filter((t) => verifyJwt(t, jwks, { iss: base, clientId })).length;
    rows.push({ ...tokenRow, note: `${valid}/${sampled.length} sampled tokens verified` });
    const loadRss = rssMb(gh.pid);

    // --- reference points, same core
    const fport = await freePort();
    await startServer(
      'bare fastify',
      ['bench/servers/bare-fastify.mjs'],
      { PORT: String(fport) },
      async () => (await fetch(`http://127.0.0.1:${fport}/ping`)).ok,
    );
    rows.push(await load('bare Fastify: GET /ping', { url: `http://127.0.0.1:${fport}/ping` }));

    const oport = await freePort();
    const obody = 'grant_type=client_credentials&client_id=bench-client&client_secret=bench-secret-bench-secret-bench-secret-0123&scope=users:read';
    await startServer('oidc-provider', ['bench/servers/oidc-provider.mjs'], { PORT: String(oport), NODE_ENV: 'production' }, async () => {
      const r = await fetch(`http://127.0.0.1:${oport}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: obody,
      });
      return r.status === 200;
    });
    rows.push(
      await load('7: node-oidc-provider, client_credentials (post)', {
        url: `http://127.0.0.1:${oport}/token`,
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: obody,
      }),
    );

    print(rows, { idleRss, loadRss });
  } finally {
    for (const c of children) c.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
    await admin.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
    await admin.end();
  }
}

function print(rows, mem) {
  const by = (prefix) => rows.find((r) => r.title.startsWith(prefix));
  const B = by('B:');
  const fastify = by('bare');
  const peer = by('7:');
  const lines = [
    `Gatehouse benchmark, ${new Date().toISOString().slice(0, 10)}, ${DURATION} s per scenario, ${CONNECTIONS} connections, no pipelining, server on core 0${HAS_TASKSET ? '' : ' (taskset missing: not pinned)'}`,
    '',
    '| scenario | req/s | p50 ms | p99 ms | non-2xx | ratio | note |',
    '|---|---:|---:|---:|---:|---:|---|',
  ];
  for (const r of rows) {
    const ratio =
      r === B
        ? '1.00 B'
        : r.title.startsWith('bare')
          ? `B = ${(B.rps / r.rps).toFixed(2)} x`
          : r.title.startsWith('4:')
            ? `${(r.rps / peer.rps).toFixed(2)} x peer`
            : r === peer
              ? ''
              : `${(r.rps / B.rps).toFixed(2)} B`;
    lines.push(`| ${r.title} | ${r.rps} | ${r.p50} | ${r.p99} | ${r.non2xx + r.errors} | ${ratio} | ${r.note ?? ''} |`);
  }
  lines.push('', `RSS: idle ${mem.idleRss} MB, after load ${mem.loadRss} MB`);
  lines.push('', 'Targets:');
  const t = (name, ok) => lines.push(`- ${ok ? 'met' : 'NOT met'}: ${name}`);
  t(`B >= 0.6 x bare Fastify (${(B.rps / fastify.rps).toFixed(2)})`, B.rps >= 0.6 * fastify.rps);
  t(`2 >= 0.85 x B (${(by('2:').rps / B.rps).toFixed(2)}; B has no database query, 2 has one)`, by('2:').rps >= 0.85 * B.rps);
  t(`3 >= 0.90 x B (${(by('3:').rps / B.rps).toFixed(2)}; B has no database query, 3 has one)`, by('3:').rps >= 0.9 * B.rps);
  t(`4 >= 1.5 x node-oidc-provider (${(by('4:').rps / peer.rps).toFixed(2)})`, by('4:').rps >= 1.5 * peer.rps);
  t(`idle RSS < 150 MB (${mem.idleRss})`, mem.idleRss < 150);
  t(`RSS under load < 300 MB (${mem.loadRss})`, mem.loadRss < 300);
  t(
    'no errors or non-2xx',
    rows.every((r) => r.non2xx + r.errors === 0),
  );
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((err) => {
  for (const c of children) c.kill('SIGKILL');
  process.stderr.write(`bench failed: ${err.stack ?? err}\n`);
  process.exit(1);
});
