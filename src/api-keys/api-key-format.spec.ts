import { crc32 as zlibCrc32 } from 'node:zlib';
import { base62Fixed, checksumOf, crc32, generateApiKey, parseApiKey } from './api-key-format.js';
import { sha256 } from '../platform/crypto.js';

describe('API key format', () => {
  it('computes the standard CRC-32 (check value of "123456789" is cbf43926)', () => {
    expect(crc32('123456789')).toBe(0xcbf43926);
    expect(crc32('')).toBe(0);
    if (typeof zlibCrc32 === 'function') expect(crc32('gth_live_abc')).toBe(zlibCrc32('gth_live_abc'));
  });

  it('encodes checksums as exactly 6 base62 characters', () => {
    expect(base62Fixed(0)).toBe('000000');
    expect(base62Fixed(61)).toBe('00000z');
    expect(base62Fixed(0xffffffff)).toHaveLength(6);
    expect(base62Fixed(0xffffffff)).toBe('4gfFC3');
  });

  it('generates gth_<kind>_<40 base62>_<checksum> keys that parse back', () => {
    for (const env of ['live', 'test'] as const) {
      const k = generateApiKey(env);
      expect(k.key).toMatch(new RegExp(`^gth_${env}_[0-9A-Za-z]{40}_[0-9A-Za-z]{6}$`));
      expect(k.key.startsWith(`gth_${env}_${k.lookupId}`)).toBe(true);
      expect(k.hash.equals(sha256(k.key))).toBe(true);
      expect(k.last4).toBe(k.key.slice(-4));
      const parsed = parseApiKey(k.key);
      expect(parsed).toEqual({ ok: true, environment: env, lookupId: k.lookupId, hash: k.hash });
    }
  });

  it('never repeats a key (CSPRNG)', () => {
    const keys = new Set(Array.from({ length: 200 }, () => generateApiKey('live').key));
    expect(keys.size).toBe(200);
  });

  it('refuses any single-character typo by its checksum', () => {
    const { key } = generateApiKey('live');
    const body = key.slice(0, -7);
    for (let i = 'gth_live_'.length; i < body.length; i++) {
      const c = body[i] === 'a' ? 'b' : 'a';
      const typo = `${body.slice(0, i)}${c}${body.slice(i + 1)}_${checksumOf(body)}`;
      expect(parseApiKey(typo)).toEqual({ ok: false, reason: 'checksum' });
    }
    const swapped = `${key.slice(0, 10)}${key[11]}${key[10]}${key.slice(12)}`;
    if (swapped !== key) expect(parseApiKey(swapped)).toEqual({ ok: false, reason: 'checksum' });
  });

  it.each([
    '',
    'gth_live_',
    'gth_prod_0123456789012345678901234567890123456789_000000',
    'gth_live_0123456789012345678901234567890123456789',
    'gth_live_012345678901234567890123456789012345678_000000',
    'gth_live_0123456789012345678901234567890123456789_00000',
    'gth_live_0123456789012345678901234567890123456789_000000 ',
    'gth_live_01234567890123456789012345678901234567-9_000000',
    'gth_live_0123456789012345678901234567890123456789_00000\u0000',
    'GTH_LIVE_0123456789012345678901234567890123456789_000000',
    'gth_live_012345678901234567890123456789012345678é_000000',
  ])('calls %j malformed', (bad) => {
    expect(parseApiKey(bad)).toEqual({ ok: false, reason: 'malformed' });
  });
});
