import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service.js';
import type { ActingUser } from '../clients/caller.service.js';
import { randomToken } from '../platform/crypto.js';
import { isEmail, normalizeEmail } from '../platform/email.js';
import { ProblemError } from '../platform/http/problem.js';
import { passwordProblem } from '../users/password-policy.js';
import type { User, UserRole } from '../users/user.entity.js';
import { UsersService } from '../users/users.service.js';
import { AccountMail } from './account-mail.service.js';

export interface NewUserInput {
  email?: string;
  displayName?: string;
  role?: string;
  /** Set: the account is created with it (and sent a verification link); unset: the user is invited. */
  password?: string;
}

export type FieldProblems = Record<string, string>;

/**
 * What an admin does to accounts from the console: create a user (with a password, or by invitation:
 * the invitee chooses it through a link and cannot sign in until then) and send a password-reset link
 * (an invitation again, for an invited user). Audited with the acting admin.
 */
@Injectable()
export class AdminAccountsService {
  constructor(
    private readonly users: UsersService,
    private readonly mail: AccountMail,
    private readonly audit: AuditService,
  ) {}

  /** Creates the user; `sent` says whether the email (verification or invitation) went out. Field problems as a 400. */
  async create(
    admin: ActingUser & { email: string },
    input: NewUserInput,
    invite: boolean,
  ): Promise<{ ok: true; user: User; sent: boolean } | { ok: false; problems: FieldProblems }> {
    const problems: FieldProblems = {};
    const email = normalizeEmail(input.email ?? '');
    const displayName = (input.displayName ?? '').trim();
    if (!isEmail(email)) problems.email = 'Enter a valid email address (at most 254 characters).';
    // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused here
    if (displayName.length > 100 || /[\x00-\x1f\x7f]/.test(displayName)) problems.display_name = 'The name must be at most 100 characters, on one line.';
    if (input.role !== 'developer' && input.role !== 'admin') problems.role = 'Choose developer or admin.';
    const pwProblem = invite ? undefined : passwordProblem(input.password);
    if (pwProblem) problems.password = pwProblem;
    if (Object.keys(problems).length) return { ok: false, problems };
    let user: User;
    try {
      user = await this.users.create({ email, displayName, role: input.role as UserRole, password: invite ? randomToken() : input.password! });
    } catch (err) {
      if (err instanceof ProblemError && err.status === 409) return { ok: false, problems: { email: 'A user with this email already exists.' } };
      throw err;
    }
    if (invite) user = await this.users.setStatusAndRole(user.id, { status: 'invited' });
    const sent = invite ? await this.mail.invitation(user, admin.email) : await this.mail.verification(user, user.email, false);
    const type = invite ? 'admin.user_invited' : 'admin.user_created';
    void this.audit.record({ type, actorUserId: admin.userId, target: user.id, ip: admin.ip, details: { role: user.role, email_sent: sent } });
    return { ok: true, user, sent };
  }

  /** Emails the user a link to set a new password (an invited user: the invitation again). */
  async sendPasswordReset(admin: ActingUser & { email: string }, id: string): Promise<{ user: User; sent: boolean; invitation: boolean }> {
    const user = await this.users.get(id);
    if (user.status === 'disabled') throw ProblemError.conflict('This account is disabled: enable it first, then send the link.');
    const invitation = user.status === 'invited';
    const sent = invitation ? await this.mail.invitation(user, admin.email) : await this.mail.passwordReset(user, true);
    void this.audit.record({
      type: invitation ? 'admin.user_invited' : 'admin.password_reset_sent',
      actorUserId: admin.userId,
      target: user.id,
      ip: admin.ip,
      details: { email_sent: sent, ...(invitation ? { again: true } : {}) },
    });
    return { user, sent, invitation };
  }

  /** Sends the verification link again (for an unverified address). */
  async resendVerification(admin: ActingUser, id: string): Promise<boolean> {
    const user = await this.users.get(id);
    if (user.emailVerifiedAt) throw ProblemError.conflict('This address is already verified.');
    const sent = await this.mail.verification(user, user.email, false);
    void this.audit.record({ type: 'admin.verification_sent', actorUserId: admin.userId, target: user.id, ip: admin.ip, details: { email_sent: sent } });
    return sent;
  }
}
