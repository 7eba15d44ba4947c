import { VerifiedTokenCache } from './verified-token-cache.js';

describe('VerifiedTokenCache', () => {
  const now = 1_800_000_000_000;

  it('keys entries by the SHA-256 of the token, never by the token itself', () => {
    const key = VerifiedTokenCache.keyOf('header.payload.signature');
    expect(key).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(key).not.toContain('payload');
    expect(VerifiedTokenCache.keyOf('header.payload.signaturf')).not.toBe(key);
  });

  it('serves an entry until its exp, never after', () => {
    const cache = new VerifiedTokenCache<string>();
    cache.set('k', 'claims', now + 1000, 'kid-1', now);
    expect(cache.get('k', now + 999)).toEqual({ value: 'claims', expiresAt: now + 1000, kid: 'kid-1' });
    expect(cache.get('k', now + 1000)).toBeUndefined();
    expect(cache.size).toBe(0); // an expired entry is dropped when found
  });

  it('does not store what has already expired, or anything when its size is 0', () => {
    const cache = new VerifiedTokenCache<string>();
    cache.set('k', 'claims', now, 'kid', now);
    expect(cache.get('k', now - 1)).toBeUndefined();
    const none = new VerifiedTokenCache<string>(0);
    none.set('k', 'claims', now + 1000, 'kid', now);
    expect(none.get('k', now)).toBeUndefined();
  });

  it('stays within its bound, dropping the least recently used entry', () => {
    const cache = new VerifiedTokenCache<number>(3);
    for (const i of [1, 2, 3]) cache.set(`k${i}`, i, now + 1000, 'kid', now);
    expect(cache.get('k1', now)?.value).toBe(1); // k1 is now the most recent; k2 the least
    cache.set('k4', 4, now + 1000, 'kid', now);
    expect(cache.size).toBe(3);
    expect(cache.get('k2', now)).toBeUndefined();
    expect([cache.get('k1', now)?.value, cache.get('k3', now)?.value, cache.get('k4', now)?.value]).toEqual([1, 3, 4]);
  });
});
