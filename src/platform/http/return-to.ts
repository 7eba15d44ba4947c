/** The longest path (query included) the portal carries through sign-in, once URL-encoded. */
export const MAX_RETURN_TO = 4096;

/**
 * The longest `Location` Gatehouse sends: with the other headers (cookies, CSP, request id) a
 * response's header block stays under 8 KB, well inside Node's and most proxies' 16 KB limits.
 */
export const MAX_LOCATION = 6144;

/**
 * Where to go after sign-in: only a same-origin relative path that starts with exactly one '/'
 * ('//host' and '/\host' are other origins to a browser), with no control characters or
 * backslashes. Anything else means the portal's home: never an open redirect.
 *
 * The answer is the path as the URL parser writes it: percent-encoded (UTF-8), so a path with
 * characters outside ASCII ('/portal/中') can go into a `Location` header, and dot segments resolved.
 * Longer than MAX_RETURN_TO once encoded: the portal's home.
 */
export function safeReturnTo(value: string | undefined): string {
  if (!value || value.length > MAX_RETURN_TO) return '/portal';
  if (!value.startsWith('/') || value.startsWith('//')) return '/portal';
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused here
  if (/[\\\x00-\x1f\x7f]/.test(value)) return '/portal';
  let resolved: URL;
  try {
    resolved = new URL(value, 'http://gatehouse.invalid');
  } catch {
    return '/portal';
  }
  if (resolved.origin !== 'http://gatehouse.invalid') return '/portal';
  const path = resolved.pathname + resolved.search + resolved.hash;
  return path.length <= MAX_RETURN_TO && path.startsWith('/') && !path.startsWith('//') ? path : '/portal';
}

/**
 * The sign-in page that comes back to `returnTo` (checked by safeReturnTo), or undefined when that
 * address is too long to carry in a `Location` header (MAX_LOCATION).
 */
export function signInLocationFor(returnTo: string): string | undefined {
  const back = safeReturnTo(returnTo);
  if (back === '/portal') return returnTo === '/portal' ? '/portal/signin' : undefined;
  const location = `/portal/signin?return_to=${encodeURIComponent(back)}`;
  return location.length <= MAX_LOCATION ? location : undefined;
}

/** The sign-in page coming back to `returnTo` when it can, else plain sign-in (then the portal's home). */
export function signInLocation(returnTo: string): string {
  return signInLocationFor(returnTo) ?? '/portal/signin';
}
