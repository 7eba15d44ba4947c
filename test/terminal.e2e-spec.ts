import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './support/app.js';
import { ensureBuilt, ROOT, runNode } from './support/build.js';

/**
 * `npm start` as a newcomer sees it: the real process in a pseudo-terminal (util-linux `script`), on
 * the embedded database with no configuration. The first screen must hold what they need; the printed
 * curl pair must work as pasted; the log lines that follow are for people, not JSON.
 */
const BOOT_TIMEOUT = 180_000;
// eslint-disable-next-line no-control-regex -- the terminal's colour codes are what it strips
const ANSI = /\u001b\[[0-9;]*[A-Za-z]/g;

describe('npm start in a terminal', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-tty-'));
  let server: ChildProcess | undefined;
  let screen = '';
  let port = 0;
  const env = () => {
    const e: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, PORT: String(port), TERM: 'xterm' };
    for (const name of ['DATABASE_URL', 'NODE_ENV', 'LOG_FORMAT', 'LOG_LEVEL', 'PUBLIC_URL', 'MASTER_KEY', 'ADMIN_PASSWORD', 'CI']) delete e[name];
    return e;
  };
  const text = () => screen.replace(ANSI, '').replace(/\r/g, '');
  const until = async (what: () => boolean, ms: number, label: string) => {
    const end = Date.now() + ms;
    while (!what()) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${label}; the terminal showed:\n${text()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  beforeAll(async () => {
    await ensureBuilt();
    port = await freePort();
    // `script` gives the server a real pseudo-terminal as stdout, as a person's shell would.
    server = spawn('script', ['-qfec', `exec ${process.execPath} --max-semi-space-size=8 dist/src/main.js`, '/dev/null'], {
      cwd: ROOT,
      env: env(),
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    server.stdout!.on('data', (d: Buffer) => (screen += d.toString()));
    server.stderr!.on('data', (d: Buffer) => (screen += d.toString()));
    await until(() => text().includes('Show this again'), BOOT_TIMEOUT - 10_000, 'the start-up banner');
  }, BOOT_TIMEOUT);

  afterAll(async () => {
    if (server?.pid) {
      try {
        process.kill(-server.pid, 'SIGTERM');
      } catch {
        // already gone
      }
      await new Promise((r) => server!.once('close', r).once('error', r));
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('shows the URLs, the admin password and the demo client on the first screen (40 lines), in readable lines', () => {
    const lines = text().split('\n');
    const first = lines.slice(0, 40).join('\n');
    expect(first).toContain(`Developer portal:      http://localhost:${port}/portal`);
    expect(first).toContain(`API docs (Swagger UI): http://localhost:${port}/docs`);
    expect(first).toMatch(/email: +admin@gatehouse\.local/);
    expect(first).toMatch(/password: +[0-9A-Za-z]{20} /);
    expect(first).toMatch(/client_id: +\S+/);
    expect(first).toMatch(/client_secret: +gth_cs_\S+/);
    expect(first).toContain('TOKEN=$(curl');
    // Readable lines, not JSON; Nest's per-route "Mapped" lines are at debug.
    expect(text()).not.toMatch(/^\{"level"/m);
    expect(text()).not.toContain('Mapped {');
  });

  it('runs the printed curl pair as pasted: the second call carries the token of the first', async () => {
    const lines = text().split('\n');
    const at = lines.findIndex((l) => l.startsWith('Try the guide'));
    expect(at).toBeGreaterThan(0);
    const pair = lines.slice(at + 1, at + 3).join('\n');
    const run = await new Promise<{ code: number | null; out: string }>((done) => {
      const sh = spawn('bash', ['-c', pair], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      sh.stdout.on('data', (d: Buffer) => (out += d.toString()));
      sh.stderr.on('data', (d: Buffer) => (out += d.toString()));
      sh.on('close', (code) => done({ code, out }));
    });
    expect(run.code).toBe(0);
    const body = JSON.parse(run.out) as { data: { email: string }[] };
    expect(body.data.map((u) => u.email)).toContain('admin@gatehouse.local');
  });

  it('sends / to the portal, logs a page view as one readable line and its stylesheet not at all', async () => {
    const root = await fetch(`http://127.0.0.1:${port}/`, { redirect: 'manual' });
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe('/portal');
    expect((await fetch(`http://127.0.0.1:${port}/portal/signin`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${port}/portal/assets/style.css`)).status).toBe(200);
    await until(() => /GET \/portal\/signin 200 [\d.]+ ms/.test(text()), 10_000, 'the sign-in page request line');
    expect(text()).toMatch(/\[\d\d:\d\d:\d\d\.\d{3}\] INFO: GET \/portal\/signin 200/);
    expect(text()).not.toContain('/portal/assets/style.css');
  });

  it('prints the banner again on request (cli status), without secrets, and as JSON with --json', async () => {
    const env2 = env();
    const plain = await runNode(['dist/src/cli/main.js', 'status'], { cwd: ROOT, env: env2 });
    expect(plain.code).toBe(0);
    expect(plain.stdout).toContain(`Developer portal:      http://localhost:${port}/portal`);
    expect(plain.stdout).toContain('Admin users: admin@gatehouse.local');
    expect(plain.stdout).toMatch(/Demo client: \S+/);
    expect(plain.stdout).not.toContain('gth_cs_');
    const json = await runNode(['dist/src/cli/main.js', 'status', '--json'], { cwd: ROOT, env: env2 });
    expect(json.code).toBe(0);
    const parsed = JSON.parse(json.stdout) as { public_url: string; database: string; admins: { email: string }[] };
    expect(parsed).toMatchObject({ public_url: `http://localhost:${port}`, database: 'embedded' });
    expect(parsed.admins[0].email).toBe('admin@gatehouse.local');
  });
});
