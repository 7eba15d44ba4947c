import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { postForm, startTestApp, type TestApp } from './support/app.js';

/**
 * The default with no DATABASE_URL: PGlite in DATA_DIR, through the same pg driver and migrations.
 * One PGlite per file (it takes seconds to boot); the real-PostgreSQL suites carry the rest.
 */
/** PGlite compiles PostgreSQL's WebAssembly at each boot: seconds alone, much more on a loaded 2-core CI machine. */
const BOOT_TIMEOUT = 180_000;

describe('embedded PostgreSQL (PGlite) default', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-embedded-'));
  let app: TestApp;

  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it(
    'starts with no DATABASE_URL, runs the migrations and serves the guide flow',
    async () => {
      app = await startTestApp({ database: 'embedded', dataDir, env: { MASTER_KEY: '' } });
      expect(app.config.databaseUrl).toBeUndefined();
      expect(existsSync(join(dataDir, 'pglite'))).toBe(true);
      expect(existsSync(join(dataDir, 'master.key'))).toBe(true);
      expect((await fetch(`${app.url}/health/ready`)).status).toBe(200);
      const demo = app.running.firstStart?.demoClient;
      expect(demo).toBeDefined();
      const token = await postForm(`${app.url}/oauth2/token`, `grant_type=client_credentials&client_id=${demo!.clientId}&client_secret=${demo!.clientSecret}`);
      expect(token.status).toBe(200);
      const users = await fetch(`${app.url}/v1/users`, { headers: { Authorization: `Bearer ${String(token.body.access_token)}` } });
      expect(users.status).toBe(200);
    },
    BOOT_TIMEOUT,
  );

  it(
    'keeps its data across a restart (same demo client, no second bootstrap)',
    async () => {
      const demo = app.running.firstStart!.demoClient!;
      await app.close();
      expect(existsSync(join(dataDir, 'embedded.lock'))).toBe(false);
      app = await startTestApp({ database: 'embedded', dataDir, env: { MASTER_KEY: '' } });
      try {
        expect(app.running.firstStart).toBeUndefined();
        const token = await postForm(`${app.url}/oauth2/token`, {
          grant_type: 'client_credentials',
          client_id: demo.clientId,
          client_secret: demo.clientSecret,
        });
        expect(token.status).toBe(200);
      } finally {
        await app.close();
      }
    },
    BOOT_TIMEOUT,
  );

  it(
    'refuses to start with another MASTER_KEY than the one the data was sealed with',
    async () => {
      await expect(startTestApp({ database: 'embedded', dataDir, env: { MASTER_KEY: 'another-master-key-that-is-long-enough-123' } })).rejects.toThrow(
        /MASTER_KEY does not match/,
      );
    },
    BOOT_TIMEOUT,
  );
});
