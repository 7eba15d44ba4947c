import { Controller, Get, Header, HttpCode, Post, Req } from '@nestjs/common';
import { ApiBody, ApiExcludeEndpoint, ApiConsumes, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Public } from '../auth/auth.decorator.js';
import { methodNotAllowed } from '../platform/http/method-not-allowed.js';
import type { TokenResponse } from './grants/grant.js';
import { TokenService } from './token.service.js';
import { TokenResponseBody } from './token.responses.js';

@ApiTags('OAuth 2.0')
@Controller('oauth2')
export class TokenController {
  constructor(private readonly tokens: TokenService) {}

  @Post('token')
  @Public()
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  @ApiOperation({
    summary: 'Get an access token (RFC 6749)',
    description:
      'Grants: `client_credentials`, `authorization_code` (with PKCE `code_verifier`), `refresh_token`. Authenticate the client with HTTP Basic ' +
      '(`client_secret_basic`) or `client_id` and `client_secret` in the body (`client_secret_post`); a public client sends `client_id` only. ' +
      'Errors are RFC 6749 5.2 JSON; a parameter sent twice is 400 `invalid_request`.',
  })
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['grant_type'],
      properties: {
        grant_type: { type: 'string', enum: ['client_credentials', 'authorization_code', 'refresh_token'] },
        client_id: { type: 'string' },
        client_secret: { type: 'string' },
        scope: { type: 'string', example: 'users:read' },
        code: { type: 'string' },
        redirect_uri: { type: 'string' },
        code_verifier: { type: 'string' },
        refresh_token: { type: 'string' },
      },
    },
  })
  @ApiOkResponse({ type: TokenResponseBody, description: 'The access token (and, for the code flow, a refresh token)' })
  token(@Req() req: FastifyRequest): Promise<TokenResponse> {
    return this.tokens.exchange(req);
  }

  @Get('token')
  @Public()
  @ApiExcludeEndpoint()
  tokenGet(): never {
    throw methodNotAllowed('POST');
  }
}
