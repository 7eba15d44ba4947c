import { hash } from 'node:crypto';

/** Entries kept at most; the least recently used one goes first. */
export const VERIFIED_TOKEN_CACHE_SIZE = 10_000;

interface Entry<T> {
  value: T;
  /** Milliseconds since the epoch after which the entry is never served (the token's `exp`). */
  expiresAt: number;
  /** The key the token was verified with: served only while that key is still loaded. */
  kid: string;
}

/**
 * Tokens whose signature and claims already verified, until their `exp`: a bounded LRU keyed by the
 * SHA-256 of the token (the token itself is not kept as a key). Only the signature check is skipped
 * on a hit: the caller still asks whether the signing key is loaded, and the revocation list (jti,
 * grant, user) is still checked on every request by LiveAccessTokens.
 */
export class VerifiedTokenCache<T> {
  private readonly entries = new Map<string, Entry<T>>();

  constructor(private readonly max = VERIFIED_TOKEN_CACHE_SIZE) {}

  get size(): number {
    return this.entries.size;
  }

  static keyOf(token: string): string {
    // One-shot crypto.hash: about 1 us for a ~700-byte JWT, against 2.7 us for createHash().update().digest().
    return hash('sha256', token, 'base64');
  }

  /** The cached value for this token's hash when it has not expired; refreshes its recency. */
  get(key: string, now = Date.now()): { value: T; kid: string } | undefined {
    const hit = this.entries.get(key);
    if (!hit) return undefined;
    this.entries.delete(key);
    if (hit.expiresAt <= now) return undefined;
    this.entries.set(key, hit);
    return hit;
  }

  set(key: string, value: T, expiresAtMs: number, kid: string, now = Date.now()): void {
    if (this.max <= 0 || expiresAtMs <= now) return;
    this.entries.delete(key);
    if (this.entries.size >= this.max) {
      // Map keeps insertion order, and get() re-inserts: the first key is the least recently used.
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(key, { value, expiresAt: expiresAtMs, kid });
  }

  clear(): void {
    this.entries.clear();
  }
}
