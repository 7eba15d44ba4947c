/**
 * The one email rule of Gatehouse: sign-up and sign-in (portal), the admin API, the command line and
 * ADMIN_EMAIL all use it. No part of it can backtrack: the input is bounded first, split on `@` and
 * `.`, and each piece checked by a single character class (linear time whatever the input).
 *
 * Accepted: `local@domain` with
 * - local part: 1 to 64 characters, dot-separated atoms of letters (any script), digits and
 *   ! # $ % & ' * + - / = ? ^ _ ` { | } ~ (so plus addressing works); no leading, trailing or double dot;
 *   no quoted local parts (`"a b"@x`), which almost no provider issues and many systems mishandle;
 * - domain: at least two labels of letters (any script: IDN), digits and inner hyphens, each 1 to 63
 *   characters, 253 in all; no trailing dot, no IP literal;
 * - 254 characters in all (RFC 5321's limit on a path).
 * Normalisation (`normalizeEmail`): surrounding whitespace trimmed, the whole address lower-cased
 * (Unicode-aware) and put in NFC, so that one mailbox is one account, however it is typed.
 */
export const MAX_EMAIL_LENGTH = 254;
const MAX_LOCAL = 64;
const MAX_DOMAIN = 253;
const ATOM = /^[\p{L}\p{M}\p{N}!#$%&'*+/=?^_`{|}~-]+$/u;
const LABEL = /^[\p{L}\p{M}\p{N}-]{1,63}$/u;

/** Trimmed, lower-cased, NFC: the form stored and looked up. Past the limit, only enough is kept to stay refused. */
export function normalizeEmail(raw: string): string {
  const trimmed = raw.trim();
  if (trimmed.length > MAX_EMAIL_LENGTH) return trimmed.slice(0, MAX_EMAIL_LENGTH + 1);
  return trimmed.normalize('NFC').toLowerCase();
}

/** True when `email` (already normalised) is an address Gatehouse accepts. */
export function isEmail(email: string): boolean {
  if (email.length < 3 || email.length > MAX_EMAIL_LENGTH) return false;
  const at = email.indexOf('@');
  if (at < 1 || at !== email.lastIndexOf('@')) return false;
  const local = email.slice(0, at);
  const domain = email.slice(at + 1);
  if (local.length > MAX_LOCAL || domain.length > MAX_DOMAIN) return false;
  if (!local.split('.').every((atom) => ATOM.test(atom))) return false;
  const labels = domain.split('.');
  return labels.length >= 2 && labels.every((l) => LABEL.test(l) && !l.startsWith('-') && !l.endsWith('-'));
}

/** The message every caller shows for an address `isEmail` refuses. */
export const EMAIL_RULE = 'must be an email address such as name@example.com (no spaces or quotes, a domain with a dot, at most 254 characters)';
