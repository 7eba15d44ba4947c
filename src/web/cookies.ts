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

export interface CookieOptions {
  maxAge?: number;
  secure: boolean;
}

/** A `Set-Cookie` value: HttpOnly, SameSite=Lax, Path=/, Secure under HTTPS. maxAge 0 deletes it. */
export function serializeCookie(name: string, value: string, opts: CookieOptions): string {
  const parts = [`${name}=${value}`, 'Path=/', 'HttpOnly', 'SameSite=Lax'];
  if (opts.maxAge !== undefined) parts.push(`Max-Age=${opts.maxAge}`);
  if (opts.secure) parts.push('Secure');
  return parts.join('; ');
}
