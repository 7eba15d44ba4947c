import { createCipheriv, createDecipheriv, createHmac, hash, hkdfSync, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** `length` characters drawn uniformly from [0-9A-Za-z] by a CSPRNG (5.95 bits each). */
export function randomBase62(length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += BASE62[randomInt(62)];
  return out;
}

/** Opaque high-entropy token: 32 random bytes, base64url (256 bits). */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

export function sha256(value: string | Buffer): Buffer {
  // One-shot crypto.hash (Node >= 20.12): no Hash object per call, about 2.5 x cheaper on short inputs.
  return hash('sha256', value, 'buffer');
}

/** Constant-time comparison of two SHA-256 digests (both fixed length). */
export function digestsEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Constant-time comparison of two strings of any length, through their digests. */
export function secretsEqual(a: string, b: string): boolean {
  return timingSafeEqual(sha256(a), sha256(b));
}

/** HKDF-SHA256 of MASTER_KEY for one purpose: 32 bytes that differ per purpose. */
function derivedKey(masterKey: string, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', masterKey, 'gatehouse', purpose, 32));
}

/**
 * A keyed digest (HMAC-SHA256 under a key derived from MASTER_KEY for one purpose): equal inputs give
 * equal digests, so they can be correlated, but without the master key nobody can test a guess
 * against one (e.g. a password typed into an email field, kept in the audit trail only as this).
 */
export class KeyedDigest {
  private readonly key: Buffer;

  constructor(masterKey: string, purpose: string) {
    this.key = derivedKey(masterKey, purpose);
  }

  /** `hmac:` and 22 base64url characters (128 bits). */
  of(value: string): string {
    return `hmac:${createHmac('sha256', this.key).update(value).digest('base64url').slice(0, 22)}`;
  }
}

/**
 * Authenticated encryption with a key derived from MASTER_KEY (HKDF-SHA256 per purpose, AES-256-GCM).
 * Output: `v1.<iv>.<tag>.<ciphertext>`, base64url parts.
 */
export class Sealer {
  private readonly key: Buffer;

  constructor(masterKey: string, purpose: string) {
    this.key = derivedKey(masterKey, purpose);
  }

  seal(plain: Buffer): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const ct = Buffer.concat([cipher.update(plain), cipher.final()]);
    return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ct.toString('base64url')].join('.');
  }

  /** Throws when the value was sealed with another master key or was tampered with. */
  open(sealed: string): Buffer {
    const [v, iv, tag, ct] = sealed.split('.');
    if (v !== 'v1' || !iv || !tag || ct === undefined) throw new Error('unknown sealed format');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]);
  }
}
