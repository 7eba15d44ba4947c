import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { QueryFailedError, Repository } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { AppConfig } from '../platform/config/config.js';
import { InjectConfig } from '../platform/config/config.module.js';
import { sha256 } from '../platform/crypto.js';
import { isEmail, normalizeEmail } from '../platform/email.js';
import { RateLimitService, type Policy } from '../platform/rate-limit/rate-limit.service.js';
import { UserSessionsService } from '../sessions/user-sessions.service.js';
import { passwordProblem } from '../users/password-policy.js';
import { PasswordService } from '../users/password.service.js';
import { User } from '../users/user.entity.js';
import { UsersService } from '../users/users.service.js';
import { AccountMail } from './account-mail.service.js';
import type { AccountTokenPurpose } from './account-token.entity.js';
import { AccountTokensService, type TokenRefusal } from './account-tokens.service.js';

/** A change refused: the message for the field it concerns. */
export type Refused = { ok: false; field: string; message: string };
export type Done = { ok: true };
export type LinkResult = { ok: true; userId: string } | { ok: false; why: TokenRefusal | 'taken' | 'password'; message?: string };

/** Reset emails per account per hour: past it, forgot-password still answers the same but sends nothing. */
const RESETS_PER_ACCOUNT_HOUR = 5;

/**
 * The account lifecycle a user runs themselves: change password and email (both ask for the current
 * password), verify an address, forgot and reset a password, accept an invitation. Every change is
 * audited; a new password ends the user's other sessions (and, through password_changed_at, every
 * session and token issued before it).
 */
@Injectable()
export class AccountsService {
  private readonly logger = new Logger('Accounts');
  private readonly perAddress: Policy;
  private readonly perAccount: Policy = { name: 'password-reset-account', limit: RESETS_PER_ACCOUNT_HOUR, windowSeconds: 3600 };

  constructor(
    private readonly users: UsersService,
    private readonly passwords: PasswordService,
    private readonly tokens: AccountTokensService,
    private readonly mail: AccountMail,
    private readonly sessions: UserSessionsService,
    private readonly audit: AuditService,
    private readonly limits: RateLimitService,
    @InjectRepository(User) private readonly repo: Repository<User>,
    @InjectConfig() config: AppConfig,
  ) {
    const r = config.rateLimits;
    this.perAddress = { name: 'password-reset-address', limit: r.signUpsPerAddress, windowSeconds: r.signInWindowSeconds };
  }

  /** After sign-up (or an admin's creation with a password): the link that verifies the address. Never rejects. */
  sendVerification(user: Pick<User, 'id' | 'email'>): void {
    void this.mail.verification(user, user.email, false).catch((err: unknown) => this.logger.error(`verification email: ${String(err)}`));
  }

  async changePassword(user: User, current: string | undefined, next: string | undefined, ip: string): Promise<Done | Refused> {
    if (!(await this.currentPasswordOk(user, current))) return { ok: false, field: 'current_password', message: 'The current password is not correct.' };
    const problem = passwordProblem(next);
    if (problem) return { ok: false, field: 'new_password', message: problem };
    await this.users.setPassword(user.id, next!);
    await Promise.all([this.sessions.endAll(user.id), this.tokens.endAll(user.id, ['reset_password'])]);
    void this.audit.record({ type: 'account.password_changed', actorUserId: user.id, target: user.id, ip, details: { via: 'account' } });
    return { ok: true };
  }

  /**
   * Sends a link to the new address; it becomes the account's only when the link is opened. An address
   * another account has gets the same answer and no email (nothing tells who has an account).
   */
  async requestEmailChange(user: User, emailRaw: string | undefined, password: string | undefined, ip: string): Promise<Done | Refused> {
    const email = normalizeEmail(emailRaw ?? '');
    if (!isEmail(email)) return { ok: false, field: 'email', message: 'Enter a valid email address (at most 254 characters).' };
    if (email === user.email) return { ok: false, field: 'email', message: 'This is already the email of your account.' };
    if (!(await this.currentPasswordOk(user, password))) return { ok: false, field: 'password', message: 'The password is not correct.' };
    const taken = await this.users.findByEmail(email);
    if (taken) {
      void this.audit.record({
        type: 'account.email_change_requested',
        outcome: 'failure',
        actorUserId: user.id,
        target: user.id,
        ip,
        details: { reason: 'email_taken' },
      });
      return { ok: true };
    }
    void this.mail.verification(user, email, true).catch((err: unknown) => this.logger.error(`email change: ${String(err)}`));
    void this.audit.record({ type: 'account.email_change_requested', actorUserId: user.id, target: user.id, ip });
    return { ok: true };
  }

