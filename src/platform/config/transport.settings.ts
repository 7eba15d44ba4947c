import { existsSync } from 'node:fs';
import { isIP } from 'node:net';
import type { EnvReader } from './env.js';

/** Transport: TLS served directly (TLS_CERT_FILE, TLS_KEY_FILE) and the proxies trusted for X-Forwarded-*. */
export interface TransportSettings {
  readonly tlsCertFile: string | undefined;
  readonly tlsKeyFile: string | undefined;
  readonly trustedProxies: readonly string[];
}

export function transportSettings({ str, problem }: EnvReader): TransportSettings {
  const tlsCertFile = str('TLS_CERT_FILE');
  const tlsKeyFile = str('TLS_KEY_FILE');
  if ((tlsCertFile === undefined) !== (tlsKeyFile === undefined)) problem('TLS_CERT_FILE and TLS_KEY_FILE must be set together');
  for (const [name, file] of [
    ['TLS_CERT_FILE', tlsCertFile],
    ['TLS_KEY_FILE', tlsKeyFile],
  ] as const) {
    if (file !== undefined && !existsSync(file)) problem(`${name} points to a file that does not exist: ${file}`);
  }

  const trustedProxies = (str('TRUSTED_PROXIES') ?? '').split(/[\s,]+/).filter(Boolean);
  for (const p of trustedProxies) {
    const addr = p.split('/')[0];
    if (!isIP(addr) && !['loopback', 'linklocal', 'uniquelocal'].includes(p)) problem(`TRUSTED_PROXIES has an entry that is not an address or CIDR: "${p}"`);
  }
  return { tlsCertFile, tlsKeyFile, trustedProxies };
}
