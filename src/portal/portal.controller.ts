import { Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { SignedInPage, Public } from '../auth/auth.decorator.js';
import { ConsentsService } from '../oauth/consents.js';
import { SessionsService } from '../sessions/sessions.service.js';
import { FORM_EXPIRED, sendErrorPage, sendPage, seeOther } from '../platform/html/page.js';
import { COPY_JS, STYLESHEET } from '../platform/html/style.js';
import { ApiKeysService } from '../api-keys/api-keys.service.js';
import { ClientManagementService } from '../clients/client-management.service.js';
import { PortalPages, signedIn } from './portal-pages.service.js';
import { PortalAuthService } from './portal-auth.service.js';
import { connectedAppsPage, dashboardPage, signInPage, signUpPage } from './portal.views.js';
import { safeReturnTo } from '../platform/http/return-to.js';
import { fields } from './portal-form.js';
import { RequestingApps } from './requesting-app.js';

const BAD_SIGN_IN = 'The email or password is not correct.';
const THROTTLED = 'Too many failed sign-ins. Wait a few minutes, then try again.';
const SIGNED_UP =
  'Now sign in with this email and your password. If the email was new, your account is ready and we sent it a link to confirm the address; if it already had an account, that account is unchanged: use its password.';

/**
 * Sign-up, sign-in and sign-out pages (server-rendered, no script), and consent withdrawal. Every
 * POST carries a CSRF token; signed-in pages are `@SignedInPage()` (the guard sends others to sign in).
 */
@ApiExcludeController()
@Controller('portal')
export class PortalController {
  constructor(
    private readonly auth: PortalAuthService,
    private readonly sessions: SessionsService,
    private readonly consents: ConsentsService,
    private readonly pages: PortalPages,
    private readonly clients: ClientManagementService,
    private readonly keys: ApiKeysService,
    private readonly requesting: RequestingApps,
  ) {}

  @Get('assets/style.css')
  @Public()
  style(@Res() reply: FastifyReply): void {
    void reply.header('Content-Type', 'text/css; charset=utf-8').header('Cache-Control', 'public, max-age=3600').send(STYLESHEET);
  }

  @Get('assets/copy.js')
  @Public()
  copyScript(@Res() reply: FastifyReply): void {
    void reply.header('Content-Type', 'text/javascript; charset=utf-8').header('Cache-Control', 'public, max-age=3600').send(COPY_JS);
  }

  /** The dashboard: my applications and my API keys. */
  @Get()
  @SignedInPage()
  async home(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Query('notice') notice: unknown): Promise<void> {
    const ctx = this.pages.forPage(req, reply);
    const [apps, keys] = await Promise.all([this.clients.list(ctx.caller, 100, undefined), this.keys.list(ctx.principal, { limit: 100 })]);
    const body = dashboardPage({
      displayName: ctx.active.user.displayName,
      email: ctx.active.user.email,
      apps: apps.data,
      keys: keys.data,
      more: apps.next_cursor !== null || keys.next_cursor !== null,
      notice: typeof notice === 'string' ? notice : undefined,
    });
    this.pages.send(reply, ctx, 200, 'Dashboard', body, { current: 'dashboard' });
  }

  /** The clients this user has consented to, each with a button to withdraw. */
  @Get('connected-apps')
  @SignedInPage()
  async connectedApps(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Query('notice') notice: unknown): Promise<void> {
    const ctx = this.pages.forPage(req, reply);
    const apps = await this.consents.listForUser(ctx.active.user.id);
    const body = connectedAppsPage({ csrf: ctx.csrf, apps, notice: typeof notice === 'string' ? notice : undefined });
    this.pages.send(reply, ctx, 200, 'Connected apps', body, { current: 'connected-apps' });
  }

  /**
   * The sign-in form. A signed-in browser goes straight on, unless `prompt=login` (an OpenID Connect
   * client asked for the password again); `login_hint` prefills the email.
   */
  @Get('signin')
  @Public()
  async signInForm(
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
    @Query('return_to') returnTo: unknown,
    @Query('prompt') prompt: unknown,
    @Query('login_hint') loginHint: unknown,
  ): Promise<void> {
    const active = await this.sessions.current(req);
    const target = safeReturnTo(typeof returnTo === 'string' ? returnTo : undefined);
    if (active && prompt !== 'login') return void seeOther(reply, target);
    const email = typeof loginHint === 'string' ? loginHint.slice(0, 320) : undefined;
    const app = await this.requesting.of(target);
    sendPage(reply, 200, 'Sign in', signInPage({ csrf: this.sessions.csrfToken(req, reply, undefined), returnTo: target, email, app }));
  }

  @Post('signin')
  @Public()
  async signIn(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const f = fields(req, ['email', 'password', 'csrf', 'return_to'] as const);
    if (!f) return void sendErrorPage(reply, 400, 'This form is not valid', 'The sign-in form was incomplete or altered; go back and try again.');
    const active = await this.sessions.current(req);
    if (!this.sessions.csrfValid(req, f.csrf, active, true)) return void this.csrfFailed(reply);
    const returnTo = safeReturnTo(f.return_to);
    const result = await this.auth.signIn(f.email, f.password, req.ip);
    if (result.kind === 'ok') {
      await this.sessions.start(result.user.id, req, reply);
      return void seeOther(reply, returnTo);
    }
    const csrf = this.sessions.csrfToken(req, reply, active);
    const email = f.email?.slice(0, 320);
    const app = await this.requesting.of(returnTo);
    if (result.kind === 'throttled') {
      sendPage(reply, 429, 'Sign in', signInPage({ csrf, returnTo, email, error: THROTTLED, app }), { 'Retry-After': String(result.retryAfter) });
      return;
    }
    sendPage(reply, 401, 'Sign in', signInPage({ csrf, returnTo, email, error: BAD_SIGN_IN, app }));
  }

  @Get('signup')
  @Public()
  signUpForm(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Query('return_to') returnTo: unknown): void {
    const target = safeReturnTo(typeof returnTo === 'string' ? returnTo : undefined);
    sendPage(reply, 200, 'Create your account', signUpPage({ csrf: this.sessions.csrfToken(req, reply, undefined), returnTo: target }));
  }

  @Post('signup')
  @Public()
  async signUp(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const f = fields(req, ['email', 'password', 'display_name', 'csrf', 'return_to'] as const);
    if (!f) return void sendErrorPage(reply, 400, 'This form is not valid', 'The sign-up form was incomplete or altered; go back and try again.');
    const active = await this.sessions.current(req);
    if (!this.sessions.csrfValid(req, f.csrf, active, true)) return void this.csrfFailed(reply);
    const returnTo = safeReturnTo(f.return_to);
    const result = await this.auth.signUp({ email: f.email, password: f.password, displayName: f.display_name }, req.ip);
    const csrf = this.sessions.csrfToken(req, reply, active);
    if (result.kind === 'done') {
      // One answer whether the account is new or the email already had one: sign in.
      return void sendPage(
        reply,
        200,
        'Sign in',
        signInPage({ csrf, returnTo, email: result.email, notice: SIGNED_UP, app: await this.requesting.of(returnTo) }),
      );
    }
    const error = result.kind === 'throttled' ? 'Too many sign-ups from your address. Wait a few minutes, then try again.' : result.message;
    const page = signUpPage({ csrf, returnTo, email: f.email?.slice(0, 320), displayName: f.display_name?.slice(0, 100), error });
    sendPage(
      reply,
      result.kind === 'throttled' ? 429 : 400,
      'Create your account',
      page,
      result.kind === 'throttled' ? { 'Retry-After': String(result.retryAfter) } : {},
    );
  }

  @Post('signout')
  @SignedInPage()
  async signOut(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const f = fields(req, ['csrf'] as const);
    const active = signedIn(req);
    if (!f || !this.sessions.csrfValid(req, f.csrf, active, false)) return void this.csrfFailed(reply);
    await this.sessions.end(req, reply);
    this.auth.signedOut(active.user.id, req.ip);
    seeOther(reply, '/portal/signin');
  }

  /** Withdraw consent from a client: forgets it and revokes that client's refresh tokens for the user. */
  @Post('connected-apps/:clientId/revoke')
  @SignedInPage()
  async withdraw(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('clientId') clientId: string): Promise<void> {
    const f = fields(req, ['csrf'] as const);
    const active = signedIn(req);
    if (!f || !this.sessions.csrfValid(req, f.csrf, active, false)) return void this.csrfFailed(reply);
    if (!(await this.consents.withdraw(active.user.id, clientId, req.ip))) {
      return void sendErrorPage(reply, 404, 'No such application', 'There is no application with this client id.');
    }
    seeOther(reply, '/portal/connected-apps?notice=withdrawn');
  }

  private csrfFailed(reply: FastifyReply): void {
    sendErrorPage(reply, 403, 'This form has expired', FORM_EXPIRED);
  }
}
