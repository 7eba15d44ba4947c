import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ALL_SCOPES } from '../auth/scopes.js';
import { PageOf } from '../platform/http/page.response.js';
import { APPLICATION_TYPES, GRANT_TYPES, TOKEN_SIGNING_ALGS } from './client.entity.js';

/** The app (an OAuth client) that made a client or an API key through a token. */
export class CreatedByResponse {
  @ApiProperty({ type: String, example: 'gth_4QmX2c9Zb1LkP0aR7tYw3e' })
  client_id: string;

  @ApiProperty({ type: String, example: 'Reporting service' })
  name: string;
}

/** Where a client or an API key came from (`Provenance` in lineage.ts). */
export class ProvenanceResponse {
  @ApiProperty({
    type: String,
    // OpenAPI 3.0.3: nullable does not widen an enum, so null is listed as a value.
    enum: ['session', 'cli', 'grant', 'client', null] as unknown as string[],
    nullable: true,
    description:
      'session: by its owner in the portal; cli: by the operator; grant: by an app with a user token (parent_grant_id); client: by a client acting for its owner. null: made before lineage was recorded',
  })
  created_via: 'session' | 'cli' | 'grant' | 'client' | null;

  @ApiProperty({ type: CreatedByResponse, nullable: true, description: 'The app that made it through a token; null when its owner or the operator made it' })
  created_by: CreatedByResponse | null;

  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'The consent (grant) of the user token it was made with: withdrawing it stops this',
  })
  parent_grant_id: string | null;
}

/** An OAuth client as the management API shows it (`ClientView`): never a secret. */
export class ClientResponse extends ProvenanceResponse {
  @ApiProperty({ type: String, example: 'gth_4QmX2c9Zb1LkP0aR7tYw3e' })
  client_id: string;

  @ApiProperty({ type: String, example: 'Reporting service' })
  name: string;

  @ApiProperty({ enum: ['confidential', 'public'] })
  type: 'confidential' | 'public';

  @ApiProperty({ enum: APPLICATION_TYPES })
  application_type: string;

  @ApiProperty({ enum: GRANT_TYPES, isArray: true, example: ['client_credentials'] })
  grant_types: string[];

  @ApiProperty({ enum: ALL_SCOPES, isArray: true, example: ['users:read', 'data:read'] })
  scopes: string[];

  @ApiProperty({ type: [String], example: ['https://app.example.com/callback'] })
  redirect_uris: string[];

  @ApiProperty({ type: [String], example: ['https://app.example.com/signed-out'], description: 'Where RP-Initiated Logout may send the browser back' })
  post_logout_redirect_uris: string[];

  @ApiProperty({
    type: String,
    nullable: true,
    example: 'https://app.example.com',
    description: "The application's home page, linked on the sign-in and consent pages; null when not set",
  })
  homepage_url: string | null;

  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'null: made by the operator, owned by no user' })
  owner_id: string | null;

  @ApiProperty({ enum: ['active', 'disabled'] })
  status: string;

  @ApiProperty({ type: Boolean, description: "Set by admins: the client's own tokens may list the whole user directory" })
  directory_access: boolean;

  @ApiProperty({ type: Boolean, description: 'Set by admins: a resource server, which may introspect any access token issued for the API audience' })
  resource_server: boolean;
  @ApiProperty({ enum: TOKEN_SIGNING_ALGS, description: "The algorithm that signs the client's access tokens (the kid in their header names the key)" })
  access_token_signed_response_alg: string;

  @ApiProperty({ enum: TOKEN_SIGNING_ALGS, description: "The algorithm that signs the client's ID tokens (OpenID Connect)" })
  id_token_signed_response_alg: string;

  @ApiProperty({ type: String, format: 'date-time' })
  created_at: string;

  @ApiProperty({ type: String, format: 'date-time' })
  updated_at: string;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'When it last obtained a token (written within about a minute, not on every request)',
  })
  last_used_at: string | null;
}

/** `POST /v1/clients`: the client, with its secret when it is confidential (shown this once). */
export class CreatedClientResponse extends ClientResponse {
  @ApiPropertyOptional({ type: String, description: 'Confidential clients only: shown in this response, never again' })
  client_secret?: string;
}

/** `POST /v1/clients/{clientId}/secret/rotate`. */
export class RotatedSecretResponse {
  @ApiProperty({ type: String, example: 'gth_4QmX2c9Zb1LkP0aR7tYw3e' })
  client_id: string;

  @ApiProperty({ type: String, description: 'The new secret: shown in this response, never again' })
  client_secret: string;

  @ApiProperty({ type: String, format: 'date-time', description: 'Until when the previous secret still works (now, for a grace period of 0)' })
  previous_secret_expires_at: string;
}

/** `GET /v1/clients` and `GET /v1/admin/clients`. */
export const ClientPage = PageOf(ClientResponse);
