import { Controller, Delete, Get, Patch, Post, Put, Req, Res } from '@nestjs/common';
import { ApiConsumes, ApiExcludeEndpoint, ApiFoundResponse, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '../../auth/auth.decorator.js';
import { headerSafeUrl, sendErrorPage, sendPage } from '../../platform/html/page.js';
import { FormBody } from '../../platform/http/form.js';
import { methodNotAllowed } from '../../platform/http/method-not-allowed.js';
import { EndSessionService, type EndSessionOutcome } from './end-session.service.js';

const DESCRIPTION =
  'OpenID Connect RP-Initiated Logout 1.0. Parameters (query for GET, form for POST): id_token_hint (an ID token Gatehouse issued; ' +
  'its expiry is tolerated), post_logout_redirect_uri (exactly one the client registered), state (echoed), client_id. With an ' +
  "id_token_hint of the browser's current session the session ends at once; otherwise the user is asked first (a confirmation " +
  'page), so that no other site can sign users out. Then back to post_logout_redirect_uri with state, or a page.';

/** The end-session endpoint (discovery's end_session_endpoint). */
@ApiTags('OpenID Connect')
@Controller('oauth2')
export class EndSessionController {
  constructor(private readonly endSession: EndSessionService) {}

  @Get('logout')
  @Public()
  @ApiOperation({ summary: 'End the Gatehouse session (RP-Initiated Logout)', description: DESCRIPTION })
  @ApiFoundResponse({ description: 'Back to post_logout_redirect_uri, with state' })
  @ApiOkResponse({ description: 'The confirmation page, or the signed-out page (HTML)', content: { 'text/html': { schema: { type: 'string' } } } })
  async start(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const i = req.url.indexOf('?');
    respond(reply, await this.endSession.request(req, reply, new FormBody(i < 0 ? '' : req.url.slice(i + 1))), 302);
  }

  @Post('logout')
  @Public()
  @ApiOperation({ summary: 'End the Gatehouse session (RP-Initiated Logout, by POST; also the confirmation form)', description: DESCRIPTION })
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiResponse({ status: 303, description: 'Back to post_logout_redirect_uri, with state' })
  @ApiOkResponse({ description: 'The confirmation page, or the signed-out page (HTML)', content: { 'text/html': { schema: { type: 'string' } } } })
  async post(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    if (!(req.body instanceof FormBody)) {
      return void sendErrorPage(reply, 400, 'This sign-out request is not valid', 'Send the parameters as a form (application/x-www-form-urlencoded).');
    }
    const form = req.body;
    const outcome = form.all('decision').length > 0 ? await this.endSession.confirm(req, reply, form) : await this.endSession.request(req, reply, form);
    respond(reply, outcome, 303);
  }

  @Put('logout')
  @Patch('logout')
  @Delete('logout')
  @Public()
  @ApiExcludeEndpoint()
  other(): never {
    throw methodNotAllowed('GET, POST');
  }
}

function respond(reply: FastifyReply, outcome: EndSessionOutcome, redirectStatus: 302 | 303): void {
  switch (outcome.kind) {
    case 'redirect':
      void reply.status(redirectStatus).header('Location', headerSafeUrl(outcome.location)).header('Cache-Control', 'no-store').send();
      return;
    case 'page':
      sendErrorPage(reply, outcome.status, outcome.title, outcome.message);
      return;
    case 'html':
      sendPage(reply, outcome.status, outcome.title, outcome.body);
      return;
  }
}
