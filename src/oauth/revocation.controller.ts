import { Controller, Get, Header, HttpCode, Post, Req } from '@nestjs/common';
import { ApiBody, ApiExcludeEndpoint, ApiConsumes, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Public } from '../auth/auth.decorator.js';
import { methodNotAllowed } from '../platform/http/method-not-allowed.js';
import { RevocationService } from './revocation.service.js';
import { IntrospectionResponse, REVOCATION_RESPONSE_SCHEMA } from './revocation.responses.js';

const TOKEN_BODY = {
  schema: {
    type: 'object',
    required: ['token'],
    properties: {
      token: { type: 'string' },
      token_type_hint: { type: 'string', enum: ['access_token', 'refresh_token'] },
      client_id: { type: 'string' },
      client_secret: { type: 'string' },
    },
  },
};

@ApiTags('OAuth 2.0')
@Controller('oauth2')
export class RevocationController {
  constructor(private readonly service: RevocationService) {}

  @Post('revoke')
  @Public()
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  @ApiOperation({
    summary: 'Revoke a token (RFC 7009)',
    description: 'Client-authenticated. A refresh token revokes its whole family and the access tokens issued from it. Always 200 for an unknown token.',
  })
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiBody(TOKEN_BODY)
  @ApiOkResponse({ description: 'Revoked, or nothing to revoke', schema: REVOCATION_RESPONSE_SCHEMA })
  async revoke(@Req() req: FastifyRequest): Promise<Record<string, never>> {
    await this.service.revoke(req);
    return {};
  }

  @Post('introspect')
  @Public()
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  @ApiOperation({
    summary: 'Introspect a token (RFC 7662)',
    description:
      'Confidential clients only, about their own tokens; a client an admin marked as a resource server (`resource_server`) about any access token ' +
      'issued for the API audience (so an API that is not Gatehouse can honour revocation before expiry), never about refresh tokens of other clients. ' +
      'Unknown, expired or revoked tokens give exactly {"active": false}.',
  })
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiBody(TOKEN_BODY)
  @ApiOkResponse({
    type: IntrospectionResponse,
    description:
      'What the token is; exactly { "active": false } for a token that is not active, or not yours (unless you are a resource server and it is an access token)',
  })
  introspect(@Req() req: FastifyRequest): Promise<Record<string, unknown>> {
    return this.service.introspect(req);
  }

  @Get(['revoke', 'introspect'])
  @Public()
  @ApiExcludeEndpoint()
  get(): never {
    throw methodNotAllowed('POST');
  }
}
