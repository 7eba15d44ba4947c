import type { EnvReader } from './env.js';

/** Server and HTTP identity: NODE_ENV, PORT, HOST, PUBLIC_URL, API_AUDIENCE. */
export interface ServerSettings {
  readonly nodeEnv: 'development' | 'production' | 'test';
  readonly production: boolean;
  readonly port: number;
  readonly host: string;
  readonly publicUrl: string;
  /** The `iss` of every token and of the RFC 8414 metadata. */
  readonly issuer: string;
  /** The `aud` of access tokens: the APIs this server protects. */
  readonly audience: string;
}

const NODE_ENVS: readonly string[] = ['development', 'production', 'test'];

export function serverSettings({ str, int, problem }: EnvReader): ServerSettings {
  const nodeEnvRaw = str('NODE_ENV') ?? 'development';
  if (!NODE_ENVS.includes(nodeEnvRaw)) problem(`NODE_ENV must be development, production or test (got "${nodeEnvRaw}")`);
  const nodeEnv = (NODE_ENVS.includes(nodeEnvRaw) ? nodeEnvRaw : 'development') as ServerSettings['nodeEnv'];
  const production = nodeEnv === 'production';

  const port = int('PORT', 3000, 0, 65535);
  const host = str('HOST') ?? '127.0.0.1';

  let publicUrl = str('PUBLIC_URL') ?? `http://localhost:${port}`;
  try {
    const u = new URL(publicUrl);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('scheme');
    if (u.search || u.hash) throw new Error('query');
    publicUrl = u.href.replace(/\/$/, '');
    if (production && u.protocol !== 'https:') problem('PUBLIC_URL must be an https:// URL in production');
  } catch {
    problem(`PUBLIC_URL must be an absolute http(s) URL without query or fragment (got "${publicUrl}")`);
  }
  return { nodeEnv, production, port, host, publicUrl, issuer: publicUrl, audience: str('API_AUDIENCE') ?? `${publicUrl}/v1` };
}
