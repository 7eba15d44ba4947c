import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import type { AppConfig } from '../config/config.js';
import { InjectConfig } from '../config/config.module.js';
import { RateLimitService, type Policy } from '../rate-limit/rate-limit.service.js';

/** Defaults of RATE_LIMIT_SIGN_IN_ACCOUNT_FAILURES, RATE_LIMIT_SIGN_IN_ADDRESS_FAILURES and RATE_LIMIT_SIGN_UPS_PER_ADDRESS. */
export const ACCOUNT_LIMIT = 5;
export const ADDRESS_LIMIT = 20;
export const SIGN_UP_LIMIT = 10;

/**
 * Failed sign-ins, counted per account and per client address, and sign-ups per address, on the
 * RateLimitService: in Redis when REDIS_URL is set (every instance shares them), in memory
 * otherwise. Past a limit, sign-in is refused until the window ends, whether or not the email
 * exists (so the answer reveals nothing). Accounts are keyed by a digest of the email: Redis never
 * holds one.
 *
 * An attempt is counted when it starts (so a parallel burst cannot slip under the limit) and given
 * back when it succeeds: a success clears the account's count and does not count against the address.
 */
@Injectable()
export class SignInThrottle {
  private readonly account: Policy;
  private readonly address: Policy;
  private readonly signUps: Policy;

  constructor(
    private readonly limits: RateLimitService,
    @InjectConfig() config: AppConfig,
  ) {
    const r = config.rateLimits;
    this.account = { name: 'sign-in-account', limit: r.signInAccountFailures, windowSeconds: r.signInWindowSeconds };
    this.address = { name: 'sign-in-address', limit: r.signInAddressFailures, windowSeconds: r.signInWindowSeconds };
    this.signUps = { name: 'sign-up-address', limit: r.signUpsPerAddress, windowSeconds: r.signInWindowSeconds };
  }

  /**
   * Counts a sign-in attempt for this email from this address; returns seconds to wait when either is
   * over its limit (0 = go on and check the password).
   */
  async begin(email: string, ip: string): Promise<number> {
    const key = accountKey(email);
    const wait = Math.max(...(await Promise.all([this.limits.take(this.account, key), this.limits.take(this.address, ip)])));
    // A refused attempt is not a failure: it must not push the address (or the account) further.
    if (wait > 0) await this.abandoned(email, ip);
    return wait;
  }

  /** The attempt begun succeeded: the account's count is cleared, the address's attempt given back. */
  async succeeded(email: string, ip: string): Promise<void> {
    await Promise.all([this.limits.reset(this.account, accountKey(email)), this.limits.giveBack(this.address, ip)]);
  }

  /** The attempt begun could not be judged (e.g. the database was down): it does not count. */
  async abandoned(email: string, ip: string): Promise<void> {
    await Promise.all([this.limits.giveBack(this.account, accountKey(email)), this.limits.giveBack(this.address, ip)]);
  }

  /** Counts a sign-up attempt from this address; returns seconds to wait when over the limit (0 = go on). */
  signUpAttempt(ip: string): Promise<number> {
    return this.limits.take(this.signUps, ip);
  }
}

function accountKey(email: string): string {
  return createHash('sha256').update(email).digest('base64url').slice(0, 32);
}
