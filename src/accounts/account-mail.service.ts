import { Injectable } from '@nestjs/common';
import type { AppConfig } from '../platform/config/config.js';
import { InjectConfig } from '../platform/config/config.module.js';
import { Mailer } from '../platform/email/mailer.js';
import type { User } from '../users/user.entity.js';
import type { AccountTokenPurpose } from './account-token.entity.js';
import { AccountTokensService } from './account-tokens.service.js';

const PAGES: Record<AccountTokenPurpose, string> = {
  verify_email: '/portal/verify-email',
  reset_password: '/portal/reset-password',
  invite: '/portal/invite',
};

/** The emails of the account lifecycle, each with a single-use link (AccountTokensService). */
@Injectable()
export class AccountMail {
  private readonly base: string;

  constructor(
    private readonly tokens: AccountTokensService,
    private readonly mailer: Mailer,
    @InjectConfig() config: AppConfig,
  ) {
    this.base = config.publicUrl.replace(/\/$/, '');
  }

  /** A link that makes `email` (the account's own, or the new one it asked for) verified, and the account's. */
  async verification(user: Pick<User, 'id'>, email: string, change: boolean): Promise<boolean> {
    const link = await this.link(user.id, 'verify_email', email);
    const what = change ? 'To make this address the email of your Gatehouse account' : 'To confirm the email address of your new Gatehouse account';
    const text = `${what}, open this link within 24 hours:\n\n${link}\n\nIf you did not ask for this, ignore this message: nothing changes.\n`;
    return this.mailer.send({ to: email, subject: 'Confirm your email address', text });
  }

  async passwordReset(user: Pick<User, 'id' | 'email'>, byAdmin: boolean): Promise<boolean> {
    const link = await this.link(user.id, 'reset_password', user.email);
    const why = byAdmin ? 'An administrator asked Gatehouse to send you a link to set a new password.' : 'Someone (we hope you) asked to reset your password.';
    const text = `${why} Open this link within 1 hour to choose a new one:\n\n${link}\n\nIt works once. If you did not ask for this, ignore this message: your password stays as it is.\n`;
    return this.mailer.send({ to: user.email, subject: 'Reset your Gatehouse password', text });
  }

  async invitation(user: Pick<User, 'id' | 'email'>, inviter: string): Promise<boolean> {
    const link = await this.link(user.id, 'invite', user.email);
    const text = `${inviter} invited you to Gatehouse. Open this link within 7 days to choose your password and sign in:\n\n${link}\n`;
    return this.mailer.send({ to: user.email, subject: 'You are invited to Gatehouse', text });
  }

  /** To the old address, once the account's email changed: so a takeover through a stolen session does not go unseen. */
  emailChanged(oldEmail: string, newEmail: string): Promise<boolean> {
    const text = `The email address of your Gatehouse account was changed to ${newEmail}; this address no longer signs in.\n\nIf you did not do this, ask an administrator to restore your account.\n`;
    return this.mailer.send({ to: oldEmail, subject: 'Your Gatehouse email address was changed', text });
  }

  private async link(userId: string, purpose: AccountTokenPurpose, email: string): Promise<string> {
    const token = await this.tokens.issue(userId, purpose, email);
    return `${this.base}${PAGES[purpose]}?token=${token}`;
  }
}
