/* eslint-disable no-console -- the fuzzer reports its seed, its runs and (FUZZ_VERBOSE) what it got per operation */
import fc from 'fast-check';
import { ALL_SCOPES } from '../src/auth/scopes.js';
import { startTestApp, type TestApp } from './support/app.js';
import { Agent } from './support/agent.js';
import { call, userToken } from './support/keys.js';

/**
 * Property-based fuzzing of the authenticated management API: every /v1 operation of the OpenAPI
 * document (GET/POST/PATCH/DELETE), called with credentials that pass authentication (tokens acting
 * for an admin and for a developer with every management scope, a developer's user token, an API
 * key with data:read data:write), so hostile path parameters, query parameters and bodies reach
 * validation, the services and the database. Only documented statuses (409 is documented by
 * src/platform/http/problem.ts; 414 and 422 are not), problem+json on every 4xx but the RFC 6750
 * challenges of the auth guard, never a 5xx, never a stack trace or a database message, and the
 * server still works afterwards. At most RUNS_PER_OPERATION requests and BUDGET_MS / operations
 * of time per operation; FUZZ_SEED replays a run, FUZZ_VERBOSE=1 prints the statuses per operation.
 */
const DOCUMENTED = new Set([200, 201, 204, 400, 401, 403, 404, 405, 409, 413, 415, 429, 431]);
const STACK = /(\bat [\w.<>]+ \(|\.(ts|js):\d+:\d+|node_modules|QueryFailedError|TypeError|SyntaxError: Unexpected)/;
/** What a database or ORM error says when it escapes. */
const DB_LEAK =
  /(duplicate key value|violates [\w ]*constraint|invalid input syntax|invalid byte sequence|syntax error at or near|EntityNotFound|EntityMetadata|\brelation "|\bcolumn "|typeorm|ECONNREFUSED)/i;
/** Total budget of the fuzzing itself, split evenly across the operations. */
const BUDGET_MS = 40_000;
const RUNS_PER_OPERATION = 600;
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);

type Schema = {
  $ref?: string;
  allOf?: Schema[];
  type?: string;
  format?: string;
  enum?: unknown[];
  example?: unknown;
  default?: unknown;
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  minimum?: number;
  maximum?: number;
};
interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  schema?: Schema;
}
interface Operation {
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
  security?: Record<string, string[]>[];
}
interface OpenApi {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema> };
}
type Who = 'admin' | 'developer' | 'user' | 'key';

/**
 * A refusal of the credential itself (400/401/403 from the auth guard) is an RFC 6750 challenge by
 * design (test/bearer, test/api-keys): WWW-Authenticate plus { error, error_description }.
 */
function challenge(res: Response, text: string): boolean {
  if (!res.headers.get('www-authenticate')) return false;
  // RFC 6750 3.1: invalid_request is a 400 (a credential sent twice, or two kinds at once), the others 401 and 403.
  if (res.status === 400) return /^\{"error":"invalid_request","error_description":"[^"]*"\}$/.test(text);
  if (res.status !== 401 && res.status !== 403) return false;
  return /^\{"error":"(invalid_request|invalid_token|insufficient_scope)","error_description":"[^"]*"\}$/.test(text);
}

const printable = fc.string({
  unit: fc.constantFrom(...' !"#$%&\'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~'.split('')),
  maxLength: 60,
});
const anyString = fc.oneof(printable, fc.string({ maxLength: 60 }), fc.string({ unit: 'grapheme', maxLength: 20 }));
const long = fc
  .oneof({ weight: 4, arbitrary: fc.integer({ min: 199, max: 2_000 }) }, { weight: 1, arbitrary: fc.integer({ min: 2_001, max: 20_000 }) })
  .map((n) => 'a'.repeat(n));
