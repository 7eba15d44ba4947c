import { Controller, Delete, Get, Patch, Post, Put, Req, Res } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '../../auth/auth.decorator.js';
import { methodNotAllowed } from '../../platform/http/method-not-allowed.js';
import { FORM_EXPIRED, headerSafeUrl, sendErrorPage, sendPage } from '../../platform/html/page.js';
import { AuthorizeService, type AuthorizeOutcome } from './authorize.service.js';

/** The authorization endpoint (RFC 6749 4.1.1): sign-in, consent, redirect back with a code. */
@ApiTags('OAuth 2.0')
@Controller('oauth2')
export class AuthorizeController {
  constructor(private readonly authorize: AuthorizeService) {}

  @Get('authorize')
  @Public()
  @ApiOperation({
    summary: 'Start the authorization code flow (RFC 6749 4.1, PKCE S256 per RFC 7636)',
    description:
      'Query: response_type=code, client_id, redirect_uri, scope, state, code_challenge, code_challenge_method=S256. ' +
      'Redirects back with code, state and iss (RFC 9207), or with error, error_description, state and iss. ' +
      'Unknown parameters are ignored (RFC 6749 3.1); state is at most 2048 characters once URL-encoded.',
  })
  @ApiFoundResponse({
    description: 'Back to the redirect_uri (Location) with code, state and iss, or with error, error_description, state and iss; or to the sign-in page',
  })
  @ApiOkResponse({ description: 'The consent page (HTML)', content: { 'text/html': { schema: { type: 'string' } } } })
  async start(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    respond(reply, await this.authorize.start(req, reply), 302);
  }

  @Post('authorize')
  @Public()
  @ApiExcludeEndpoint()
  async decide(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const outcome = await this.authorize.decide(req);
    if (outcome.kind === 'forbidden') {
      sendErrorPage(reply, 403, 'This form has expired', FORM_EXPIRED);
      return;
    }
    respond(reply, outcome, 303);
  }

  @Put('authorize')
  @Patch('authorize')
  @Delete('authorize')
  @Public()
  @ApiExcludeEndpoint()
  other(): never {
    throw methodNotAllowed('GET, POST');
  }
}

/** Redirects are 302 after GET and 303 after POST, never 307 (RFC 9700 4.12). */
function respond(reply: FastifyReply, outcome: AuthorizeOutcome, redirectStatus: 302 | 303): void {
  switch (outcome.kind) {
    case 'redirect':
      void reply.status(redirectStatus).header('Location', headerSafeUrl(outcome.location)).header('Cache-Control', 'no-store').send();
      return;
    case 'page':
      sendErrorPage(reply, outcome.status, outcome.title, outcome.message);
      return;
    case 'consent':
      sendPage(reply, 200, 'Allow access', outcome.body);
      return;
  }
}
