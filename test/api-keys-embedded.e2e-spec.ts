import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiKeyUsageService } from '../src/api-keys/api-key-usage.service.js';
import { ChangeBus } from '../src/platform/change-bus/change-bus.service.js';
import { startTestApp, type TestApp } from './support/app.js';
import { call, keyOwner } from './support/keys.js';

/** The default embedded database: the change bus is in-process, keys work and die the same way. */
describe('API keys on the embedded database', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-keys-embedded-'));
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp({ database: 'embedded', dataDir });
  });
  afterAll(async () => {
    await app?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('creates, uses, rotates and revokes keys; revocation is immediate', async () => {
    expect(app.get(ChangeBus).inProcessOnly).toBe(true);
    const owner = await keyOwner(app);
    const { id, key } = await owner.createKey();
    expect((await call(app, 'POST', '/v1/data', { key, body: { data: { on: 'pglite' } } })).status).toBe(201);
    expect((await call(app, 'GET', '/v1/data', { key })).status).toBe(200);
    const rot = await call(app, 'POST', `/v1/api-keys/${id}/rotate`, { token: owner.token, body: { grace_period_seconds: 0 } });
    expect(rot.status).toBe(201);
    expect((await call(app, 'GET', '/v1/data', { key })).status).toBe(401);
    const fresh = String(rot.body.key);
    expect((await call(app, 'GET', '/v1/data', { key: fresh })).status).toBe(200);
    expect((await call(app, 'DELETE', `/v1/api-keys/${String(rot.body.id)}`, { token: owner.token })).status).toBe(204);
    expect((await call(app, 'GET', '/v1/data', { key: fresh })).status).toBe(401);
    await app.get(ApiKeyUsageService).flush();
    expect((await call(app, 'GET', `/v1/api-keys/${id}`, { token: owner.token })).body.last_used_at).toEqual(expect.any(String));
  });
});
