import type { Client } from '../../clients/client.entity.js';

/** RFC 8252 7.3: a loopback redirect URI (IP literal, plain http); the port may vary. */
const LOOPBACK = /^http:\/\/(127\.0\.0\.1|\[::1\])(?::(\d{1,5}))?([/?][^#]*)?$/;

function withoutPort(uri: string): string | undefined {
  const m = LOOPBACK.exec(uri);
  if (!m) return undefined;
  if (m[2] !== undefined && (Number(m[2]) < 1 || Number(m[2]) > 65535)) return undefined;
  return `http://${m[1]}${m[3] ?? ''}`;
}

/**
 * Whether a client's loopback redirect URIs match on any port: only a public client registered as a
 * native app (RFC 8252 7.3: the app listens on an ephemeral port). Never a first-party client (it
 * skips consent, so whatever listens on a loopback port would get its codes) nor a confidential one.
 */
export function loopbackAnyPort(client: Pick<Client, 'type' | 'applicationType' | 'firstParty'>): boolean {
  return client.type === 'public' && client.applicationType === 'native' && !client.firstParty;
}

/**
 * The registered redirect URI this request names, by exact string comparison (RFC 9700 4.1.3: no
 * prefix, no wildcard, no normalisation), except that, with `anyPort` (see loopbackAnyPort), a
 * loopback URI matches on any port (RFC 8252 7.3). Returns the requested URI (the one to redirect
 * to) or undefined.
 */
export function matchRedirectUri(requested: string, registered: readonly string[], anyPort: boolean): string | undefined {
  if (registered.includes(requested)) return requested;
  if (!anyPort) return undefined;
  const loose = withoutPort(requested);
  if (loose === undefined) return undefined;
  return registered.some((r) => withoutPort(r) === loose) ? requested : undefined;
}

/** The redirect URI with the response parameters added to its query (RFC 6749 4.1.2). */
export function withParams(redirectUri: string, params: Record<string, string | undefined>): string {
  const url = new URL(redirectUri);
  for (const [name, value] of Object.entries(params)) if (value !== undefined) url.searchParams.append(name, value);
  return url.href;
}
