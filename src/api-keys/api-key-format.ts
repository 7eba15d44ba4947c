import { randomBase62, sha256 } from '../platform/crypto.js';

/**
 * The API key format (docs/contract.md, "Credentials"): `gth_live_<40 base62>_<6 base62 checksum>`.
 *
 * - `gth_live` / `gth_test` names the kind, so secret scanners can match leaked keys.
 * - The 40 random characters (238 bits) start with a 12-character public id, stored in clear with a
 *   unique index so a key is found in one indexed look-up; the whole key is stored only as SHA-256.
 * - The checksum is CRC32 (as GitHub's tokens) over everything before it, base62, fixed width, so a
 *   mistyped or truncated key is refused before any database look-up.
 */
export type ApiKeyEnvironment = 'live' | 'test';
export const API_KEY_ENVIRONMENTS: readonly ApiKeyEnvironment[] = ['live', 'test'];

export const RANDOM_LENGTH = 40;
export const LOOKUP_ID_LENGTH = 12;
export const CHECKSUM_LENGTH = 6;

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const SHAPE = /^gth_(live|test)_([0-9A-Za-z]{40})_([0-9A-Za-z]{6})$/;

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 (IEEE 802.3, the zlib/PNG one) of an ASCII string. */
export function crc32(text: string): number {
  let crc = 0xffffffff;
  for (let i = 0; i < text.length; i++) crc = CRC_TABLE[(crc ^ text.charCodeAt(i)) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** A 32-bit number as exactly 6 base62 digits (62^6 > 2^32), most significant first. */
export function base62Fixed(value: number, width = CHECKSUM_LENGTH): string {
  let out = '';
  let v = value;
  for (let i = 0; i < width; i++) {
    out = BASE62[v % 62] + out;
    v = Math.floor(v / 62);
  }
  return out;
}

export function checksumOf(body: string): string {
  return base62Fixed(crc32(body));
}

export interface NewApiKey {
  /** The whole key, shown once. */
  key: string;
  lookupId: string;
  hash: Buffer;
  last4: string;
}

export function generateApiKey(environment: ApiKeyEnvironment): NewApiKey {
  const body = `gth_${environment}_${randomBase62(RANDOM_LENGTH)}`;
  const key = `${body}_${checksumOf(body)}`;
  return { key, lookupId: lookupIdOf(body.slice(-RANDOM_LENGTH)), hash: sha256(key), last4: key.slice(-4) };
}

function lookupIdOf(random: string): string {
  return random.slice(0, LOOKUP_ID_LENGTH);
}

export type ParsedApiKey = { ok: true; environment: ApiKeyEnvironment; lookupId: string; hash: Buffer } | { ok: false; reason: 'malformed' | 'checksum' };

/** Checks the shape and the checksum of a presented key, without touching the database. */
export function parseApiKey(key: string): ParsedApiKey {
  const m = SHAPE.exec(key);
  if (!m) return { ok: false, reason: 'malformed' };
  if (checksumOf(key.slice(0, -CHECKSUM_LENGTH - 1)) !== m[3]) return { ok: false, reason: 'checksum' };
  return { ok: true, environment: m[1] as ApiKeyEnvironment, lookupId: lookupIdOf(m[2]), hash: sha256(key) };
}

/** What lists show of a key: its kind prefix and public id (never secret), e.g. `gth_live_AbC123xYz789`. */
export function displayStart(environment: ApiKeyEnvironment, lookupId: string): string {
  return `gth_${environment}_${lookupId}`;
}
