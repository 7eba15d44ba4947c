import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/**
 * `POST /oauth2/revoke` answers 200 with `{}` (RFC 7009 2.2: the body is not specified; Gatehouse
 * sends an empty JSON object): a schema that admits exactly that.
 */
export const REVOCATION_RESPONSE_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  maxProperties: 0,
  description: 'Always an empty object, for a revoked token and for an unknown one alike',
  example: {},
} as const;

/** RFC 7662 2.2. An inactive token (unknown, expired, revoked, another client's) is exactly `{"active": false}`. */
export class IntrospectionResponse {
  @ApiProperty({ type: Boolean, description: 'false: nothing else is said about the token' })
  active: boolean;

  @ApiPropertyOptional({ enum: ['Bearer', 'refresh_token'], description: 'Bearer for an access token, refresh_token for a refresh token' })
  token_type?: string;

  @ApiPropertyOptional({ type: String, example: 'users:read data:read', description: 'Space-separated' })
  scope?: string;

  @ApiPropertyOptional({ type: String, example: 'gth_4QmX2c9Zb1LkP0aR7tYw3e' })
  client_id?: string;

  @ApiPropertyOptional({ type: String, description: 'The user (code flow) or the client (client credentials) the token is for' })
  sub?: string;

  @ApiPropertyOptional({ type: 'integer', description: 'Expiry, seconds since the epoch' })
  exp?: number;

  @ApiPropertyOptional({ type: 'integer', description: 'Issue time, seconds since the epoch' })
  iat?: number;

  @ApiPropertyOptional({ type: String, format: 'uri', description: 'Access tokens only' })
  iss?: string;

  @ApiPropertyOptional({
    oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
    description: 'Access tokens only: the audience',
  })
  aud?: string | string[];

  @ApiPropertyOptional({ type: String, description: 'Access tokens only: the token id' })
  jti?: string;
}
