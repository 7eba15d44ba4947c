import { startTestApp, type TestApp } from './support/app.js';

const OAUTH_ERRORS = ['invalid_request', 'invalid_client', 'invalid_grant', 'unauthorized_client', 'unsupported_grant_type', 'invalid_scope'];
/** RFC 6749 5.2: error_description is %x20-21 / %x23-5B / %x5D-7E. */
const DESCRIPTION = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

/**
 * Malformed token requests, as an attacker or a broken client would send them: each gets a 4xx with
 * an RFC 6749 error body, never a 5xx and never a token. docs/security.md A2, A5, A6, G51.
 */
describe('hostile requests to POST /oauth2/token', () => {
  let app: TestApp;
  let id: string;
  let secret: string;

  beforeAll(async () => {
    app = await startTestApp();
    const c = await app.createClient();
    id = c.clientId;
    secret = c.clientSecret!;
  });
  afterAll(() => app.close());

  const form = 'application/x-www-form-urlencoded';
  const good = () => `grant_type=client_credentials&client_id=${id}&client_secret=${secret}`;
  const basic = (raw: string) => ({ authorization: `Basic ${Buffer.from(raw, 'latin1').toString('base64')}` });
  const huge = 'A'.repeat(200_000);

  const cases: [string, () => { body?: string | Buffer; headers?: Record<string, string> }][] = [
    ['no body, no content type', () => ({})],
    ['empty form', () => ({ body: '', headers: { 'content-type': form } })],
    [
      'JSON body',
      () => ({
        body: JSON.stringify({ grant_type: 'client_credentials', client_id: id, client_secret: secret }),
        headers: { 'content-type': 'application/json' },
      }),
    ],
    ['broken JSON', () => ({ body: '{"grant_type":', headers: { 'content-type': 'application/json' } })],
    [
      'JSON with __proto__',
      () => ({ body: '{"__proto__":{"admin":true},"grant_type":"client_credentials"}', headers: { 'content-type': 'application/json' } }),
    ],
    ['text/plain', () => ({ body: good(), headers: { 'content-type': 'text/plain' } })],
    [
      'multipart',
      () => ({
        body: '--x\r\nContent-Disposition: form-data; name="grant_type"\r\n\r\nclient_credentials\r\n--x--',
        headers: { 'content-type': 'multipart/form-data; boundary=x' },
      }),
    ],
    ['XML', () => ({ body: '<grant_type>client_credentials</grant_type>', headers: { 'content-type': 'application/xml' } })],
    ['garbage content type', () => ({ body: good(), headers: { 'content-type': '%%%/;;;' } })],
    ['repeated grant_type', () => ({ body: `${good()}&grant_type=client_credentials`, headers: { 'content-type': form } })],
    ['repeated client_id', () => ({ body: `${good()}&client_id=${id}`, headers: { 'content-type': form } })],
    ['repeated client_secret', () => ({ body: `${good()}&client_secret=${secret}`, headers: { 'content-type': form } })],
    ['repeated scope', () => ({ body: `${good()}&scope=users:read&scope=data:read`, headers: { 'content-type': form } })],
    ['grant_type[]', () => ({ body: `grant_type[]=client_credentials&client_id=${id}&client_secret=${secret}`, headers: { 'content-type': form } })],
    ['__proto__ params', () => ({ body: `__proto__[admin]=1&constructor[prototype][x]=1&grant_type=password`, headers: { 'content-type': form } })],
    ['empty grant_type', () => ({ body: `grant_type=&client_id=${id}&client_secret=${secret}`, headers: { 'content-type': form } })],
    ['unknown grant', () => ({ body: `grant_type=magic&client_id=${id}&client_secret=${secret}`, headers: { 'content-type': form } })],
    [
      'password grant',
      () => ({ body: `grant_type=password&username=admin&password=x&client_id=${id}&client_secret=${secret}`, headers: { 'content-type': form } }),
    ],
    ['implicit', () => ({ body: `grant_type=implicit&client_id=${id}`, headers: { 'content-type': form } })],
    ['grant with NUL', () => ({ body: `grant_type=client_credentials%00&client_id=${id}&client_secret=${secret}`, headers: { 'content-type': form } })],
    [
      'grant unicode',
      () => ({ body: `grant_type=${encodeURIComponent('clíent_credentials')}&client_id=${id}&client_secret=${secret}`, headers: { 'content-type': form } }),
    ],
    ['huge grant_type', () => ({ body: `grant_type=${huge}`, headers: { 'content-type': form } })],
    ['huge client_id', () => ({ body: `grant_type=client_credentials&client_id=${huge}&client_secret=x`, headers: { 'content-type': form } })],
    ['huge client_secret', () => ({ body: `grant_type=client_credentials&client_id=${id}&client_secret=${huge}`, headers: { 'content-type': form } })],
    ['huge scope', () => ({ body: `${good()}&scope=${'users:read '.repeat(10_000)}`, headers: { 'content-type': form } })],
    ['body over 1 MiB', () => ({ body: `${good()}&pad=${'x'.repeat(1_100_000)}`, headers: { 'content-type': form } })],
    ['bad percent encoding', () => ({ body: `grant_type=client_credentials&client_id=%E0%A4%A&client_secret=%ZZ`, headers: { 'content-type': form } })],
    [
      'invalid UTF-8 bytes',
      () => ({
        body: Buffer.concat([Buffer.from('grant_type=client_credentials&client_id='), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('&client_secret=x')]),
        headers: { 'content-type': form },
      }),
    ],
    [
      'unicode client_id',
      () => ({ body: `grant_type=client_credentials&client_id=${encodeURIComponent('клиент😀')}&client_secret=x`, headers: { 'content-type': form } }),
    ],
    ['NUL in client_id', () => ({ body: `grant_type=client_credentials&client_id=a%00b&client_secret=x`, headers: { 'content-type': form } })],
    [
      'SQL in client_id',
      () => ({ body: `grant_type=client_credentials&client_id=${encodeURIComponent("' OR 1=1 --")}&client_secret=x`, headers: { 'content-type': form } }),
    ],
    ['no client auth', () => ({ body: 'grant_type=client_credentials', headers: { 'content-type': form } })],
    ['client_id without secret (confidential)', () => ({ body: `grant_type=client_credentials&client_id=${id}`, headers: { 'content-type': form } })],
    ['empty secret', () => ({ body: `grant_type=client_credentials&client_id=${id}&client_secret=`, headers: { 'content-type': form } })],
    ['wrong secret', () => ({ body: `grant_type=client_credentials&client_id=${id}&client_secret=${secret}x`, headers: { 'content-type': form } })],
    [
      'secret of another case',
      () => ({ body: `grant_type=client_credentials&client_id=${id}&client_secret=${secret.toUpperCase()}`, headers: { 'content-type': form } }),
    ],
    ['Basic without credentials', () => ({ body: 'grant_type=client_credentials', headers: { 'content-type': form, authorization: 'Basic' } })],
    ['Basic not base64', () => ({ body: 'grant_type=client_credentials', headers: { 'content-type': form, authorization: 'Basic ***' } })],
    ['Basic no colon', () => ({ body: 'grant_type=client_credentials', headers: { 'content-type': form, ...basic(id) } })],
    ['Basic empty id', () => ({ body: 'grant_type=client_credentials', headers: { 'content-type': form, ...basic(`:${secret}`) } })],
    ['Basic empty secret', () => ({ body: 'grant_type=client_credentials', headers: { 'content-type': form, ...basic(`${id}:`) } })],
    ['Basic bad percent', () => ({ body: 'grant_type=client_credentials', headers: { 'content-type': form, ...basic('%E0%A4%A:%') } })],
    ['Basic latin1 bytes', () => ({ body: 'grant_type=client_credentials', headers: { 'content-type': form, ...basic('\xff\xfe:\xfd') } })],
    ['Basic huge', () => ({ body: 'grant_type=client_credentials', headers: { 'content-type': form, ...basic(`${'a'.repeat(4000)}:${'b'.repeat(4000)}`) } })],
    [
      'Basic plus body secret',
      () => ({ body: `grant_type=client_credentials&client_secret=${secret}`, headers: { 'content-type': form, ...basic(`${id}:${secret}`) } }),
    ],
    [
      'Basic id differs from body id',
      () => ({ body: `grant_type=client_credentials&client_id=other`, headers: { 'content-type': form, ...basic(`${id}:${secret}`) } }),
    ],
    ['Digest auth', () => ({ body: good(), headers: { 'content-type': form, authorization: 'Digest username="x"' } })],
    ['Bearer auth at the token endpoint', () => ({ body: 'grant_type=client_credentials', headers: { 'content-type': form, authorization: 'Bearer abc' } })],
    ['scope not allowed', () => ({ body: `${good()}&scope=admin`, headers: { 'content-type': form } })],
    ['scope with double spaces', () => ({ body: `${good()}&scope=users:read%20%20data:read`, headers: { 'content-type': form } })],
    ['scope with quote', () => ({ body: `${good()}&scope=users:read%22`, headers: { 'content-type': form } })],
    ['scope with backslash', () => ({ body: `${good()}&scope=users%5Cread`, headers: { 'content-type': form } })],
    ['scope unicode', () => ({ body: `${good()}&scope=${encodeURIComponent('üsers:read')}`, headers: { 'content-type': form } })],
    ['code grant without code', () => ({ body: `grant_type=authorization_code&client_id=${id}&client_secret=${secret}`, headers: { 'content-type': form } })],
    [
      'refresh grant with garbage',
      () => ({ body: `grant_type=refresh_token&refresh_token=xyz&client_id=${id}&client_secret=${secret}`, headers: { 'content-type': form } }),
    ],
    ['semicolon separators', () => ({ body: `grant_type=client_credentials;client_id=${id};client_secret=${secret}`, headers: { 'content-type': form } })],
    [
      'form charset latin1',
      () => ({ body: good().replace('client_credentials', 'client_credentials%FF'), headers: { 'content-type': `${form}; charset=iso-8859-1` } }),
    ],
  ];

  it('has at least 50 hostile cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(50);
  });

  it.each(cases)('%s -> 4xx with an RFC 6749 error, no token [A2] [G51]', async (_name, make) => {
    const { body, headers } = make();
    const res = await fetch(`${app.url}/oauth2/token`, { method: 'POST', headers, body });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    const json = (await res.json()) as Record<string, unknown>;
    expect(json.access_token).toBeUndefined();
    expect(OAUTH_ERRORS).toContain(json.error);
    expect(typeof json.error_description).toBe('string');
    expect(String(json.error_description)).toMatch(DESCRIPTION);
    expect(String(json.error_description)).not.toContain(secret);
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it.each([
    [
      '/oauth2/token',
      'a parameter the grant does not read (redirect_uri)',
      () => `${good()}&redirect_uri=https://a.example/cb&redirect_uri=https://b.example/cb`,
    ],
    ['/oauth2/token', 'an unknown parameter', () => `${good()}&foo=1&foo=2`],
    ['/oauth2/revoke', 'token', () => `token=a&token=b&client_id=${id}&client_secret=${secret}`],
    ['/oauth2/revoke', 'an unknown parameter', () => `token=a&client_id=${id}&client_secret=${secret}&foo=1&foo=1`],
    [
      '/oauth2/introspect',
      'token_type_hint',
      () => `token=a&token_type_hint=access_token&token_type_hint=refresh_token&client_id=${id}&client_secret=${secret}`,
    ],
  ])('%s: %s sent twice -> 400 invalid_request naming it (RFC 6749 3.2, docs/contract.md)', async (path, _what, body) => {
    const res = await fetch(`${app.url}${path}`, { method: 'POST', headers: { 'content-type': form }, body: body() });
    expect(res.status).toBe(400);
    const json = (await res.json()) as Record<string, unknown>;
    expect(json.error).toBe('invalid_request');
    expect(String(json.error_description)).toMatch(/'(redirect_uri|foo|token|token_type_hint)' was sent more than once/);
  });

  it('answers a client_id with no secret the same whether it exists (confidential) or not: no client id enumeration', async () => {
    const ask = async (clientId: string) => {
      const res = await fetch(`${app.url}/oauth2/token`, {
        method: 'POST',
        headers: { 'content-type': form },
        body: `grant_type=client_credentials&client_id=${clientId}`,
      });
      return { status: res.status, body: await res.text(), challenge: res.headers.get('www-authenticate') };
    };
    const known = await ask(id);
    expect(known.status).toBe(401);
    expect(JSON.parse(known.body)).toMatchObject({ error: 'invalid_client' });
    expect(await ask('gth_doesnotexist0000000000')).toEqual(known);
  });

  it('still issues tokens normally afterwards', async () => {
    const res = await fetch(`${app.url}/oauth2/token`, { method: 'POST', headers: { 'content-type': form }, body: good() });
    expect(res.status).toBe(200);
  });
});
