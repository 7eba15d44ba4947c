import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/auth.decorator.js';
import { ALL_SCOPES } from '../auth/scopes.js';
import type { AppConfig } from '../platform/config/config.js';
import { InjectConfig } from '../platform/config/config.module.js';
import { PublicCors } from '../platform/http/cors.js';
import { SigningKeysService } from './signing-keys.service.js';
import { TokenService } from './token.service.js';
import { AuthorizationServerMetadata, JsonWebKeySet, OpenIdProviderMetadata } from './discovery.responses.js';
import { ID_TOKEN_CLAIMS, ID_TOKEN_SIGNING_ALGS, USER_CLAIMS } from './id-token.service.js';

/**
 * RFC 8414 server metadata, OpenID Connect Discovery's provider metadata and the RFC 7517 key set:
 * what is really supported, nothing more.
 */
@ApiTags('OAuth 2.0')
@Controller()
export class DiscoveryController {
  constructor(
    @InjectConfig() private readonly config: AppConfig,
    private readonly keys: SigningKeysService,
    private readonly tokens: TokenService,
  ) {}

  @Get('.well-known/oauth-authorization-server')
  @Public()
  @PublicCors()
  @Header('Cache-Control', 'public, max-age=300')
  @ApiOperation({ summary: 'Authorization server metadata (RFC 8414)' })
  @ApiOkResponse({ type: AuthorizationServerMetadata })
  metadata(): Record<string, unknown> {
    return this.document();
  }

  @Get('.well-known/openid-configuration')
  @Public()
  @PublicCors()
  @Header('Cache-Control', 'public, max-age=300')
  @ApiOperation({
    summary: 'OpenID Provider metadata (OpenID Connect Discovery 1.0)',
    description: 'The RFC 8414 metadata plus the OpenID Provider fields: UserInfo, end-session, subject types, ID token algorithms, claims.',
  })
  @ApiOkResponse({ type: OpenIdProviderMetadata })
  openidConfiguration(): Record<string, unknown> {
    return this.openIdDocument();
  }

  @Get('.well-known/jwks.json')
  @Public()
  @PublicCors()
  @Header('Cache-Control', 'public, max-age=60')
  @ApiOperation({ summary: 'Public keys that verify access tokens (RFC 7517): current, next and previous' })
  @ApiOkResponse({ type: JsonWebKeySet })
  jwks(): { keys: Record<string, string>[] } {
    return { keys: this.keys.published().map((k) => k.publicJwk) };
  }

  private document(): Record<string, unknown> {
    const base = this.config.publicUrl;
    const grants = this.tokens.supportedGrantTypes();
    const codeFlow = grants.includes('authorization_code');
    return {
      issuer: this.config.issuer,
      token_endpoint: `${base}/oauth2/token`,
      revocation_endpoint: `${base}/oauth2/revoke`,
      revocation_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
      introspection_endpoint: `${base}/oauth2/introspect`,
      introspection_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      jwks_uri: `${base}/.well-known/jwks.json`,
      ...(codeFlow
        ? {
            authorization_endpoint: `${base}/oauth2/authorize`,
            response_types_supported: ['code'],
            response_modes_supported: ['query'],
            code_challenge_methods_supported: ['S256'],
            authorization_response_iss_parameter_supported: true,
          }
        : { response_types_supported: [] }),
      grant_types_supported: grants,
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', ...(codeFlow ? ['none'] : [])],
      scopes_supported: ALL_SCOPES,
      access_token_signing_alg_values_supported: ['ES256', 'RS256'],
      service_documentation: `${base}/docs`,
    };
  }

  /**
   * OpenID Connect Discovery 1.0, 3: every REQUIRED field, and the optional ones whose defaults would
   * say something untrue (request_uri_parameter_supported defaults to true).
   */
  private openIdDocument(): Record<string, unknown> {
    const base = this.config.publicUrl;
    return {
      ...this.document(),
      userinfo_endpoint: `${base}/oauth2/userinfo`,
      end_session_endpoint: `${base}/oauth2/logout`,
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ID_TOKEN_SIGNING_ALGS,
      claims_supported: [...new Set([...USER_CLAIMS, ...ID_TOKEN_CLAIMS])],
      claim_types_supported: ['normal'],
      claims_parameter_supported: false,
      request_parameter_supported: false,
      request_uri_parameter_supported: false,
    };
  }
}
