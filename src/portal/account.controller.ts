import { Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AccountsService } from '../accounts/accounts.service.js';
import { AuditService } from '../audit/audit.service.js';
import { SignedInPage } from '../auth/auth.decorator.js';
import { seeOther } from '../platform/html/page.js';
import { ProblemError } from '../platform/http/problem.js';
import { SessionsService } from '../sessions/sessions.service.js';
import { UserSessionsService } from '../sessions/user-sessions.service.js';
import { accountPage } from './account.views.js';
import { PortalPages, type PortalContext } from './portal-pages.service.js';

/**
 * The account page (/portal/account): change password, change email (confirmed through a link to the
 * new address), resend the confirmation link, and the user's sessions with per-session and
 * "everywhere else" sign-out. Only the signed-in user's own sessions: another id is a 404.
 */
@ApiExcludeController()
@Controller('portal/account')
export class AccountController {
  constructor(
    private readonly pages: PortalPages,
    private readonly accounts: AccountsService,
    private readonly userSessions: UserSessionsService,
    private readonly sessions: SessionsService,
    private readonly audit: AuditService,
  ) {}

  @Get()
  @SignedInPage()
  async show(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Query('notice') notice: unknown): Promise<void> {
    const ctx = this.pages.forPage(req, reply);
    await this.render(reply, ctx, 200, { notice: typeof notice === 'string' ? notice : undefined });
  }

  @Post('password')
  @SignedInPage()
  async changePassword(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const form = this.pages.forForm(req, reply, ['current_password', 'new_password', 'username'] as const);
    if (!form) return;
    const { ctx, one } = form;
    const result = await this.accounts.changePassword(ctx.active.user, one.current_password, one.new_password, req.ip);
    if (!result.ok) return this.render(reply, ctx, 400, { errors: { [result.field]: result.message } });
    // Every session of the user ended with the old password, this one too: this browser gets a new one.
    await this.sessions.start(ctx.active.user.id, req, reply);
    seeOther(reply, '/portal/account?notice=password-changed');
  }

  @Post('email')
  @SignedInPage()
  async changeEmail(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const form = this.pages.forForm(req, reply, ['email', 'password'] as const);
    if (!form) return;
    const { ctx, one } = form;
    const result = await this.accounts.requestEmailChange(ctx.active.user, one.email, one.password, req.ip);
    if (!result.ok) return this.render(reply, ctx, 400, { errors: { [result.field]: result.message }, newEmail: one.email?.slice(0, 254) });
    seeOther(reply, '/portal/account?notice=email-sent');
  }

  @Post('verification')
  @SignedInPage()
  resendVerification(@Req() req: FastifyRequest, @Res() reply: FastifyReply): void {
    const form = this.pages.forForm(req, reply, []);
    if (!form) return;
    const user = form.ctx.active.user;
    if (!user.emailVerifiedAt) this.accounts.sendVerification(user);
    seeOther(reply, `/portal/account${user.emailVerifiedAt ? '' : '?notice=verification-sent'}`);
  }

  @Post('sessions/end-others')
  @SignedInPage()
  async endOthers(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const form = this.pages.forForm(req, reply, []);
    if (!form) return;
    const { active } = form.ctx;
    const ended = await this.userSessions.endOthers(active.user.id, active.session.id);
    void this.audit.record({ type: 'account.sessions_ended', actorUserId: active.user.id, target: active.user.id, ip: req.ip, details: { others: ended } });
    seeOther(reply, '/portal/account?notice=others-ended');
  }

  @Post('sessions/:id/end')
  @SignedInPage()
  async endOne(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('id') id: string): Promise<void> {
    const form = this.pages.forForm(req, reply, []);
    if (!form) return;
    const { ctx } = form;
    if (id === ctx.active.session.id) return this.render(reply, ctx, 400, { errors: { session: 'This is the session you are using: use Sign out instead.' } });
    if (!(await this.userSessions.end(ctx.active.user.id, id))) {
      return this.pages.fail(reply, ctx, ProblemError.notFound('Session'));
    }
    void this.audit.record({ type: 'account.sessions_ended', actorUserId: ctx.active.user.id, target: ctx.active.user.id, ip: req.ip, details: { one: 1 } });
    seeOther(reply, '/portal/account?notice=session-ended');
  }

  private async render(
    reply: FastifyReply,
    ctx: PortalContext,
    status: number,
    extra: { notice?: string; errors?: Record<string, string>; newEmail?: string },
  ): Promise<void> {
    const { user, session } = ctx.active;
    const list = await this.userSessions.list(user.id, user.passwordChangedAt);
    const body = accountPage({
      csrf: ctx.csrf,
      email: user.email,
      displayName: user.displayName,
      verified: user.emailVerifiedAt instanceof Date,
      sessions: list,
      currentId: session.id,
      ...extra,
    });
    this.pages.send(reply, ctx, status, 'Your account', body, { current: 'account' });
  }
}
