import { postForm, startTestApp, type TestApp } from './support/app.js';
import { codeClient, refresh, tokensFor, type FlowClient } from './support/code-flow.js';

const basic = (raw: string) => ({ Authorization: `Basic ${Buffer.from(raw, 'utf8').toString('base64')}` });

/**
 * How a client without a secret authenticates (RFC 6749 2.3, RFC 7617): `client_id` alone in the
 * body, or HTTP Basic with an empty password (simple-oauth2's way); and what a client that sent
 * nothing, or an empty password it should not have, is told.
 */
describe('public clients: client_id alone, or Basic with an empty password', () => {
  let app: TestApp;
  let pub: FlowClient;
  let conf: FlowClient;

  beforeAll(async () => {
    app = await startTestApp();
    pub = await codeClient(app, { type: 'public' });
    conf = await codeClient(app);
  });
  afterAll(() => app.close());

  const token = (body: Record<string, string>, headers: Record<string, string> = {}) => postForm(`${app.url}/oauth2/token`, body, headers);

  it('a refresh without client_id says what a public client sends (client_id, no secret) and what a confidential one sends; the token stays good', async () => {
    const t = await tokensFor(app, pub);
    const res = await token({ grant_type: 'refresh_token', refresh_token: t.refresh });
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_client');
    const said = String(res.body.error_description);
    expect(said).toMatch(/public client sends its client_id .*no secret/);
    expect(said).toMatch(/confidential client sends client_id and client_secret/);
    expect(res.headers.get('www-authenticate')).toBeNull();
    expect((await refresh(app, pub, t.refresh)).status).toBe(200);
  });

  it('a confidential client that sends nothing hears the same, and does not get a token', async () => {
    const t = await tokensFor(app, conf);
    const res = await token({ grant_type: 'refresh_token', refresh_token: t.refresh });
    expect(res.status).toBe(401);
    expect(String(res.body.error_description)).toMatch(/confidential client sends client_id and client_secret/);
    expect(res.body.access_token).toBeUndefined();
  });

  it('Basic "client_id:" (empty password) authenticates a public client at the token endpoint, as client_id in the body would [A5]', async () => {
    const t = await tokensFor(app, pub);
    const r1 = await token({ grant_type: 'refresh_token', refresh_token: t.refresh }, basic(`${pub.clientId}:`));
    expect(r1.status).toBe(200);
    expect(r1.body).toMatchObject({ token_type: 'Bearer' });
    // The same client_id in the body as well is the same client: accepted.
    const r2 = await token({ grant_type: 'refresh_token', refresh_token: String(r1.body.refresh_token), client_id: pub.clientId }, basic(`${pub.clientId}:`));
    expect(r2.status).toBe(200);
    // Revocation takes the same credentials.
    const revoked = await postForm(`${app.url}/oauth2/revoke`, { token: String(r2.body.refresh_token) }, basic(`${encodeURIComponent(pub.clientId)}:`));
    expect(revoked.status).toBe(200);
    expect((await refresh(app, pub, String(r2.body.refresh_token))).body.error).toBe('invalid_grant');
  });

  it('Basic with an empty password for a confidential client: 401 saying the password is empty, with a Basic challenge [A5]', async () => {
    const res = await token({ grant_type: 'client_credentials' }, basic(`${conf.clientId}:`));
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_client');
    expect(String(res.body.error_description)).toMatch(/password \(client_secret\) in the Authorization: Basic header is empty/);
    expect(res.headers.get('www-authenticate')).toMatch(/^Basic realm="gatehouse"/);
  });

  it('Basic "unknown:" and a disabled public client answer exactly as a confidential client with an empty password: nothing tells which ids exist [A5]', async () => {
    const confidential = await token({ grant_type: 'client_credentials' }, basic(`${conf.clientId}:`));
    const unknown = await token({ grant_type: 'client_credentials' }, basic('gth_doesnotexist:'));
    const disabled = await codeClient(app, { type: 'public' });
    await app.running.db.dataSource.query(`UPDATE clients SET status = 'disabled' WHERE client_id = $1`, [disabled.clientId]);
    const off = await token({ grant_type: 'client_credentials' }, basic(`${disabled.clientId}:`));
    for (const res of [unknown, off]) {
      expect(res.status).toBe(401);
      expect(res.body).toEqual(confidential.body);
    }
  });

  it.each([
    [':', /client_id before the colon is empty/],
    [':secret', /client_id before the colon is empty/],
    ['no-colon', /no colon/],
  ])('Basic "%s" is malformed: 401 invalid_client saying why, never a 5xx [A5]', async (raw, why) => {
    const res = await token({ grant_type: 'client_credentials' }, basic(raw));
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_client');
    expect(String(res.body.error_description)).toMatch(why);
  });

  it('Basic "public:" with another client_id in the body, or with a client_secret in the body, is invalid_request [A4]', async () => {
    const t = await tokensFor(app, pub);
    const other = await token({ grant_type: 'refresh_token', refresh_token: t.refresh, client_id: conf.clientId }, basic(`${pub.clientId}:`));
    expect(other.status).toBe(400);
    expect(other.body.error).toBe('invalid_request');
    expect(String(other.body.error_description)).toMatch(/differs/);
    const both = await token({ grant_type: 'refresh_token', refresh_token: t.refresh, client_secret: 'x' }, basic(`${pub.clientId}:`));
    expect(both.status).toBe(400);
    expect(both.body.error).toBe('invalid_request');
    expect((await refresh(app, pub, t.refresh)).status).toBe(200);
  });

  it('a public client with a non-empty Basic password is refused like a wrong secret [A3]', async () => {
    const res = await token({ grant_type: 'client_credentials' }, basic(`${pub.clientId}:something`));
    expect(res.status).toBe(401);
    expect(String(res.body.error_description)).toMatch(/check that client_id and client_secret are correct/);
  });

  it('a public client naming itself with Basic still cannot introspect [A25]', async () => {
    const t = await tokensFor(app, pub);
    const res = await postForm(`${app.url}/oauth2/introspect`, { token: t.access }, basic(`${pub.clientId}:`));
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_client');
  });
});
