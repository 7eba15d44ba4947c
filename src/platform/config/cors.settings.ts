import type { EnvReader } from './env.js';

/** Browsers: CORS_ORIGINS. */
export interface CorsSettings {
  /** Exact origins allowed to call the API and the token, revocation and introspection endpoints from a browser (CORS). */
  readonly corsOrigins: readonly string[];
}

/**
 * CORS_ORIGINS: comma- or space-separated exact origins (scheme://host[:port], no path). No wildcard:
 * the token endpoints take credentials, and `*` would let any site call them from a browser.
 */
export function corsSettings({ str, problem }: EnvReader): CorsSettings {
  const origins: string[] = [];
  for (const entry of (str('CORS_ORIGINS') ?? '').split(/[\s,]+/).filter(Boolean)) {
    const origin = exactOrigin(entry);
    if (origin === undefined) problem(`CORS_ORIGINS entries must be exact origins like https://app.example.com, no wildcard or path (got "${entry}")`);
    else origins.push(origin);
  }
  return { corsOrigins: [...new Set(origins)] };
}

function exactOrigin(entry: string): string | undefined {
  try {
    const u = new URL(entry);
    if (
      (u.protocol === 'http:' || u.protocol === 'https:') &&
      !entry.includes('*') &&
      u.origin === entry.replace(/\/$/, '').toLowerCase() &&
      !u.username &&
      !u.password
    )
      return u.origin;
  } catch {
    return undefined;
  }
  return undefined;
}
