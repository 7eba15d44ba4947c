import type { EnvReader } from './env.js';

/** How long credentials live, in seconds: tokens, refresh-token families, sign-in sessions, signing keys. */
export interface LifetimeSettings {
  readonly accessTokenTtl: number;
  /** Absolute lifetime of a refresh-token family (REFRESH_TOKEN_TTL). */
  readonly refreshTokenTtl: number;
  /** A refresh token unused for this long expires (never past the family's absolute lifetime). */
  readonly refreshTokenIdleTtl: number;
  /** Seconds in which a retry with a just-rotated refresh token gets the same successor (0 = off). */
  readonly refreshReuseGraceSeconds: number;
  /** Lifetime of a sign-in session (the gh_session cookie). */
  readonly sessionTtl: number;
  /** Seconds a newly rotated signing key is published in the JWKS before it signs. */
  readonly signingKeyActivationDelay: number;
}

export function lifetimeSettings({ str, int, problem }: EnvReader): LifetimeSettings {
  const accessTokenTtl = int('ACCESS_TOKEN_TTL', 900, 30, 86400);
  const refreshTokenTtl = int('REFRESH_TOKEN_TTL', 2592000, 60, 31536000);
  const idleRaw = str('REFRESH_TOKEN_IDLE_TTL');
  const refreshTokenIdleTtl = int('REFRESH_TOKEN_IDLE_TTL', Math.min(1209600, refreshTokenTtl), 60, 31536000);
  if (idleRaw !== undefined && refreshTokenIdleTtl > refreshTokenTtl) problem('REFRESH_TOKEN_IDLE_TTL must not exceed REFRESH_TOKEN_TTL');
  return {
    accessTokenTtl,
    refreshTokenTtl,
    refreshTokenIdleTtl,
    refreshReuseGraceSeconds: int('REFRESH_REUSE_GRACE_SECONDS', 0, 0, 60),
    sessionTtl: int('SESSION_TTL', 43200, 60, 2592000),
    signingKeyActivationDelay: int('SIGNING_KEY_ACTIVATION_DELAY', 60, 0, 86400),
  };
}
