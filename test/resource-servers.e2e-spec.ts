import express, { type NextFunction, type Request, type Response } from 'express';
import { auth } from 'express-oauth2-jwt-bearer';
import Fastify, { type FastifyInstance } from 'fastify';
import { fastifyJwtJwks } from 'fastify-jwt-jwks';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { constants, sign, type KeyObject } from 'node:crypto';
import type { SigningAlg } from '../src/oauth/jws.js';
import { SigningKeysService } from '../src/oauth/signing-keys.service.js';
import { postForm, startTestApp, type TestApp } from './support/app.js';
import { decodePart, signHs256, unsigned } from './support/jwt.js';

/**
 * Other people's APIs verifying Gatehouse access tokens locally, against its JWKS, with the libraries
 * they would use: jose, express-oauth2-jwt-bearer (Express 5) and fastify-jwt-jwks (Fastify, RS256
 * only). Each accepts valid tokens of the algorithms it supports and refuses altered tokens, `alg: none`,
 * HS256 keyed with the public key, expired tokens and tokens for another audience, all forged with node:crypto.
 */
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

function signWith(alg: SigningAlg, key: KeyObject, header: Record<string, unknown>, payload: Record<string, unknown>): string {
  const input = `${b64(header)}.${b64(payload)}`;
  const opts = alg === 'ES256' ? { key, dsaEncoding: 'ieee-p1363' as const } : { key, padding: constants.RSA_PKCS1_PADDING };
  return `${input}.${sign('sha256', Buffer.from(input), opts).toString('base64url')}`;
}

