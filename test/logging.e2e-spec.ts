import { Writable } from 'node:stream';
import { pino } from 'pino';
import { postForm, startTestApp, type TestApp } from './support/app.js';

/** Structured JSON logs with a request id, and never a credential in them (docs/security.md D45). */
describe('logs', () => {
  const lines: string[] = [];
  let app: TestApp;

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(...chunk.toString().split('\n').filter(Boolean));
        done();
      },
    });
    app = await startTestApp({ logger: pino({ level: 'info' }, sink) });
  });
  afterAll(() => app.close());

  it('logs one JSON line per request with its request id, and no secret anywhere', async () => {
    const c = await app.createClient();
    const res = await postForm(
      `${app.url}/oauth2/token`,
      { grant_type: 'client_credentials', client_id: c.clientId, client_secret: c.clientSecret! },
      { 'x-request-id': 'trace-123' },
    );
    expect(res.headers.get('x-request-id')).toBe('trace-123');
    const token = String(res.body.access_token);
    await fetch(`${app.url}/v1/users?access_token=${token}&api_key=gth_live_secretkey`, { headers: { Authorization: `Bearer ${token}` } });
    await fetch(`${app.url}/v1/users`, { headers: { Authorization: `Bearer ${token}`, cookie: 'gh_session=sessionsecret' } });
    await new Promise((r) => setTimeout(r, 100));

    const all = lines.join('\n');
    for (const secret of [c.clientSecret!, token, 'gth_live_secretkey', 'sessionsecret']) expect(all).not.toContain(secret);
    const requests = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === 'request');
    expect(requests.find((l) => l.reqId === 'trace-123')).toMatchObject({ method: 'POST', url: '/oauth2/token', status: 200 });
    expect(requests.some((l) => String(l.url).includes('access_token=[REDACTED]'))).toBe(true);
  });
});
