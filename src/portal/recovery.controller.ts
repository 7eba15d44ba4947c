import { Controller, Get, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AccountTokenPurpose } from '../accounts/account-token.entity.js';
import type { TokenRefusal } from '../accounts/account-tokens.service.js';
import { AccountsService, type LinkResult } from '../accounts/accounts.service.js';
import { Public } from '../auth/auth.decorator.js';
import { sendErrorPage, sendPage, seeOther } from '../platform/html/page.js';
import { SessionsService } from '../sessions/sessions.service.js';
import { CSRF_FAILED } from './portal-pages.service.js';
import { fields } from './portal-form.js';
import { signInPage } from './portal.views.js';
import { FORGOT_SENT, forgotPasswordPage, linkProblem, newPasswordPage, verifyEmailPage } from './recovery.views.js';

const BAD_FORM = 'The form was incomplete or altered; go back and try again.';

/**
 * The pages behind the links Gatehouse emails, and "forgot password": open to anyone (the link's
 * token is the credential), each form with the pre-session CSRF token. Opening a link shows a form;
 * only posting it uses the link up (a mail scanner fetching the link changes nothing).
 */
@ApiExcludeController()
@Controller('portal')
export class RecoveryController {
  constructor(
    private readonly accounts: AccountsService,
    private readonly sessions: SessionsService,
  ) {}

  @Get('forgot-password')
  @Public()
  async forgotForm(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const csrf = this.sessions.csrfToken(req, reply, await this.sessions.current(req));
    sendPage(reply, 200, 'Forgot your password?', forgotPasswordPage({ csrf }));
  }

  /** Always the same answer (whether or not the email has an account); 429 only when this address asked too often. */
  @Post('forgot-password')
  @Public()
  async forgot(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const f = await this.form(req, reply, ['email']);
    if (!f) return;
    const { retryAfter } = await this.accounts.forgotPassword(f.values.email, req.ip);
    const email = f.values.email?.slice(0, 254);
    if (retryAfter > 0) {
      const error = 'Too many requests from your address. Wait a few minutes, then try again.';
      return void sendPage(reply, 429, 'Forgot your password?', forgotPasswordPage({ csrf: f.csrf, email, error }), { 'Retry-After': String(retryAfter) });
    }
    sendPage(reply, 200, 'Forgot your password?', forgotPasswordPage({ csrf: f.csrf, email, notice: FORGOT_SENT }));
  }

  @Get('reset-password')
  @Public()
  resetForm(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Query('token') token: unknown): Promise<void> {
    return this.linkForm(req, reply, token, 'reset_password');
  }

  @Post('reset-password')
  @Public()
  async reset(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const f = await this.form(req, reply, ['token', 'password', 'username']);
    if (!f) return;
    const result = await this.accounts.resetPassword(f.values.token, f.values.password, req.ip);
    await this.afterLink(req, reply, f, result, 'reset_password', 'Your password is changed. Sign in with it.');
  }

  @Get('invite')
  @Public()
  inviteForm(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Query('token') token: unknown): Promise<void> {
    return this.linkForm(req, reply, token, 'invite');
  }

  @Post('invite')
  @Public()
  async acceptInvite(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const f = await this.form(req, reply, ['token', 'password', 'username']);
    if (!f) return;
    const result = await this.accounts.acceptInvite(f.values.token, f.values.password, req.ip);
    await this.afterLink(req, reply, f, result, 'invite', 'Your password is set and your account is ready. Sign in with it.');
  }

  @Get('verify-email')
  @Public()
  verifyForm(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Query('token') token: unknown): Promise<void> {
    return this.linkForm(req, reply, token, 'verify_email');
  }

  @Post('verify-email')
  @Public()
  async verify(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const f = await this.form(req, reply, ['token']);
    if (!f) return;
    const result = await this.accounts.verifyEmail(f.values.token, req.ip);
    if (result.ok && f.signedIn) return void seeOther(reply, '/portal/account?notice=email-verified');
    await this.afterLink(req, reply, f, result, 'verify_email', 'Your email is confirmed. Sign in to continue.');
  }

  /** The page of a link: its form while it works, else why it does not. */
  private async linkForm(req: FastifyRequest, reply: FastifyReply, token: unknown, purpose: AccountTokenPurpose): Promise<void> {
    const link = await this.accounts.link(token, purpose);
    if (!link.ok) return this.refused(reply, link.why, purpose);
    const csrf = this.sessions.csrfToken(req, reply, await this.sessions.current(req));
    const t = token as string;
    if (purpose === 'verify_email') return void sendPage(reply, 200, 'Confirm your email', verifyEmailPage({ csrf, token: t, email: link.email }));
    const page = newPasswordPage({ csrf, token: t, invite: purpose === 'invite', email: link.email });
    sendPage(reply, 200, purpose === 'invite' ? 'Welcome' : 'Choose a new password', page);
  }

  private async afterLink(req: FastifyRequest, reply: FastifyReply, f: Posted, result: LinkResult, purpose: AccountTokenPurpose, done: string): Promise<void> {
    if (result.ok) return void sendPage(reply, 200, 'Sign in', signInPage({ csrf: f.csrf, returnTo: '/portal', notice: done }));
    if (result.why === 'password' || result.why === 'taken') {
      if (result.why === 'taken') return void sendErrorPage(reply, 409, 'This email is taken', result.message ?? '');
      const link = await this.accounts.link(f.values.token, purpose);
      const email = link.ok ? link.email : '';
      const page = newPasswordPage({ csrf: f.csrf, token: f.values.token ?? '', invite: purpose === 'invite', email, error: result.message });
      return void sendPage(reply, 400, 'Choose a new password', page);
    }
    this.refused(reply, result.why, purpose);
  }

  private refused(reply: FastifyReply, why: TokenRefusal, purpose: AccountTokenPurpose): void {
    const p = linkProblem(why, purpose);
    sendErrorPage(reply, p.status, p.title, p.message);
  }

  /** A public form: its fields (each at most once) and a valid CSRF token (the session's, or the pre-session one). */
  private async form(req: FastifyRequest, reply: FastifyReply, names: string[]): Promise<Posted | undefined> {
    const values = fields(req, [...names, 'csrf']);
    if (!values) return void sendErrorPage(reply, 400, 'This form is not valid', BAD_FORM);
    const active = await this.sessions.current(req);
    if (!this.sessions.csrfValid(req, values.csrf, active, true)) return void sendErrorPage(reply, 403, 'This form has expired', CSRF_FAILED);
    return { values, csrf: this.sessions.csrfToken(req, reply, active), signedIn: active !== undefined };
  }
}

interface Posted {
  values: Record<string, string | undefined>;
  csrf: string;
  signedIn: boolean;
}
