import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUUID, Length, Max, MaxLength, Min } from 'class-validator';
import { PageQuery } from '../platform/http/pagination.js';
import { ALL_SCOPES } from '../auth/scopes.js';
import {
  APPLICATION_TYPES,
  GRANT_TYPES,
  TOKEN_SIGNING_ALGS,
  type ApplicationType,
  type Client,
  type ClientType,
  type GrantType,
  type TokenSigningAlg,
} from './client.entity.js';
import { provenanceOf, type Provenance } from './lineage.js';

/**
 * The words of each field's DTO errors, for the JSON API's `errors[].message` and the portal's
 * messages next to each field alike (the field names and the problem format are unchanged).
 */
export const CLIENT_FIELD_WORDS = {
  name: 'Give the application a name (1 to 200 characters)',
  type: 'Choose the type: confidential (a server that keeps a secret) or public (a browser or mobile app)',
  application_type: 'The application type is web or native',
  grant_types: `Choose 1 to 3 grant types from ${GRANT_TYPES.join(', ')}`,
  scopes: 'Choose at most 20 scopes, each a scope name',
  redirect_uris: 'Give at most 20 redirect URIs, one per line, each at most 2000 characters',
  homepage_url: 'Give the home page as one https address (http only on localhost or 127.0.0.1), at most 2000 characters; or leave it empty',
  post_logout_redirect_uris: 'Give at most 20 post-logout redirect URIs, one per line, each at most 2000 characters',
  alg: `Choose ${TOKEN_SIGNING_ALGS.join(' or ')}`,
  grace_period_seconds: 'Choose how long the old secret keeps working: a whole number of seconds from 0 to 2592000 (30 days)',
} as const;
const say = (field: keyof typeof CLIENT_FIELD_WORDS) => ({ message: CLIENT_FIELD_WORDS[field] });
const sayEach = (field: keyof typeof CLIENT_FIELD_WORDS) => ({ each: true, message: CLIENT_FIELD_WORDS[field] });

/** POST /v1/clients. Unknown fields (client_id, owner, ...) are refused by the global ValidationPipe. */
export class CreateClientDto {
  @ApiProperty({ example: 'Reporting service', maxLength: 200 })
  @IsString(say('name'))
  @Length(1, 200, say('name'))
  name: string;

  @ApiPropertyOptional({ enum: ['confidential', 'public'], default: 'confidential' })
  @IsOptional()
  @IsIn(['confidential', 'public'], say('type'))
  type?: ClientType;

  @ApiPropertyOptional({
    enum: APPLICATION_TYPES,
    default: 'web',
    description:
      "As in OpenID Connect registration. native (public clients only): an app on the user's device, whose loopback redirect URIs " +
      '(http://127.0.0.1, http://[::1]) match on any port (RFC 8252 7.3). Every other redirect URI, and every one of a web client, matches exactly',
  })
  @IsOptional()
  @IsIn(APPLICATION_TYPES, say('application_type'))
  application_type?: ApplicationType;

  @ApiPropertyOptional({
    enum: GRANT_TYPES,
    isArray: true,
    description: 'Default: client_credentials (confidential), authorization_code refresh_token (public)',
  })
  @IsOptional()
  @IsArray(say('grant_types'))
  @ArrayMaxSize(3, say('grant_types'))
  @IsString(sayEach('grant_types'))
  grant_types?: GrantType[];

  @ApiPropertyOptional({ enum: ALL_SCOPES, isArray: true, description: 'Least privilege: ask only for what the client needs' })
  @IsOptional()
  @IsArray(say('scopes'))
  @ArrayMaxSize(20, say('scopes'))
  @IsString(sayEach('scopes'))
  scopes?: string[];

  @ApiPropertyOptional({
    type: [String],
    example: ['https://app.example.com/callback'],
    description: 'https only (http on loopback), exact match, no fragment, no wildcard',
  })
  @IsOptional()
  @IsArray(say('redirect_uris'))
  @ArrayMaxSize(20, say('redirect_uris'))
  @IsString(sayEach('redirect_uris'))
  @MaxLength(2000, sayEach('redirect_uris'))
  redirect_uris?: string[];

  @ApiPropertyOptional({
    enum: TOKEN_SIGNING_ALGS,
    default: 'ES256',
    description:
      "The algorithm that signs this client's access tokens: ES256 (ECDSA on P-256) or RS256 (RSASSA-PKCS1-v1_5 with SHA-256). " +
      'Choose RS256 when the API that verifies them only accepts RS256 (RFC 9068 2.1 makes it the one every authorization server offers). ' +
      'The JWKS publishes the keys of both; tokens issued before a change keep verifying',
  })
  @IsOptional()
  @IsIn(TOKEN_SIGNING_ALGS, say('alg'))
  access_token_signed_response_alg?: TokenSigningAlg;

  @ApiPropertyOptional({
    enum: TOKEN_SIGNING_ALGS,
    default: 'ES256',
    description: "As in OpenID Connect Dynamic Client Registration: the algorithm that signs this client's ID tokens, ES256 or RS256",
  })
  @IsOptional()
  @IsIn(TOKEN_SIGNING_ALGS, say('alg'))
  id_token_signed_response_alg?: TokenSigningAlg;

