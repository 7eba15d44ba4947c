import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import { freePort } from './support/app.js';
import { ensureBuilt, ROOT } from './support/build.js';
import { createTestDatabase, type TestDatabase } from './support/database.js';
import { TEST_MASTER_KEY } from './support/env.js';

/** The real process (`node dist/src/main.js`): SIGTERM stops accepting, finishes what is in flight, exits 0. */
describe('graceful shutdown', () => {
  let db: TestDatabase;
  let server: ChildProcess;
  let port: number;
  let output = '';

  beforeAll(async () => {
    await ensureBuilt();
    db = await createTestDatabase();
    port = await freePort();
    server = spawn(process.execPath, [resolve(ROOT, 'dist/src/main.js')], {
      env: {
        ...process.env,
        DATABASE_URL: db.url,
        PORT: String(port),
        MASTER_KEY: TEST_MASTER_KEY,
        LOG_LEVEL: 'info',
        NODE_ENV: 'test',
        DATA_DIR: resolve(tmpdir(), 'gatehouse-shutdown-test'),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    server.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    server.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    for (let i = 0; i < 300 && !output.includes('client_secret:'); i++) await new Promise((r) => setTimeout(r, 100));
    expect(output).toContain('client_secret:');
  }, 240_000);
  afterAll(async () => {
    server?.kill('SIGKILL');
    await db?.drop();
  });

  it('answers a request still arriving when SIGTERM comes, then exits 0 and accepts nothing more', async () => {
    const id = /client_id:\s+(\S+)/.exec(output)![1];
    const secret = /client_secret:\s+(\S+)/.exec(output)![1];
    const body = `grant_type=client_credentials&client_id=${id}&client_secret=${secret}`;

    // A token request whose body arrives in two parts, 500 ms apart: in flight across the SIGTERM.
    const slow = new Promise<{ status: number; text: string }>((resolveRes, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          path: '/oauth2/token',
          method: 'POST',
          agent: false,
          headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString()));
          res.on('end', () => resolveRes({ status: res.statusCode ?? 0, text }));
        },
      );
      req.on('error', reject);
      req.write(body.slice(0, 10));
      setTimeout(() => req.end(body.slice(10)), 500);
    });
    await new Promise((r) => setTimeout(r, 100));
    const exited = new Promise<number | null>((r) => server.on('exit', (code) => r(code)));
    server.kill('SIGTERM');

    const res = await slow;
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toHaveProperty('access_token');
    expect(await exited).toBe(0);
    await expect(fetch(`http://127.0.0.1:${port}/health/live`)).rejects.toThrow();
    expect(output).toContain('shutting down');
  }, 30_000);
});
