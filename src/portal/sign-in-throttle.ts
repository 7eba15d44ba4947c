import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import type { AppConfig } from '../platform/config/config.js';
import { InjectConfig } from '../platform/config/config.module.js';
import { RateLimitService, type Policy } from '../platform/rate-limit/rate-limit.service.js';

/** Defaults of RATE_LIMIT_SIGN_IN_ACCOUNT_ADDRESS_FAILURES, _ADDRESS_FAILURES, _ACCOUNT_FAILURES and RATE_LIMIT_SIGN_UPS_PER_ADDRESS. */
export const ACCOUNT_ADDRESS_LIMIT = 5;
export const ADDRESS_LIMIT = 20;
export const ACCOUNT_SLOWDOWN_AFTER = 10;
export const SIGN_UP_LIMIT = 10;
/** The first slowed attempt on an account waits this long; each further failure doubles it... */
export const SLOWDOWN_BASE_MS = 250;
/** ...up to this. The owner, from an address of their own, always gets in, at worst this much later. */
export const SLOWDOWN_MAX_MS = 4000;

/** Which limit refused an attempt (named in the audit trail). */
export type Refusal = 'address' | 'account_address';

/** An attempt under way: `refused` set when it may not go on (then nothing stays counted). */
export interface SignInAttempt {
  readonly account: string;
  readonly ip: string;
  readonly refused: Refusal | null;
  /** Seconds to wait when refused. */
  readonly retryAfter: number;
  /** How long the attempt was held back because the account has been failing from many addresses. */
  readonly slowedMs: number;
}

/**
 * Failed sign-ins, throttled the way OWASP's authentication guidance and Keycloak's brute-force
 * detector separate an attacker's address from the owner's, so no stranger can lock an account out:
 * - per account and address: an address that failed too often on one account is refused (429) for it;
 * - per address: an address that failed too often across accounts is refused for all of them;
 * - per account, from any address: past a number of failures every attempt on the account waits
 *   (250 ms, doubling per failure, at most 4 s) before its password is checked. This is never a
 *   refusal: the right password from an address that has not been failing always gets in.
 * Sign-ups are counted per address. Counters live in the RateLimitService (Redis when REDIS_URL is
 * set, so every instance shares them; memory otherwise). Accounts are keyed by a digest of the email
 * and the time an admin last unlocked it (`users.sign_in_unlocked_at`): an unlock starts every count of
 * that account afresh on every instance, and Redis never holds an email.
 *
 * An attempt is counted when it starts (a parallel burst cannot slip under a limit) and given back
 * when it succeeds: a success clears its address's count for the account, takes that address's
 * failures off the account's count, and does not count against the address.
 */
@Injectable()
export class SignInThrottle {
  private readonly pair: Policy;
  private readonly address: Policy;
  private readonly account: Policy;
  private readonly signUps: Policy;

  constructor(
    private readonly limits: RateLimitService,
    @InjectConfig() config: AppConfig,
  ) {
    const r = config.rateLimits;
    const window = r.signInWindowSeconds;
    this.pair = { name: 'sign-in-account-address', limit: r.signInAccountAddressFailures, windowSeconds: window };
    this.address = { name: 'sign-in-address', limit: r.signInAddressFailures, windowSeconds: window };
    this.account = { name: 'sign-in-account', limit: r.signInAccountFailures, windowSeconds: window };
    this.signUps = { name: 'sign-up-address', limit: r.signUpsPerAddress, windowSeconds: window };
  }

  /**
   * Counts a sign-in attempt for this email (whose account an admin last unlocked at `unlockedAt`)
   * from this address. Refused when the address, or this address on this account, is over its
   * limit; otherwise waits out the account's slow-down before answering.
   */
  async begin(email: string, unlockedAt: Date | null, ip: string): Promise<SignInAttempt> {
    const account = accountKey(email, unlockedAt);
    const [addressWait, pairWait, accountCount] = await Promise.all([
      this.limits.take(this.address, ip),
      this.limits.take(this.pair, pairKey(account, ip)),
      this.limits.tally(this.account, account),
    ]);
    if (addressWait > 0 || pairWait > 0) {
      // A refused attempt is not a failure: it must not push the address (or the account) further.
      await this.giveBack(account, ip);
      const refused: Refusal = addressWait > 0 ? 'address' : 'account_address';
      return { account, ip, refused, retryAfter: Math.max(addressWait, pairWait), slowedMs: 0 };
    }
    const slowedMs = slowDown(accountCount, this.account.limit);
    if (slowedMs > 0) await new Promise((resolve) => setTimeout(resolve, slowedMs));
    return { account, ip, refused: null, retryAfter: 0, slowedMs };
  }

  /** The attempt succeeded: its address's failures on the account are forgiven, and it does not count. */
  async succeeded(a: SignInAttempt): Promise<void> {
    const key = pairKey(a.account, a.ip);
    const own = Math.max(1, await this.limits.count(this.pair, key));
    await Promise.all([this.limits.reset(this.pair, key), this.limits.giveBack(this.address, a.ip), this.limits.giveBack(this.account, a.account, own)]);
  }

  /** The attempt could not be judged (e.g. the database was down): it does not count. */
  abandoned(a: SignInAttempt): Promise<void> {
    return this.giveBack(a.account, a.ip);
  }

  /** Counts a sign-up attempt from this address; returns seconds to wait when over the limit (0 = go on). */
  signUpAttempt(ip: string): Promise<number> {
    return this.limits.take(this.signUps, ip);
  }

  private async giveBack(account: string, ip: string): Promise<void> {
    await Promise.all([
      this.limits.giveBack(this.address, ip),
      this.limits.giveBack(this.pair, pairKey(account, ip)),
      this.limits.giveBack(this.account, account),
    ]);
  }
}

/** The wait before checking the password of the attempt that brought the account's failures to `count`. */
export function slowDown(count: number, after: number): number {
  if (after <= 0 || count <= after) return 0;
  return Math.min(SLOWDOWN_MAX_MS, SLOWDOWN_BASE_MS * 2 ** Math.min(count - after - 1, 16));
}

function accountKey(email: string, unlockedAt: Date | null): string {
  const digest = createHash('sha256').update(email).digest('base64url').slice(0, 32);
  return unlockedAt ? `${digest}.${unlockedAt.getTime()}` : digest;
}

function pairKey(account: string, ip: string): string {
  return `${account}|${ip}`;
}
