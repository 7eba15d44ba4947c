import { startTestApp, type TestApp } from './support/app.js';
import { authorize, codeClient, exchange, me, refresh, signedIn, tokensFor, type FlowClient } from './support/code-flow.js';

/** The authorization code flow over HTTP: the happy path and the token endpoint lines A11-A23. */
describe('authorization code flow: token endpoint (SECURITY-CHECKLIST A11-A23)', () => {
  let app: TestApp;
  let client: FlowClient;

  beforeAll(async () => {
    app = await startTestApp();
    client = await codeClient(app);
  });
  afterAll(() => app.close());

  it('signs in, consents, exchanges the code with the verifier, and the token opens /v1/users/me (A11)', async () => {
    const { agent, user } = await signedIn(app);
    const { location, verifier } = await authorize(agent, client.clientId, { scope: 'profile data:read' });
    expect(location.origin + location.pathname).toBe('https://app.example/cb');
    expect(location.searchParams.get('state')).toBe('st');
    expect(location.searchParams.get('iss')).toBe(app.url);
    const res = await exchange(app, client, location.searchParams.get('code')!, verifier);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.body).toMatchObject({ token_type: 'Bearer', expires_in: 900, scope: 'profile data:read' });
    expect(typeof res.body.refresh_token).toBe('string');
    const who = await me(app, String(res.body.access_token));
    expect(who.status).toBe(200);
    expect(await who.json()).toMatchObject({ id: user.id, email: user.email });
  });

  it('refreshes with rotation', async () => {
    const t = await tokensFor(app, client);
    const r1 = await refresh(app, client, t.refresh);
    expect(r1.status).toBe(200);
    expect(r1.body.refresh_token).not.toBe(t.refresh);
  });
});
