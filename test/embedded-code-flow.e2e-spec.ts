import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestApp, type TestApp } from './support/app.js';
import { authorize, codeClient, exchange, me, refresh, signedIn, tokensFor } from './support/code-flow.js';

/**
 * The code flow on the embedded default (PGlite behind its socket multiplexer): the atomic code
 * consumption and the locked refresh rotation must hold there too (A14, A20).
 */
describe('authorization code flow on embedded PGlite', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-embedded-code-'));
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp({ database: 'embedded', dataDir, env: { MASTER_KEY: '' } });
  });
  afterAll(async () => {
    await app?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('gives exactly one 200 for 20 parallel exchanges, and one for 10 parallel refreshes', async () => {
    const client = await codeClient(app);
    const { agent } = await signedIn(app);
    const { location, verifier } = await authorize(agent, client.clientId);
    const code = location.searchParams.get('code')!;
    const exchanges = await Promise.all(Array.from({ length: 20 }, () => exchange(app, client, code, verifier)));
    expect(exchanges.filter((r) => r.status === 200)).toHaveLength(1);
    expect(exchanges.filter((r) => r.body.error === 'invalid_grant')).toHaveLength(19);

    const t = await tokensFor(app, client, agent);
    expect((await me(app, t.access)).status).toBe(200);
    const refreshes = await Promise.all(Array.from({ length: 10 }, () => refresh(app, client, t.refresh)));
    expect(refreshes.filter((r) => r.status === 200)).toHaveLength(1);
    expect(refreshes.filter((r) => r.body.error === 'invalid_grant')).toHaveLength(9);
  });
});
