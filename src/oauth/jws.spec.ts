import { generateKeyPairSync, verify } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { signJws } from './jws.js';

describe('signJws', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const claims = { iss: 'https://gh.example', sub: 'c1', scope: 'users:read', exp: Math.floor(Date.now() / 1000) + 60, name: 'Zoë "quoted" ✓' };

  it('makes an ES256 JWS that jsonwebtoken verifies, header and claims as given', () => {
    const token = signJws({ alg: 'ES256', typ: 'at+jwt', kid: 'k1' }, claims, privateKey);
    const decoded = jwt.verify(token, publicKey, { algorithms: ['ES256'], complete: true });
    expect(decoded.header).toEqual({ alg: 'ES256', typ: 'at+jwt', kid: 'k1' });
    expect(decoded.payload).toEqual(claims);
  });

  it('signs r || s (64 bytes), base64url without padding, over exactly the first two parts', () => {
    const token = signJws({ alg: 'ES256', typ: 'at+jwt', kid: 'k1' }, claims, privateKey);
    const [h, p, s] = token.split('.');
    expect(token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    const sig = Buffer.from(s, 'base64url');
    expect(sig).toHaveLength(64);
    expect(verify('sha256', Buffer.from(`${h}.${p}`), { key: publicKey, dsaEncoding: 'ieee-p1363' }, sig)).toBe(true);
    expect(verify('sha256', Buffer.from(`${h}.${p}x`), { key: publicKey, dsaEncoding: 'ieee-p1363' }, sig)).toBe(false);
  });
});