  /** Opens a verification link: the address it was sent to becomes the account's, verified. */
  async verifyEmail(raw: unknown, ip: string): Promise<LinkResult> {
    const used = await this.tokens.consume(raw, 'verify_email');
    if (!used.ok) return used;
    const { userId, email } = used.token;
    const user = await this.users.get(userId);
    const changed = user.email !== email;
    try {
      await this.repo.update({ id: userId }, { email, emailVerifiedAt: new Date() });
    } catch (err) {
      if (err instanceof QueryFailedError && (err.driverError as { code?: string }).code === '23505') {
        return { ok: false, why: 'taken', message: 'Another account took this address in the meantime; your email is unchanged.' };
      }
      throw err;
    }
    if (changed) void this.mail.emailChanged(user.email, email).catch((err: unknown) => this.logger.error(`email changed notice: ${String(err)}`));
    void this.audit.record({ type: 'account.email_verified', actorUserId: userId, target: userId, ip, details: changed ? { changed: true } : undefined });
    return { ok: true, userId };
  }

  /**
   * Forgot password: always the same answer, at the same speed (the lookup and the email happen after
   * it). Refused (seconds to wait) only when this address asked too often, whatever the email.
   */
  async forgotPassword(emailRaw: string | undefined, ip: string): Promise<{ retryAfter: number }> {
    const wait = await this.limits.take(this.perAddress, ip);
    if (wait > 0) return { retryAfter: wait };
    const email = normalizeEmail(emailRaw ?? '');
    if (isEmail(email)) void this.sendReset(email, ip).catch((err: unknown) => this.logger.error(`password reset email: ${String(err)}`));
    return { retryAfter: 0 };
  }

  private async sendReset(email: string, ip: string): Promise<void> {
    const user = await this.users.findByEmail(email);
    if (!user || user.status !== 'active') return;
    if ((await this.limits.take(this.perAccount, sha256(email).toString('base64url'))) > 0) return;
    await this.mail.passwordReset(user, false);
    void this.audit.record({ type: 'account.password_reset_requested', actorUserId: null, target: user.id, ip });
  }

  /** Whether a link of this purpose still works, and the address it was sent to (for the page showing its form). */
  async link(raw: unknown, purpose: AccountTokenPurpose): Promise<{ ok: true; email: string } | { ok: false; why: TokenRefusal }> {
    const c = await this.tokens.check(raw, purpose);
    return c.ok ? { ok: true, email: c.token.email } : c;
  }

  private async linkState(raw: unknown, purpose: AccountTokenPurpose): Promise<TokenRefusal | undefined> {
    const c = await this.tokens.check(raw, purpose);
    return c.ok ? undefined : c.why;
  }

  /** A reset link with the new password: sets it, ends every session of the user. */
  async resetPassword(raw: unknown, password: string | undefined, ip: string): Promise<LinkResult> {
    const problem = passwordProblem(password);
    if (problem) {
      const state = await this.linkState(raw, 'reset_password');
      return state ? { ok: false, why: state } : { ok: false, why: 'password', message: problem };
    }
    const used = await this.tokens.consume(raw, 'reset_password');
    if (!used.ok) return used;
    const user = await this.users.setPassword(used.token.userId, password!);
    await this.sessions.endAll(user.id);
    if (user.email === used.token.email && !user.emailVerifiedAt) await this.repo.update({ id: user.id }, { emailVerifiedAt: new Date() });
    void this.audit.record({ type: 'account.password_reset', actorUserId: user.id, target: user.id, ip });
    return { ok: true, userId: user.id };
  }

  /** An invitation link with the chosen password: the account becomes active, its address verified. */
  async acceptInvite(raw: unknown, password: string | undefined, ip: string): Promise<LinkResult> {
    const problem = passwordProblem(password);
    if (problem) {
      const state = await this.linkState(raw, 'invite');
      return state ? { ok: false, why: state } : { ok: false, why: 'password', message: problem };
    }
    const used = await this.tokens.consume(raw, 'invite');
    if (!used.ok) return used;
    const user = await this.users.get(used.token.userId);
    if (user.status !== 'invited') return { ok: false, why: 'used' };
    await this.users.setPassword(user.id, password!);
    await this.repo.update({ id: user.id }, { emailVerifiedAt: new Date() });
    await this.users.setStatusAndRole(user.id, { status: 'active' });
    void this.audit.record({ type: 'account.invite_accepted', actorUserId: user.id, target: user.id, ip });
    return { ok: true, userId: user.id };
  }

  private async currentPasswordOk(user: User, password: string | undefined): Promise<boolean> {
    if (password === undefined || password.length > 256) return false;
    const withHash = await this.users.findForSignIn(user.email);
    return this.passwords.verify(withHash?.passwordHash, password);
  }
}
