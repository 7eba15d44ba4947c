import { constants, generateKeyPairSync, verify } from 'node:crypto';
import { jwtVerify } from 'jose';
import jwt from 'jsonwebtoken';
import { isSigningAlg, signJws, SIGNING_ALGS } from './jws.js';

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

describe('signJws RS256', () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const claims = { iss: 'https://gh.example', sub: 'c1', aud: 'https://gh.example/v1', exp: Math.floor(Date.now() / 1000) + 60, name: 'Zoë ✓' };
  const header = { alg: 'RS256', typ: 'at+jwt', kid: 'r1' } as const;

  it('makes an RSASSA-PKCS1-v1_5 SHA-256 signature that node:crypto verifies over exactly the first two parts', () => {
    const [h, p, s] = signJws(header, claims, privateKey).split('.');
    const sig = Buffer.from(s, 'base64url');
    expect(sig).toHaveLength(256);
    const opts = { key: publicKey, padding: constants.RSA_PKCS1_PADDING };
    expect(verify('sha256', Buffer.from(`${h}.${p}`), opts, sig)).toBe(true);
    expect(verify('sha256', Buffer.from(`${h}.${p}x`), opts, sig)).toBe(false);
    // Not PSS: a verifier expecting PS256 refuses it.
    expect(verify('sha256', Buffer.from(`${h}.${p}`), { key: publicKey, padding: constants.RSA_PKCS1_PSS_PADDING }, sig)).toBe(false);
  });

  it('is deterministic (PKCS#1 v1.5 has no salt): the same input gives the same token', () => {
    expect(signJws(header, claims, privateKey)).toBe(signJws(header, claims, privateKey));
  });

  it('verifies with jose (jwtVerify, typ at+jwt, RS256 only) and with jsonwebtoken', async () => {
    const token = signJws(header, claims, privateKey);
    const { payload, protectedHeader } = await jwtVerify(token, publicKey, {
      algorithms: ['RS256'],
      typ: 'at+jwt',
      issuer: claims.iss,
      audience: claims.aud,
    });
    expect(protectedHeader).toEqual(header);
    expect(payload).toEqual(claims);
    expect(jwt.verify(token, publicKey, { algorithms: ['RS256'] })).toEqual(claims);
  });

  it('jose refuses it under ES256 only, or with a changed payload', async () => {
    const token = signJws(header, claims, privateKey);
    await expect(jwtVerify(token, publicKey, { algorithms: ['ES256'] })).rejects.toThrow();
    const [h, , s] = token.split('.');
    const altered = `${h}.${Buffer.from(JSON.stringify({ ...claims, sub: 'c2' })).toString('base64url')}.${s}`;
    await expect(jwtVerify(altered, publicKey, { algorithms: ['RS256'] })).rejects.toThrow(/signature/);
  });

  it('ES256 tokens verify with jose too', async () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const token = signJws({ alg: 'ES256', typ: 'at+jwt', kid: 'e1' }, claims, ec.privateKey);
    expect((await jwtVerify(token, ec.publicKey, { algorithms: ['ES256'], typ: 'at+jwt' })).payload).toEqual(claims);
  });
});

describe('isSigningAlg', () => {
  it('knows ES256 and RS256, and nothing else (not HS256, none, or inherited names)', () => {
    expect(SIGNING_ALGS.every(isSigningAlg)).toBe(true);
    for (const v of ['HS256', 'none', 'es256', 'toString', '__proto__', '', undefined, 256]) expect(isSigningAlg(v)).toBe(false);
  });
});