  @ApiPropertyOptional({
    type: [String],
    example: ['https://app.example.com/signed-out'],
    description:
      'OpenID Connect RP-Initiated Logout: where GET/POST /oauth2/logout may send the browser back (post_logout_redirect_uri). Same rules as redirect_uris: https only (http on loopback), exact match, no fragment, no wildcard',
  })
  @IsOptional()
  @IsArray(say('post_logout_redirect_uris'))
  @ArrayMaxSize(20, say('post_logout_redirect_uris'))
  @IsString(sayEach('post_logout_redirect_uris'))
  @MaxLength(2000, sayEach('post_logout_redirect_uris'))
  post_logout_redirect_uris?: string[];

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: 'https://app.example.com',
    description:
      "The application's home page, linked on the sign-in and consent pages. https only (http on localhost, 127.0.0.1 or [::1]), no user name or password, at most 2000 characters; null (or an empty string) removes it",
  })
  @IsOptional()
  @IsString(say('homepage_url'))
  @MaxLength(2000, say('homepage_url'))
  homepage_url?: string | null;
}

/** PATCH /v1/clients/{client_id}: the same fields and rules, all optional; the type cannot change. */
export class UpdateClientDto extends PartialType(OmitType(CreateClientDto, ['type'] as const)) {}

export class RotateSecretDto {
  @ApiPropertyOptional({ default: 86400, minimum: 0, maximum: 2592000, description: 'How long the previous secret keeps working (0 = stops now)' })
  @IsOptional()
  @IsInt(say('grace_period_seconds'))
  @Min(0, say('grace_period_seconds'))
  @Max(2592000, say('grace_period_seconds'))
  grace_period_seconds?: number;
}

/** GET /v1/admin/clients: every filter optional, all of them applied together. */
export class AdminClientQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Part of the name or of the client_id' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;

  @ApiPropertyOptional({ description: "Only this user's clients" })
  @IsOptional()
  @IsUUID()
  @Type(() => String)
  owner_id?: string;

  @ApiPropertyOptional({ enum: ['active', 'disabled'] })
  @IsOptional()
  @IsIn(['active', 'disabled'])
  status?: 'active' | 'disabled';
}

/**
 * PATCH /v1/admin/clients/{client_id}: disable a client (no new tokens, its access tokens refused at
 * once) or enable it again; allow its own tokens the whole user directory, or take that back; mark
 * it a resource server (it may introspect any access token of the API audience), or take that back.
 */
export class AdminClientUpdate {
  @ApiPropertyOptional({ enum: ['active', 'disabled'] })
  @IsOptional()
  @IsIn(['active', 'disabled'])
  status?: 'active' | 'disabled';

  @ApiPropertyOptional({
    description:
      "true: the client's own tokens (client credentials) with users:read list every user on GET /v1/users; false: only its owner's record. Admins only: POST and PATCH /v1/clients refuse this field.",
  })
  @IsOptional()
  @IsBoolean()
  directory_access?: boolean;

  @ApiPropertyOptional({
    description:
      'true: a resource server of the API audience (API_AUDIENCE): at POST /oauth2/introspect the client may introspect any access token issued for it, not only its own (confidential clients only: a public client is 400). Admins only.',
  })
  @IsOptional()
  @IsBoolean()
  resource_server?: boolean;
}

export interface ClientView extends Provenance {
  client_id: string;
  name: string;
  type: ClientType;
  application_type: ApplicationType;
  grant_types: GrantType[];
  scopes: string[];
  redirect_uris: string[];
  post_logout_redirect_uris: string[];
  homepage_url: string | null;
  owner_id: string | null;
  status: string;
  /** Set by admins: the client's own tokens may list the whole user directory. */
  directory_access: boolean;
  /** Set by admins: the client may introspect any access token of the API audience. */
  resource_server: boolean;
  access_token_signed_response_alg: TokenSigningAlg;
  id_token_signed_response_alg: TokenSigningAlg;
  created_at: string;
  updated_at: string;
  /** When it last obtained a token (ClientUsageService: written within about a minute). */
  last_used_at: string | null;
}

export function toClientView(c: Client): ClientView {
  return {
    client_id: c.clientId,
    name: c.name,
    type: c.type,
    application_type: c.applicationType,
    grant_types: c.grantTypes,
    scopes: c.scopes,
    redirect_uris: c.redirectUris,
    post_logout_redirect_uris: c.postLogoutRedirectUris,
    homepage_url: c.homepageUrl,
    owner_id: c.ownerId,
    status: c.status,
    directory_access: c.directoryAccess,
    resource_server: c.resourceServer,
    access_token_signed_response_alg: c.accessTokenSignedResponseAlg,
    id_token_signed_response_alg: c.idTokenSignedResponseAlg,
    created_at: c.createdAt.toISOString(),
    updated_at: c.updatedAt.toISOString(),
    last_used_at: c.lastUsedAt?.toISOString() ?? null,
    ...provenanceOf(c),
  };
}