/** Strings that pass a string check and may still upset the database or what echoes them. */
const hostileString = fc.oneof(
  fc.constantFrom(
    '\ud800',
    'a\udfffb',
    '\u202e',
    '\ufeff',
    '🙂'.repeat(100),
    "' OR 1=1 --",
    '${jndi:x}',
    '<script>alert(1)</script>',
    '../../etc/passwd',
    ' ',
    '\t\n',
  ),
  fc.constantFrom('https://evil.example/cb#frag', 'javascript:alert(1)', 'http://localhost:9/cb', 'https://*.example/cb', 'data:text/html,x', 'https://a b/'),
  fc.string({ unit: 'binary', maxLength: 50 }),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.integer({ min: 199, max: 5_000 }).map((n) => 'é'.repeat(n)),
  // Hidden characters in a URI (issue #13 item 6), text outside Latin-1 where it may reach a header (item 4).
  fc
    .tuple(fc.constantFrom('\n', '\r\n', '\t', ' ', '\u0000', '\u001b', '\u0085', '\u00a0', '\u2028', '\u200b', '\ufeff'), fc.boolean())
    .map(([c, end]) => (end ? `https://app.example/cb${c}` : `https://app.example/c${c}b`)),
  fc.constantFrom('https://app.example/中', 'https://例え.jp/cb', 'https://app.example/cb?x="><script>', "https://app.example/cb?a='$(id)'`id`"),
  // Pathological strings for the regular expressions that see stored text (item 3).
  fc
    .tuple(fc.constantFrom('eyJ', 'eyJaaaaa.', 'gth_live_', 'a@', '.', ' ', '%'), fc.integer({ min: 100, max: 660 }), fc.constantFrom('', '!', '\u0000'))
    .map(([unit, n, end]) => `https://app.example/${unit.repeat(n)}`.slice(0, 1_990) + end),
);
/** Percent-encoded junk, sent as it is (not encoded again): bad escapes, NUL, invalid UTF-8, traversal. */
const percentJunk = fc.constantFrom(
  '%',
  '%zz',
  '%00',
  '%C0%AF',
  '%ED%A0%80',
  '%FF%FE',
  '..%2F..%2Fetc%2Fpasswd',
  '%2e%2e',
  '%25%32%65',
  '%0d%0aX-Injected:%201',
  '%u0041',
  '%E2%80%AE',
);
const hugeNumber = fc.constantFrom('1e308', '-1e308', '9'.repeat(400), '9007199254740993', '-9223372036854775809', '1.5', '0x10', 'NaN', 'Infinity', '-0');

/** A hostile JSON value where any field was expected. */
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, true, false, 0, -1, 1.5, 1e308, -1e308, 2 ** 53 + 1, -(2 ** 31) - 1, '', ' ', '\u0000', 'a\u0000b', '\ud800', '\u202e', '🙂'),
  anyString,
  long,
  fc.constant('x'.repeat(300_000)),
  fc.array(fc.oneof(anyString, fc.constant(null), fc.integer()), { maxLength: 5 }),
  fc.constantFrom({}, { $gt: '' }, { a: { b: { c: [1, { d: null }] } } }, [[[[]]]], [{}], { toString: 'x', valueOf: 1 }),
  fc.json({ maxDepth: 3 }).map((j) => JSON.parse(j) as unknown),
  fc.integer({ min: 1, max: 300 }).map((n) => JSON.parse('['.repeat(n) + ']'.repeat(n)) as unknown),
);

/** Fields a caller must never be able to set. */
const MASS = [
  'owner_id',
  'ownerId',
  'client_id',
  'clientId',
  'id',
  'role',
  'status',
  'user_id',
  'userId',
  'created_at',
  'key_hash',
  'secret_hash',
  'client_secret',
  'admin',
  'is_admin',
  'trusted',
  'constructor',
  'prototype',
  'toString',
];

function resolve(doc: OpenApi, s: Schema | undefined): Schema {
  if (!s) return {};
  if (s.$ref) return resolve(doc, doc.components?.schemas?.[s.$ref.split('/').pop()!]);
  if (s.allOf)
    return s.allOf.reduce<Schema>((acc, part) => {
      const r = resolve(doc, part);
      return { ...acc, ...r, properties: { ...acc.properties, ...r.properties } };
    }, {});
  return s;
}

/** A value of the right shape and a plausible content, so that the request can get past validation. */
function plausible(doc: OpenApi, raw: Schema | undefined, depth = 0): fc.Arbitrary<unknown> {
  const s = resolve(doc, raw);
  if (s.enum?.length) return fc.constantFrom(...s.enum);
  if (s.example !== undefined) return fc.constant(s.example);
  if (s.default !== undefined) return fc.constant(s.default);
  switch (s.type ?? 'object') {
    case 'string':
      return s.format === 'uri' ? fc.constant('https://app.example/cb') : fc.constantFrom('fuzz', 'a b', 'https://app.example/cb');
    case 'integer':
      return fc.integer({ min: s.minimum ?? 0, max: Math.min(s.maximum ?? 1000, 1_000_000) });
    case 'number':
      return fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 });
    case 'boolean':
      return fc.boolean();
    case 'array':
      return depth > 3 ? fc.constant([]) : fc.array(plausible(doc, s.items, depth + 1), { maxLength: 3 });
    default:
      if (s.properties && depth <= 3) return objectOf(doc, s, depth + 1, false);
      return fc.dictionary(fc.string({ maxLength: 10 }), fc.oneof(fc.integer(), fc.string({ maxLength: 10 }), fc.boolean()), { maxKeys: 4 });
  }
}

