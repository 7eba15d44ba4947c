import { Injectable } from '@nestjs/common';

interface Window {
  failures: number;
  resetAt: number;
}

/** Failures allowed per account (any address) and per address (any account) in one window. */
export const ACCOUNT_LIMIT = 5;
export const ADDRESS_LIMIT = 20;
/** Sign-up attempts per address in one window (each costs an argon2 hash and may create an account). */
export const SIGN_UP_LIMIT = 10;
const WINDOW_MS = 15 * 60_000;
const MAX_ENTRIES = 100_000;

/**
 * Failed sign-ins, counted per account and per client address; past a limit, sign-in is refused
 * until the window ends, whether or not the email exists (so the answer reveals nothing). In memory
 * for now, per instance; a later issue moves the counters to Redis to share them.
 */
@Injectable()
export class SignInThrottle {
  private readonly accounts = new Map<string, Window>();
  private readonly addresses = new Map<string, Window>();
  private readonly signUps = new Map<string, Window>();

  /** Seconds until sign-in is allowed again for this email or address; 0 when it is allowed now. */
  retryAfter(email: string, ip: string): number {
    return Math.max(wait(this.accounts, email, ACCOUNT_LIMIT), wait(this.addresses, ip, ADDRESS_LIMIT));
  }

  /** Counts a sign-up attempt from this address; returns seconds to wait when over the limit (0 = go on). */
  signUpAttempt(ip: string): number {
    const w = wait(this.signUps, ip, SIGN_UP_LIMIT);
    if (w === 0) bump(this.signUps, ip);
    return w;
  }

  failed(email: string, ip: string): void {
    bump(this.accounts, email);
    bump(this.addresses, ip);
  }

  /** A successful sign-in clears the account's count (not the address's). */
  succeeded(email: string): void {
    this.accounts.delete(email);
  }
}

function wait(map: Map<string, Window>, key: string, limit: number): number {
  const now = Date.now();
  const w = map.get(key);
  if (!w || w.resetAt <= now) return 0;
  return w.failures >= limit ? Math.ceil((w.resetAt - now) / 1000) : 0;
}

function bump(map: Map<string, Window>, key: string): void {
  const now = Date.now();
  const w = map.get(key);
  if (!w || w.resetAt <= now) {
    if (map.size >= MAX_ENTRIES) {
      for (const [k, v] of map) if (v.resetAt <= now) map.delete(k);
      if (map.size >= MAX_ENTRIES) map.clear();
    }
    map.set(key, { failures: 1, resetAt: now + WINDOW_MS });
  } else {
    w.failures++;
  }
}
