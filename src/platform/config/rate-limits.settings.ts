import type { EnvReader } from './env.js';

/** Fixed-window limits (RATE_LIMIT_*), in memory or shared through Redis. */
export interface RateLimitSettings {
  readonly rateLimits: {
    /** Requests to the token endpoints per address per minute (0 = off). */
    readonly tokenPerMinute: number;
    /** Failed client authentications per client and address in `failureWindowSeconds` before 429. */
    readonly clientAuthFailures: number;
    /** Failed client authentications per address, any client, in the same window. */
    readonly addressAuthFailures: number;
    readonly failureWindowSeconds: number;
    /** Failed sign-ins per account (any address) in `signInWindowSeconds` before each attempt on it is slowed down (never refused). */
    readonly signInAccountFailures: number;
    /** Failed sign-ins per account from one address in the same window before that address is refused for that account. */
    readonly signInAccountAddressFailures: number;
    /** Failed sign-ins per address (any account) in the same window before the address is refused. */
    readonly signInAddressFailures: number;
    /** Sign-up attempts per address in the same window. */
    readonly signUpsPerAddress: number;
    readonly signInWindowSeconds: number;
    /** Requests per API key per minute on the Data API (0 = off). */
    readonly apiKeyPerMinute: number;
  };
}

export function rateLimitSettings({ int }: EnvReader): RateLimitSettings {
  return {
    rateLimits: {
      tokenPerMinute: int('RATE_LIMIT_TOKEN_PER_MINUTE', 6000, 0, 10_000_000),
      clientAuthFailures: int('RATE_LIMIT_CLIENT_AUTH_FAILURES', 10, 0, 1_000_000),
      addressAuthFailures: int('RATE_LIMIT_ADDRESS_AUTH_FAILURES', 100, 0, 1_000_000),
      failureWindowSeconds: int('RATE_LIMIT_FAILURE_WINDOW', 300, 1, 86400),
      signInAccountFailures: int('RATE_LIMIT_SIGN_IN_ACCOUNT_FAILURES', 10, 0, 1_000_000),
      signInAccountAddressFailures: int('RATE_LIMIT_SIGN_IN_ACCOUNT_ADDRESS_FAILURES', 5, 0, 1_000_000),
      signInAddressFailures: int('RATE_LIMIT_SIGN_IN_ADDRESS_FAILURES', 20, 0, 1_000_000),
      signUpsPerAddress: int('RATE_LIMIT_SIGN_UPS_PER_ADDRESS', 10, 0, 1_000_000),
      signInWindowSeconds: int('RATE_LIMIT_SIGN_IN_WINDOW', 900, 1, 86400),
      apiKeyPerMinute: int('RATE_LIMIT_API_KEY_PER_MINUTE', 6000, 0, 10_000_000),
    },
  };
}
