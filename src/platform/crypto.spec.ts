import { KeyedDigest, randomBase62, Sealer, secretsEqual } from './crypto.js';

describe('crypto helpers', () => {
  it('draws base62 strings of the asked length', () => {
    const s = randomBase62(43);
    expect(s).toMatch(/^[0-9A-Za-z]{43}$/);
    expect(randomBase62(43)).not.toBe(s);
  });

  it('seals and opens, and refuses another master key or a tampered value', () => {
    const a = new Sealer('master-key-one-that-is-long-enough-xx', 'test');
    const sealed = a.seal(Buffer.from('secret'));
    expect(a.open(sealed).toString()).toBe('secret');
    expect(() => new Sealer('master-key-two-that-is-long-enough-xx', 'test').open(sealed)).toThrow();
    const parts = sealed.split('.');
    parts[3] = Buffer.from('tampered').toString('base64url');
    expect(() => a.open(parts.join('.'))).toThrow();
  });

  it('compares secrets of any length', () => {
    expect(secretsEqual('abc', 'abc')).toBe(true);
    expect(secretsEqual('abc', 'abcd')).toBe(false);
  });

  it('keyed digests: stable per key and purpose, different under another master key or purpose, never the input', () => {
    const a = new KeyedDigest('master-key-one-that-is-long-enough-xx', 'audit');
    const d = a.of('hunter2 my password');
    expect(d).toMatch(/^hmac:[A-Za-z0-9_-]{22}$/);
    expect(a.of('hunter2 my password')).toBe(d);
    expect(new KeyedDigest('master-key-two-that-is-long-enough-xx', 'audit').of('hunter2 my password')).not.toBe(d);
    expect(new KeyedDigest('master-key-one-that-is-long-enough-xx', 'other').of('hunter2 my password')).not.toBe(d);
    expect(d).not.toContain('hunter2');
  });
});