describe('resource servers verifying Gatehouse tokens with its JWKS', () => {
  let gh: TestApp;
  let issuer: string;
  let audience: string;
  let jwksUri: string;
  const valid: Partial<Record<SigningAlg, string>> = {};

  beforeAll(async () => {
    gh = await startTestApp();
    issuer = gh.config.issuer;
    audience = gh.config.audience;
    jwksUri = `${gh.url}/.well-known/jwks.json`;
    for (const alg of ['ES256', 'RS256'] as const) {
      const c = await gh.createClient({ accessTokenSignedResponseAlg: alg, scopes: ['users:read'] });
      const res = await postForm(`${gh.url}/oauth2/token`, { grant_type: 'client_credentials', client_id: c.clientId, client_secret: c.clientSecret! });
      valid[alg] = String(res.body.access_token);
      expect(decodePart(valid[alg], 0).alg).toBe(alg);
    }
  });
  afterAll(() => gh.close());

  const token = (alg: SigningAlg) => valid[alg]!;

  /** A token exactly like the valid one of `alg`, with `change` applied, signed with Gatehouse's own key. */
  const resigned = (alg: SigningAlg, change: (claims: Record<string, unknown>) => Record<string, unknown>, header: Record<string, unknown> = {}) => {
    const key = gh.get(SigningKeysService).current(alg);
    return signWith(alg, key.privateKey, { ...decodePart(token(alg), 0), ...header }, change(decodePart(token(alg), 1)));
  };

  /** Every forgery of a token of `alg`, by name. */
  const forgeries = (alg: SigningAlg): [string, () => string][] => [
    [
      'an altered payload (scope widened)',
      () => {
        const [h, , s] = token(alg).split('.');
        return `${h}.${b64({ ...decodePart(token(alg), 1), scope: 'admin users:read' })}.${s}`;
      },
    ],
    ['alg none', () => unsigned({ ...decodePart(token(alg), 0), alg: 'none' }, decodePart(token(alg), 1))],
    [
      'HS256 keyed with the public key (PEM)',
      () => {
        const kid = String(decodePart(token(alg), 0).kid);
        const pem = gh.get(SigningKeysService).findLoaded(kid)!.publicKey.export({ format: 'pem', type: 'spki' });
        return signHs256(pem, { ...decodePart(token(alg), 0), alg: 'HS256' }, decodePart(token(alg), 1));
      },
    ],
    ['an expired token', () => resigned(alg, (c) => ({ ...c, iat: Math.floor(Date.now() / 1000) - 7200, exp: Math.floor(Date.now() / 1000) - 3600 }))],
    ['a token for another audience', () => resigned(alg, (c) => ({ ...c, aud: 'https://other-api.example' }))],
  ];
  const cases = (algs: SigningAlg[]) => algs.flatMap((alg) => forgeries(alg).map(([name, make]) => [alg, name, make] as const));

  describe('jose (createRemoteJWKSet + jwtVerify)', () => {
    let JWKS: ReturnType<typeof createRemoteJWKSet>;
    beforeAll(() => {
      JWKS = createRemoteJWKSet(new URL(jwksUri));
    });
    const verify = (jwt: string) => jwtVerify(jwt, JWKS, { issuer, audience, algorithms: ['ES256', 'RS256'], typ: 'at+jwt' });

    it.each(['ES256', 'RS256'] as const)('accepts a valid %s token, and a token re-signed as Gatehouse signs (control)', async (alg) => {
      const { payload, protectedHeader } = await verify(token(alg));
      expect(protectedHeader).toMatchObject({ alg, typ: 'at+jwt' });
      expect(payload).toMatchObject({ iss: issuer, aud: audience, scope: 'users:read' });
      await expect(verify(resigned(alg, (c) => c))).resolves.toBeDefined();
    });

    it.each(cases(['ES256', 'RS256']))('refuses a %s token: %s', async (_alg, _name, make) => {
      await expect(verify(make())).rejects.toThrow();
    });

    it('refuses a token whose typ is not at+jwt', async () => {
      await expect(verify(resigned('RS256', (c) => c, { typ: 'JWT' }))).rejects.toThrow(/typ/);
    });
  });

  describe('express-oauth2-jwt-bearer on Express 5', () => {
    let server: Server;
    let base: string;

    beforeAll(async () => {
      const api = express();
      // With issuerBaseURL it reads /.well-known/openid-configuration (or RFC 8414's) for the issuer and jwks_uri.
      api.get('/discovered', auth({ issuerBaseURL: gh.url, audience, tokenSigningAlg: 'RS256', strict: true }), (req, res) => {
        res.json({ sub: req.auth?.payload.sub });
      });
      // Without discovery: the JWKS URL and the issuer given; ES256 works as well as RS256.
      for (const alg of ['ES256', 'RS256'] as const) {
        api.get(`/${alg}`, auth({ jwksUri, issuer, audience, tokenSigningAlg: alg, strict: true }), (req, res) => {
          res.json({ sub: req.auth?.payload.sub });
        });
      }
      // The library's errors carry their status and WWW-Authenticate header, as Express's own handler would send them.
      api.use((err: { status?: number; headers?: Record<string, string>; message: string }, _req: Request, res: Response, _next: NextFunction) => {
        res
          .status(err.status ?? 500)
          .set(err.headers ?? {})
          .json({ error: err.message });
      });
      server = await new Promise<Server>((resolve) => {
        const s = api.listen(0, '127.0.0.1', () => resolve(s));
      });
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    const get = (path: string, jwt: string) => fetch(`${base}${path}`, { headers: { Authorization: `Bearer ${jwt}` } });

    it('accepts valid RS256 tokens through discovery, and each algorithm at a route pinned to it', async () => {
      expect((await get('/discovered', token('RS256'))).status).toBe(200);
      expect((await get('/RS256', token('RS256'))).status).toBe(200);
      const es = await get('/ES256', token('ES256'));
      expect(es.status).toBe(200);
      expect(((await es.json()) as { sub: string }).sub).toBe(decodePart(token('ES256'), 1).sub);
      // tokenSigningAlg pins the algorithm: the other one is refused.
      expect((await get('/RS256', token('ES256'))).status).toBe(401);
      expect((await get('/discovered', token('ES256'))).status).toBe(401);
    });

    it.each(cases(['ES256', 'RS256']))('refuses a forged %s token: %s', async (alg, _name, make) => {
      const jwt = make();
      for (const path of alg === 'RS256' ? ['/discovered', '/RS256'] : ['/ES256']) {
        const res = await get(path, jwt);
        expect(res.status).toBe(401);
        expect(res.headers.get('www-authenticate')).toContain('invalid_token');
      }
    });
  });

  describe('fastify-jwt-jwks (RS256 and EdDSA only)', () => {
    let api: FastifyInstance;
    let base: string;

    beforeAll(async () => {
      api = Fastify();
      await api.register(fastifyJwtJwks, { jwksUrl: jwksUri, audience, issuer });
      api.get('/protected', { preValidation: api.authenticate }, (req) => ({ sub: (req.user as { sub: string }).sub }));
      await api.listen({ port: 0, host: '127.0.0.1' });
      base = `http://127.0.0.1:${(api.server.address() as AddressInfo).port}`;
    });
    afterAll(() => api.close());

    const get = (jwt: string) => fetch(`${base}/protected`, { headers: { Authorization: `Bearer ${jwt}` } });

    it('accepts a valid token of an RS256 client', async () => {
      const res = await get(token('RS256'));
      expect(res.status).toBe(200);
      expect(((await res.json()) as { sub: string }).sub).toBe(decodePart(token('RS256'), 1).sub);
      expect((await get(resigned('RS256', (c) => c))).status).toBe(200);
    });

    it('cannot take ES256 tokens (the library allows RS256 and EdDSA only): why a client may choose RS256', async () => {
      expect((await get(token('ES256'))).status).toBe(401);
    });

    it.each(cases(['RS256']))('refuses a forged %s token: %s', async (_alg, _name, make) => {
      expect((await get(make())).status).toBe(401);
    });
  });
});
