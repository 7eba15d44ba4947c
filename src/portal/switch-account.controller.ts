import { Controller, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { SignedInPage } from '../auth/auth.decorator.js';
import { FORM_EXPIRED, sendErrorPage, seeOther } from '../platform/html/page.js';
import { signInLocation } from '../platform/http/return-to.js';
import { SessionsService } from '../sessions/sessions.service.js';
import { PortalAuthService } from './portal-auth.service.js';
import { fields } from './portal-form.js';
import { signedIn } from './portal-pages.service.js';

/**
 * "Not you? Switch account" on the consent page: signs this browser out (a POST with the session's
 * CSRF token) and sends it to sign in, coming back to the same authorization request.
 */
@ApiExcludeController()
@Controller('portal')
export class SwitchAccountController {
  constructor(
    private readonly sessions: SessionsService,
    private readonly auth: PortalAuthService,
  ) {}

  @Post('switch-account')
  @SignedInPage()
  async switchAccount(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const f = fields(req, ['csrf', 'return_to'] as const);
    const active = signedIn(req);
    if (!f || !this.sessions.csrfValid(req, f.csrf, active, false)) return void sendErrorPage(reply, 403, 'This form has expired', FORM_EXPIRED);
    await this.sessions.end(req, reply);
    this.auth.signedOut(active.user.id, req.ip, 'switch_account');
    seeOther(reply, signInLocation(f.return_to ?? '/portal'));
  }
}
