import { Injectable } from '@nestjs/common';
import { AccountsService } from '../accounts/accounts.service.js';
import { AuditService } from '../audit/audit.service.js';
import { KeyedDigest } from '../platform/crypto.js';
import { ProblemError } from '../platform/http/problem.js';
import type { AppConfig } from '../platform/config/config.js';
import { InjectConfig } from '../platform/config/config.module.js';
import { isEmail, normalizeEmail } from '../platform/email.js';
import type { User } from '../users/user.entity.js';
import { PasswordService } from '../users/password.service.js';
import { MAX_PASSWORD, MIN_PASSWORD } from '../users/password-policy.js';
import { UsersService } from '../users/users.service.js';
import { SignInThrottle } from './sign-in-throttle.js';

export type SignInResult = { kind: 'ok'; user: User } | { kind: 'invalid' } | { kind: 'throttled'; retryAfter: number };
/** `done`: the account was created, or the email already had one (the caller cannot tell which). */
export type SignUpResult = { kind: 'done'; email: string } | { kind: 'invalid'; message: string } | { kind: 'throttled'; retryAfter: number };

export { MIN_PASSWORD, MAX_PASSWORD } from '../users/password-policy.js';

/**
 * Sign-in and sign-up. A failed sign-in looks the same whether the email is unknown, the password
 * wrong or the account disabled (same page, same argon2 cost); failures are throttled per account
 * and address, per address, and slowed down per account (SignInThrottle), so that no stranger can
 * lock the owner out. A sign-up looks the same whether or not the email had an account. The audit
 * trail never keeps what was typed unless it names an account (then by its id).
 */
@Injectable()
export class PortalAuthService {
  private readonly identifiers: KeyedDigest;

  constructor(
    private readonly users: UsersService,
    private readonly passwords: PasswordService,
    private readonly throttle: SignInThrottle,
    private readonly audit: AuditService,
    private readonly accounts: AccountsService,
    @InjectConfig() config: AppConfig,
  ) {
    this.identifiers = new KeyedDigest(config.masterKey, 'audit-sign-in-identifier');
  }

  async signIn(emailRaw: string | undefined, password: string | undefined, ip: string): Promise<SignInResult> {
    const email = normalizeEmail(emailRaw ?? '');
    const plausible = isEmail(email) && password !== undefined && password.length <= MAX_PASSWORD;
    // Looked up first: the throttle keys the account's counts by when an admin last unlocked it.
    const user = plausible ? await this.users.findForSignIn(email) : null;
    // The audit trail names an existing account by its id; anything else typed (maybe a password) only by a keyed digest.
    const target = user?.id ?? this.identifiers.of(email);
    const attempt = await this.throttle.begin(email, user?.signInUnlockedAt ?? null, ip);
    if (attempt.refused) {
      const details = { reason: 'throttled', limit: attempt.refused };
      void this.audit.record({ type: 'auth.sign_in_failed', outcome: 'failure', target, ip, actorUserId: user?.id ?? null, details });
      return { kind: 'throttled', retryAfter: attempt.retryAfter };
    }
    const slowed = attempt.slowedMs > 0 ? { slowed_ms: attempt.slowedMs } : undefined;
    let ok: boolean;
    try {
      ok = await this.passwords.verify(user?.passwordHash, plausible ? password : '');
    } catch (err) {
      await this.throttle.abandoned(attempt).catch(() => undefined);
      throw err;
    }
    if (!ok || !user || user.status !== 'active') {
      // The attempt was counted when it began: a failure leaves it counted.
      void this.audit.record({ type: 'auth.sign_in_failed', outcome: 'failure', target, ip, actorUserId: user?.id ?? null, details: slowed });
      return { kind: 'invalid' };
    }
    await this.throttle.succeeded(attempt);
    void this.audit.record({ type: 'auth.sign_in', actorUserId: user.id, target, ip, details: slowed });
    return { kind: 'ok', user };
  }

  /**
   * Creates a developer account, and answers the same whether or not the email already had one
   * (issue 13.8: nothing here may tell who has an account): the existing account is neither changed
   * nor signed in, a password is hashed either way (comparable timing), and the caller is asked to
   * sign in. A new account is sent a link to confirm its address (users.email_verified_at); until it is
   * opened the user can sign in and use the portal, and OpenID Connect says email_verified false.
   */
  async signUp(input: { email?: string; password?: string; displayName?: string }, ip: string): Promise<SignUpResult> {
    const wait = await this.throttle.signUpAttempt(ip);
    if (wait > 0) return { kind: 'throttled', retryAfter: wait };
    const email = normalizeEmail(input.email ?? '');
    const displayName = (input.displayName ?? '').trim();
    if (!isEmail(email)) return { kind: 'invalid', message: 'Enter a valid email address.' };
    // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused here
    if (displayName.length > 100 || /[\x00-\x1f\x7f]/.test(displayName)) return { kind: 'invalid', message: 'The name must be at most 100 characters.' };
    const password = input.password ?? '';
    if (password.length < MIN_PASSWORD || password.length > MAX_PASSWORD) {
      return { kind: 'invalid', message: `The password must be ${MIN_PASSWORD} to ${MAX_PASSWORD} characters long.` };
    }
    try {
      const user = await this.users.create({ email, password, displayName, role: 'developer' });
      void this.audit.record({ type: 'auth.sign_up', actorUserId: user.id, target: user.id, ip });
      this.accounts.sendVerification(user);
    } catch (err) {
      if (!(err instanceof ProblemError && err.status === 409)) throw err;
      // The same work as a creation: hash the password (and throw it away), then answer the same.
      const [existing] = await Promise.all([this.users.findByEmail(email), this.passwords.hash(password)]);
      const details = { reason: 'email_taken' };
      void this.audit.record({ type: 'auth.sign_up', outcome: 'failure', target: existing?.id ?? null, ip, details });
    }
    return { kind: 'done', email };
  }

  /**
   * Records a sign-out by the portal's button, or by "Not you? Switch account" on the consent page
   * (RP-initiated logout records its own, with the client).
   */
  signedOut(userId: string, ip: string, via: 'portal' | 'switch_account' = 'portal'): void {
    void this.audit.record({ type: 'auth.sign_out', actorUserId: userId, target: userId, ip, details: { via } });
  }
}
