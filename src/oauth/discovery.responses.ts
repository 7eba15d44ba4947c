import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ALL_SCOPES } from '../auth/scopes.js';

const AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'none'];

/**
 * RFC 8414 authorization server metadata: what this server really supports. The code-flow fields
 * (authorization_endpoint, code_challenge_methods_supported, ...) are there only when the
 * authorization_code grant is on; response_types_supported is then `["code"]`, otherwise `[]`.
 */
export class AuthorizationServerMetadata {
  @ApiProperty({ type: String, format: 'uri', example: 'https://auth.example.com' })
  issuer: string;

  @ApiProperty({ type: String, format: 'uri' })
  token_endpoint: string;

  @ApiProperty({ type: String, format: 'uri' })
  revocation_endpoint: string;

  @ApiProperty({ enum: AUTH_METHODS, isArray: true })
  revocation_endpoint_auth_methods_supported: string[];

  @ApiProperty({ type: String, format: 'uri' })
  introspection_endpoint: string;

  @ApiProperty({ enum: AUTH_METHODS, isArray: true })
  introspection_endpoint_auth_methods_supported: string[];

  @ApiProperty({ type: String, format: 'uri' })
  jwks_uri: string;

  @ApiPropertyOptional({ type: String, format: 'uri', description: 'When the authorization_code grant is on' })
  authorization_endpoint?: string;

  @ApiProperty({ enum: ['code'], isArray: true, description: '["code"] with the authorization_code grant, [] without' })
  response_types_supported: string[];

  @ApiPropertyOptional({ enum: ['query'], isArray: true })
  response_modes_supported?: string[];

  @ApiPropertyOptional({ enum: ['S256'], isArray: true })
  code_challenge_methods_supported?: string[];

  @ApiPropertyOptional({ type: Boolean, description: 'RFC 9207: the redirect back carries iss' })
  authorization_response_iss_parameter_supported?: boolean;

  @ApiProperty({ enum: ['client_credentials', 'authorization_code', 'refresh_token'], isArray: true })
  grant_types_supported: string[];

  @ApiProperty({ enum: AUTH_METHODS, isArray: true })
  token_endpoint_auth_methods_supported: string[];

  @ApiProperty({ enum: ALL_SCOPES, isArray: true })
  scopes_supported: string[];

  @ApiProperty({ enum: ['ES256', 'RS256'], isArray: true })
  access_token_signing_alg_values_supported: string[];

  @ApiProperty({ type: String, format: 'uri', description: 'This API description (/docs)' })
  service_documentation: string;
}

/** OpenID Connect Discovery 1.0: the RFC 8414 fields and the OpenID Provider's own. */
export class OpenIdProviderMetadata extends AuthorizationServerMetadata {
  @ApiProperty({ type: String, format: 'uri', description: 'GET or POST with a Bearer access token holding openid' })
  userinfo_endpoint: string;

  @ApiProperty({ type: String, format: 'uri', description: 'RP-Initiated Logout 1.0 (GET or POST)' })
  end_session_endpoint: string;

  @ApiProperty({ enum: ['public'], isArray: true })
  subject_types_supported: string[];

  @ApiProperty({ type: [String], example: ['ES256'] })
  id_token_signing_alg_values_supported: string[];

  @ApiProperty({ type: [String], description: 'The claims of ID tokens and UserInfo' })
  claims_supported: string[];

  @ApiProperty({ enum: ['normal'], isArray: true })
  claim_types_supported: string[];

  @ApiProperty({ type: Boolean, enum: [false] })
  claims_parameter_supported: boolean;

  @ApiProperty({ type: Boolean, enum: [false] })
  request_parameter_supported: boolean;

  @ApiProperty({ type: Boolean, enum: [false] })
  request_uri_parameter_supported: boolean;
}

/** A public key (RFC 7517): EC P-256 for ES256, RSA (2048 bits) for RS256, as stored with its signing key. */
export class JsonWebKey {
  @ApiProperty({ enum: ['EC', 'RSA'] })
  kty: string;

  @ApiPropertyOptional({ enum: ['P-256'], description: 'EC keys only' })
  crv?: string;

  @ApiPropertyOptional({ type: String, description: 'EC keys only; base64url' })
  x?: string;

  @ApiPropertyOptional({ type: String, description: 'EC keys only; base64url' })
  y?: string;

  @ApiPropertyOptional({ type: String, description: 'RSA keys only: the modulus, base64url' })
  n?: string;

  @ApiPropertyOptional({ type: String, description: 'RSA keys only: the public exponent, base64url (AQAB)' })
  e?: string;

  @ApiProperty({ type: String, description: 'The kid in the header of the tokens it verifies' })
  kid: string;

  @ApiProperty({ enum: ['ES256', 'RS256'], description: 'The only algorithm this key verifies' })
  alg: string;

  @ApiProperty({ enum: ['sig'] })
  use: string;
}

/** RFC 7517 key set: for each algorithm, the current key, the next one (published before it signs) and the previous one. */
export class JsonWebKeySet {
  @ApiProperty({ type: [JsonWebKey] })
  keys: JsonWebKey[];
}
