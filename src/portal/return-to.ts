/**
 * Where to go after sign-in: only a same-origin relative path that starts with exactly one '/'
 * ('//host' and '/\host' are other origins to a browser), with no control characters or
 * backslashes. Anything else means the portal's home: never an open redirect.
 */
export function safeReturnTo(value: string | undefined): string {
  if (!value || value.length > 8192) return '/portal';
  if (!value.startsWith('/') || value.startsWith('//')) return '/portal';
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused here
  if (/[\\\x00-\x1f\x7f]/.test(value)) return '/portal';
  try {
    const resolved = new URL(value, 'http://gatehouse.invalid');
    if (resolved.origin !== 'http://gatehouse.invalid') return '/portal';
  } catch {
    return '/portal';
  }
  return value;
}
