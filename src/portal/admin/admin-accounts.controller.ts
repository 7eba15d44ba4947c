import { Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AdminAccountsService } from '../../accounts/admin-accounts.service.js';
import { AdminUsersService } from '../../admin/admin-users.service.js';
import { ApiKeysService } from '../../api-keys/api-keys.service.js';
import { AuditService } from '../../audit/audit.service.js';
import { AdminPage } from '../../auth/auth.decorator.js';
import type { ActingUser } from '../../clients/caller.service.js';
import { ClientManagementService } from '../../clients/client-management.service.js';
import type { SafeHtml } from '../../platform/html/html.js';
import { sendErrorPage, sendPage, seeOther } from '../../platform/html/page.js';
import { ProblemError } from '../../platform/http/problem.js';
import { sessionPrincipal } from '../../sessions/session-auth.js';
import { SessionsService, type ActiveSession } from '../../sessions/sessions.service.js';
import { UserSessionsService } from '../../sessions/user-sessions.service.js';
import { UsersService } from '../../users/users.service.js';
import { sessionNav } from '../nav.js';
import { CSRF_FAILED, signedIn } from '../portal-pages.service.js';
import { readForm } from '../portal-form.js';
import { newUserPage, userDetailPage, type UserDetail } from './admin-accounts.views.js';

const SHOWN = 50;

interface Admin {
  active: ActiveSession;
  caller: ActingUser & { email: string };
  csrf: string;
}

/**
 * The admin console's account pages: create or invite a user, a user's detail page (last sign-in,
 * sessions, applications, API keys) with "send password reset", "send confirmation link", "unlock
 * sign-in" and "sign out everywhere". The rules are AdminAccountsService's and AdminUsersService's.
 */
@ApiExcludeController()
@Controller('portal/admin/users')
export class AdminAccountsController {
  constructor(
    private readonly sessions: SessionsService,
    private readonly accounts: AdminAccountsService,
    private readonly adminUsers: AdminUsersService,
    private readonly users: UsersService,
    private readonly userSessions: UserSessionsService,
    private readonly clients: ClientManagementService,
    private readonly keys: ApiKeysService,
    private readonly audit: AuditService,
  ) {}

  @Get('new')
  @AdminPage()
  newForm(@Req() req: FastifyRequest, @Res() reply: FastifyReply): void {
    const admin = this.admin(req, reply);
    this.page(admin, reply, 200, 'New user', newUserPage({ csrf: admin.csrf, form: {}, errors: {} }));
  }

  @Post('new')
  @AdminPage('/portal/admin/users')
  async create(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const f = this.posted(req, reply, ['email', 'display_name', 'role', 'mode', 'password']);
    if (!f) return;
    const { email, display_name, role, mode, password } = f.values;
    if (mode !== 'invite' && mode !== 'password') return this.refuseNew(f.admin, reply, f.values, { mode: 'Choose invite or set a password.' });
    const input = { email, displayName: display_name, role, password };
    const result = await this.accounts.create(f.admin.caller, input, mode === 'invite');
    if (!result.ok) return this.refuseNew(f.admin, reply, f.values, result.problems);
    const notice = result.sent ? (mode === 'invite' ? 'invited' : 'created') : 'not-sent';
    seeOther(reply, `/portal/admin/users/${result.user.id}?notice=${notice}`);
  }

  @Get(':id')
  @AdminPage()
  async detail(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('id') id: string, @Query('notice') notice: unknown): Promise<void> {
    const admin = this.admin(req, reply);
    await this.renderDetail(admin, reply, id, 200, { notice: typeof notice === 'string' ? notice : undefined });
  }

  @Post(':id/send-reset')
  @AdminPage('/portal/admin/users')
  async sendReset(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('id') id: string): Promise<void> {
    await this.action(req, reply, id, async (admin) => {
      const r = await this.accounts.sendPasswordReset(admin.caller, id);
      return r.sent ? (r.invitation ? 'invite-sent' : 'reset-sent') : 'not-sent';
    });
  }

  @Post(':id/send-verification')
  @AdminPage('/portal/admin/users')
  async sendVerification(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('id') id: string): Promise<void> {
    await this.action(req, reply, id, async (admin) => ((await this.accounts.resendVerification(admin.caller, id)) ? 'verification-sent' : 'not-sent'));
  }

