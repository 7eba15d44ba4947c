import { ChangeBus } from '../src/platform/change-bus/change-bus.service.js';
import { SigningKeysService } from '../src/oauth/signing-keys.service.js';
import { postForm, startTestApp, type TestApp } from './support/app.js';
import { authorize, authorizeUrl, codeClient, exchange, signedIn, type FlowClient } from './support/code-flow.js';
import type { Agent } from './support/agent.js';
import { startThrowawayPostgres, type ThrowawayPostgres } from './support/throwaway-postgres.js';

/**
 * The database goes away under a running server, then comes back: 503 with Retry-After (never a
 * 401 or a 500), readiness says so, JWT reads that need no database keep working, and everything
 * recovers without a restart. A real PostgreSQL stopped with pg_ctl. docs/security.md H52, H53.
 */
describe('database outage and recovery', () => {
  let pg: ThrowawayPostgres;
  let app: TestApp;
  let client: { clientId: string; clientSecret: string | undefined };
  let token: string;
  let flow: FlowClient;
  let agent: Agent;
  let running = true;
  const stop = () => {
    if (running) pg.stop();
    running = false;
  };
  const start = () => {
    if (!running) pg.start();
    running = true;
  };

  beforeAll(async () => {
    pg = await startThrowawayPostgres();
    app = await startTestApp({ database: { url: pg.url, name: 'postgres', drop: () => Promise.resolve() } });
    client = await app.createClient();
    const res = await postForm(`${app.url}/oauth2/token`, {
      grant_type: 'client_credentials',
      client_id: client.clientId,
      client_secret: client.clientSecret!,
    });
    token = String(res.body.access_token);
    flow = await codeClient(app);
    agent = (await signedIn(app)).agent;
    await authorize(agent, flow.clientId); // consent given: later requests redirect with a code at once
  });
  afterAll(async () => {
    await app?.close();
    pg?.destroy();
  });

  const tokenRequest = () =>
    postForm(`${app.url}/oauth2/token`, { grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.clientSecret! });

  it('[H52] [H53] while the database is down: 503s with Retry-After (token, revoke, /v1), readiness false, liveness true', async () => {
    stop();
    // Past the client cache (5 s) so the token endpoint has to reach the database.
    await new Promise((r) => setTimeout(r, 5200));

    const t = await tokenRequest();
    expect(t.status).toBe(503);
    expect(t.body.error).toBe('server_error');
    expect(t.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(t.headers.get('cache-control')).toBe('no-store');

    const users = await fetch(`${app.url}/v1/users`, { headers: { Authorization: `Bearer ${token}` } });
    expect(users.status).toBe(503);
    expect(users.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(users.headers.get('content-type')).toContain('application/problem+json');

    const revoke = await postForm(`${app.url}/oauth2/revoke`, { token: 'x', client_id: client.clientId, client_secret: client.clientSecret! });
    expect(revoke.status).toBe(503);
    expect(revoke.body.error).toBe('server_error');
    expect(revoke.headers.get('retry-after')).toMatch(/^\d+$/);

    // The authorization endpoint, with the client no longer in cache: a 503 page (no redirect to an unchecked URI).
    const page = await agent.get(authorizeUrl(flow.clientId, { code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256' }));
    expect(page.status).toBe(503);
    expect(page.location).toBeNull();
    expect(page.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(page.headers.get('content-type')).toContain('text/html');

    // A bad token is still a 401 (verification needs no database), not a 503.
    const bad = await fetch(`${app.url}/v1/users`, { headers: { Authorization: 'Bearer nope' } });
    expect(bad.status).toBe(401);

    expect((await fetch(`${app.url}/health/ready`)).status).toBe(503);
    expect((await fetch(`${app.url}/health/live`)).status).toBe(200);
  }, 30_000);

  it('[H53] recovers by itself when the database returns', async () => {
    start();
    await waitReady();
    expect((await fetch(`${app.url}/health/ready`)).status).toBe(200);
    expect((await fetch(`${app.url}/v1/users`, { headers: { Authorization: `Bearer ${token}` } })).status).toBe(200);
  }, 30_000);

  it('[H53] code exchanges cut by the database going down are atomic: each code is spent with its tokens, or not at all', async () => {
    const codes: { code: string; verifier: string }[] = [];
    for (let i = 0; i < 8; i++) {
      const { location, verifier } = await authorize(agent, flow.clientId);
      codes.push({ code: location.searchParams.get('code')!, verifier });
    }
    // The exchanges are in flight when the server is stopped (immediate mode: connections cut).
    const pending = codes.map((c) => exchange(app, flow, c.code, c.verifier));
    await new Promise((r) => setTimeout(r, 5));
    stop();
    const first = await Promise.all(pending);
    for (const r of first) expect([200, 503]).toContain(r.status);
    start();
    await waitReady();
    const second = await Promise.all(codes.map((c) => exchange(app, flow, c.code, c.verifier)));
    first.forEach((r, i) => {
      // A code that got tokens is spent; one that got 503 was not consumed and works exactly once now.
      if (r.status === 200) expect(second[i].body.error).toBe('invalid_grant');
      else expect(second[i].status).toBe(200);
    });
    const grants = await app.running.db.dataSource.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM grants g WHERE g.client_pk = $1 AND NOT EXISTS (SELECT 1 FROM refresh_tokens r WHERE r.grant_id = g.id)`,
      [flow.id],
    );
    expect(grants[0].n).toBe(0); // no grant without its refresh token: nothing half-written
  }, 60_000);

  it('[H53] tokens signed with the old key stay valid after a signing-key rotation', async () => {
    const before = await postForm(`${app.url}/oauth2/token`, {
      grant_type: 'client_credentials',
      client_id: client.clientId,
      client_secret: client.clientSecret!,
    });
    await app.get(SigningKeysService).rotate(0);
    const after = await postForm(`${app.url}/oauth2/token`, {
      grant_type: 'client_credentials',
      client_id: client.clientId,
      client_secret: client.clientSecret!,
    });
    const kid = (t: unknown) => JSON.parse(Buffer.from(String(t).split('.')[0], 'base64url').toString()).kid as string;
    expect(kid(after.body.access_token)).not.toBe(kid(before.body.access_token));
    for (const t of [before.body.access_token, after.body.access_token]) {
      expect((await fetch(`${app.url}/v1/users`, { headers: { Authorization: `Bearer ${String(t)}` } })).status).toBe(200);
    }
  });

  it('[H52] [H53] a frozen database (connections open, no answer): /authorize tells the client temporarily_unavailable, /token answers 503, both within the driver timeout; then recovery', async () => {
    const path = authorizeUrl(flow.clientId, {
      state: 'keep-me',
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      code_challenge_method: 'S256',
    });
    await waitReady(); // after the earlier outages, so no late reconnect of the change bus empties the client cache below
    expect((await agent.get(path)).status).toBe(302); // the client is known (and cached) now
    const unseen = await app.createClient(); // not cached anywhere: its token request needs the database
    pg.pause();
    try {
      const started = Date.now();
      const [authorizeRes, tokenRes, ready] = await Promise.all([
        agent.get(path),
        postForm(`${app.url}/oauth2/token`, { grant_type: 'client_credentials', client_id: unseen.clientId, client_secret: unseen.clientSecret! }),
        fetch(`${app.url}/health/ready`),
      ]);
      const took = Date.now() - started;
      expect(took).toBeLessThan(20_000); // the 15 s driver timeout, not the length of the stall

      // The client and its redirect URI were known good: the error goes back to it, the OAuth way.
      expect(authorizeRes.status).toBe(302);
      const location = new URL(authorizeRes.location!);
      expect(`${location.origin}${location.pathname}`).toBe('https://app.example/cb');
      expect(location.searchParams.get('error')).toBe('temporarily_unavailable');
      expect(location.searchParams.get('state')).toBe('keep-me');
      expect(location.searchParams.get('iss')).toBe(app.config.issuer);
      expect(location.searchParams.has('code')).toBe(false);

      expect(tokenRes.status).toBe(503);
      expect(tokenRes.body.error).toBe('server_error');
      expect(tokenRes.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(ready.status).toBe(503);
    } finally {
      pg.resume();
    }
    await waitReady();
    expect((await agent.get(path)).status).toBe(302);
  }, 90_000);

  /**
   * Ready, and the change bus listening again: its reconnect (with backoff, up to 10 s) announces
   * that notifications may have been missed and empties the caches, which a later test must not race.
   */
  async function waitReady(): Promise<void> {
    for (let i = 0; i < 100; i++) {
      if ((await fetch(`${app.url}/health/ready`)).status === 200 && (await tokenRequest()).status === 200 && app.get(ChangeBus).live) return;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error('not ready again');
  }
});
