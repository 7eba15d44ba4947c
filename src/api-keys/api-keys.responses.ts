import { ApiProperty } from '@nestjs/swagger';
import { ProvenanceResponse } from '../clients/clients.responses.js';
import { PageOf } from '../platform/http/page.response.js';
import { API_KEY_ENVIRONMENTS } from './api-key-format.js';
import { KEY_SCOPES } from './api-key.dto.js';

/** An API key as the API shows it (`ApiKeyView`): never the secret; `start` and `last4` tell keys apart. */
export class ApiKeyResponse extends ProvenanceResponse {
  @ApiProperty({ type: String, format: 'uuid' })
  id: string;

  @ApiProperty({ type: String, example: 'reporting job' })
  name: string;

  @ApiProperty({ type: String, example: 'gth_live_AbC123xYz789', description: 'The kind prefix and the public id part, never the secret' })
  start: string;

  @ApiProperty({ type: String, example: 'x9Qz', description: 'The last four characters of the key' })
  last4: string;

  @ApiProperty({ enum: API_KEY_ENVIRONMENTS })
  environment: string;

  @ApiProperty({ enum: KEY_SCOPES, isArray: true, example: ['data:read'] })
  scopes: string[];

  @ApiProperty({ type: String, nullable: true, description: 'The OAuth client the key is for (its client_id), if any' })
  client_id: string | null;

  @ApiProperty({ type: String, format: 'uuid' })
  owner_id: string;

  @ApiProperty({ enum: ['active', 'expired', 'revoked'] })
  status: 'active' | 'expired' | 'revoked';

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'null: no expiry' })
  expires_at: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  revoked_at: string | null;

  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'The key this one replaced by rotation' })
  rotated_from: string | null;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'When it was rotated: it works until expires_at (its grace period), and the key whose rotated_from is its id replaces it',
  })
  rotated_at: string | null;

  @ApiProperty({ type: String, format: 'date-time' })
  created_at: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'Updated every few seconds, not on every request' })
  last_used_at: string | null;
}

/** `POST /v1/api-keys`: the key itself is in this response only, never again. */
export class CreatedApiKeyResponse extends ApiKeyResponse {
  @ApiProperty({ type: String, example: 'gth_live_AbC123xYz789...', description: 'The key: shown this once, never again' })
  key: string;
}

/** `POST /v1/api-keys/{id}/rotate`: the new key; the old one works until previous_key_expires_at. */
export class RotatedApiKeyResponse extends CreatedApiKeyResponse {
  @ApiProperty({ type: String, format: 'date-time' })
  previous_key_expires_at: string;
}

/** `GET /v1/api-keys` and `GET /v1/admin/api-keys`. */
export const ApiKeyPage = PageOf(ApiKeyResponse);
