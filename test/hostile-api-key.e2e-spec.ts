import { connect } from 'node:net';
import { Writable } from 'node:stream';
import { createLogger } from '../src/platform/logging/logger.js';
import { startTestApp, type TestApp } from './support/app.js';
import { keyOwner } from './support/keys.js';

/** Sends raw bytes (anything a hostile client can) and returns the status and body. */
function raw(app: TestApp, head: Buffer | string): Promise<{ status: number; text: string }> {
  const { port } = new URL(app.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', reject);
    socket.setTimeout(10_000, () => socket.destroy());
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      const m = /^HTTP\/1\.1 (\d{3})/.exec(text);
      if (!m) return reject(new Error(`no HTTP response: ${JSON.stringify(text.slice(0, 200))}`));
      resolve({ status: Number(m[1]), text });
    });
    socket.write(head); // not end(): a half-closed socket may be dropped before a slow answer
  });
}

const request = (target: string, headers: string[] = []) =>
  Buffer.concat([
    Buffer.from(`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n`, 'latin1'),
    Buffer.from(headers.map((h) => `${h}\r\n`).join(''), 'latin1'),
    Buffer.from('\r\n'),
  ]);

/** Hostile API keys in the header and the query: always a 4xx, never a 5xx, never the data. docs/security.md D, G51. */
describe('hostile API keys', () => {
  let app: TestApp;
  let key: string;
  const logs: string[] = [];

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        logs.push(chunk.toString());
        done();
      },
    });
    app = await startTestApp({ logger: createLogger({ logLevel: 'info' }, sink) });
    key = (await (await keyOwner(app)).createKey()).key;
  });
  afterAll(() => app.close());

  const utf8AsLatin1 = (s: string) => Buffer.from(s, 'utf8').toString('latin1');
  const headerCases: [string, string[]][] = [
    ['empty X-API-Key', ['X-API-Key: ']],
    ['blank X-API-Key', ['X-API-Key:    ']],
    ['huge X-API-Key (100 KB)', [`X-API-Key: ${'A'.repeat(100_000)}`]],
    ['8 KB X-API-Key', [`X-API-Key: ${'A'.repeat(8_000)}`]],
    ['non-ASCII X-API-Key (UTF-8 bytes)', [`X-API-Key: ${utf8AsLatin1('gth_live_ключ😀')}`]],
    ['latin1 X-API-Key', ['X-API-Key: gth_live_\xe9\xff\xfe']],
    ['NUL in X-API-Key', ['X-API-Key: gth_live_a\x00b']],
    ['two X-API-Key headers', [`X-API-Key: ${'a'.repeat(10)}`, `X-API-Key: ${'b'.repeat(10)}`]],
    ['the key twice as two headers', [`X-API-Key: ${'KEY'}`, `X-API-Key: ${'KEY'}`]],
    ['a Bearer-prefixed key', ['X-API-Key: Bearer KEY']],
    ['a lower-cased key', ['X-API-Key: LOWER']],
    ['SQL in the key', [`X-API-Key: ' OR 1=1 --`]],
    ['a JWT as key', ['X-API-Key: eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.']],
    ['CR in the value (header injection)', ['X-API-Key: a\rX-Evil: 1']],
  ];
  const queryCases: [string, string][] = [
    ['empty api_key', '?api_key='],
    ['api_key with no value', '?api_key'],
    ['huge api_key (100 KB)', `?api_key=${'A'.repeat(100_000)}`],
    ['8 KB api_key', `?api_key=${'A'.repeat(8_000)}`],
    ['non-ASCII api_key (encoded)', `?api_key=${encodeURIComponent('gth_live_ключ😀')}`],
    ['non-ASCII api_key (raw bytes)', `?api_key=${utf8AsLatin1('gth_live_ключ')}`],
    ['bad percent encoding', '?api_key=%E0%A4%A'],
    ['NUL', '?api_key=gth_live_%00'],
    ['many values', '?api_key=a&api_key=b'],
    ['the key twice', '?api_key=KEY&api_key=KEY'],
    ['api_key[]', '?api_key[]=KEY'],
    ['api_key[x]', '?api_key[x]=KEY'],
    ['__proto__', '?__proto__[api_key]=KEY&api_key=x'],
    ['encoded name', '?api%5Fkey=gth_live_x'],
    ['plus signs', '?api_key=gth+live+x'],
    ['trailing newline', '?api_key=KEY%0A'],
    ['query and header', '?api_key=KEY'],
  ];

  const withKey = (s: string) => s.replace(/KEY/g, key).replace('LOWER', key.toLowerCase());

  it.each(headerCases)('%s -> 4xx, no data', async (_name, headers) => {
    const res = await raw(app, request('/v1/data', headers.map(withKey)));
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(res.text).not.toContain('"next_cursor"');
  });

  it.each(queryCases)('%s -> 4xx, no data', async (name, query) => {
    const extra = name === 'query and header' ? [`X-API-Key: ${key}`] : [];
    const res = await raw(app, request(`/v1/data${withKey(query)}`, extra));
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(res.text).not.toContain('"next_cursor"');
  });

  it('still serves the good key afterwards, in both forms', async () => {
    expect((await raw(app, request('/v1/data', [`X-API-Key: ${key}`]))).status).toBe(200);
    expect((await raw(app, request(`/v1/data?api_key=${key}`))).status).toBe(200);
  });

  it('never writes a key from the URL or the header into the logs [D45]', async () => {
    for (const target of [
      `/v1/data?api_key=${key}`,
      `/v1/data?limit=2&api_key=${key}`,
      `/v1/data?api%5Fkey=${key}`,
      `/v1/nowhere?api_key=${key}`,
      `/v1/users?api_key=${key}`,
    ]) {
      await raw(app, request(target));
    }
    await raw(app, request('/v1/data', [`X-API-Key: ${key}`]));
    await new Promise((r) => setTimeout(r, 100));
    const text = logs.join('');
    expect(text).toContain('/v1/data?api_key=[REDACTED]');
    expect(text).toContain('api%5Fkey=[REDACTED]');
    expect(text).not.toContain(key);
    expect(text).not.toContain(key.slice(9, 30));
  });
});
