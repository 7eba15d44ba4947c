import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestApp, type TestApp } from './support/app.js';

/**
 * Issue 13 item 1: the embedded database (PGlite behind a socket that checks no password) is reachable
 * by the OS user running Gatehouse and nobody else, whatever DATA_DIR's length or mode. The probe runs
 * as another user (nobody) and as this one, speaks the PostgreSQL start-up message itself, and says
 * whether the server answered AuthenticationOk.
 */
const BOOT_TIMEOUT = 180_000;
const NOBODY = 65534;
const PROBE = `
const net = require('node:net');
const fs = require('node:fs');
const { host, port, pglite } = JSON.parse(process.argv[1]);
let listed;
try { fs.readdirSync(pglite); listed = 'ok'; } catch (e) { listed = e.code; }
const done = (connect) => { console.log(JSON.stringify({ connect, listed })); process.exit(0); };
const s = host.startsWith('/') ? net.connect({ path: host + '/.s.PGSQL.' + port }) : net.connect({ host, port });
setTimeout(() => done('timeout'), 5000);
s.on('error', (e) => done(e.code));
s.on('connect', () => {
  const params = Buffer.from('user\\0postgres\\0database\\0postgres\\0\\0');
  const head = Buffer.alloc(8);
  head.writeInt32BE(8 + params.length, 0);
  head.writeInt32BE(196608, 4);
  s.write(Buffer.concat([head, params]));
});
s.on('data', (b) => done(b[0] === 0x52 && b.readInt32BE(5) === 0 ? 'authenticated' : 'refused'));
`;

interface Lock {
  host: string;
  port: number;
}

function probe(target: Lock & { pglite: string }, uid?: number): Promise<{ connect: string; listed: string }> {
  return new Promise((resolve, reject) => {
    const ids = uid === undefined ? {} : { uid, gid: uid };
    const child = spawn(process.execPath, ['-e', PROBE, JSON.stringify(target)], { cwd: '/', env: {}, ...ids });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', () => resolve(JSON.parse(out) as { connect: string; listed: string }));
  });
}

const canSwitchUser = process.getuid?.() === 0;

describe('access to the embedded database', () => {
  // A DATA_DIR anyone may enter (0755 all the way), too long for a socket path: before, the database
  // was served on a loopback port to any user name without a password.
  const base = mkdtempSync(join(tmpdir(), 'gh-access-'));
  const dataDir = join(base, 'd'.repeat(60), 'e'.repeat(60));
  let app: TestApp;
  let lock: Lock;

  beforeAll(async () => {
    mkdirSync(dataDir, { recursive: true });
    for (const d of [base, join(base, 'd'.repeat(60)), dataDir]) chmodSync(d, 0o755);
    app = await startTestApp({ database: 'embedded', dataDir });
    lock = JSON.parse(readFileSync(join(dataDir, 'embedded.lock'), 'utf8')) as Lock;
  }, BOOT_TIMEOUT);
  afterAll(async () => {
    await app?.close();
    rmSync(base, { recursive: true, force: true });
  });

  it('is served on a Unix socket in a private directory, never on TCP', () => {
    expect(join(dataDir, 'embedded.lock').length).toBeGreaterThan(100);
    expect(lock.host.startsWith('/')).toBe(true);
    const dir = statSync(lock.host);
    expect(dir.mode & 0o777).toBe(0o700);
    expect(dir.uid).toBe(process.getuid?.());
    expect(statSync(join(lock.host, `.s.PGSQL.${lock.port}`)).isSocket()).toBe(true);
    expect(statSync(join(dataDir, 'embedded.lock')).mode & 0o777).toBe(0o600);
    expect(statSync(join(dataDir, 'pglite')).mode & 0o777).toBe(0o700);
  });

  it('lets this user in (the command line joins a running server that way)', async () => {
    expect(await probe({ ...lock, pglite: join(dataDir, 'pglite') })).toEqual({ connect: 'authenticated', listed: 'ok' });
    expect((await fetch(`${app.url}/health/ready`)).status).toBe(200);
  });

  (canSwitchUser ? it : it.skip)('keeps another local user out of the database and its files', async () => {
    const other = await probe({ ...lock, pglite: join(dataDir, 'pglite') }, NOBODY);
    expect(other).toEqual({ connect: 'EACCES', listed: 'EACCES' });
  });

  it('removes its private socket directory when it stops', async () => {
    await app.close();
    expect(existsSync(lock.host)).toBe(false);
    expect(existsSync(join(dataDir, 'embedded.lock'))).toBe(false);
    app = undefined as unknown as TestApp;
  });
});
