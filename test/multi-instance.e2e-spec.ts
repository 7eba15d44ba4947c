import { SigningKeysService } from '../src/oauth/signing-keys.service.js';
import { postForm, startTestApp, type TestApp } from './support/app.js';
import { createTestDatabase, type TestDatabase } from './support/database.js';
import { decodePart } from './support/jwt.js';

/** Several instances on one PostgreSQL: no state that matters lives in one process. */
describe('two instances on one database', () => {
  let db: TestDatabase;
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    db = await createTestDatabase();
    // Started together: migrations, the first signing key and the bootstrap must not race.
    // Instances behind one load balancer share PUBLIC_URL, hence the issuer.
    const env = { PUBLIC_URL: 'https://gatehouse.example' };
    [a, b] = await Promise.all([startTestApp({ database: db, env }), startTestApp({ database: db, env })]);
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
    await db.drop();
  });

  const tokenFrom = async (app: TestApp, clientId: string, secret: string) =>
    String((await postForm(`${app.url}/oauth2/token`, { grant_type: 'client_credentials', client_id: clientId, client_secret: secret })).body.access_token);

  it('started once: one admin, one signing key per algorithm', async () => {
    const users = await a.running.db.dataSource.query('SELECT count(*)::int AS n FROM users');
    const keys = await a.running.db.dataSource.query('SELECT alg, count(*)::int AS n FROM signing_keys GROUP BY alg ORDER BY alg');
    expect(users[0].n).toBe(1);
    expect(keys).toEqual([
      { alg: 'ES256', n: 1 },
      { alg: 'RS256', n: 1 },
    ]);
  });

  it('a token from one instance is accepted by the other, and back', async () => {
    const c = await a.createClient();
    const fromA = await tokenFrom(a, c.clientId, c.clientSecret!);
    const fromB = await tokenFrom(b, c.clientId, c.clientSecret!);
    expect((await fetch(`${b.url}/v1/users`, { headers: { Authorization: `Bearer ${fromA}` } })).status).toBe(200);
    expect((await fetch(`${a.url}/v1/users`, { headers: { Authorization: `Bearer ${fromB}` } })).status).toBe(200);
  });

  it('a signing key rotated on one instance verifies on the other at once', async () => {
    const kid = await a.get(SigningKeysService).rotate(0);
    const c = await a.createClient();
    const token = await tokenFrom(a, c.clientId, c.clientSecret!);
    expect(decodePart(token, 0).kid).toBe(kid);
    // b has never seen this kid: it re-reads the key table once and accepts the token.
    expect((await fetch(`${b.url}/v1/users`, { headers: { Authorization: `Bearer ${token}` } })).status).toBe(200);
  });
});