/** The schema's properties, each present or not, each plausible or hostile (or all plausible). */
function objectOf(doc: OpenApi, s: Schema, depth: number, hostile = true): fc.Arbitrary<Record<string, unknown>> {
  const entries = Object.entries(s.properties ?? {});
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [name, prop] of entries) {
    const p = resolve(doc, prop);
    const strings =
      p.type === 'string'
        ? hostileString
        : p.type === 'array' && resolve(doc, p.items).type === 'string'
          ? fc.array(hostileString, { maxLength: 3 })
          : hostileValue;
    model[name] = hostile
      ? fc.oneof({ weight: 4, arbitrary: plausible(doc, prop, depth) }, { weight: 2, arbitrary: strings }, { weight: 1, arbitrary: hostileValue })
      : plausible(doc, prop, depth);
  }
  return fc.record(model, { requiredKeys: [] });
}

/** One JSON body derived from the request schema: right shape, hostile values, extra and mass-assigned fields, __proto__. */
function jsonBody(doc: OpenApi, schema: Schema | undefined): fc.Arbitrary<string> {
  const s = resolve(doc, schema);
  return fc
    .record({
      obj: s.properties ? objectOf(doc, s, 0) : fc.dictionary(fc.string({ maxLength: 10 }), hostileValue, { maxKeys: 4 }),
      extra: fc.option(
        fc.dictionary(fc.oneof(fc.constantFrom(...MASS), printable), fc.oneof(plausible(doc, { type: 'string' }), hostileValue), { minKeys: 1, maxKeys: 3 }),
        {
          nil: {},
          freq: 2,
        },
      ),
      // Rare: the JSON parser refuses __proto__ outright, which hides everything else of the body.
      proto: fc.oneof(
        { weight: 7, arbitrary: fc.constant(undefined) },
        { weight: 1, arbitrary: fc.constantFrom('{"role":"admin","owner_id":"00000000-0000-0000-0000-000000000000"}', '{"admin":true}', 'null', '"x"') },
      ),
    })
    .map(({ obj, extra, proto }) => {
      const text = JSON.stringify({ ...obj, ...extra });
      if (proto === undefined) return text;
      return text === '{}' ? `{"__proto__":${proto}}` : `{"__proto__":${proto},${text.slice(1)}`;
    });
}

/** Values that go together (a confidential client-credentials client), so that the one hostile field is what gets tested. */
const BASELINE: Record<string, unknown> = {
  type: 'confidential',
  grant_types: ['client_credentials'],
  scopes: ['data:read'],
  redirect_uris: [],
  client_id: undefined,
};

/** Every field plausible but one, which holds a hostile string: such bodies get past validation to the services and the database. */
function oneHostileField(doc: OpenApi, schema: Schema | undefined): fc.Arbitrary<string> | undefined {
  const s = resolve(doc, schema);
  const names = Object.keys(s.properties ?? {});
  if (!names.length) return undefined;
  const full: Record<string, fc.Arbitrary<unknown>> = {};
  for (const n of names) full[n] = n in BASELINE ? fc.constant(BASELINE[n]) : plausible(doc, s.properties![n], 1);
  return fc.tuple(fc.record(full), fc.constantFrom(...names), hostileString, fc.boolean()).map(([obj, name, bad, inArray]) => {
    const p = resolve(doc, s.properties![name]);
    return JSON.stringify({ ...obj, [name]: p.type === 'array' || inArray ? [bad] : bad });
  });
}

interface Body {
  contentType?: string;
  payload: string | Uint8Array;
}

