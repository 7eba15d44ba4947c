import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service.js';
import { ProblemError } from '../common/problem.js';
import type { User } from '../users/user.entity.js';
import { PasswordService } from '../users/password.service.js';
import { UsersService } from '../users/users.service.js';
import { SignInThrottle } from './sign-in-throttle.js';

export type SignInResult = { kind: 'ok'; user: User } | { kind: 'invalid' } | { kind: 'throttled'; retryAfter: number };
export type SignUpResult = { kind: 'ok'; user: User } | { kind: 'invalid'; message: string } | { kind: 'throttled'; retryAfter: number };

const EMAIL = /^[^\s@<>"]{1,64}@[^\s@<>"]{1,190}\.[^\s@<>"]{1,63}$/;
export const MIN_PASSWORD = 12;
/** Longer passwords are refused before hashing, so a 1 MB "password" cannot be used to burn CPU. */
export const MAX_PASSWORD = 256;

/**
 * Sign-in and sign-up. A failed sign-in looks the same whether the email is unknown, the password
 * wrong or the account disabled (same page, same argon2 cost); failures are throttled per account
 * and per address.
 */
@Injectable()
export class PortalAuthService {
  constructor(
    private readonly users: UsersService,
    private readonly passwords: PasswordService,
    private readonly throttle: SignInThrottle,
    private readonly audit: AuditService,
  ) {}

  async signIn(emailRaw: string | undefined, password: string | undefined, ip: string): Promise<SignInResult> {
    const email = (emailRaw ?? '').trim().toLowerCase().slice(0, 320);
    const wait = await this.throttle.begin(email, ip);
    if (wait > 0) {
      void this.audit.record({ type: 'auth.sign_in_failed', outcome: 'failure', target: email, ip, details: { reason: 'throttled' } });
      return { kind: 'throttled', retryAfter: wait };
    }
    const plausible = EMAIL.test(email) && password !== undefined && password.length <= MAX_PASSWORD;
    let user: User | null;
    let ok: boolean;
    try {
      user = plausible ? await this.users.findForSignIn(email) : null;
      ok = await this.passwords.verify(user?.passwordHash, plausible ? password : '');
    } catch (err) {
      await this.throttle.abandoned(email, ip).catch(() => undefined);
      throw err;
    }
    if (!ok || !user || user.status !== 'active') {
      // The attempt was counted when it began: a failure leaves it counted.
      void this.audit.record({ type: 'auth.sign_in_failed', outcome: 'failure', target: email, ip, actorUserId: user?.id ?? null });
      return { kind: 'invalid' };
    }
    await this.throttle.succeeded(email, ip);
    void this.audit.record({ type: 'auth.sign_in', actorUserId: user.id, target: email, ip });
    return { kind: 'ok', user };
  }

  async signUp(input: { email?: string; password?: string; displayName?: string }, ip: string): Promise<SignUpResult> {
    const wait = await this.throttle.signUpAttempt(ip);
    if (wait > 0) return { kind: 'throttled', retryAfter: wait };
    const email = (input.email ?? '').trim().toLowerCase();
    const displayName = (input.displayName ?? '').trim();
    if (!EMAIL.test(email)) return { kind: 'invalid', message: 'Enter a valid email address.' };
    // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused here
    if (displayName.length > 100 || /[\x00-\x1f\x7f]/.test(displayName)) return { kind: 'invalid', message: 'The name must be at most 100 characters.' };
    const password = input.password ?? '';
    if (password.length < MIN_PASSWORD || password.length > MAX_PASSWORD) {
      return { kind: 'invalid', message: `The password must be ${MIN_PASSWORD} to ${MAX_PASSWORD} characters long.` };
    }
    try {
      const user = await this.users.create({ email, password, displayName, role: 'developer' });
      void this.audit.record({ type: 'auth.sign_up', actorUserId: user.id, target: email, ip });
      return { kind: 'ok', user };
    } catch (err) {
      if (err instanceof ProblemError && err.status === 409) {
        return { kind: 'invalid', message: 'An account with this email already exists: sign in instead.' };
      }
      throw err;
    }
  }
}
