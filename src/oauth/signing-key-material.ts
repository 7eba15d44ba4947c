import { generateKeyPair, randomBytes, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import type { SigningAlg } from './jws.js';

const generate = promisify(generateKeyPair);

/** A new signing key, before it is sealed and stored: its kid, the public JWK to publish, the private key (PKCS#8 DER). */
export interface NewKeyMaterial {
  readonly kid: string;
  readonly alg: SigningAlg;
  readonly publicJwk: Record<string, string>;
  readonly privateDer: Buffer;
}

/**
 * A fresh key pair for `alg`: ES256 on P-256, RS256 on a 2048-bit RSA modulus (exponent 65537).
 * Generated on libuv's thread pool (an RSA key takes tens to hundreds of milliseconds), so a rotation
 * on a running server does not stall its requests.
 */
export async function newKeyMaterial(alg: SigningAlg): Promise<NewKeyMaterial> {
  const { privateKey, publicKey } =
    alg === 'ES256' ? await generate('ec', { namedCurve: 'P-256' }) : await generate('rsa', { modulusLength: 2048, publicExponent: 0x10001 });
  const kid = randomBytes(12).toString('base64url');
  return { kid, alg, publicJwk: { ...publicParts(alg, publicKey), kid, alg, use: 'sig' }, privateDer: privateKey.export({ format: 'der', type: 'pkcs8' }) };
}

/** Only the public members of the key (RFC 7518 6.2.1 for EC, 6.3.1 for RSA), in that order. */
function publicParts(alg: SigningAlg, publicKey: KeyObject): Record<string, string> {
  const jwk = publicKey.export({ format: 'jwk' }) as Record<string, string>;
  return alg === 'ES256' ? { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y } : { kty: jwk.kty, n: jwk.n, e: jwk.e };
}