function bodies(doc: OpenApi, schema: Schema | undefined): fc.Arbitrary<Body | undefined> {
  const json = fc.constantFrom(
    'application/json',
    'application/json; charset=utf-8',
    'APPLICATION/JSON',
    'application/json; charset=latin1',
    'application/merge-patch+json',
  );
  const oneHostile = oneHostileField(doc, schema);
  return fc.oneof(
    { weight: 8, arbitrary: fc.record({ contentType: json, payload: jsonBody(doc, schema) }) },
    ...(oneHostile ? [{ weight: 6, arbitrary: fc.record({ contentType: fc.constant('application/json'), payload: oneHostile }) }] : []),
    {
      weight: 2,
      arbitrary: fc.record({
        contentType: json,
        payload: fc.oneof(
          jsonBody(doc, schema).map((b) => `[${b}]`),
          fc.constantFrom(
            'null',
            '"a string"',
            '123',
            'true',
            '[]',
            '',
            '{',
            '{"name":',
            '{"a":1}garbage',
            '{"a":1,"a":2}',
            '\u0000',
            '{"name":"\\u0000"}',
            '{"name":"\\ud800"}',
          ),
          fc.integer({ min: 1000, max: 20_000 }).map((n) => '['.repeat(n) + ']'.repeat(n)),
          fc.integer({ min: 1000, max: 5_000 }).map((n) => '{"a":'.repeat(n) + '1' + '}'.repeat(n)),
          anyString,
        ),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        contentType: json,
        payload: fc.constantFrom(
          new Uint8Array([0x7b, 0x22, 0x6e, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]),
          new Uint8Array([0xef, 0xbb, 0xbf, 0x7b, 0x7d]),
          new Uint8Array([0xc0, 0xaf]),
        ),
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        contentType: fc.constantFrom(
          'application/x-www-form-urlencoded',
          'text/plain',
          'application/xml',
          'multipart/form-data; boundary=x',
          'application/octet-stream',
          'text/html',
          '*/*',
          'application/jsonx',
          '',
        ),
        payload: fc.oneof(
          jsonBody(doc, schema),
          fc.dictionary(printable, printable, { maxKeys: 4 }).map((d) => new URLSearchParams(d).toString()),
          fc.constantFrom('name=x&name=y&__proto__[role]=admin', '<a/>', '--x\r\nContent-Disposition: form-data; name="name"\r\n\r\nx\r\n--x--'),
        ),
      }),
    },
    { weight: 1, arbitrary: fc.record({ contentType: fc.constant(undefined), payload: jsonBody(doc, schema) }) },
    { weight: 1, arbitrary: fc.constant({ contentType: 'application/json', payload: `{"name":"${'x'.repeat(1024 * 1024 + 10)}"}` }) },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
}

/** `?...` from documented parameters (wrong types, huge, negative, duplicated, bracketed) and unknown ones. */
function query(names: string[]): fc.Arbitrary<string> {
  const value = fc.oneof(
    fc.constantFrom(
      '1',
      '20',
      '100',
      '0',
      '-1',
      '101',
      '',
      'abc',
      'true',
      '[]',
      '{}',
      'null',
      'active',
      'disabled',
      'admin',
      '00000000-0000-0000-0000-000000000000',
    ),
    hugeNumber,
    anyString,
    long,
    fc.uuid(),
  );
  const key = names.length ? fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...names) }, { weight: 1, arbitrary: printable }) : printable;
  const pair = fc.oneof(
    { weight: 6, arbitrary: fc.tuple(key, value).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`) },
    { weight: 1, arbitrary: fc.tuple(key, percentJunk).map(([k, v]) => `${encodeURIComponent(k)}=${v}`) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(key, value)
        .map(([k, v]) => `${encodeURIComponent(k)}[]=${encodeURIComponent(v)}&${encodeURIComponent(k)}[a]=${encodeURIComponent(v)}`),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(key, value, value)
        .map(([k, a, b]) => `${encodeURIComponent(k)}=${encodeURIComponent(a)}&${encodeURIComponent(k)}=${encodeURIComponent(b)}`),
    },
    { weight: 1, arbitrary: fc.constantFrom('__proto__[role]=admin', 'constructor[prototype][admin]=1', 'limit', '&&&', '=x', 'owner_id=' + '0'.repeat(36)) },
  );
  return fc.array(pair, { maxLength: 4 }).map((ps) => (ps.length ? `?${ps.join('&')}` : ''));
}

describe('fuzzing the authenticated management API', () => {
  let app: TestApp;
  let doc: OpenApi;
  const cred: Record<Who, Record<string, string>> = { admin: {}, developer: {}, user: {}, key: {} };
  /** Objects the fuzzer may change or delete through their real ids. */
  const victims: string[] = [];
  /** Objects it never learns the ids of: they must still work afterwards. */
  const keep = { devClient: '', devRecord: '', devKeyId: '', adminClient: '', adminRecord: '', userIds: [] as string[], admin: { email: '', password: '' } };

  beforeAll(async () => {
    app = await startTestApp({
      env: {
        RATE_LIMIT_TOKEN_PER_MINUTE: '0',
        RATE_LIMIT_CLIENT_AUTH_FAILURES: '0',
        RATE_LIMIT_ADDRESS_AUTH_FAILURES: '0',
        RATE_LIMIT_API_KEY_PER_MINUTE: '0',
      },
    });
    const admin = await app.createUser({ role: 'admin' });
    const developer = await app.createUser({ role: 'developer' });
    keep.userIds = [admin.id, developer.id];
    keep.admin = admin;
    const adminToken = await app.tokenActingFor(admin.id, [...ALL_SCOPES]);
    const devToken = await app.tokenActingFor(
      developer.id,
      ALL_SCOPES.filter((s) => s !== 'admin'),
    );
    cred.admin = { authorization: `Bearer ${adminToken}` };
    cred.developer = { authorization: `Bearer ${devToken}` };
    // The developer signed in through a client of the code flow (GET /v1/users/me needs a user's token).
    cred.user = {
      authorization: `Bearer ${await userToken(app, developer.id, ['profile', 'users:read', 'data:read', 'data:write', 'keys:manage', 'clients:manage'])}`,
    };
    const ok = async (res: Promise<{ status: number; body: Record<string, unknown> }>, field = 'id'): Promise<string> => {
      const r = await res;
      if (r.status !== 201) throw new Error(`setup failed: ${r.status} ${JSON.stringify(r.body)}`);
      return String(r.body[field]);
    };
    const key = await call(app, 'POST', '/v1/api-keys', { token: devToken, body: { name: 'fuzz key', scopes: ['data:read', 'data:write'] } });
    expect(key.status).toBe(201);
    cred.key = { 'x-api-key': String(key.body.key) };
    keep.devKeyId = String(key.body.id);
    const client = { name: 'kept', type: 'confidential', grant_types: ['client_credentials'], scopes: ['data:read'] };
    keep.devClient = await ok(call(app, 'POST', '/v1/clients', { token: devToken, body: client }), 'client_id');
    keep.adminClient = await ok(call(app, 'POST', '/v1/clients', { token: adminToken, body: client }), 'client_id');
    keep.devRecord = await ok(call(app, 'POST', '/v1/data', { token: devToken, body: { data: { kept: true } } }));
    keep.adminRecord = await ok(call(app, 'POST', '/v1/data', { token: adminToken, body: { data: { kept: true } } }));
    for (let i = 0; i < 2; i++) {
      for (const token of [devToken, adminToken]) {
        victims.push(await ok(call(app, 'POST', '/v1/clients', { token, body: { ...client, name: `victim ${i}` } }), 'client_id'));
        victims.push(await ok(call(app, 'POST', '/v1/data', { token, body: { data: { victim: i } } })));
        victims.push(await ok(call(app, 'POST', '/v1/api-keys', { token, body: { name: `victim ${i}`, scopes: ['data:read'] } })));
      }
      victims.push((await app.createUser({ role: 'developer' })).id);
    }
    doc = (await (await fetch(`${app.url}/docs-json`)).json()) as OpenApi;
  }, 60_000);
  afterAll(() => app?.close());

  it('answers hostile parameters and bodies of every /v1 operation with documented problem+json errors, never a 5xx or a leak', async () => {
    const operations = Object.entries(doc.paths)
      .filter(([path]) => path.startsWith('/v1/'))
      .flatMap(([path, item]) =>
        Object.entries(item)
          .filter(([method]) => ['get', 'post', 'patch', 'delete'].includes(method))
          .map(([method, op]) => ({ path, method: method.toUpperCase(), op })),
      );
    expect(operations.length).toBeGreaterThan(15);
    const perOperation = Math.floor(BUDGET_MS / operations.length);
    const failures: string[] = [];
    const seen = new Map<number, number>();
    const perOp: Record<string, Record<number, number>> = {};
    let runs = 0;

    for (const [index, { path, method, op }] of operations.entries()) {
      const params = op.parameters ?? [];
      const pathNames = params.filter((p) => p.in === 'path').map((p) => p.name);
      const queryNames = params.filter((p) => p.in === 'query').map((p) => p.name);
      const schemes = new Set((op.security ?? []).flatMap((s) => Object.keys(s)));
      const who: Who[] = [
        'admin',
        'developer',
        'user',
        ...(schemes.has('apiKey') || schemes.has('api_key') || path.startsWith('/v1/data') ? (['key'] as Who[]) : []),
      ];
      const reads = method === 'GET' ? [keep.devClient, keep.adminClient, keep.devRecord, keep.devKeyId, ...keep.userIds] : [];
      const pathValue = fc.oneof(
        { weight: 3, arbitrary: fc.constantFrom(...victims, ...reads).map(encodeURIComponent) },
        { weight: 2, arbitrary: printable.map(encodeURIComponent) },
        { weight: 2, arbitrary: fc.uuid() },
        {
          weight: 1,
          arbitrary: fc.constantFrom(
            '00000000-0000-0000-0000-000000000000',
            'ffffffff-ffff-ffff-ffff-ffffffffffff',
            '00000000-0000-0000-0000-00000000000g',
            'gth_',
            'me',
            '0',
            '-1',
            ' ',
            'null',
            'undefined',
          ),
        },
        { weight: 1, arbitrary: long },
        { weight: 1, arbitrary: percentJunk },
        { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }).map(encodeURIComponent) },
      );
      const schema = op.requestBody?.content?.['application/json']?.schema;
      const request = fc.record({
        who: fc.constantFrom(...who),
        pathValues: fc.tuple(...pathNames.map(() => pathValue)),
        query: query(queryNames),
        body:
          method === 'GET'
            ? fc.constant(undefined)
            : method === 'DELETE' && !schema
              ? fc.option(bodies(doc, schema), { nil: undefined, freq: 4 })
              : bodies(doc, schema),
      });
      await fc
        .assert(
          fc.asyncProperty(request, async (r) => {
            runs++;
            let url = path;
            pathNames.forEach((name, i) => (url = url.replace(`{${name}}`, r.pathValues[i])));
            url += r.query;
            const headers: Record<string, string> = { ...cred[r.who] };
            if (r.body?.contentType !== undefined) headers['content-type'] = r.body.contentType;
            const res = await fetchOnce(`${app.url}${url}`, { method, headers, body: r.body?.payload, redirect: 'manual' });
            const text = await res.text();
            seen.set(res.status, (seen.get(res.status) ?? 0) + 1);
            const mine = (perOp[`${method} ${path}`] ??= {});
            mine[res.status] = (mine[res.status] ?? 0) + 1;
            const what = `${r.who}: ${method} ${url.slice(0, 300)} ${r.body ? `[${r.body.contentType}] ${String(r.body.payload).slice(0, 300)}` : ''}`;
            // FUZZ_VERBOSE=2: why bodies were refused, to tune the generators so that more requests get past validation.
            if (process.env.FUZZ_VERBOSE === '2' && res.status === 400 && method !== 'GET') console.log(`REFUSED ${method} ${path} ${text.slice(0, 200)}`);
            if (!DOCUMENTED.has(res.status)) throw new Error(`${what} -> ${res.status}: ${text.slice(0, 500)}`);
            if (STACK.test(text) || DB_LEAK.test(text)) throw new Error(`${what} -> ${res.status} leaked internals: ${text.slice(0, 500)}`);
            if (
              res.status >= 400 &&
              res.status !== 431 &&
              !/^application\/problem\+json/.test(res.headers.get('content-type') ?? '') &&
              !challenge(res, text)
            ) {
              throw new Error(`${what} -> ${res.status} without problem+json (${res.headers.get('content-type')}): ${text.slice(0, 300)}`);
            }
          }),
          { numRuns: RUNS_PER_OPERATION, interruptAfterTimeLimit: perOperation, seed: SEED + index, includeErrorInReport: true },
        )
        .catch((err: Error) =>
          failures.push(
            `${method} ${path}: ${err.message
              .split('\n')
              .filter((l) => /seed|Got |->|cause/.test(l))
              .join('\n')
              .slice(0, 1500)}`,
          ),
        );
    }
    console.log(`seed ${SEED}: ${operations.length} operations, ${runs} requests, statuses ${JSON.stringify(Object.fromEntries(seen))}`);
    if (process.env.FUZZ_VERBOSE)
      console.log(
        Object.entries(perOp)
          .map(([op, st]) => `${op}: ${JSON.stringify(st)}`)
          .join('\n'),
      );
    expect(failures).toEqual([]);
    // Past validation at times, and refused at times: the fuzzer reached the services.
    expect([...seen.keys()].some((s) => s < 300)).toBe(true);
    expect(seen.get(400) ?? 0).toBeGreaterThan(0);
  }, 120_000);

  it('still answers normally afterwards, and what the fuzzer did not know the ids of still works', async () => {
    expect((await fetch(`${app.url}/health/ready`)).status).toBe(200);
    const admin = cred.admin.authorization.slice(7);
    const dev = cred.developer.authorization.slice(7);
    const key = cred.key['x-api-key'];
    expect((await call(app, 'GET', '/v1/users', { token: admin })).status).toBe(200);
    expect((await call(app, 'GET', `/v1/clients/${keep.devClient}`, { token: dev })).status).toBe(200);
    expect((await call(app, 'GET', `/v1/clients/${keep.adminClient}`, { token: admin })).status).toBe(200);
    expect((await call(app, 'GET', `/v1/data/${keep.devRecord}`, { key })).body).toMatchObject({ data: { kept: true } });
    expect((await call(app, 'GET', `/v1/data/${keep.adminRecord}`, { token: admin })).body).toMatchObject({ data: { kept: true } });
    expect((await call(app, 'GET', `/v1/api-keys/${keep.devKeyId}`, { token: dev })).status).toBe(200);
    expect((await call(app, 'POST', '/v1/data', { key, body: { data: { after: 'fuzz' } } })).status).toBe(201);
    // Everything stored is still readable through the lists (no half-written row breaks a page).
    for (const list of ['/v1/users', '/v1/admin/users', '/v1/admin/clients', '/v1/admin/api-keys', '/v1/admin/audit-events']) {
      let next: string | null = '';
      for (let pages = 0; next !== null && pages < 50; pages++) {
        const res = await call(app, 'GET', `${list}?limit=100${next ? `&cursor=${next}` : ''}`, { token: admin });
        expect([list, res.status]).toEqual([list, 200]);
        next = (res.body.next_cursor as string | null) ?? null;
      }
    }
    // Nothing half-written: every confidential client has a secret.
    const orphans = await app.running.db.dataSource.query<{ n: number }[]>(
      "SELECT count(*)::int AS n FROM clients c WHERE c.type = 'confidential' AND NOT EXISTS (SELECT 1 FROM client_secrets s WHERE s.client_pk = c.id)",
    );
    expect(orphans[0].n).toBe(0);
    // The admin pages that show what the fuzzer stored (audit details through the secret mask, every
    // client's redirect URIs) answer promptly: no regular expression stalls on it (issue #13 item 3).
    const agent = new Agent(app.url);
    expect((await agent.signIn(keep.admin.email, keep.admin.password)).status).toBe(303);
    for (const page of ['/portal/admin/audit', '/portal/admin/audit?type=client.updated', '/portal/admin/clients']) {
      const started = performance.now();
      const res = await agent.get(page);
      expect([page, res.status]).toEqual([page, 200]);
      expect(performance.now() - started).toBeLessThan(2_000);
    }
  }, 60_000);
});

/**
 * fetch, sent again (up to three times) when the connection it reused was closed by the server before
 * the request went out (a keep-alive race: an earlier answer on it, a 413 or 431, closes its
 * connection, and more than one pooled connection can be in that state at once). Under a loaded run
 * this surfaced as "TypeError: fetch failed ... other side closed", once even on the retry (seed
 * 1228429739, not reproducible on its own). A request the server itself refused to answer would fail
 * the same way on a fresh connection every time, and is reported with its cause.
 */
async function fetchOnce(url: string, init: RequestInit, attempts = 3): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (err) {
    const code = ((err as Error).cause as { code?: string } | undefined)?.code;
    if (attempts <= 1 || !(err instanceof TypeError) || (code !== 'UND_ERR_SOCKET' && code !== 'ECONNRESET' && code !== 'EPIPE')) {
      throw new Error(`${init.method} ${url.slice(0, 200)} -> no answer: ${String(err)} (cause ${String((err as Error).cause)})`);
    }
    return fetchOnce(url, init, attempts - 1);
  }
}
