import { randomUUID } from 'node:crypto';
import type { Principal } from '../src/auth/principal.js';
import { generateApiKey } from '../src/api-keys/api-key-format.js';
import { ApiKeyVerifier } from '../src/api-keys/api-key-verifier.service.js';
import { ApiKeysService } from '../src/api-keys/api-keys.service.js';
import { ClientsService } from '../src/clients/clients.service.js';
import { LineageStatus, type ChainRef } from '../src/clients/lineage-status.service.js';
import { DirectoryService } from '../src/directory/directory.service.js';
import { LiveAccessTokens } from '../src/oauth/live-access-tokens.service.js';
import { RevocationList } from '../src/oauth/store/revocation-list.js';
import { UsersService } from '../src/users/users.service.js';
import { eventually, postForm, startTestApp, type TestApp } from './support/app.js';
import { codeClient, signedIn, tokensFor } from './support/code-flow.js';

/**
 * Speed-up rule (CONTRIBUTING.md, "Speed-up rules"): each synchronous `*Now` method answers from
 * memory only, `undefined` when it does not know, and whenever it answers, it answers what its async
 * twin answers (the same value, or the same error). The pairs, on the real server and database:
 * LiveAccessTokens verifyNow/verify, ApiKeyVerifier verifyNow/verify, LineageStatus
 * chainAliveNow/chainAlive and clientAliveNow/clientAlive, RevocationList grantActiveNow/isGrantActive
 * and jtiRevokedNow/isJtiRevoked, DirectoryService scopeNow/scopeOf. Each is driven through live,
 * revoked/disabled/expired and unknown states.
 */
type Outcome = { value: unknown } | { error: string };
const UNKNOWN: Outcome = { value: undefined };

function now(fn: () => unknown): Outcome {
  try {
    return { value: fn() };
  } catch (err) {
    return { error: `${(err as Error).constructor.name}: ${(err as Error).message}` };
  }
}

async function later(fn: () => Promise<unknown>): Promise<Outcome> {
  try {
    return { value: await fn() };
  } catch (err) {
    return { error: `${(err as Error).constructor.name}: ${(err as Error).message}` };
  }
}

/**
 * The sync answer before and after the async one: each is `undefined` or the async answer.
 * `cold`: nothing can be in memory yet, so the first sync answer must be `undefined`.
 * `answers`: once the async one has run, the sync one must come to know (else the fast path is
 * lost); retried for a moment, as a change-bus notice that crosses a look-up keeps it from the cache.
 */
async function agree(pair: string, sync: () => unknown, async: () => Promise<unknown>, opts: { cold?: boolean; answers?: boolean } = {}): Promise<Outcome> {
  const rule = `${pair}: the sync answer must be undefined or the async one`;
  const check = (answer: Outcome, truth: Outcome) => {
    if (!('value' in answer && answer.value === undefined)) expect({ rule, answer }).toEqual({ rule, answer: truth });
  };
  const before = now(sync);
  if (opts.cold) expect({ pair, cold: before }).toEqual({ pair, cold: UNKNOWN });
  let truth = await later(async);
  check(before, truth);
  let after = now(sync);
  check(after, truth);
  for (const end = Date.now() + 3000; opts.answers && 'value' in after && after.value === undefined && Date.now() < end;) {
    await new Promise((r) => setTimeout(r, 50));
    truth = await later(async);
    after = now(sync);
    check(after, truth);
  }
  if (opts.answers) expect({ pair, answers: after }).not.toEqual({ pair, answers: UNKNOWN });
  return truth;
}

/** Until the async answer is `expected` (a change travels over the change bus), then agreement. */
async function agreeOnceSettled(pair: string, sync: () => unknown, async: () => Promise<unknown>, expected: Outcome): Promise<void> {
  await eventually(async () => JSON.stringify(await later(async)) === JSON.stringify(expected));
  expect(await agree(pair, sync, async)).toEqual(expected);
}

function claimsOf(jwt: string): { jti: string; gid?: string; client_id: string } {
  return JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8')) as { jti: string; gid?: string; client_id: string };
}