  @Post(':id/unlock')
  @AdminPage('/portal/admin/users')
  async unlock(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('id') id: string): Promise<void> {
    await this.action(req, reply, id, async (admin) => {
      await this.adminUsers.unlockSignIn(admin.caller, id);
      return 'unlocked';
    });
  }

  @Post(':id/sessions/end')
  @AdminPage('/portal/admin/users')
  async endSessions(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('id') id: string): Promise<void> {
    await this.action(req, reply, id, async (admin) => {
      if (id === admin.caller.userId) throw ProblemError.badRequest('Sign yourself out from your account page, not here.');
      const user = await this.users.get(id);
      const ended = await this.userSessions.endAll(user.id);
      void this.audit.record({
        type: 'account.sessions_ended',
        actorUserId: admin.caller.userId,
        target: user.id,
        ip: admin.caller.ip,
        details: { all: ended, via: 'admin' },
      });
      return 'sessions-ended';
    });
  }

  /** A POST on the detail page: CSRF, the change, then back to the page with its notice (or the page with the error). */
  private async action(req: FastifyRequest, reply: FastifyReply, id: string, run: (admin: Admin) => Promise<string>): Promise<void> {
    const f = this.posted(req, reply, []);
    if (!f) return;
    let notice: string;
    try {
      notice = await run(f.admin);
    } catch (err) {
      if (err instanceof ProblemError && err.status < 500) return this.renderDetail(f.admin, reply, id, err.status, { error: err.detail });
      throw err;
    }
    seeOther(reply, `/portal/admin/users/${id}?notice=${notice}`);
  }

  private async renderDetail(admin: Admin, reply: FastifyReply, id: string, status: number, extra: { notice?: string; error?: string }): Promise<void> {
    const user = await this.users.find(id);
    if (!user)
      return void sendErrorPage(reply, 404, 'Not found', 'There is no user with this id.', {}, { nav: sessionNav(admin.active.user, admin.csrf, 'admin') });
    const principal = sessionPrincipal(admin.active.user, admin.caller.ip);
    const [signIns, sessions, clients, keys] = await Promise.all([
      this.audit.list({ type: 'auth.sign_in', actorUserId: user.id }, 1, undefined),
      this.userSessions.list(user.id, user.passwordChangedAt),
      this.clients.list(admin.caller, SHOWN, undefined, true, { ownerId: user.id }),
      this.keys.adminList(principal, { limit: SHOWN, owner_id: user.id }),
    ]);
    const detail: UserDetail = {
      user,
      lastSignIn: signIns.data[0]?.created_at ?? null,
      sessions,
      clients: clients.data,
      keys: keys.data,
      more: clients.next_cursor !== null || keys.next_cursor !== null,
    };
    this.page(admin, reply, status, user.email, userDetailPage({ ...detail, csrf: admin.csrf, meId: admin.active.user.id, ...extra }));
  }

  private refuseNew(admin: Admin, reply: FastifyReply, values: Record<string, string | undefined>, errors: Record<string, string>): void {
    const form = { email: values.email?.slice(0, 254), display_name: values.display_name?.slice(0, 100), role: values.role, mode: values.mode };
    this.page(admin, reply, 400, 'New user', newUserPage({ csrf: admin.csrf, form, errors }));
  }

  private page(admin: Admin, reply: FastifyReply, status: number, title: string, body: SafeHtml): void {
    sendPage(reply, status, title, body, {}, { nav: sessionNav(admin.active.user, admin.csrf, 'admin'), wide: true });
  }

  private admin(req: FastifyRequest, reply: FastifyReply): Admin {
    const active = signedIn(req);
    const caller = { userId: active.user.id, role: active.user.role, ip: req.ip, email: active.user.email };
    return { active, caller, csrf: this.sessions.csrfToken(req, reply, active) };
  }

  /** A strict form (no unknown or repeated field) with the session's CSRF token. */
  private posted(req: FastifyRequest, reply: FastifyReply, names: string[]): { admin: Admin; values: Record<string, string | undefined> } | undefined {
    const admin = this.admin(req, reply);
    const form = readForm(req, [...names, 'csrf']);
    if (!form.ok) return void sendErrorPage(reply, 400, 'This form is not valid', `${form.message} Go back and try again.`);
    if (!this.sessions.csrfValid(req, form.one.csrf, admin.active, false)) return void sendErrorPage(reply, 403, 'This form has expired', CSRF_FAILED);
    return { admin, values: form.one };
  }
}
