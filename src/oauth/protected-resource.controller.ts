import { Controller, Get, Header } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/auth.decorator.js';
import { PublicCors } from '../platform/http/cors.js';
import { ProtectedResourceMetadata } from './protected-resource.responses.js';
import { ProtectedResourceService, type ProtectedResourceDocument } from './protected-resource.service.js';

const ABOUT =
  'What a client needs to call the `/v1` API (RFC 9728): its identifier (the `aud` of its access tokens), the authorization server, the scopes, ' +
  'how to send the token. The `WWW-Authenticate: Bearer` challenges of the API name this document in `resource_metadata`. Any origin may read it (CORS `*`).';

@ApiTags('OAuth 2.0')
@Controller('.well-known/oauth-protected-resource')
export class ProtectedResourceController {
  constructor(private readonly resource: ProtectedResourceService) {}

  @Get()
  @Public()
  @PublicCors()
  @Header('Cache-Control', 'public, max-age=300')
  @ApiOperation({ summary: 'Protected resource metadata of the /v1 API (RFC 9728)', description: ABOUT })
  @ApiOkResponse({ type: ProtectedResourceMetadata })
  metadata(): ProtectedResourceDocument {
    return this.resource.document();
  }

  @Get('v1')
  @Public()
  @PublicCors()
  @Header('Cache-Control', 'public, max-age=300')
  @ApiOperation({
    summary: 'The same metadata, where RFC 9728 3.1 puts it for the resource $PUBLIC_URL/v1',
    description: `${ABOUT} Served when API_AUDIENCE is the default \`$PUBLIC_URL/v1\`; with another audience, 404 (use the document above).`,
  })
  @ApiOkResponse({ type: ProtectedResourceMetadata })
  @ApiNotFoundResponse({ description: 'API_AUDIENCE is not $PUBLIC_URL/v1: the metadata is only at /.well-known/oauth-protected-resource' })
  metadataForApiPath(): ProtectedResourceDocument {
    return this.resource.documentForApiPath();
  }
}
