/**
 * The Cookie header, parsed by hand: @fastify/cookie's parser (cookie@2) is ESM-only behind a
 * CommonJS require, which Jest's ESM runtime cannot load. Only names we ask for are read; values
 * are taken as sent (ours are base64url, never percent-encoded).
 */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header || header.length > 8192) return undefined;
  let found: string | undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() !== name) continue;
    if (found !== undefined) return undefined; // the same cookie twice: trust neither
    found = part.slice(eq + 1).trim();
  }
  return found !== undefined && /^[A-Za-z0-9_-]{16,128}$/.test(found) ? found : undefined;
}

/**
 * The name a cookie of ours carries. Over HTTPS: `__Host-<base>`, which a browser stores only with
 * Secure, Path=/ and no Domain, set by this very host (RFC 6265bis 4.1.3.2): no sibling origin
 * (another subdomain, or this host over plain HTTP) can set, replace or shadow it. Over plain HTTP
 * (development) a browser refuses the prefix (it needs Secure), so the base name is kept.
 */
export function cookieName(base: string, secure: boolean): string {
  return secure ? `__Host-${base}` : base;
}

export interface CookieOptions {
  maxAge?: number;
  secure: boolean;
}

/** A `Set-Cookie` value: HttpOnly, SameSite=Lax, Path=/, no Domain, Secure under HTTPS. maxAge 0 deletes it. */
export function serializeCookie(name: string, value: string, opts: CookieOptions): string {
  const parts = [`${name}=${value}`, 'Path=/', 'HttpOnly', 'SameSite=Lax'];
  if (opts.maxAge !== undefined) parts.push(`Max-Age=${opts.maxAge}`);
  if (opts.secure) parts.push('Secure');
  return parts.join('; ');
}