describe('Speed-up rule: every sync "Now" method agrees with its async twin', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await app?.close();
  });

  async function clientToken(scopes = ['users:read']) {
    const client = await app.createClient({ scopes });
    const res = await postForm(`${app.url}/oauth2/token`, {
      grant_type: 'client_credentials',
      client_id: client.clientId,
      client_secret: client.clientSecret!,
    });
    return { client, token: String(res.body.access_token) };
  }

  it('LineageStatus clientAliveNow/clientAlive and chainAliveNow/chainAlive: live, unknown, owner disabled, client disabled', async () => {
    const lineage = app.get(LineageStatus);
    const owner = await app.createUser();
    const client = await app.createClient({ ownerId: owner.id });
    const chain: ChainRef = { clientId: client.clientId, ownerId: owner.id };
    const pairs = {
      client: [() => lineage.clientAliveNow(client.clientId), () => lineage.clientAlive(client.clientId)],
      chain: [() => lineage.chainAliveNow(chain), () => lineage.chainAlive(chain)],
    } as const;
    expect(await agree('clientAliveNow', ...pairs.client, { cold: true, answers: true })).toEqual({ value: true });
    expect(await agree('chainAliveNow', ...pairs.chain, { answers: true })).toEqual({ value: true });
    expect(
      await agree(
        'clientAliveNow (unknown client)',
        () => lineage.clientAliveNow('gone'),
        () => lineage.clientAlive('gone'),
        { cold: true },
      ),
    ).toEqual({
      value: false,
    });
    const stranger = { ownerId: randomUUID(), parentGrantId: randomUUID() };
    expect(
      await agree(
        'chainAliveNow (unknown owner and grant)',
        () => lineage.chainAliveNow(stranger),
        () => lineage.chainAlive(stranger),
        { cold: true },
      ),
    ).toEqual({
      value: false,
    });

    await app.get(UsersService).setStatusAndRole(owner.id, { status: 'disabled' });
    await agreeOnceSettled('chainAliveNow (owner disabled)', ...pairs.chain, { value: false });
    await agreeOnceSettled('clientAliveNow (owner disabled)', ...pairs.client, { value: false });
    await app.get(UsersService).setStatusAndRole(owner.id, { status: 'active' });
    await agreeOnceSettled('clientAliveNow (owner active again)', ...pairs.client, { value: true });
    await app.get(ClientsService).update(client, { status: 'disabled' });
    await agreeOnceSettled('clientAliveNow (client disabled)', ...pairs.client, { value: false });
    await agreeOnceSettled('chainAliveNow (client disabled)', ...pairs.chain, { value: false });
  });

  it('RevocationList jtiRevokedNow/isJtiRevoked and grantActiveNow/isGrantActive: live, revoked, unknown', async () => {
    const list = app.get(RevocationList);
    const { client, token } = await clientToken();
    const { jti } = claimsOf(token);
    const jtiPair = [() => list.jtiRevokedNow(jti), () => list.isJtiRevoked(jti)] as const;
    expect(await agree('jtiRevokedNow', ...jtiPair, { answers: true })).toEqual({ value: false });
    const revoke = await postForm(`${app.url}/oauth2/revoke`, { token, client_id: client.clientId, client_secret: client.clientSecret! });
    expect(revoke.status).toBe(200);
    await agreeOnceSettled('jtiRevokedNow (revoked)', ...jtiPair, { value: true });
    expect(
      await agree(
        'jtiRevokedNow (unknown jti)',
        () => list.jtiRevokedNow(randomUUID()),
        () => list.isJtiRevoked(randomUUID()),
      ),
    ).toEqual({ value: false });

    const unknownGid = randomUUID();
    expect(
      await agree(
        'grantActiveNow (unknown grant)',
        () => list.grantActiveNow(unknownGid),
        () => list.isGrantActive(unknownGid),
        { cold: true },
      ),
    ).toEqual({
      value: false,
    });
    const { agent, user } = await signedIn(app);
    const flow = await tokensFor(app, await codeClient(app), agent);
    const gid = claimsOf(flow.access).gid!;
    const grantPair = [() => list.grantActiveNow(gid), () => list.isGrantActive(gid)] as const;
    expect(await agree('grantActiveNow', ...grantPair, { answers: true })).toEqual({ value: true });
    await app.get(UsersService).setStatusAndRole(user.id, { status: 'disabled' });
    await agreeOnceSettled('grantActiveNow (user disabled)', ...grantPair, { value: false });
  });

  it('LiveAccessTokens verifyNow/verify: live, revoked, grant withdrawn, client disabled, unknown', async () => {
    const live = app.get(LiveAccessTokens);
    const pair = (token: string) => [() => live.verifyNow(token), () => live.verify(token)] as const;
    const { client, token } = await clientToken();
    const claims = await agree('verifyNow (client credentials)', ...pair(token), { cold: true, answers: true });
    expect(claims).toEqual({ value: expect.objectContaining({ jti: claimsOf(token).jti }) });
    await postForm(`${app.url}/oauth2/revoke`, { token, client_id: client.clientId, client_secret: client.clientSecret! });
    await agreeOnceSettled('verifyNow (revoked)', ...pair(token), await later(() => live.verify(token)));
    expect(await agree('verifyNow (revoked)', ...pair(token))).toHaveProperty('error');

    const second = await clientToken();
    await agree('verifyNow (second client)', ...pair(second.token), { answers: true });
    await app.get(ClientsService).update(second.client, { status: 'disabled' });
    await eventually(async () => 'error' in (await later(() => live.verify(second.token))));
    expect(await agree('verifyNow (client disabled)', ...pair(second.token))).toHaveProperty('error');

    const { agent, user } = await signedIn(app);
    const flow = await tokensFor(app, await codeClient(app), agent);
    expect(await agree('verifyNow (code flow)', ...pair(flow.access), { answers: true })).toHaveProperty('value');
    await app.get(UsersService).setStatusAndRole(user.id, { status: 'disabled' });
    await eventually(async () => 'error' in (await later(() => live.verify(flow.access))));
    expect(await agree('verifyNow (user disabled)', ...pair(flow.access))).toHaveProperty('error');

    expect(await agree('verifyNow (not a token)', ...pair('not.a.token'), { cold: true })).toHaveProperty('error');
  });

  it('ApiKeyVerifier verifyNow/verify: live, revoked, expired, owner disabled, unknown, malformed', async () => {
    const verifier = app.get(ApiKeyVerifier);
    const keys = app.get(ApiKeysService);
    const pair = (key: string) => [() => verifier.verifyNow(key), () => verifier.verify(key)] as const;
    const owner = await app.createUser();
    const issue = (expiresAt: Date | null = null) =>
      keys.issue({ ownerId: owner.id, clientPk: null, name: 'pairs', scopes: ['data:read'], expiresAt, environment: 'live' });
    const { row, key } = await issue();
    expect(await agree('verifyNow (live key)', ...pair(key), { cold: true, answers: true })).toEqual({
      value: expect.objectContaining({ kind: 'api_key', apiKeyId: row.id }),
    });
    await keys.operatorRevoke(row.id);
    await eventually(async () => 'error' in (await later(() => verifier.verify(key))));
    expect(await agree('verifyNow (revoked key)', ...pair(key))).toHaveProperty('error');

    const expired = await issue(new Date(Date.now() - 1000));
    expect(await agree('verifyNow (expired key)', ...pair(expired.key), { cold: true })).toHaveProperty('error');
    const soonGone = await issue();
    await agree('verifyNow (second key)', ...pair(soonGone.key), { answers: true });
    await app.get(UsersService).setStatusAndRole(owner.id, { status: 'disabled' });
    await eventually(async () => 'error' in (await later(() => verifier.verify(soonGone.key))));
    expect(await agree('verifyNow (owner disabled)', ...pair(soonGone.key))).toHaveProperty('error');

    expect(await agree('verifyNow (unknown key)', ...pair(generateApiKey('live').key), { cold: true })).toHaveProperty('error');
    expect(await agree('verifyNow (malformed key)', ...pair('gth_live_nope'), { cold: true })).toHaveProperty('error');
  });

  it('DirectoryService scopeNow/scopeOf: admin, developer, client, disabled client, unknown, none', async () => {
    const directory = app.get(DirectoryService);
    const pair = (p: Principal | undefined) => [() => directory.scopeNow(p), () => directory.scopeOf(p)] as const;
    const user = (id: string): Principal => ({ kind: 'user', subject: id, userId: id, clientId: undefined, scopes: new Set(), scheme: 'bearer' });
    const client = (clientId: string): Principal => ({ kind: 'client', subject: clientId, userId: undefined, clientId, scopes: new Set(), scheme: 'bearer' });
    const admin = await app.createUser({ role: 'admin' });
    const developer = await app.createUser();
    expect(await agree('scopeNow (admin)', ...pair(user(admin.id)), { cold: true, answers: true })).toEqual({ value: { all: true } });
    expect(await agree('scopeNow (developer)', ...pair(user(developer.id)), { cold: true, answers: true })).toEqual({
      value: { all: false, userId: developer.id },
    });
    const owned = await app.createClient({ ownerId: developer.id });
    const ownedPair = pair(client(owned.clientId));
    expect(await agree('scopeNow (client of a developer)', ...ownedPair, { cold: true, answers: true })).toEqual({
      value: { all: false, userId: developer.id },
    });
    await app.get(ClientsService).update(owned, { status: 'disabled' });
    await agreeOnceSettled('scopeNow (client disabled)', ...ownedPair, { value: { all: false, userId: null } });
    await agree('scopeNow (unknown user)', ...pair(user(randomUUID())), { cold: true });
    expect(await agree('scopeNow (no principal)', ...pair(undefined), { cold: true })).toEqual({ value: { all: false, userId: null } });
  });
});
