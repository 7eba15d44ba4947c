import { createHash } from 'node:crypto';
import { secretsEqual } from '../platform/crypto.js';

/** RFC 7636 4.1: code_verifier = 43*128 unreserved characters. */
export const VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;
/** An S256 code_challenge: base64url of a SHA-256 digest, 43 characters, no padding. */
export const S256_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;

export function s256(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

/** True when the verifier hashes to the challenge (constant-time comparison). */
export function verifierMatches(verifier: string, challenge: string): boolean {
  return VERIFIER.test(verifier) && secretsEqual(s256(verifier), challenge);
}
