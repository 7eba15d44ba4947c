import { EventEmitter } from 'node:events';
import type { DataSource } from 'typeorm';
import type { AppConfig } from '../platform/config/config.js';
import type { LineageStatus } from '../clients/lineage-status.service.js';
import type { ChangeBus } from '../platform/change-bus/change-bus.service.js';
import { generateApiKey } from './api-key-format.js';
import type { ApiKeyUsageService } from './api-key-usage.service.js';
import { API_KEYS_CHANNEL, ApiKeyVerifier } from './api-key-verifier.service.js';

/** The verifier's cache, without Nest or a database: a fake DataSource counts the look-ups. */
function setup(opts: { ttl?: number; live?: boolean; inProcessOnly?: boolean } = {}) {
  const k = generateApiKey('live');
  const row = {
    id: 'key-1',
    owner_id: 'user-1',
    key_hash: k.hash,
    scopes: ['data:read'],
    expires_at: null as Date | null,
    revoked_at: null as Date | null,
    rotated_at: null,
    owner_status: 'active',
    client_id: null,
    client_status: null,
  };
  let loads = 0;
  let beforeAnswer: () => void = () => {};
  const dataSource = {
    query: (_sql: string, [lookupId]: string[]) => {
      loads++;
      beforeAnswer();
      return Promise.resolve(lookupId === k.lookupId ? [{ ...row }] : []);
    },
  } as unknown as DataSource;
  // As the real bus: every delivery moves the epoch first (the verifier's memo of whole answers reads it).
  const epoch = { value: 0 };
  const emitter = new (class extends EventEmitter {
    override emit(event: string | symbol, ...args: unknown[]): boolean {
      epoch.value++;
      return super.emit(event, ...args);
    }
  })();
  const bus = {
    get epoch() {
      return epoch.value;
    },
    live: opts.live ?? true,
    inProcessOnly: opts.inProcessOnly ?? false,
    subscribe: (channel: string, fn: (p: string) => void) => emitter.on(channel, fn),
    onReset: (fn: () => void) => emitter.on('reset', fn),
  } as unknown as ChangeBus;
  const touched: string[] = [];
  const usage = { touch: (id: string) => touched.push(id) } as unknown as ApiKeyUsageService;
  // Lineage is LineageStatus's own suite: here every key's lineage is alive.
  const lineage = { chainAliveNow: () => true, chainAlive: () => Promise.resolve(true) } as unknown as LineageStatus;
  const verifier = new ApiKeyVerifier(dataSource, { apiKeyCacheTtl: opts.ttl ?? 30 } as AppConfig, bus, usage, lineage);
  verifier.onModuleInit();
  return {
    key: k.key,
    row,
    verifier,
    emitter,
    touched,
    loads: () => loads,
    onLoad: (fn: () => void) => (beforeAnswer = fn),
  };
}

describe('ApiKeyVerifier', () => {
  it('looks a key up once, then serves it from memory, counting every use', async () => {
    const t = setup();
    const p = await t.verifier.verify(t.key);
    expect(p).toMatchObject({ kind: 'api_key', userId: 'user-1', apiKeyId: 'key-1', scheme: 'apiKey' });
    await t.verifier.verify(t.key);
    await t.verifier.verify(t.key);
    expect(t.loads()).toBe(1);
    expect(t.touched).toEqual(['key-1', 'key-1', 'key-1']);
  });

  it('verifyNow answers synchronously only for a key served from memory, and stops at once when the key is invalidated', async () => {
    const t = setup();
    expect(t.verifier.verifyNow(t.key)).toBeUndefined(); // never looked up: the caller must use verify()
    expect(t.verifier.verifyNow('gth_live_not-a-key')).toBeUndefined();
    const looked = await t.verifier.verify(t.key);
    const now = t.verifier.verifyNow(t.key);
    expect(now).toBe(looked);
    expect(t.touched).toEqual(['key-1', 'key-1']); // a use from memory still counts for last_used_at
    const other = t.key.slice(0, -8) + (t.key.at(-8) === 'a' ? 'b' : 'a') + t.key.slice(-7); // checksum no longer matches
    expect(t.verifier.verifyNow(other)).toBeUndefined();
    t.emitter.emit(API_KEYS_CHANNEL, 'key-1');
    expect(t.verifier.verifyNow(t.key)).toBeUndefined();
    expect(t.loads()).toBe(1);
  });

  it('verifyNow serves nothing while the change bus is down', async () => {
    const t = setup({ live: false });
    await t.verifier.verify(t.key);
    expect(t.verifier.verifyNow(t.key)).toBeUndefined();
  });

  it('forgets a key when the change bus says so, and everything on a reset', async () => {
    const t = setup();
    await t.verifier.verify(t.key);
    t.emitter.emit(API_KEYS_CHANNEL, 'key-1');
    t.row.revoked_at = new Date();
    await expect(t.verifier.verify(t.key)).rejects.toThrow(/revoked/);
    t.row.revoked_at = null;
    await t.verifier.verify(t.key); // looked up again, cached again
    await t.verifier.verify(t.key);
    expect(t.loads()).toBe(3);
    t.emitter.emit('reset');
    await t.verifier.verify(t.key);
    expect(t.loads()).toBe(4);
  });

  it('forgets every key of a user whose status or role changed', async () => {
    const t = setup();
    await t.verifier.verify(t.key);
    t.emitter.emit('users', 'someone-else');
    await t.verifier.verify(t.key);
    expect(t.loads()).toBe(1);
    t.emitter.emit('users', 'user-1');
    t.row.owner_status = 'disabled';
    await expect(t.verifier.verify(t.key)).rejects.toThrow(/owner account is disabled/);
  });

  it('does not cache a look-up that raced with an invalidation', async () => {
    const t = setup();
    t.onLoad(() => t.emitter.emit(API_KEYS_CHANNEL, 'key-1'));
    await t.verifier.verify(t.key);
    t.onLoad(() => {});
    await t.verifier.verify(t.key);
    expect(t.loads()).toBe(2);
  });

  it('does not trust the cache while the bus is not live, nor with TTL 0', async () => {
    for (const t of [setup({ live: false }), setup({ ttl: 0 })]) {
      await t.verifier.verify(t.key);
      await t.verifier.verify(t.key);
      expect(t.loads()).toBe(2);
    }
  });

  it('refuses a cached key once its expiry passes', async () => {
    const t = setup();
    t.row.expires_at = new Date(Date.now() + 50);
    await t.verifier.verify(t.key);
    await new Promise((r) => setTimeout(r, 80));
    await expect(t.verifier.verify(t.key)).rejects.toThrow(/expired at/);
  });

  it('refuses malformed and mistyped keys without a look-up', async () => {
    const t = setup();
    await expect(t.verifier.verify('nope')).rejects.toThrow(/malformed: it must read gth_live_/);
    await expect(t.verifier.verify(`${t.key.slice(0, -1)}${t.key.endsWith('A') ? 'B' : 'A'}`)).rejects.toThrow(/checksum does not match/);
    expect(t.loads()).toBe(0);
  });
});
